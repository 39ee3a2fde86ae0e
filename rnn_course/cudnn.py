"""cuDNN's rule for masks, checkable on a CPU.

On a GPU, Keras's TensorFlow backend runs LSTM and GRU through cuDNN. cuDNN accepts a mask only if
every sequence is right-padded (ones, then zeros) and none is fully masked; Keras checks this with
`_assert_valid_mask` inside `fit`/`predict`, so a wrong padding fails only on a GPU. This module lets
the course catch that on a CPU: a NumPy check for data, and a switch that makes every LSTM/GRU layer
that cuDNN would run apply Keras's own check (CI sets RNN_COURSE_CHECK_CUDNN_MASKS=1).
"""

from __future__ import annotations

import functools
import importlib
import inspect
import os

import numpy as np

CHECK_VARIABLE = "RNN_COURSE_CHECK_CUDNN_MASKS"


def cudnn_mask_ok(mask) -> bool:
    """True if a (batch, time) mask is what cuDNN accepts: each row 1…1 0…0 with at least one 1."""
    mask = np.asarray(mask, dtype=bool)
    if mask.ndim != 2:
        raise ValueError(f"Маска должна иметь форму (батч, время), а у неё форма {mask.shape}.")
    right_padded = np.all(mask[:, :-1] >= mask[:, 1:])  # never a 0 followed by a 1
    return bool(right_padded and np.all(mask[:, 0]))


def check_masks_as_cudnn() -> bool:
    """Make LSTM/GRU layers that cuDNN would run check their mask as cuDNN does, on any device.

    Works on the TensorFlow backend (the one that uses cuDNN); returns whether the check is active.
    """
    import keras

    if keras.backend.backend() != "tensorflow":
        return False
    from keras.src import backend

    rnn = importlib.import_module("keras.src.backend.tensorflow.rnn")  # the package exports a function `rnn`
    try:  # Keras's private helpers: another Keras version may lack them, and then there is no check
        checks = [("lstm", rnn._do_lstm_arguments_support_cudnn), ("gru", rnn._do_gru_arguments_support_cudnn)]
        assert_valid_mask = rnn._assert_valid_mask
    except AttributeError:
        return False
    for name, supports_cudnn in checks:
        original = getattr(backend, name)
        if not getattr(original, "checks_cudnn_mask", False):
            setattr(backend, name, _with_mask_check(original, supports_cudnn, assert_valid_mask))
    return True


def _with_mask_check(original, supports_cudnn, assert_valid_mask):
    signature = inspect.signature(original)
    wanted = set(inspect.signature(supports_cudnn).parameters) - {"use_bias"}

    @functools.wraps(original)
    def checked(*args, **kwargs):
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        arguments = bound.arguments
        options = {key: arguments[key] for key in wanted}
        if arguments["mask"] is not None and supports_cudnn(use_bias=arguments["bias"] is not None, **options):
            assert_valid_mask(arguments["mask"])  # the very check Keras runs before cuDNN
        return original(*args, **kwargs)

    checked.checks_cudnn_mask = True
    return checked


def check_requested() -> bool:
    """Whether RNN_COURSE_CHECK_CUDNN_MASKS asks for the check (as CI does)."""
    return os.environ.get(CHECK_VARIABLE, "").strip() not in ("", "0")
