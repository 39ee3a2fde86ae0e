"""Record a notebook's key figures: runs/<profile>/<notebook>.<backend>.json, outside git.

A student's run never changes a tracked file. The committed results/ folder and its page (results/README.md) are
written only by the maintainer command ``python -m rnn_course.report --publish`` (CI runs it too).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import platform
import re
from pathlib import Path

from .profile import accelerator, current_notebook, get_profile, seconds_since_setup
from .published import ROOT

RUNS_DIR = ROOT / "runs"  # git-ignored: every run of a notebook writes here
METRIC_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def machine_info() -> str:
    """Short description of the machine: CPU count and the GPU name if Keras sees one."""
    cpu = f"{os.cpu_count()} CPU"
    gpu = accelerator()
    return f"{cpu}, {gpu}" if gpu else f"{cpu}, {platform.machine()}, no GPU"


def result_name(notebook: str, backend: str) -> str:
    """File name of one notebook's results on one backend."""
    return f"{notebook}.{backend}.json"


def record(metrics: dict[str, float], *, runs_dir: Path | None = None) -> Path:
    """Write the metrics of the notebook started by ``setup()`` with the time since then; return the path.

    Metric names must be snake_case and values finite numbers or lists of them; the file holds notebook, profile,
    backend, metrics, seconds, machine and date.
    """
    import keras

    notebook = current_notebook()
    if notebook is None:
        raise RuntimeError("Сначала вызовите rnn_course.setup(\"<имя ноутбука>\") в начале ноутбука.")
    bad = [name for name in metrics if not METRIC_NAME.match(name)]
    if bad:
        raise ValueError(f"Имена метрик должны быть в snake_case: {bad}")
    values = {name: _rounded(name, value) for name, value in metrics.items()}
    profile, backend = get_profile(), keras.backend.backend()
    path = (runs_dir or RUNS_DIR) / profile / result_name(notebook, backend)
    path.parent.mkdir(parents=True, exist_ok=True)
    entry = {
        "notebook": notebook,
        "profile": profile,
        "backend": backend,
        "metrics": values,
        "seconds": round(seconds_since_setup(), 1),
        "machine": machine_info(),
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d"),
    }
    path.write_text(json.dumps(entry, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"Результаты записаны в {path} (эта папка не попадает в git)")
    return path


def _rounded(name: str, value) -> float | list[float]:
    """A finite number (or a list of them, e.g. an error per horizon) to 6 significant digits."""
    if isinstance(value, (list, tuple)) or getattr(value, "ndim", 0) == 1:
        return [_rounded(name, item) for item in value]
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"Метрика {name} = {value}: ожидалось конечное число")
    return float(f"{value:.6g}")  # 6 significant digits: tiny errors stay visible
