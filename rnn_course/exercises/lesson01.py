"""Checkers of notebook 01's exercises: output shapes, the LSTM's parameters, one RNN step, where SimpleRNN gives up."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..russian import plural
from .common import (
    check_function,
    check_value,
    keyed_answer_written,
    print_verdict,
)


def check_rnn_output_shapes(with_sequences: Any, without_sequences: Any) -> bool:
    """01: output shapes of ``SimpleRNN(16)`` on a ``(32, 10, 8)`` batch, with and without ``return_sequences``.

    The expected shapes come from Keras itself: the layers are built and called here.
    """
    import keras

    probe = np.zeros((32, 10, 8), dtype="float32")
    expected = {
        True: tuple(keras.layers.SimpleRNN(16, return_sequences=True)(probe).shape),
        False: tuple(keras.layers.SimpleRNN(16)(probe).shape),
    }
    right = True
    for flag, answer in ((True, with_sequences), (False, without_sequences)):
        if answer is not None and answer is not Ellipsis and not isinstance(answer, tuple):
            print_verdict(f"форма с return_sequences={flag}", "запишите форму кортежем, например (1, 2, 3).")
            right = False
            continue
        right &= check_value(f"форма с return_sequences={flag}", answer, expected[flag])
    return bool(right)


def lstm_param_hints(units: int = 64, input_size: int = 100) -> dict[int, str]:
    """01: counts that common wrong formulas give for ``LSTM(units)`` on inputs of size ``input_size``, with a hint."""
    d, h = input_size, units
    return {
        4 * h * (d + h): "не забыли ли вы смещения: в каждом из 4 блоков у каждого нейрона своё смещение (+1).",
        3 * h * (d + h + 1): "у LSTM четыре блока (вентили i, f, o и кандидат c̃), а не три: три — у GRU.",
        3 * h * (d + h + 2): "это формула GRU (три блока, два набора смещений); у LSTM блоков четыре, смещение одно.",
        h * (d + h + 1): "так считается SimpleRNN: у LSTM таких блоков четыре.",
        4 * h * d: "это только входные веса W (kernel): добавьте рекуррентные U (recurrent_kernel) и смещения.",
        h * d: "это только входные веса одного блока (d·h): у LSTM 4 блока, и в каждом ещё U и смещения.",
        4 * h * (d + 1): "не хватает рекуррентных весов U: h_{t-1} тоже входит в каждый блок (h·h весов на блок).",
        4 * (d * h + h * h + 1): "смещение — у каждого нейрона блока, а не одно на блок: 4·h смещений.",
        4 * h * (d + h + 2): "у LSTM один набор смещений на блок (два — у GRU с reset_after=True).",
    }


def check_lstm_params(answer: Any, units: int = 64, input_size: int = 100) -> bool:
    """01: trainable parameters of ``LSTM(units)`` on inputs of size ``input_size``, counted by Keras here.

    A count that a common wrong formula gives (no bias, three blocks, only ``kernel``, …) gets a hint.
    """
    import keras

    task = f"параметры LSTM({units}) на входе размера {input_size}"
    model = keras.Sequential([keras.Input((None, input_size)), keras.layers.LSTM(units)])
    expected = model.count_params()
    if isinstance(answer, (float, np.floating)) and float(answer).is_integer():
        answer = int(answer)
    hint = lstm_param_hints(units, input_size).get(answer) if isinstance(answer, (int, np.integer)) else None
    if hint and answer != expected:
        print_verdict(task, f"получено {answer}, а ожидалось другое число: {hint}")
        return False
    return check_value(task, answer, expected, rtol=0, atol=0.5)


def rnn_step_cases(seed: int = 3) -> list[tuple[np.ndarray, ...]]:
    """01: random cases ``(x, h_prev, W_xh, W_hh, b_h)`` for one SimpleRNN step: non-zero weights, biases and state.

    Sizes differ between cases (input size ≠ and = the state size), so swapped or transposed
    matrices either fail or give other values.
    """
    rng = np.random.default_rng(seed)
    cases = []
    for batch, d, hidden in ((5, 3, 4), (2, 6, 6), (7, 4, 3)):
        shapes = [(batch, d), (batch, hidden), (d, hidden), (hidden, hidden), (hidden,)]
        cases.append(tuple((rng.normal(size=shape) * 0.8).astype("float32") for shape in shapes))
    return cases


def keras_rnn_step(
    x: np.ndarray, h_prev: np.ndarray, W_xh: np.ndarray, W_hh: np.ndarray, b_h: np.ndarray
) -> np.ndarray:
    """01: one step of Keras's own ``SimpleRNN`` with weights ``[W_xh, W_hh, b_h]`` and initial state ``h_prev``."""
    import keras

    layer = keras.layers.SimpleRNN(W_hh.shape[0])
    layer.build((None, 1, x.shape[1]))
    layer.set_weights([W_xh, W_hh, b_h])
    return keras.ops.convert_to_numpy(layer(x[:, None, :], initial_state=[h_prev]))


def check_rnn_step(rnn_step: Callable[..., Any]) -> bool:
    """01: the student's ``rnn_step(x, h_prev, W_xh, W_hh, b_h)`` against Keras's ``SimpleRNN`` on random cases."""
    return check_function("шаг SimpleRNN", rnn_step, keras_rnn_step, rnn_step_cases(), atol=1e-5)


LEARNED = 0.9  # accuracy on lags ≤ 5 that the shortest length's model must reach: SimpleRNN(32) solves T = 8
MIN_EPOCHS = 10  # a fit shorter than this leaves the model at chance level; 01 trains MEMORY_EPOCHS = 20 or 40


