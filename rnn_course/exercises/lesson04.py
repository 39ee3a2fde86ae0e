"""Checkers of notebook 04's exercises: training windows, temperature, samples at several temperatures."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..russian import plural
from .common import (
    check_cases,
    check_window_pairs,
    compare,
    is_numeric,
    print_verdict,
)


def _windows_by_loop(ids: np.ndarray, seq_len: int, stride: int) -> tuple[np.ndarray, np.ndarray]:
    """The task's words as a loop: take windows of seq_len + 1 while one fits, step stride."""
    xs, ys, start = [], [], 0
    while start + seq_len + 1 <= len(ids):
        xs.append(ids[start : start + seq_len])
        ys.append(ids[start + 1 : start + seq_len + 1])
        start += stride
    return np.array(xs).reshape(-1, seq_len), np.array(ys).reshape(-1, seq_len)


def make_windows_cases(seed: int = 4) -> list[tuple]:
    """Cases ``(ids, seq_len, stride)``: the last window fits exactly, leftovers, stride 1, random ids."""
    rng = np.random.default_rng(seed)
    return [
        (np.arange(10), 3, 3),
        (np.arange(11), 3, 3),
        (np.arange(10), 4, 1),
        (100 + np.arange(5), 4, 2),
        (rng.integers(0, 44, 37), 5, 4),
        (rng.integers(0, 44, 500), 50, 25),
    ]


def check_make_windows(func: Callable[..., Any]) -> bool:
    """Notebook 04: ``func(ids, seq_len, stride)`` returns ``(x, y)`` windows; expected ones come from a plain loop."""
    return check_window_pairs(
        "окна", func, make_windows_cases(), _windows_by_loop,
        lambda ids, seq_len, stride: f"len(ids) = {len(ids)}, seq_len = {seq_len}, stride = {stride}",
        "окно из seq_len + 1 символов берём, пока оно целиком помещается в массив (последнее — тоже).",
    )


def temperature_cases(seed: int = 11) -> list[tuple]:
    """Cases ``(logits, T)``: ordinary, very small T (overflow without the max shift), very large T, huge logits."""
    rng = np.random.default_rng(seed)
    logits = rng.normal(0, 3, 44)
    return [
        (np.array([1.0, 2.0, 3.0]), 1.0),
        (np.array([1.0, 2.0, 3.0]), 0.5),
        (logits, 1.5),
        (logits, 0.7),
        (logits, 0.01),
        (logits, 1000.0),
        (np.array([1000.0, 999.0, 0.0]), 0.01),
        (np.array([-1000.0, -1001.0, -2000.0]), 1.0),
        (np.array([5.0, 5.0, 5.0]), 0.001),
    ]


def check_apply_temperature(func: Callable[..., Any]) -> bool:
    """Notebook 04: ``func(logits, T)`` = softmax(logits / T), also for tiny and huge T and huge logits."""
    cases = temperature_cases()
    # log p_i = z_i / T − log Σ_j exp(z_j / T): logaddexp is exact without the max shift the student must add
    expected = [np.exp(z / t - np.logaddexp.reduce(z / t)) for z, t in cases]
    return check_cases(
        "температура",
        func,
        cases,
        expected,
        rtol=1e-5,
        atol=1e-9,
        hint="логиты делятся на T (не умножаются), а перед exp из них вычитается максимум — "
        "иначе при маленьком T exp переполняется (inf / inf = NaN).",
    )


def _latin_words(text: str) -> list[str]:
    """Words as the 04 checker counts them: runs of Latin letters, in lower case."""
    import re

    return re.findall(r"[a-z]+", text.lower())


@functools.lru_cache(maxsize=1)
def _alice_words() -> tuple[frozenset[str], str]:
    """The book's words, read here from the data file: as a set and as one string with spaces around every word."""
    from ..data import load_alice

    raw = load_alice()
    start, end = raw.find("*** START OF"), raw.find("*** END OF")
    body = raw[raw.find("***", start + 3) + 3 if start >= 0 else 0 : end if end >= 0 else len(raw)]
    # typographic quotes and dashes separate words; «_un_important» is one word; «ù» is dropped, as in 04's text
    body = body.translate({ord(ch): " " for ch in "‘’“”—"}).replace("_", "").encode("ascii", "ignore").decode()
    words = _latin_words(body)
    return frozenset(words), " " + " ".join(words) + " "


def sample_word_shares(sample: str) -> tuple[int, float, float]:
    """(words, share of them found in the book, share of distinct ones) of a generated text, by the checker's count."""
    book, _ = _alice_words()
    words = _latin_words(sample)
    count = max(len(words), 1)
    return len(words), sum(word in book for word in words) / count, len(set(words)) / count


