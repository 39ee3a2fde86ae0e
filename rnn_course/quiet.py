"""Keras and its backend loaded without TensorFlow's C++ start-up log on the student's screen.

TensorFlow's libraries write to the process's stderr (file descriptor 2) before its logging is set up, so
``TF_CPP_MIN_LOG_LEVEL`` cannot hide those lines (the oneDNN notice, "Could not find cuda drivers",
``cpu_feature_guard``): only the descriptor itself can be silenced while they load. What matters — the
accelerator seen — is in ``setup()``'s own line.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator


@contextlib.contextmanager
def stderr_silenced() -> Iterator[None]:
    """Send file descriptor 2 to a temporary file inside the block; if the block fails, show what it held."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as log:
        os.dup2(log.fileno(), 2)
        try:
            yield
        except BaseException:
            os.dup2(saved, 2)
            log.seek(0)
            sys.stderr.write(log.read().decode(errors="replace"))  # an import error keeps its explanation
            raise
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def load_backend() -> None:
    """Import Keras with its backend and let TensorFlow find its devices, with stderr silenced meanwhile."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "1")  # TensorFlow's later INFO lines (XLA) too; warnings stay
    with stderr_silenced():
        import keras

        if keras.backend.backend() == "tensorflow":
            import tensorflow as tf

            tf.config.list_physical_devices()  # device discovery logs the CUDA lines
