"""Shared machinery of the exercise checkers: a Russian verdict instead of a traceback.

Each notebook's checkers live in ``lessonNN.py``; they compute the expected answers another way (a Keras layer, a
derivative identity, a brute-force count, a pixel mask), never by a copy of the solution.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np


def check_value(task: str, answer: Any, expected: Any, *, rtol: float = 1e-5, atol: float = 1e-6) -> bool:
    """Compare a student's answer with the expected one, print a verdict, return whether it is right.

    Numbers and arrays are compared by shape, then with ``np.allclose``; anything
    else (strings, tuples of names) by equality. ``None`` or ``...`` means "not written yet".
    """
    verdict = compare(answer, expected, rtol=rtol, atol=atol)
    print_verdict(task, verdict)
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
            print_verdict(task, f"функция завершилась ошибкой на проверке {number}: {type(error).__name__}: {error}")
            return False
        verdict = compare(answer, reference(*args), rtol=rtol, atol=atol)
        if verdict is not None:
            where = "" if verdict.startswith("ответ ещё не написан") else f"проверка {number} из {len(cases)}: "
            print_verdict(task, where + verdict)
            return False
    print_verdict(task, None)
    return True


def compare(answer: Any, expected: Any, *, rtol: float, atol: float) -> str | None:
    """None if the answer matches, otherwise a Russian description of what is wrong."""
    if answer is None or answer is Ellipsis:
        return "ответ ещё не написан: замените `...` или `None` своим решением и запустите ячейку снова."
    if not is_numeric(expected):
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


def is_numeric(value: Any) -> bool:
    if isinstance(value, (str, bytes)):
        return False
    try:
        return np.asarray(value).dtype.kind in "biuf"
    except Exception:
        return False


def print_verdict(task: str, problem: str | None) -> None:
    if problem is None:
        print(f"✅ «{task}»: верно!")
    else:
        print(f"❌ «{task}»: {problem}")


def copied(args: tuple) -> tuple:
    """Copies of the array arguments, so that an answer that edits its inputs cannot spoil the next case."""
    return tuple(np.array(a, copy=True) if isinstance(a, np.ndarray) else a for a in args)


def call_answer(task: str, func: Callable[..., Any], args: tuple, number: int, total: int) -> tuple[bool, Any]:
    """(ok, answer): the student's call with exceptions turned into a Russian verdict; None means not written."""
    try:
        with np.errstate(all="ignore"):  # overflow shows up as inf/NaN in the answer, not as a warning
            return True, func(*copied(args))
    except NotImplementedError:
        return True, None
    except Exception as error:  # the student's bug, reported without a traceback
        print_verdict(
            task, f"функция завершилась ошибкой на проверке {number} из {total}: {type(error).__name__}: {error}"
        )
        return False, None


def check_cases(
    task: str,
    func: Callable[..., Any],
    cases: Sequence[tuple],
    expected: Sequence[Any],
    *,
    rtol: float = 1e-5,
    atol: float = 1e-6,
    hint: str | None = None,
) -> bool:
    """Call ``func`` on each case and compare with the expected answer computed independently of the solution."""
    for number, (args, want) in enumerate(zip(cases, expected, strict=True), start=1):
        ok, answer = call_answer(task, func, args, number, len(cases))
        if not ok:
            return False
        verdict = compare(answer, want, rtol=rtol, atol=atol)
        if verdict is not None:
            if not verdict.startswith("ответ ещё не написан"):
                verdict = f"проверка {number} из {len(cases)}: {verdict}" + (f" Подсказка: {hint}" if hint else "")
            print_verdict(task, verdict)
            return False
    print_verdict(task, None)
    return True


def check_window_pairs(
    task: str,
    func: Callable[..., Any],
    cases: Sequence[tuple],
    by_loop: Callable[..., tuple[np.ndarray, np.ndarray]],
    describe: Callable[..., str],
    count_hint: str,
) -> bool:
    """Shared by 04 and 07: ``func(*case)`` must return the pair ``(x, y)`` that ``by_loop(*case)`` builds, exactly.

    A wrong number of windows gets ``count_hint`` (the usual off-by-one), anything else the first difference.
    """
    for number, args in enumerate(cases, start=1):
        ok, answer = call_answer(task, func, args, number, len(cases))
        if not ok:
            return False
        if answer is None or answer is Ellipsis:
            return check_value(task, None, 0)
        if not isinstance(answer, (tuple, list)) or len(answer) != 2:
            print_verdict(task, "функция должна вернуть пару массивов (x, y).")
            return False
        where = f"проверка {number} из {len(cases)} ({describe(*args)}): "
        for name, got, want in zip("xy", answer, by_loop(*args), strict=True):
            got = np.asarray(got)
            if got.ndim == 2 and got.shape[1] == want.shape[1] and len(got) != len(want):
                print_verdict(task, f"{where}окон {len(got)}, а должно быть {len(want)}: {count_hint}")
                return False
            verdict = compare(got, want, rtol=0, atol=0)
            if verdict is not None:
                print_verdict(task, f"{where}{name}: {verdict}")
                return False
    print_verdict(task, None)
    return True


def call_on_copy(func: Callable[..., Any], number: int, data: np.ndarray, *args: Any, kept: str
                  ) -> tuple[np.ndarray | None, str | None]:
    """Call the student's ``func(data, *args)``: its answer as an array, or what went wrong (Russian) — an error,
    no answer yet, or ``data`` changed in place (``kept`` says what was changed and why it must not be)."""
    original = data.copy()
    try:
        answer = func(data, *args)
    except NotImplementedError:
        answer = None
    except Exception as error:  # the student's bug, reported without a traceback
        return None, f"функция завершилась ошибкой на проверке {number}: {type(error).__name__}: {error}"
    if answer is None or answer is Ellipsis:
        return None, compare(None, 0, rtol=0, atol=0)
    if not np.array_equal(data, original):
        return None, f"функция изменила {kept}."
    return np.asarray(answer), None


def keyed_answer_written(task: str, answer: Any, keys: Sequence[Any], wanted: str) -> bool:
    """False, with a verdict, while ``answer`` is not written or is not a dict with exactly ``keys`` (``wanted``)."""
    if answer is None or answer is Ellipsis:
        print_verdict(task, compare(None, 0, rtol=0, atol=0))
        return False
    if not isinstance(answer, dict) or set(answer) != set(keys):
        print_verdict(task, wanted)
        return False
    return True