def _samples_problem(samples: dict, temperatures: Sequence[float], min_length: int) -> str | None:
    """None if the generated texts are long enough, all different and not pieces of the book, else what is wrong."""
    _, book = _alice_words()
    for t in temperatures:
        sample = samples[t]
        if not isinstance(sample, str) or len(sample) < min_length:
            got = (plural(len(sample), "символ", "символа", "символов") if isinstance(sample, str)
                   else f"объект типа {type(sample).__name__}")
            return f"T = {t}: нужен сгенерированный текст не короче {min_length} символов, а получен {got}."
        inner = " ".join(_latin_words(sample)[1:-1])  # the first and the last word may be cut
        if len(inner) > 100 and f" {inner} " in book:
            return f"T = {t}: это кусок самой книги, а нужен текст, который написала модель (generate)."
    if len({samples[t] for t in temperatures}) < len(temperatures):
        return "тексты при разных температурах совпадают: для каждой T сгенерируйте свой."
    return None


PROBE_TEMPERATURES = (0.05, 100.0)  # nearly greedy and nearly uniform: any honest sampler tells them apart


def _callback_problem(samples: dict, sample_at: Callable[[float], Any], temperatures: Sequence[float]) -> str | None:
    """None if ``sample_at(T)`` writes ``samples[T]`` for every T and follows the temperature, else what is wrong."""
    if not callable(sample_at):
        return "sample_at — функция: sample_at(T) возвращает текст, сгенерированный при температуре T."
    written = {}
    for t in (*temperatures, *PROBE_TEMPERATURES):
        try:
            written[t] = sample_at(t)
        except Exception as error:  # the student's bug, reported without a traceback
            return f"sample_at({t}) завершилась ошибкой: {type(error).__name__}: {error}"
        if not isinstance(written[t], str):
            return f"sample_at({t}) вернула {type(written[t]).__name__}, а нужен текст (строка)."
    for t in temperatures:
        if written[t] != samples[t]:
            other = next((u for u in temperatures if written[u] == samples[t]), None)
            if other is not None:
                return (f"под ключом T = {t} лежит текст, который sample_at пишет при T = {other}: ключ словаря — "
                        "температура, при которой текст сгенерирован.")
            return (f"samples_by_temperature[{t}] — не тот текст, что пишет sample_at({t}): сгенерируйте каждый "
                    "текст при своей T той же функцией (одна затравка и один seed).")
    low, high = (sample_word_shares(written[t])[1] for t in PROBE_TEMPERATURES)
    if low < high + 0.3:
        return (f"sample_at не следует за температурой: проверка вызвала её при T = {PROBE_TEMPERATURES[0]} и "
                f"T = {PROBE_TEMPERATURES[1]}, а настоящих слов при почти жадном выборе не намного больше, чем при "
                "почти случайном. Передайте T в generate (temperature=T), а затравку и seed не меняйте.")
    return None


def check_temperature_words(
    samples: Any,
    real_share: Any,
    distinct_share: Any,
    sample_at: Any,
    temperatures: Sequence[float] = (0.3, 0.7, 1.0, 1.5),
    min_length: int = 300,
) -> bool:
    """04 (experiment): generated texts ``{T: text}``, their shares of real and of distinct words, and the sampler.

    The checker calls ``sample_at(T)`` itself for every T (so texts written at one T, or under swapped keys, fail)
    and at a nearly greedy and a nearly uniform T (so a sampler that ignores T fails); it counts both shares itself,
    with its own word list read from the book, and makes sure the texts are long enough, all different and not
    pieces of the book. Its own table is printed only after a right answer.
    """
    task = "цена температуры"
    if any(answer is None or answer is Ellipsis for answer in (samples, real_share, distinct_share, sample_at)):
        print_verdict(task, compare(None, 0, rtol=0, atol=0))
        return False
    named = {"samples_by_temperature": samples, "real_word_share": real_share, "distinct_word_share": distinct_share}
    for name, answer in named.items():
        if not isinstance(answer, dict) or set(answer) != set(temperatures):
            print_verdict(task, f"{name} — словарь с ключами ровно {tuple(temperatures)} (температуры).")
            return False
    problem = _samples_problem(samples, temperatures, min_length) or _callback_problem(samples, sample_at, temperatures)
    if problem is not None:
        print_verdict(task, problem)
        return False
    measured = []
    for t in temperatures:
        count, real, distinct = sample_word_shares(samples[t])
        measured.append(f"   T = {t}: {plural(count, 'слово', 'слова', 'слов')}, настоящих {real:.1%}, "
                        f"различных {distinct:.1%}")
        for label, answer, share in (("настоящих", real_share[t], real), ("различных", distinct_share[t], distinct)):
            if problem is not None:
                break
            if not (is_numeric(answer) and np.ndim(answer) == 0 and np.isfinite(float(answer))):
                problem = f"T = {t}: доля {label} слов — одно число от 0 до 1, а получено {answer!r}."
            elif abs(float(answer) - share) > 0.02:
                percent = " Доля — число от 0 до 1, а не проценты." if float(answer) > 1 else ""
                problem = (f"T = {t}: ваша доля {label} слов {float(answer):.3g} не сходится с подсчётом проверки."
                           f"{percent} Слово — цепочка латинских букв; настоящее — если встречается в книге; "
                           "доля различных — отношение числа различных слов к числу всех.")
    print_verdict(task, problem)
    if problem is None:  # the checker's own count is shown only after a right answer: it cannot be copied
        print("\n".join(measured))
    return problem is None
