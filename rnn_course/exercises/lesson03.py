"""Checkers of notebook 03's exercises: padding at the front, a model's parameters, reviews read backwards."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .common import (
    call_on_copy,
    check_function,
    check_value,
    is_numeric,
    print_verdict,
)


def _keras_pad_default(sequences, maxlen):
    import keras

    return keras.utils.pad_sequences(sequences, maxlen=maxlen)


def pad_pre_cases(seed: int = 3, random_cases: int = 6) -> list[tuple]:
    """Cases for ``pad_pre``: hand-picked edge cases (empty, exact, longer, shorter) and random ones."""
    rng = np.random.default_rng(seed)
    cases: list[tuple] = [
        ([[1, 2, 3], [4, 5, 6, 7, 8], []], 4),
        ([[9] * 10, [1]], 3),
        ([[5, 6, 7, 8]], 4),
        ([[1, 2], [3]], 1),
    ]
    for _ in range(random_cases):
        maxlen = int(rng.integers(1, 12))
        sequences = [rng.integers(1, 100, size=rng.integers(0, 20)).tolist() for _ in range(rng.integers(1, 6))]
        cases.append((sequences, maxlen))
    return cases


def check_pad_pre(func: Callable[..., Any]) -> bool:
    """Notebook 03: ``func(sequences, maxlen)`` must equal ``keras.utils.pad_sequences`` with its defaults."""
    return check_function("паддинг", func, _keras_pad_default, pad_pre_cases())


def gru_model_params() -> int:
    """Parameters of Embedding(5000, 32) → GRU(16) → Dense(1) as Keras counts them (the model is built here)."""
    import keras

    model = keras.Sequential(
        [keras.Input((None,)), keras.layers.Embedding(5000, 32), keras.layers.GRU(16), keras.layers.Dense(1)]
    )
    return int(model.count_params())


_GRU_PARAM_HINTS = {
    5000 * 32 + 3 * 16 * (32 + 16 + 1) + 16 + 1: "так считается GRU с reset_after=False (одно смещение на вентиль); "
    "в Keras по умолчанию reset_after=True, и смещений у GRU два набора.",
    5000 * 32 + 4 * 16 * (32 + 16 + 1) + 16 + 1: "это формула LSTM (4 блока), а у GRU блоков три.",
    3 * 16 * (32 + 16 + 2) + 16 + 1: "не забыли ли вы таблицу эмбеддингов: 5000 × 32 параметров?",
}


def check_gru_model_params(answer: Any) -> bool:
    """Notebook 03: the number of parameters of Embedding(5000, 32) → GRU(16) → Dense(1)."""
    expected = gru_model_params()
    hint = _GRU_PARAM_HINTS.get(answer) if isinstance(answer, (int, np.integer)) else None
    if hint and answer != expected:
        print_verdict("параметры модели", f"получено {answer}, а ожидалось другое число: {hint}")
        return False
    if isinstance(answer, (float, np.floating)) and not float(answer).is_integer():
        print_verdict("параметры модели", f"число параметров — целое, а получено {answer}.")
        return False
    return check_value("параметры модели", answer, expected, rtol=0, atol=0.5)


def _reverse_words(padded: np.ndarray) -> np.ndarray:
    """Each row's non-zero ids in reverse order, zeros kept on the right (the checker's own reference)."""
    out = np.zeros_like(padded)
    for row, ids in enumerate(padded):
        words = [token for token in ids.tolist() if token != 0]
        out[row, : len(words)] = words[::-1]
    return out


def reverse_reviews_cases(seed: int = 0) -> list[np.ndarray]:
    """Right-padded id arrays with an empty review, a full one and random lengths."""
    rng = np.random.default_rng(seed)
    cases = [np.array([[5, 6, 7, 0, 0], [0, 0, 0, 0, 0], [1, 2, 3, 4, 9]], dtype="int32")]
    for _ in range(3):
        lengths = rng.integers(0, 12, size=6)
        padded = np.zeros((6, 12), dtype="int32")
        for row, length in enumerate(lengths):
            padded[row, :length] = rng.integers(1, 5000, size=length)
        cases.append(padded)
    return cases


def _reverse_problem(func: Callable[..., Any]) -> str | None:
    """None if ``func`` reverses every case right, otherwise what is wrong (Russian)."""
    for number, case in enumerate(reverse_reviews_cases(), start=1):
        answer, problem = call_on_copy(func, number, case, kept="входной массив: верните новый массив, "
                                        "исходный X_val ещё нужен")
        if problem:
            return problem
        if answer.shape != case.shape:
            return f"форма {answer.shape}, а должна остаться {case.shape}."
        if np.array_equal(answer, case[:, ::-1]) and not np.array_equal(answer, _reverse_words(case)):
            return ("перевёрнута вся строка вместе с нулями: нули оказались слева. Переверните только слова, "
                    "а нули оставьте справа (маска с нулями слева не пройдёт cuDNN на GPU).")
        if not np.array_equal(answer, _reverse_words(case)):
            return f"проверка {number}: в каждой строке те же слова должны идти в обратном порядке, нули — справа."
    return None


def check_reversed_reviews(
    func: Callable[..., Any], accuracy_reversed: Any, models: dict[str, Any], inputs: np.ndarray, labels: np.ndarray
) -> bool:
    """03 (experiment): ``func`` reverses right-padded reviews; ``accuracy_reversed`` is each model's accuracy on
    the reversed ``inputs``, which the checker measures itself with its own reversal."""
    task = "отзывы задом наперёд"
    problem = _reverse_problem(func)
    if problem is None and not isinstance(accuracy_reversed, dict):
        problem = f"accuracy_reversed — словарь {{имя модели: точность}} для {list(models)}."
    if problem is None and set(accuracy_reversed) != set(models):
        problem = f"нужны точности ровно для моделей {list(models)}, а получены ключи {list(accuracy_reversed)}."
    if problem is not None:
        print_verdict(task, problem)
        return False
    reversed_inputs = _reverse_words(np.asarray(inputs))
    report = []
    for name, model in models.items():
        measured = {
            order: float(np.mean((np.asarray(model.predict(x, verbose=0))[:, 0] > 0.5) == labels))
            for order, x in (("прямой", inputs), ("обратный", reversed_inputs))
        }
        report.append(f"   {name}: точность {measured['прямой']:.3f} в прямом порядке, "
                      f"{measured['обратный']:.3f} в обратном")
        answer = accuracy_reversed[name]
        if not (is_numeric(answer) and np.ndim(answer) == 0 and abs(float(answer) - measured["обратный"]) < 0.005):
            print_verdict(task, f"{name}: ваша точность {answer!r} не сходится с измерением проверки на перевёрнутых "
                                 "отзывах. Точность — доля верных ответов (порог 0.5), число от 0 до 1.")
            return False
    print_verdict(task, None)  # the checker's numbers only after a right answer: they cannot be copied
    print("\n".join(report))
    return True
