"""What the committed results say (results/, written by ``python -m rnn_course.report --publish``): read only.

A leaf module: ``profile.setup()`` reads the measured time of `full` from here, and ``results.record()`` writes
new runs elsewhere (runs/), so neither imports the other's reader.
"""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS_DIR = ROOT / "results"  # committed
BACKEND_NAMES = {"tensorflow": "TensorFlow", "jax": "JAX", "torch": "torch"}


def measured_full_time(notebook: str, backend: str) -> str | None:
    """How long `full` ran on the 2-core CPU (results/full): this backend's run if recorded, else another's, named."""
    runs = _records(notebook, "full", backend)
    if not runs:
        return None
    run = json.loads(runs[0].read_text(encoding="utf-8"))
    minutes = run["seconds"] / 60
    cost = f"≈ {minutes / 60:.1f} ч".replace(".", ",") if minutes >= 90 else f"≈ {max(1, round(minutes))} мин"
    return cost if run["backend"] == backend else f"{cost} на {BACKEND_NAMES.get(run['backend'], run['backend'])}"


def published_metric(notebook: str, profile: str, metric: str, backend: str) -> float | None:
    """A metric recorded in results/<profile>: this backend's run if it has it, else another backend's, else None."""
    for path in _records(notebook, profile, backend):
        value = json.loads(path.read_text(encoding="utf-8"))["metrics"].get(metric)
        if value is not None:
            return float(value)
    return None


def _records(notebook: str, profile: str, backend: str) -> list[Path]:
    """The notebook's records in results/<profile>: this backend's first, then the others in name order."""
    return sorted((RESULTS_DIR / profile).glob(f"{notebook}.*.json"),
                  key=lambda path: (path.stem.split(".")[-1] != backend, path.name))
