"""Notebook 01's exercise checkers accept the reference solution and reject plausible wrong answers."""

import types

import keras
import numpy as np
import pytest

from rnn_course.exercises.lesson01 import (
    check_failing_length,
    check_lstm_params,
    check_rnn_output_shapes,
    check_rnn_step,
    rnn_step_cases,
)


def reference_step(x, h_prev, W_xh, W_hh, b_h):
    return np.tanh(x @ W_xh + h_prev @ W_hh + b_h)


WRONG_STEPS = {
    "transposed recurrent weights": lambda x, h, W_xh, W_hh, b: np.tanh(x @ W_xh + h @ W_hh.T + b),
    "column-vector formula copied (no transposes)": lambda x, h, W_xh, W_hh, b: np.tanh(W_xh @ x + W_hh @ h + b),
    "no bias": lambda x, h, W_xh, W_hh, b: np.tanh(x @ W_xh + h @ W_hh),
    "W_xh and W_hh swapped": lambda x, h, W_xh, W_hh, b: np.tanh(x @ W_hh + h @ W_xh + b),
    "previous state ignored": lambda x, h, W_xh, W_hh, b: np.tanh(x @ W_xh + b),
    "no tanh": lambda x, h, W_xh, W_hh, b: x @ W_xh + h @ W_hh + b,
}


def test_rnn_step_reference_passes(capsys):
    assert check_rnn_step(reference_step)
    assert "✅" in capsys.readouterr().out


@pytest.mark.parametrize("name", list(WRONG_STEPS))
def test_rnn_step_wrong_answers_rejected(name, capsys):
    assert not check_rnn_step(WRONG_STEPS[name])
    out = capsys.readouterr().out
    assert "❌ «шаг SimpleRNN»" in out and "Traceback" not in out


def test_rnn_step_cases_are_nontrivial():
    cases = rnn_step_cases()
    assert len(cases) >= 3
    for _, h_prev, _, _, b_h in cases:
        assert np.all(np.abs(h_prev).sum(axis=1) > 0) and np.abs(b_h).min() > 0
    assert any(W_xh.shape[0] == W_hh.shape[0] for _, _, W_xh, W_hh, _ in cases)  # swapping then fails by value


def test_rnn_step_not_written(capsys):
    assert not check_rnn_step(lambda *args: None)
    assert "ещё не написан" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("answer", "right", "hint"),
    [
        (4 * 64 * (100 + 64 + 1), True, None),
        (float(4 * 64 * (100 + 64 + 1)), True, None),
        (4 * 64 * (100 + 64), False, "смещения"),  # forgot the bias
        (3 * 64 * (100 + 64 + 1), False, "четыре блока"),  # three blocks instead of four
        (3 * 64 * (100 + 64 + 2), False, "формула GRU"),  # GRU's formula
        (64 * (100 + 64 + 1), False, "SimpleRNN"),  # one block: a SimpleRNN
        (4 * 64 * 100, False, "только входные веса"),  # kernel only
        (64 * 100, False, "одного блока"),  # W_xh of one block only
        (4 * 64 * (100 + 1), False, "рекуррентных весов"),  # no recurrent weights
        (4 * (100 * 64 + 64 * 64 + 1), False, "одно на блок"),  # one bias per gate instead of per unit
        (4 * 64 * (100 + 64 + 1) + 1, False, None),  # off by one: no hint, just the verdict
        (None, False, None),
    ],
)
def test_lstm_params(answer, right, hint, capsys):
    assert check_lstm_params(answer) is right
    out = capsys.readouterr().out
    assert ("✅" if right else "❌") in out
    if hint:
        assert "Подсказка" not in out and hint in out, out


def test_lstm_param_hints_never_hint_at_the_right_answer():
    from rnn_course.exercises.lesson01 import lstm_param_hints

    for units, size in ((64, 100), (32, 10), (16, 3)):
        assert 4 * units * (size + units + 1) not in lstm_param_hints(units, size)


@pytest.mark.parametrize(
    ("with_sequences", "without_sequences", "right"),
    [
        ((32, 10, 16), (32, 16), True),
        ((32, 16), (32, 10, 16), False),  # flags mixed up
        ((32, 10, 8), (32, 8), False),  # input features instead of units
        ((10, 16), (16,), False),  # batch axis forgotten
        ([32, 10, 16], [32, 16], False),  # lists, not tuples
        (..., ..., False),
    ],
)
def test_rnn_output_shapes(with_sequences, without_sequences, right, capsys):
    assert check_rnn_output_shapes(with_sequences, without_sequences) is right
    assert ("❌" in capsys.readouterr().out) is not right


