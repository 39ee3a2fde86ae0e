import importlib.util
import os
import subprocess
import sys

import matplotlib
import numpy as np
import pytest

from utils.gradients import input_gradient
from utils.plots import draw_unrolled_rnn

matplotlib.use("Agg")


def test_input_gradient_of_a_square():
    import keras

    x = np.array([[1.0, -2.0, 3.0]], dtype="float32")
    np.testing.assert_allclose(input_gradient(lambda v: keras.ops.sum(v**2), x), 2 * x)


def test_input_gradient_through_a_layer():
    import keras

    dense = keras.layers.Dense(2)
    x = np.ones((4, 3), dtype="float32")
    grad = input_gradient(lambda v: keras.ops.sum(dense(v)), x)
    kernel = keras.ops.convert_to_numpy(dense.kernel)
    np.testing.assert_allclose(grad, np.tile(kernel.sum(axis=1), (4, 1)), rtol=1e-6)


@pytest.mark.skipif(importlib.util.find_spec("jax") is None, reason="JAX is not installed")
def test_input_gradient_on_jax_backend():
    code = (
        "import numpy as np, keras; from utils.gradients import input_gradient;"
        "x = np.array([1.0, 2.0], dtype='float32');"
        "assert keras.backend.backend() == 'jax';"
        "np.testing.assert_allclose(input_gradient(lambda v: keras.ops.sum(v ** 3), x), 3 * x ** 2)"
    )
    subprocess.run([sys.executable, "-c", code], check=True, env={**os.environ, "KERAS_BACKEND": "jax"})


def test_unrolled_figure_labels_every_step():
    figure = draw_unrolled_rnn(steps=3)
    labels = [t.get_text() for t in figure.axes[0].texts]
    assert labels.count("U") == 4 and labels.count("V") == 4  # folded cell + 3 copies share U and V
    assert "$s_{t}$" in labels and "$x_{t+1}$" in labels