def short_lag_accuracy(model: Any, length: int, symbols: int = 4, n: int = 1000, seed: int = 0) -> float:
    """Accuracy of a trained 01 memory model on the checker's own sequences of ``length`` marked at lags 1..5.

    Built independently of the notebook's generator: one-hot symbols plus a mark channel, the answer is the
    marked symbol; the mark is one of the last five steps.
    """
    rng = np.random.default_rng(seed)
    symbol = rng.integers(0, symbols, size=(n, length))
    inputs = np.eye(symbols + 1, dtype="float32")[symbol]
    mark = length - rng.integers(1, 6, size=n)
    inputs[np.arange(n), mark, symbols] = 1
    answer = symbol[np.arange(n), mark]
    return float(np.mean(np.asarray(model.predict(inputs, verbose=0)).argmax(axis=-1) == answer))


def check_failing_length(short_lag_models: Any, failing_length: Any, lengths: Sequence[int] = (8, 16, 32)) -> bool:
    """01 (experiment): SimpleRNN models trained at several lengths, and the first length that fails short lags.

    The checker measures each model itself, on its own test sequences (lags ≤ 5), so typed-in accuracies
    cannot pass. The model of the shortest length must have learned (≥ ``LEARNED`` on lags ≤ 5): under-trained models
    all sit at chance and would make the first length "fail". ``failing_length`` must be the smallest length where
    that accuracy is below 0.5 (or ``None``).
    """
    task = "где SimpleRNN сдаётся"
    wanted = f"нужен словарь {{длина T: обученная модель}} ровно для длин {tuple(lengths)}."
    if not keyed_answer_written(task, short_lag_models, lengths, wanted):
        return False
    if len({id(model) for model in short_lag_models.values()}) != len(lengths):
        print_verdict(task, "для каждой длины нужна своя модель, обученная на данных этой длины.")
        return False
    for length, model in short_lag_models.items():
        problem = _simple_rnn_problem(model) or _training_problem(model)
        if problem:
            print_verdict(task, f"T = {length}: {problem}")
            return False
    measured = {length: short_lag_accuracy(short_lag_models[length], length) for length in lengths}
    print("точность ваших моделей на лагах ≤ 5 (свои тестовые данные проверки):",
          {length: round(value, 2) for length, value in measured.items()})
    shortest = min(lengths)
    if measured[shortest] < LEARNED:
        print_verdict(task, f"модель для T = {shortest} ещё не обучилась: на лагах ≤ 5 точность "
                            f"{measured[shortest]:.2f}, а нужна не ниже {LEARNED}. Обучайте каждую модель до "
                            "остановки (stop_when_solved) или MEMORY_EPOCHS эпох: иначе «сдаётся» недоученная сеть.")
        return False
    if failing_length is Ellipsis:
        print_verdict(task, "впишите в failing_length наименьшую длину с точностью ниже 0.5 (или None).")
        return False
    # Accuracies within ±0.05 of 0.5 may fall on either side on the student's own test sample: both are right.
    fails = {length: measured[length] < 0.45 for length in lengths}
    unsure = {length for length in lengths if abs(measured[length] - 0.5) < 0.05}
    if failing_length is None:
        right = not any(fails.values())
    else:
        right = failing_length in lengths and (fails[failing_length] or failing_length in unsure) and all(
            not fails[length] for length in lengths if length < failing_length)
    if not right:
        print_verdict(task, "по измерениям ваших же моделей ответ другой: нужна наименьшая длина, "
                             "где точность на лагах ≤ 5 ниже 0.5, или None.")
        return False
    print_verdict(task, None)
    return True


def _simple_rnn_problem(model: Any) -> str | None:
    """None if ``model`` is a trained Keras model whose recurrent layer is SimpleRNN(32), else what is wrong."""
    import keras

    if not isinstance(model, keras.Model):
        return "нужна сама обученная модель Keras (проверка измерит её точность), а не число."
    recurrent = [layer for layer in model.layers if isinstance(layer, keras.layers.RNN) or hasattr(layer, "cell")]
    if len(recurrent) != 1 or type(recurrent[0]).__name__ != "SimpleRNN" or recurrent[0].units != 32:
        return 'нужна модель memory_model("SimpleRNN(32)") — с одним слоем SimpleRNN на 32 нейрона.'
    if getattr(model, "optimizer", None) is None or int(keras.ops.convert_to_numpy(model.optimizer.iterations)) == 0:
        return "модель не обучена: вызовите fit на данных этой длины."
    return None


def _training_problem(model: Any) -> str | None:
    """None if the last ``fit`` ran all its epochs (at least ``MIN_EPOCHS``) or stopped with the task solved.

    Models fitted for a batch or an epoch sit at chance level, and chance level would make any length "fail".
    """
    history = getattr(model, "history", None)
    epochs = (getattr(history, "params", None) or {}).get("epochs", 0)
    ran = len(getattr(history, "epoch", None) or [])
    accuracy = (getattr(history, "history", None) or {}).get("accuracy") or [0.0]
    if epochs < MIN_EPOCHS:
        return (f"модель обучали {plural(epochs, 'эпоху', 'эпохи', 'эпох')}: обучайте MEMORY_EPOCHS эпох "
                "(stop_when_solved остановит раньше, если задача решена).")
    if ran < epochs and accuracy[-1] < 0.99:
        return "обучение остановлено до конца, а задача не решена: дайте модели все MEMORY_EPOCHS эпох."
    return None
