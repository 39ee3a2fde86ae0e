"""Record a notebook's key figures in results/<profile>/<notebook>.json."""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import platform
import re
from pathlib import Path

from .profile import get_profile

ROOT = Path(__file__).resolve().parents[1]
RESULTS_DIR = ROOT / "results"
METRIC_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def machine_info() -> str:
    """Short description of the machine: CPU count and the GPU name if Keras sees one."""
    cpu = f"{os.cpu_count()} CPU"
    gpu = _gpu_name()
    return f"{cpu}, {gpu}" if gpu else f"{cpu}, {platform.machine()}, no GPU"


def _gpu_name() -> str | None:
    try:
        import keras

        backend = keras.backend.backend()
        if backend == "jax":
            import jax

            gpus = [d for d in jax.devices() if d.platform == "gpu"]
            return gpus[0].device_kind if gpus else None
        if backend == "torch":
            import torch

            return torch.cuda.get_device_name(0) if torch.cuda.is_available() else None
        import tensorflow as tf

        gpus = tf.config.list_physical_devices("GPU")
        return tf.config.experimental.get_device_details(gpus[0]).get("device_name", "GPU") if gpus else None
    except Exception:  # the record must never fail because a GPU query did
        return None


def record(notebook: str, metrics: dict[str, float], seconds: float, results_dir: Path | None = None) -> Path:
    """Write the notebook's metrics for the active profile and return the file's path.

    Metric names must be snake_case and values finite numbers; the file holds
    notebook, profile, backend, metrics, seconds, machine and date.
    """
    import keras

    bad = [name for name in metrics if not METRIC_NAME.match(name)]
    if bad:
        raise ValueError(f"Имена метрик должны быть в snake_case: {bad}")
    values = {}
    for name, value in metrics.items():
        value = float(value)
        if not math.isfinite(value):
            raise ValueError(f"Метрика {name} = {value}: ожидалось конечное число")
        values[name] = float(f"{value:.6g}")  # 6 significant digits: tiny errors stay visible
    profile = get_profile()
    path = (results_dir or RESULTS_DIR) / profile / f"{notebook}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    entry = {
        "notebook": notebook,
        "profile": profile,
        "backend": keras.backend.backend(),
        "metrics": values,
        "seconds": round(float(seconds), 1),
        "machine": machine_info(),
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d"),
    }
    path.write_text(json.dumps(entry, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"Результаты записаны: {path.relative_to(path.parents[2])}")
    return path
