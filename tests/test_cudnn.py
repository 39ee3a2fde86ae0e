"""cuDNN's mask rule, checked on a CPU (rnn_course.cudnn)."""

import os

import keras
import numpy as np
import pytest
from keras import layers

from rnn_course import cudnn_mask_ok
from rnn_course.cudnn import CHECK_VARIABLE, check_masks_as_cudnn

RIGHT = np.array([[5, 6, 7, 0], [8, 9, 0, 0]])
LEFT = RIGHT[:, ::-1].copy()
EMPTY = np.array([[5, 6, 0, 0], [0, 0, 0, 0]])


@pytest.mark.parametrize("ids, ok", [(RIGHT, True), (LEFT, False), (EMPTY, False), (np.array([[1, 0, 2]]), False)])
def test_cudnn_mask_ok(ids, ok):
    assert cudnn_mask_ok(ids != 0) is ok


def test_cudnn_mask_ok_wants_batch_by_time():
    with pytest.raises(ValueError, match="форму"):
        cudnn_mask_ok(np.ones(3))


def test_a_notebook_kernel_started_by_the_tests_applies_the_check(tmp_path):
    """What nbval does for every notebook: a kernel that inherits conftest.py's environment."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    assert os.environ[CHECK_VARIABLE] == "1"
    cells = [
        'import rnn_course\nrnn_course.setup("03_imdb_lstm")',
        "import keras, numpy as np\nfrom keras import layers\n"
        "X = keras.utils.pad_sequences([[5, 6, 7], [8, 9]], maxlen=5)  # padding='pre': zeros on the left\n"
        "m = keras.Sequential([keras.Input((None,), dtype='int32'), layers.Embedding(10, 4, mask_zero=True),\n"
        "                      layers.LSTM(3), layers.Dense(1)])\n"
        "m.compile(optimizer='adam', loss='mse')\nm.fit(X, np.zeros(2), verbose=0)",
    ]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    client = NotebookClient(notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": tmp_path}})
    if keras.backend.backend() != "tensorflow":
        client.execute()  # only TensorFlow sends LSTM to cuDNN: nothing to check
        return
    with pytest.raises(CellExecutionError, match="right-padded sequences, while using cuDNN"):
        client.execute()
    assert "маски проверяются по правилу cuDNN" in notebook.cells[0].outputs[0]["text"]


@pytest.fixture
def checked(monkeypatch):
    if keras.backend.backend() != "tensorflow":
        pytest.skip("cuDNN is used by the TensorFlow backend only")
    from keras.src import backend

    monkeypatch.setattr(backend, "lstm", backend.lstm)  # restored after the test
    monkeypatch.setattr(backend, "gru", backend.gru)
    assert check_masks_as_cudnn()


def masked_model(recurrent):
    model = keras.Sequential([keras.Input((None,), dtype="int32"), layers.Embedding(10, 4, mask_zero=True),
                              recurrent, layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    return model


@pytest.mark.parametrize("make", [lambda: layers.LSTM(3), lambda: layers.GRU(3),
                                  lambda: layers.Bidirectional(layers.LSTM(3))], ids=["lstm", "gru", "bilstm"])
def test_left_padding_or_an_empty_sequence_fails_as_on_a_gpu(checked, make):
    model = masked_model(make())
    model.fit(RIGHT, np.zeros(2), verbose=0)
    for bad in (LEFT, EMPTY):
        with pytest.raises(Exception, match="right-padded sequences, while using cuDNN"):
            model.fit(bad, np.zeros(2), verbose=0)
        with pytest.raises(Exception, match="right-padded"):
            model.predict(bad, verbose=0)


@pytest.mark.parametrize("make", [lambda: layers.LSTM(3, use_cudnn=False), lambda: layers.GRU(3, reset_after=False),
                                  lambda: layers.LSTM(3, recurrent_dropout=0.1), lambda: layers.SimpleRNN(3)],
                         ids=["use_cudnn_false", "gru_reset_before", "recurrent_dropout", "simple_rnn"])
def test_layers_that_do_not_use_cudnn_accept_left_padding(checked, make):
    masked_model(make()).fit(LEFT, np.zeros(2), verbose=0)
