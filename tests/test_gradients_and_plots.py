import importlib.util
import os
import subprocess
import sys

import matplotlib
import numpy as np
import pytest

from rnn_course.gradients import input_gradient
from rnn_course.plots import (
    draw_additive_attention,
    draw_captioner,
    draw_encoder_decoder,
    draw_gru_cell,
    draw_lstm_cell,
    draw_unrolled_rnn,
    show_text_activations,
)

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


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
        "import numpy as np, keras; from rnn_course.gradients import input_gradient;"
        "x = np.array([1.0, 2.0], dtype='float32');"
        "assert keras.backend.backend() == 'jax';"
        "np.testing.assert_allclose(input_gradient(lambda v: keras.ops.sum(v ** 3), x), 3 * x ** 2)"
    )
    subprocess.run([sys.executable, "-c", code], check=True, env={**os.environ, "KERAS_BACKEND": "jax"})


def test_unrolled_figure_labels_every_step():
    figure = draw_unrolled_rnn(steps=3)
    labels = [t.get_text() for t in figure.axes[0].texts]
    # the course's notation (01's formulas, 02): the folded cell and 3 copies share W_xh and W_hy, the loop and the
    # 2 links between copies carry W_hh
    assert labels.count("$W_{xh}$") == 4 and labels.count("$W_{hy}$") == 4 and labels.count("$W_{hh}$") == 3
    assert "$h_{t}$" in labels and "$x_{t+1}$" in labels and r"$\hat y_{t}$" in labels
    assert not {"U", "V", "W"} & set(labels) and not any("s_" in label for label in labels)


@pytest.mark.parametrize(("draw", "labels"), [
    (draw_lstm_cell, ["$f_t$", "$i_t$", "$o_t$", r"$\tilde c_t$", "$c_{t-1}$", "$h_t$"]),
    (draw_gru_cell, ["$z_t$", "$r_t$", r"$\tilde h_t$", "$1-z_t$"]),
    (draw_encoder_decoder, ["<start>", "<end>", "узкое место", "$x_{4}$"]),
    (draw_additive_attention, [r"$\alpha_{t,s}$", "softmax", r"$\bar h_{4}$", "$c_t$"]),
    (draw_captioner, ["CNN", "$a_{9}$", r"$\alpha_{t,i}$", "$c_t$", "$w_t$"]),
])
def test_architecture_diagram_renders_on_a_slide(draw, labels):
    figure = draw()
    figure.canvas.draw()
    width, height = figure.get_size_inches()
    assert width <= 11 and height <= 5.5  # fits a 1280×720 slide at 100 dpi
    ax = figure.axes[0]
    texts = " | ".join([t.get_text() for t in ax.texts] + [ax.get_title()])
    missing = [label for label in labels if label not in texts]
    assert not missing, missing
    renderer = figure.canvas.get_renderer()
    frame = figure.bbox.padded(1)
    outside = [t.get_text() for t in [*ax.texts, ax.title] if not frame.contains(*t.get_window_extent(renderer).p0)
               or not frame.contains(*t.get_window_extent(renderer).p1)]
    assert not outside, outside  # no text cut off at the figure's edge
    plt.close(figure)


def test_text_activations_draw_one_glyph_per_character():
    text = "ab\ncd"
    ax = show_text_activations(text, [-1.0, 0.0, 0.5, 1.0, 2.0], title="unit 7")
    glyphs = [t.get_text() for t in ax.texts]
    assert glyphs == ["a", "b", "↵", "c", "d"]
    assert ax.texts[3].get_position() == (0, -1)  # the line break started a new row
    assert ax.get_title(loc="left") == "unit 7"
    plt.close("all")


def test_text_activations_reject_a_wrong_number_of_values():
    with pytest.raises(ValueError, match="одно значение на символ"):
        show_text_activations("abc", [0.1, 0.2])
