"""Course profiles (quick / full), seeding and the one-line environment report."""

from __future__ import annotations

import os
import platform
import random
from typing import TypeVar

import numpy as np

PROFILE_VARIABLE = "RNN_COURSE_PROFILE"
PROFILES = ("quick", "full")
DEFAULT_PROFILE = "quick"

T = TypeVar("T")


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


def setup(seed: int = 42) -> str:
    """Seed Python, NumPy and Keras, print profile and versions in one line, return the profile."""
    profile = get_profile()
    import keras  # imported here so that `import utils` stays light

    random.seed(seed)
    np.random.seed(seed)
    keras.utils.set_random_seed(seed)
    print(
        f"Профиль: {profile} · Keras {keras.__version__} (бэкенд {keras.backend.backend()}"
        f"{_backend_version()}) · NumPy {np.__version__} · Python {platform.python_version()} · seed {seed}"
    )
    return profile


def _backend_version() -> str:
    import importlib

    import keras

    module = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}.get(keras.backend.backend())
    if module is None:
        return ""
    return f" {importlib.import_module(module).__version__}"
