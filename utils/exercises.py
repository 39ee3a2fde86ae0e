"""Checkers for the «Проверьте себя» exercises: a Russian verdict instead of a traceback."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np


def check_value(task: str, answer: Any, expected: Any, *, rtol: float = 1e-5, atol: float = 1e-6) -> bool:
    """Compare a student's answer with the expected one, print a verdict, return whether it is right.

    Numbers and arrays are compared by shape, then with ``np.allclose``; anything
    else (strings, tuples of names) by equality. ``None`` or ``...`` means "not written yet".
    """
    verdict = _compare(answer, expected, rtol=rtol, atol=atol)
    _print_verdict(task, verdict)
    return verdict is None


def check_function(
    task: str,
    func: Callable[..., Any],
    reference: Callable[..., Any],
    cases: Sequence[tuple],
    *,
    rtol: float = 1e-5,
    atol: float = 1e-6,
) -> bool:
    """Call the student's ``func`` and the ``reference`` on each tuple of arguments and compare.

    The student's exceptions are caught and reported in Russian; ``NotImplementedError``
    (or a ``None`` result) reads as "not written yet".
    """
    for number, args in enumerate(cases, start=1):
        try:
            answer = func(*args)
        except NotImplementedError:
            answer = None
        except Exception as error:  # the student's bug, reported without a traceback
            _print_verdict(task, f"функция завершилась ошибкой на проверке {number}: {type(error).__name__}: {error}")
            return False
        verdict = _compare(answer, reference(*args), rtol=rtol, atol=atol)
        if verdict is not None:
            where = "" if verdict.startswith("ответ ещё не написан") else f"проверка {number} из {len(cases)}: "
            _print_verdict(task, where + verdict)
            return False
    _print_verdict(task, None)
    return True


def _compare(answer: Any, expected: Any, *, rtol: float, atol: float) -> str | None:
    """None if the answer matches, otherwise a Russian description of what is wrong."""
    if answer is None or answer is Ellipsis:
        return "ответ ещё не написан: замените `...` или `None` своим решением и запустите ячейку снова."
    if not _is_numeric(expected):
        return None if answer == expected else f"получено {answer!r}, а ожидалось другое значение."
    try:
        got = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        return f"ожидалось число или массив, а получен объект типа {type(answer).__name__}."
    want = np.asarray(expected, dtype=float)
    if got.shape != want.shape:
        return f"форма ответа {got.shape}, а должна быть {want.shape}. Проверьте порядок осей и транспонирования."
    if not np.all(np.isfinite(got)):
        return "в ответе есть NaN или бесконечность."
    if not np.allclose(got, want, rtol=rtol, atol=atol):
        if got.ndim == 0:
            return f"получено {got.item():.6g}, а ожидалось {want.item():.6g}."
        return f"форма верная, но значения отличаются: max |разница| = {np.max(np.abs(got - want)):.3g}."
    return None


def _is_numeric(value: Any) -> bool:
    if isinstance(value, (str, bytes)):
        return False
    try:
        return np.asarray(value).dtype.kind in "biuf"
    except Exception:
        return False


def _print_verdict(task: str, problem: str | None) -> None:
    if problem is None:
        print(f"✅ «{task}»: верно!")
    else:
        print(f"❌ «{task}»: {problem}")
