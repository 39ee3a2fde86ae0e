"""Course profiles (quick / full), seeding, the run's clock and the one-line environment report."""

from __future__ import annotations

import logging
import os
import platform
import random
import time
from pathlib import Path
from typing import TypeVar

import numpy as np

from .published import measured_full_time
from .russian import plural

PROFILE_VARIABLE = "RNN_COURSE_PROFILE"
SEED_VARIABLE = "RNN_COURSE_SEED"  # another seed for the same notebook: scripts/robustness.py sets it
PROFILES = ("quick", "full")
DEFAULT_PROFILE = "quick"
NOTEBOOKS_DIR = Path(__file__).resolve().parents[1] / "notebooks"

T = TypeVar("T")
_run: dict = {}  # the notebook that called setup() and when: record() reads it


class ProfileError(ValueError):
    """Raised when RNN_COURSE_PROFILE holds an unknown profile name."""


def get_profile() -> str:
    """Return the active profile: the value of RNN_COURSE_PROFILE, 'quick' if unset."""
    name = os.environ.get(PROFILE_VARIABLE, DEFAULT_PROFILE).strip().lower() or DEFAULT_PROFILE
    if name not in PROFILES:
        raise ProfileError(
            f"Неизвестный профиль {name!r} в переменной {PROFILE_VARIABLE}. "
            f"Допустимые значения: {', '.join(PROFILES)}. "
            f"Например: export {PROFILE_VARIABLE}=quick (или удалите переменную — по умолчанию quick)."
        )
    return name


def pick(quick: T, full: T) -> T:
    """Choose a hyperparameter by profile: ``EPOCHS = pick(quick=2, full=10)``."""
    return quick if get_profile() == "quick" else full


def get_seed(default: int = 42) -> int:
    """The course's seed: RNN_COURSE_SEED if set (to check that a result is not one seed's luck), else default."""
    value = os.environ.get(SEED_VARIABLE, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"{SEED_VARIABLE}={value!r}: нужно целое число, например {SEED_VARIABLE}=7 "
                         "(или удалите переменную — тогда seed 42).") from None


def setup(notebook: str, seed: int = 42) -> str:
    """Start a notebook's run: check its name, seed Python/NumPy/Keras, start the clock, print one line.

    ``seed`` is replaced by RNN_COURSE_SEED where that is set. Returns the profile. ``record`` later writes
    the results under this notebook's name and time.
    """
    check_notebook_name(notebook)
    profile = get_profile()
    seed = get_seed(seed)
    import keras  # imported here so that `import rnn_course` stays light

    from .cudnn import check_masks_as_cudnn, check_requested

    random.seed(seed)
    np.random.seed(seed)
    keras.utils.set_random_seed(seed)
    cudnn_check = check_requested() and check_masks_as_cudnn()
    quiet_retracing_warnings()
    _run.update(notebook=notebook, start=time.perf_counter())
    device = accelerator()
    full_cost = measured_full_time(notebook, keras.backend.backend())
    cpu = f"GPU нет, CPU: {cores(os.cpu_count() or 1)} (full на 2 ядрах: {full_cost or 'не измерен'})"
    print(
        f"{notebook} · профиль {profile} · Keras {keras.__version__} (бэкенд {keras.backend.backend()}"
        f"{_backend_version()}) · NumPy {np.__version__} · Python {platform.python_version()} · seed {seed}"
        f" · {f'GPU: {device}' if device else cpu}"
        + (" · маски проверяются по правилу cuDNN" if cudnn_check else "")
    )
    wanted = os.environ.get("KERAS_BACKEND")
    if wanted and wanted != keras.backend.backend():
        print(f"⚠️ Запрошен бэкенд {wanted}, но Keras уже загружен с {keras.backend.backend()}: перезапустите ядро.")
    if profile == "full" and not device and full_cost is None:
        print("⚠️ Профиль full без GPU: время на CPU мы не измеряли, оно может быть очень долгим; "
              "для урока хватит quick.")
    return profile


def cores(count: int) -> str:
    """«1 ядро», «2 ядра», «5 ядер», «22 ядра»: a CPU core count in Russian."""
    return plural(count, "ядро", "ядра", "ядер")


class _NoRetracing(logging.Filter):
    """Drops TensorFlow's "triggered tf.function retracing" warning: predict on a new shape retraces by design,
    and the long warning would fill a student's output (and a slide) with advice they cannot act on."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "retracing" not in record.getMessage()


def quiet_retracing_warnings() -> None:
    """On TensorFlow, keep its logger's other warnings but not the retracing one (idempotent)."""
    import keras

    if keras.backend.backend() != "tensorflow":
        return
    import tensorflow as tf

    logger = tf.get_logger()
    if not any(isinstance(f, _NoRetracing) for f in logger.filters):
        logger.addFilter(_NoRetracing())


def check_notebook_name(notebook: str) -> None:
    """The name must be one of the course's notebooks and match the file that runs, where Jupyter tells it."""
    known = sorted(p.stem for p in NOTEBOOKS_DIR.glob("*.ipynb"))
    if known and notebook not in known:
        raise ValueError(f"Нет ноутбука {notebook!r}; в курсе есть: {', '.join(known)}.")
    running = running_notebook()
    others = [name for name in known if name != notebook and name in (running or "")]
    if others:  # the file is another course notebook (or its copy): a copy-pasted name; a renamed file is fine
        raise ValueError(
            f"rnn_course.setup({notebook!r}) вызван в ноутбуке {running!r}: укажите имя этого ноутбука, "
            "иначе его результаты запишутся под чужим именем."
        )


def running_notebook() -> str | None:
    """File name (without .ipynb) of the notebook whose kernel runs this, if Jupyter or VS Code says it."""
    candidates = [os.environ.get("JPY_SESSION_NAME")]  # set by jupyter_server for the kernel it starts
    try:
        from IPython import get_ipython

        shell = get_ipython()
        if shell is not None:
            candidates += [shell.user_ns.get("__session__"), shell.user_ns.get("__vsc_ipynb_file__")]
    except ImportError:
        pass
    for path in candidates:
        if isinstance(path, str) and path.endswith(".ipynb"):
            return Path(path).stem
    return None


def current_notebook() -> str | None:
    """The notebook named in the last setup() call, or None."""
    return _run.get("notebook")


def seconds_since_setup() -> float:
    """Seconds since setup() was called."""
    if "start" not in _run:
        raise RuntimeError("Сначала вызовите rnn_course.setup(\"<имя ноутбука>\") в начале ноутбука.")
    return time.perf_counter() - _run["start"]


def accelerator() -> str | None:
    """Name of the GPU the Keras backend sees, or None."""
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
    except Exception:  # a failed GPU query must not stop the lesson
        return None


def _backend_version() -> str:
    import importlib

    import keras

    module = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}.get(keras.backend.backend())
    if module is None:
        return ""
    return f" {importlib.import_module(module).__version__}"
