"""Checkers of notebook 03's exercises: padding at the front, maxlen for a share of reviews, reviews backwards."""

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


def _calls_keras_padding(func: Callable[..., Any]) -> bool:
    """Whether ``func`` leans on Keras's ``pad_sequences``: it names it, or a run with its body made to fail fails.

    Swapping the body (``__code__``) reaches the function however the student got hold of it: an alias, the
    function itself, ``functools.partial``.
    """
    import keras

    code = getattr(func, "__code__", None)
    if code is not None and "pad_sequences" in code.co_names:
        return True
    original = keras.utils.pad_sequences
    body = original.__code__
    try:
        original.__code__ = _forbidden.__code__
        func([[1, 2, 3], [4]], 2)
    except NotImplementedError as error:
        return str(error) == _FORBIDDEN
    except Exception:  # the student's own bug: the ordinary check reports it
        return False
    finally:
        original.__code__ = body
    return False


_FORBIDDEN = "pad_sequences is forbidden in this exercise"


def _forbidden(*args, **kwargs):
    """The body swapped into Keras's ``pad_sequences`` while a student's ``pad_pre`` runs (uses no globals)."""
    raise NotImplementedError("pad_sequences is forbidden in this exercise")


def check_pad_pre(func: Callable[..., Any]) -> bool:
    """Notebook 03: ``func(sequences, maxlen)`` must equal ``keras.utils.pad_sequences`` with its defaults,
    written by hand: a function that calls ``pad_sequences`` itself is rejected."""
    if callable(func) and _calls_keras_padding(func):
        print_verdict("паддинг", "функция вызывает pad_sequences из Keras, а её нужно написать самим: "
                                 "массив нулей и цикл по отзывам.")
        return False
    return check_function("паддинг", func, _keras_pad_default, pad_pre_cases())


def smallest_maxlen(lengths: np.ndarray, share: float) -> int:
    """The smallest maxlen at which at least ``share`` of the reviews with these lengths fit whole."""
    ordered = np.sort(np.asarray(lengths))
    return int(ordered[int(np.ceil(share * len(ordered))) - 1])


def check_maxlen_share(answer: Any, share: float = 0.9) -> bool:
    """Notebook 03: the smallest ``maxlen`` at which ``share`` of the training reviews are not truncated.

    Measured here on the true lengths of all training reviews (``imdb_lengths``), not on the notebook's arrays.
    """
    from ..data import imdb_lengths

    task = "maxlen для 90 % отзывов"
    lengths, _ = imdb_lengths()
    expected = smallest_maxlen(lengths, share)
    if answer is None or answer is Ellipsis:
        return check_value(task, answer, expected)
    if not (is_numeric(answer) and np.ndim(answer) == 0 and float(answer).is_integer()):
        print_verdict(task, f"maxlen — целое число, а получено {answer!r}.")
        return False
    answer = int(answer)
    fits = float(np.mean(lengths <= answer))
    hints = {
        int(np.median(lengths)): "это медиана: при ней целиком помещается только половина отзывов.",
        int(round(float(np.mean(lengths)))): "это средняя длина: длинный хвост распределения тянет её вверх, "
        "а целиком при ней помещается меньше 90 % отзывов.",
        400: "400 — это предел копии курса (от длинных отзывов в ней хранятся последние 400 индексов); настоящие "
        "длины — в lengths из imdb_lengths().",
    }
    if answer == expected:
        problem = None
    elif answer in hints:
        problem = hints[answer]
    elif fits < share:
        problem = f"при maxlen = {answer} целиком помещаются {fits:.1%} отзывов, меньше {share:.0%}."
    else:
        problem = f"при maxlen = {answer} помещаются {fits:.1%} отзывов, но это не наименьший такой maxlen."
    print_verdict(task, problem)
    return problem is None


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