class MarkReader(keras.Sequential):
    """A stand-in for a trained memory_model("SimpleRNN(32)"): reads the marked symbol exactly up to ``max_length``
    steps, then always answers 0 (chance level)."""

    def __init__(self, max_length=1000, layer=None, trained=True, epochs=20, ran=20, last_accuracy=0.5):
        super().__init__([keras.Input((None, 5)), layer or keras.layers.SimpleRNN(32), keras.layers.Dense(4)])
        self.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        self.optimizer.build(self.trainable_variables)
        self.optimizer.iterations.assign(10 if trained else 0)
        self.max_length = max_length
        self.history = types.SimpleNamespace(params={"epochs": epochs}, epoch=list(range(ran)),
                                             history={"accuracy": [last_accuracy] * ran})

    def predict(self, inputs, verbose=0):
        marked = inputs[:, :, -1].argmax(axis=1)
        probs = inputs[np.arange(len(inputs)), marked, :-1]
        return probs if inputs.shape[1] <= self.max_length else np.ones_like(probs) * [1, 0, 0, 0]


FAILS_FROM_16 = {8: MarkReader(12), 16: MarkReader(12), 32: MarkReader(12)}
NEVER_FAILS = {8: MarkReader(), 16: MarkReader(), 32: MarkReader()}
UNDER_TRAINED = {8: MarkReader(4), 16: MarkReader(4), 32: MarkReader(4)}  # fitted for a batch: chance everywhere


@pytest.mark.parametrize(
    ("models", "failing", "right"),
    [
        (FAILS_FROM_16, 16, True),
        (NEVER_FAILS, None, True),
        (FAILS_FROM_16, 32, False),  # the largest failing length instead of the smallest
        (FAILS_FROM_16, 8, False),  # the first length that still works
        (NEVER_FAILS, 16, False),  # the expected answer, not the measured one
        ({8: 0.97, 16: 0.41, 32: 0.30}, 16, False),  # typed-in accuracies instead of trained models
        ({8: MarkReader(12), 32: MarkReader(12)}, 32, False),  # a length left out
        ({T: MarkReader(12, trained=False) for T in (8, 16, 32)}, 16, False),  # models never fitted
        ({T: MarkReader(12, keras.layers.LSTM(32)) for T in (8, 16, 32)}, 16, False),  # LSTM, not SimpleRNN
        ({T: MarkReader(12, keras.layers.SimpleRNN(67)) for T in (8, 16, 32)}, 16, False),  # the other SimpleRNN
        (UNDER_TRAINED, 8, False),  # under-trained models "fail" at the first length
        (UNDER_TRAINED, 16, False),
        (UNDER_TRAINED, None, False),
        (..., ..., False),
    ],
)
def test_failing_length(models, failing, right, capsys):
    assert check_failing_length(models, failing) is right
    out = capsys.readouterr().out
    assert ("❌" in out) is not right and "Traceback" not in out


class Constant(MarkReader):
    """Right on a share ``accuracy`` of the sequences of every length (sequences of the checker are seeded)."""

    def __init__(self, accuracy):
        super().__init__()
        self.accuracy = accuracy

    def predict(self, inputs, verbose=0):
        probs = super().predict(inputs)
        wrong = np.arange(len(inputs)) >= self.accuracy * len(inputs)
        probs[wrong] = np.roll(probs[wrong], 1, axis=1)  # another symbol: wrong
        return probs


def test_failing_length_near_the_threshold_accepts_both_readings(capsys):
    near = {8: Constant(1.0), 16: Constant(0.52), 32: Constant(0.2)}
    assert check_failing_length(near, 16) and check_failing_length(near, 32)
    assert not check_failing_length(near, 8)


def test_failing_length_requires_the_shortest_model_to_have_learned(capsys):
    """An under-trained T = 8 model (0.85 on lags ≤ 5) is rejected with a message, whatever the answer."""
    half_trained = {8: Constant(0.85), 16: Constant(0.2), 32: Constant(0.2)}
    for answer in (8, 16, None):
        assert not check_failing_length(half_trained, answer)
        assert "ещё не обучилась" in capsys.readouterr().out
    assert check_failing_length({8: Constant(0.95), 16: Constant(0.2), 32: Constant(0.2)}, 16)


def test_failing_length_rejects_models_fitted_briefly_or_shared(capsys):
    """A well-trained T = 8 model with T = 16, 32 models fitted for an epoch (chance level), or one model for all."""
    brief = {8: MarkReader(), 16: MarkReader(4, epochs=1, ran=1), 32: MarkReader(4, epochs=1, ran=1)}
    assert not check_failing_length(brief, 16) and "обучайте MEMORY_EPOCHS" in capsys.readouterr().out
    stopped = {8: MarkReader(), 16: MarkReader(4, ran=3), 32: MarkReader(4, ran=3)}  # stopped early, not solved
    assert not check_failing_length(stopped, 16) and "не решена" in capsys.readouterr().out
    solved_early = {8: MarkReader(ran=4, last_accuracy=1.0), 16: MarkReader(12), 32: MarkReader(12)}
    assert check_failing_length(solved_early, 16)
    one = MarkReader(12)
    assert not check_failing_length({8: one, 16: one, 32: one}, None) and "своя модель" in capsys.readouterr().out
