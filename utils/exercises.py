"""Checkers for the «Проверьте себя» exercises: a Russian verdict instead of a traceback."""

from __future__ import annotations

import functools
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


# --- Notebooks 02, 04, 06: each checker computes its expected answers another way --------------
# (a Keras layer, a derivative identity, a brute-force count, a pixel mask), never by a copy of the solution.


def _copied(args: tuple) -> tuple:
    """Copies of the array arguments, so that an answer that edits its inputs cannot spoil the next case."""
    return tuple(np.array(a, copy=True) if isinstance(a, np.ndarray) else a for a in args)


def _call(task: str, func: Callable[..., Any], args: tuple, number: int, total: int) -> tuple[bool, Any]:
    """(ok, answer): the student's call with exceptions turned into a Russian verdict; None means not written."""
    try:
        with np.errstate(all="ignore"):  # overflow shows up as inf/NaN in the answer, not as a warning
            return True, func(*_copied(args))
    except NotImplementedError:
        return True, None
    except Exception as error:  # the student's bug, reported without a traceback
        _print_verdict(
            task, f"функция завершилась ошибкой на проверке {number} из {total}: {type(error).__name__}: {error}"
        )
        return False, None


def _check_cases(
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
        ok, answer = _call(task, func, args, number, len(cases))
        if not ok:
            return False
        verdict = _compare(answer, want, rtol=rtol, atol=atol)
        if verdict is not None:
            if not verdict.startswith("ответ ещё не написан"):
                verdict = f"проверка {number} из {len(cases)}: {verdict}" + (f" Подсказка: {hint}" if hint else "")
            _print_verdict(task, verdict)
            return False
    _print_verdict(task, None)
    return True


def check_tanh_grad(func: Callable[[np.ndarray], Any]) -> bool:
    """Notebook 02: ``func(s)`` is tanh'(z) written through s = tanh(z); checked against 1 / cosh²(z)."""
    rng = np.random.default_rng(17)
    zs = [np.linspace(-3, 3, 13), rng.normal(0, 1.5, (4, 5)), np.zeros(3), rng.uniform(-0.3, 0.3, 6)]
    expected = [1 / np.cosh(z) ** 2 for z in zs]  # tanh' = 1/cosh²: a second formula, not the answer 1 − s²
    return _check_cases(
        "производная tanh",
        func,
        [(np.tanh(z),) for z in zs],
        expected,
        rtol=1e-6,
        atol=1e-9,
        hint="проверьте формулу при s = 0 (там tanh' = 1) и при s → ±1 (там tanh' → 0).",
    )


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-z))


def _numeric_grad(f: Callable[[np.ndarray], float], point: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Central differences of a scalar function of an array, element by element, in float64."""
    grad = np.zeros_like(point, dtype=float)
    for i in np.ndindex(point.shape):
        step = np.zeros_like(point, dtype=float)
        step[i] = eps
        grad[i] = (f(point + step) - f(point - step)) / (2 * eps)
    return grad


def bptt_step_cases(seed: int = 5) -> list[tuple]:
    """Random ``(dh, x, h_prev, W_xh, W_hh, b_h)``: non-symmetric W_hh, non-zero bias, several shapes."""
    rng = np.random.default_rng(seed)
    cases = []
    for batch, dim, units in [(3, 2, 4), (1, 3, 5), (4, 2, 3)]:
        cases.append(
            (
                rng.normal(size=(batch, units)),
                rng.normal(size=(batch, dim)),
                rng.random((batch, units)),
                rng.normal(size=(dim, units)),
                rng.normal(size=(units, units)),
                rng.normal(size=units),
            )
        )
    return cases


def _bptt_step_numeric(dh, x, h_prev, W_xh, W_hh, b_h) -> np.ndarray:  # noqa: N803 — the notebook's names
    """∂/∂h_prev of Σ dh ⊙ σ(x W_xh + h_prev W_hh + b_h) by central differences."""
    return _numeric_grad(lambda h: float(np.sum(dh * _sigmoid(x @ W_xh + h @ W_hh + b_h))), h_prev)


def check_bptt_step(func: Callable[..., Any]) -> bool:
    """Notebook 02: ``func(dh, x, h_prev, W_xh, W_hh, b_h)`` = ∂L/∂h_{t-1}, compared with a numerical gradient."""
    cases = bptt_step_cases()
    expected = [_bptt_step_numeric(*case) for case in cases]
    return _check_cases(
        "шаг BPTT",
        func,
        cases,
        expected,
        rtol=1e-5,
        atol=1e-7,
        hint="h_t считается заново из h_{t-1} (со смещением), производная сигмоиды — h_t·(1 − h_t), "
        "а матрица W_hh на обратном пути транспонирована.",
    )


def gru_step_cases(seed: int = 2024) -> tuple[list[tuple], list[np.ndarray]]:
    """Cases ``(x, h, kernel, recurrent_kernel, bias)`` and the new state from Keras's own ``GRUCell``.

    Weights and both bias rows are random and non-zero (set with ``set_weights``), the previous state is
    non-zero, and each case has its own batch, input and state sizes.
    """
    import keras

    rng = np.random.default_rng(seed)
    cases, expected = [], []
    for batch, dim, units in [(2, 3, 4), (3, 5, 2), (1, 2, 6), (4, 4, 3)]:
        cell = keras.layers.GRUCell(units)  # Keras default: reset_after=True, bias (2, 3H)
        assert cell.reset_after
        cell.build((None, dim))
        weights = [rng.normal(0, 0.8, w.shape).astype("float32") for w in cell.get_weights()]
        cell.set_weights(weights)
        x = rng.normal(size=(batch, dim)).astype("float32")
        h = rng.uniform(-0.9, 0.9, (batch, units)).astype("float32")
        new_h, _ = cell(x, [h])
        cases.append((x, h, *weights))
        expected.append(keras.ops.convert_to_numpy(new_h))
    return cases, expected


@functools.cache
def _gru_step_cases_cached() -> tuple[list[tuple], list[np.ndarray]]:
    return gru_step_cases()


def check_gru_step(func: Callable[..., Any]) -> bool:
    """Notebook 02: ``func(x, h, kernel, recurrent_kernel, bias)`` must equal one step of ``keras.layers.GRUCell``."""
    cases, expected = _gru_step_cases_cached()  # Keras is asked once per session; answers get copies of the inputs
    return _check_cases(
        "шаг GRU",
        func,
        cases,
        expected,
        rtol=1e-4,
        atol=2e-5,
        hint="блоки z, r, h̃; bias[0] — к входной части, bias[1] — к рекуррентной; r умножается "
        "на (h·U_h + b^h_h) ПОСЛЕ умножения на матрицу; h_t = z·h_{t−1} + (1 − z)·h̃.",
    )


def gru_layer_params(units: int = 32, input_dim: int = 10) -> int:
    """Trainable parameters of ``keras.layers.GRU(units)`` on inputs of size ``input_dim``, as Keras counts them."""
    import keras

    layer = keras.layers.GRU(units)
    layer.build((None, None, input_dim))
    return int(layer.count_params())


_GRU32_HINTS = {
    3 * 32 * (10 + 32 + 1): "так считается GRU с reset_after=False (одно смещение на блок); в Keras по умолчанию "
    "reset_after=True, и смещений два набора.",
    4 * 32 * (10 + 32 + 1): "это формула LSTM (4 блока), а у GRU блоков три.",
    3 * 32 * (10 + 32): "не забыли ли вы смещения?",
    32 * (10 + 32 + 1): "это SimpleRNN; у GRU три блока: z, r и h̃.",
}


def check_gru_params(answer: Any) -> bool:
    """Notebook 02: parameters of ``GRU(32)`` on inputs of size 10; the layer is built here, not in the notebook."""
    expected = gru_layer_params(32, 10)
    if isinstance(answer, (int, np.integer)) and answer != expected and int(answer) in _GRU32_HINTS:
        _print_verdict("параметры GRU(32)", f"получено {answer}, а ожидалось другое число: {_GRU32_HINTS[int(answer)]}")
        return False
    return check_value("параметры GRU(32)", answer, expected, rtol=0, atol=0.5)


_ADDER_WEIGHTS = ("W_xh", "W_hh", "b_h", "W_hy", "b_y")


def adder_accuracy(params: dict, bits: int, n: int = 2000, seed: int = 0) -> float:
    """Share of the checker's own random ``bits``-bit additions whose every sum bit a 02 adder gets right.

    Independent of the notebook: the pairs and their sums come from integer arithmetic, and the forward
    pass h_t = σ(x_t W_xh + h_{t−1} W_hh + b_h), ŷ_t = σ(h_t W_hy + b_y) is written again here.
    ``bits`` ≤ 61: the sums are int64.
    """
    rng = np.random.default_rng(seed + bits)
    a, b = rng.integers(0, 2**bits, (2, n), dtype=np.int64)
    shifts = np.arange(bits + 1)  # one more step than bits: the last carry
    x = np.stack([(a[:, None] >> shifts) & 1, (b[:, None] >> shifts) & 1], axis=-1).astype(float)
    target = ((a + b)[:, None] >> shifts) & 1
    W_xh, W_hh, b_h, W_hy, b_y = (np.asarray(params[name], dtype=float) for name in _ADDER_WEIGHTS)  # noqa: N806
    h, right = np.zeros((n, W_hh.shape[0])), np.ones(n, dtype=bool)
    with np.errstate(over="ignore"):  # exp overflow in σ of large weights gives exactly 0 or 1
        for t in range(bits + 1):
            h = _sigmoid(x[:, t] @ W_xh + h @ W_hh + b_h.reshape(-1))
            right &= ((h @ W_hy.reshape(-1, 1) + b_y.reshape(-1))[:, 0] > 0) == (target[:, t] == 1)
    return float(right.mean())


def _adder_shape_problem(size: Any, params: Any) -> str | None:
    """None if ``params`` are the weights of an adder with ``size`` hidden neurons, else what is wrong (Russian)."""
    if not isinstance(params, dict) or any(name not in params for name in _ADDER_WEIGHTS):
        return (f"для H = {size} нужен словарь весов, как у init_params: ключи {', '.join(_ADDER_WEIGHTS)}; "
                f"получен объект типа {type(params).__name__}.")
    shapes = {name: np.shape(params[name]) for name in _ADDER_WEIGHTS}
    want = {"W_xh": (2, size), "W_hh": (size, size), "b_h": (size,), "W_hy": (size, 1), "b_y": (1,)}
    if shapes != want:
        return (f"у сети для H = {size} веса формы {shapes}, а при H = {size} скрытых нейронах они должны быть "
                f"{want}: обучите её с init_params({size}, ...).")
    if not all(np.all(np.isfinite(np.asarray(params[name], dtype=float))) for name in _ADDER_WEIGHTS):
        return f"в весах сети для H = {size} есть NaN или бесконечность: обучение разошлось."
    return None


def check_adder_sizes(params_by_size: Any, smallest: Any, sizes: Sequence[int] = (1, 2, 3, 4)) -> bool:
    """02 (experiment): trained adders ``{H: params}`` and the smallest H that adds (≥ 0.99 on 8 and 32 bits).

    The checker measures every network itself, on its own random additions (:func:`adder_accuracy`),
    so the answer must agree with what the student's own networks do, not with a number typed in.
    """
    task = "сколько нейронов нужно сумматору"
    if params_by_size is None or params_by_size is Ellipsis:
        _print_verdict(task, _compare(None, 0, rtol=0, atol=0))
        return False
    if not isinstance(params_by_size, dict) or set(params_by_size) != set(sizes):
        _print_verdict(task, f"нужен словарь {{H: веса обученной сети}} ровно для H = {tuple(sizes)}.")
        return False
    for size in sizes:
        problem = _adder_shape_problem(size, params_by_size[size])
        if problem is not None:
            _print_verdict(task, problem)
            return False
    works, measured = {}, []
    for size in sizes:
        accuracy = {bits: adder_accuracy(params_by_size[size], bits) for bits in (8, 32)}
        works[size] = min(accuracy.values()) >= 0.99
        measured.append(f"   H = {size}: верны {accuracy[8]:.1%} случайных 8-битных сумм, {accuracy[32]:.1%} 32-битных")
    problem = None
    if smallest is None or smallest is Ellipsis:
        problem = "впишите в smallest_working_size наименьшее H, при котором сеть складывает."
    elif not any(works.values()):
        problem = (f"ни одна сеть не складывает, даже с H = {max(sizes)}: проверьте цикл обучения "
                   "(те же шаг, батч и число шагов, что в разделе 5) или попробуйте другой seed.")
    elif not (_is_numeric(smallest) and np.ndim(smallest) == 0
              and float(smallest) == min(size for size in sizes if works[size])):
        problem = (f"ответ {smallest!r} не сходится с вашими же сетями: нужно наименьшее H, при котором верны "
                   "не меньше 99 % сумм и 8-битных, и 32-битных чисел (замеры проверки ниже).")
    _print_verdict(task, problem)
    print("\n".join(measured))
    return problem is None


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
        ok, answer = _call(task, func, args, number, len(cases))
        if not ok:
            return False
        if answer is None or answer is Ellipsis:
            return check_value(task, None, 0)
        if not isinstance(answer, (tuple, list)) or len(answer) != 2:
            _print_verdict(task, "функция должна вернуть пару массивов (x, y).")
            return False
        where = f"проверка {number} из {len(cases)} ({describe(*args)}): "
        for name, got, want in zip("xy", answer, by_loop(*args), strict=True):
            got = np.asarray(got)
            if got.ndim == 2 and got.shape[1] == want.shape[1] and len(got) != len(want):
                _print_verdict(task, f"{where}окон {len(got)}, а должно быть {len(want)}: {count_hint}")
                return False
            verdict = _compare(got, want, rtol=0, atol=0)
            if verdict is not None:
                _print_verdict(task, f"{where}{name}: {verdict}")
                return False
    _print_verdict(task, None)
    return True


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
    return _check_cases(
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
    from .data import load_alice

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
            got = f"{len(sample)} символов" if isinstance(sample, str) else f"объект типа {type(sample).__name__}"
            return f"T = {t}: нужен сгенерированный текст не короче {min_length} символов, а получен {got}."
        inner = " ".join(_latin_words(sample)[1:-1])  # the first and the last word may be cut
        if len(inner) > 100 and f" {inner} " in book:
            return f"T = {t}: это кусок самой книги, а нужен текст, который написала модель (generate)."
    if len({samples[t] for t in temperatures}) < len(temperatures):
        return "тексты при разных температурах совпадают: для каждой T сгенерируйте свой."
    return None


def check_temperature_words(
    samples: Any,
    real_share: Any,
    distinct_share: Any,
    temperatures: Sequence[float] = (0.3, 0.7, 1.0, 1.5),
    min_length: int = 300,
) -> bool:
    """04 (experiment): generated texts ``{T: text}`` and their shares of real and of distinct words.

    The checker counts both shares itself, with its own word list read from the book, and makes sure the
    texts are long enough, all different and not pieces of the book.
    """
    task = "цена температуры"
    if any(answer is None or answer is Ellipsis for answer in (samples, real_share, distinct_share)):
        _print_verdict(task, _compare(None, 0, rtol=0, atol=0))
        return False
    named = {"samples_by_temperature": samples, "real_word_share": real_share, "distinct_word_share": distinct_share}
    for name, answer in named.items():
        if not isinstance(answer, dict) or set(answer) != set(temperatures):
            _print_verdict(task, f"{name} — словарь с ключами ровно {tuple(temperatures)} (температуры).")
            return False
    problem = _samples_problem(samples, temperatures, min_length)
    if problem is not None:
        _print_verdict(task, problem)
        return False
    measured = []
    for t in temperatures:
        count, real, distinct = sample_word_shares(samples[t])
        measured.append(f"   T = {t}: слов {count}, настоящих {real:.1%}, различных {distinct:.1%}")
        for label, answer, share in (("настоящих", real_share[t], real), ("различных", distinct_share[t], distinct)):
            if problem is not None:
                break
            if not (_is_numeric(answer) and np.ndim(answer) == 0 and np.isfinite(float(answer))):
                problem = f"T = {t}: доля {label} слов — одно число от 0 до 1, а получено {answer!r}."
            elif abs(float(answer) - share) > 0.02:
                percent = " Доля — число от 0 до 1, а не проценты." if float(answer) > 1 else ""
                problem = (f"T = {t}: ваша доля {label} слов {float(answer):.3g} не сходится с подсчётом проверки."
                           f"{percent} Слово — цепочка латинских букв; настоящее — если встречается в книге; "
                           "доля различных — отношение числа различных слов к числу всех.")
    _print_verdict(task, problem)
    if problem is None:  # the checker's own count is shown only after a right answer: it cannot be copied
        print("\n".join(measured))
    return problem is None


def _field_by_brute_force(stack: Sequence[tuple[int, int]]) -> int:
    """Receptive field counted, not computed: which input positions one output of the last layer reads."""
    positions = {0}
    for kernel, stride in reversed(stack):
        positions = {p * stride + offset for p in positions for offset in range(kernel)}
    return max(positions) - min(positions) + 1


def receptive_field_cases(seed: int = 6) -> tuple[list[tuple], list[int]]:
    """Stacks of ``(kernel, stride)`` with known fields (VGG's three 3×3 = 7×7, ResNet's stem = 11) and random ones."""
    known = [
        ([], 1),
        ([(3, 1)], 3),
        ([(3, 1)] * 2, 5),
        ([(3, 1)] * 3, 7),
        ([(7, 2), (3, 2)], 11),
        ([(2, 2), (3, 1)], 6),
        ([(3, 1), (2, 2)] * 3, 22),
    ]
    rng = np.random.default_rng(seed)
    random_stacks = [
        [(int(rng.integers(1, 6)), int(rng.integers(1, 4))) for _ in range(rng.integers(2, 6))] for _ in range(6)
    ]
    cases = [(stack,) for stack, _ in known] + [(stack,) for stack in random_stacks]
    return cases, [field for _, field in known] + [_field_by_brute_force(stack) for stack in random_stacks]


def check_receptive_field(func: Callable[..., Any]) -> bool:
    """Notebook 06: ``func(stack)`` = the receptive field of the last layer; known answers and a brute-force count."""
    cases, expected = receptive_field_cases()
    return _check_cases(
        "рецептивное поле",
        func,
        cases,
        expected,
        rtol=0,
        atol=0,
        hint="r растёт на (k − 1)·j, где j — шаг между выходами ПРЕДЫДУЩЕГО слоя; j обновляйте после r.",
    )


def _hits_by_pixels(alpha: np.ndarray, box: tuple[int, int, int, int], cell: int) -> bool:
    """Whether the argmax cell and the box share a pixel, by drawing both as masks."""
    row, col = np.unravel_index(np.argmax(alpha), alpha.shape)
    size = cell * alpha.shape[0]
    in_box = np.zeros((size, size), dtype=bool)
    in_box[box[0] : box[2], box[1] : box[3]] = True
    return bool(in_box[row * cell : (row + 1) * cell, col * cell : (col + 1) * cell].any())


def attention_hit_cases(cell: int, grid: int, seed: int = 8, random_cases: int = 40) -> list[tuple]:
    """Cases ``(alpha, box)``: boxes that touch the argmax cell's edges from outside and inside, a transposed
    cell (row ≠ column), and random weights with random boxes."""
    rng = np.random.default_rng(seed)
    size = cell * grid
    row, col = 1, grid - 2  # row ≠ column, not on the border
    alpha = rng.random((grid, grid)) * 0.5
    alpha[row, col] = 1.0
    top, left, bottom, right = row * cell, col * cell, (row + 1) * cell, (col + 1) * cell
    cases = [
        (alpha, (top, left, bottom, right)),
        (alpha, (0, 0, top, size)),
        (alpha, (top - 1, 0, top + 1, left + 1)),
        (alpha, (bottom, 0, size, size)),
        (alpha, (0, 0, size, left)),
        (alpha, (0, right, size, size)),
        (alpha, (bottom - 1, right - 1, bottom, right)),
        (alpha, (col * cell, row * cell, (col + 1) * cell, (row + 1) * cell)),
        (alpha, (top + 1, left + 1, bottom - 1, right - 1)),
    ]
    for _ in range(random_cases):
        y0, x0 = rng.integers(0, size - 1, 2)
        y1, x1 = rng.integers(y0 + 1, size + 1), rng.integers(x0 + 1, size + 1)
        cases.append((rng.random((grid, grid)), (int(y0), int(x0), int(y1), int(x1))))
    return cases


BACKGROUND = 0.96  # the scenes' background in utils.scenes.make_scenes


def _erase_problem(func: Callable[..., Any], image_size: int) -> str | None:
    """None if ``func(image, obj)`` paints the box of ``obj`` with the background in a copy, else what is wrong."""
    from .scenes import make_scenes

    images, _, scenes = make_scenes(12, seed=99, image_size=image_size)
    for number, (image, objects) in enumerate(zip(images, scenes, strict=True), start=1):
        for obj in objects:
            answer, problem = _call_on_copy(func, number, image, obj, kept="исходную картинку: верните копию, "
                                            "тестовые сцены ещё нужны")
            if problem:
                return problem
            if answer.shape != image.shape:
                return f"форма {answer.shape}, а должна остаться {image.shape}."
            y0, x0, y1, x1 = obj.box
            inside = np.zeros(image.shape[:2], dtype=bool)
            inside[y0:y1, x0:x1] = True
            if not np.allclose(answer[~inside], image[~inside]):
                return (f"проверка {number}: изменились пиксели вне рамки объекта. box = (y0, x0, y1, x1): "
                        "строки y0:y1, столбцы x0:x1.")
            if not np.allclose(answer[inside], BACKGROUND):
                return (f"проверка {number}: рамку объекта закрасьте цветом фона {BACKGROUND} (во всех трёх каналах), "
                        "иначе модель увидит на месте объекта новое пятно.")
    return None


def check_erase_object(
    func: Callable[..., Any], erased_captions: Any, erased_still_named: Any, caption_images: Callable[..., Any],
    images: np.ndarray, scenes: Sequence[Sequence[Any]],
) -> bool:
    """06 (experiment): erase each scene's first object, caption the images, count captions that still name it.

    The checker tests ``func`` on its own scenes, erases the objects itself, captions the images with
    ``caption_images`` and compares the student's captions with its own; then it counts, with
    :func:`utils.scenes.named_objects`, the captions that still name the erased (colour, shape).
    Its own numbers are printed only after a right answer, so they cannot be copied in.
    """
    from .scenes import named_objects, object_f1

    task = "сотрите объект"
    problem = _erase_problem(func, images.shape[1])
    if problem is None and (erased_captions is None or erased_captions is Ellipsis
                            or erased_still_named is None or erased_still_named is Ellipsis):
        problem = _compare(None, 0, rtol=0, atol=0)
    if problem is None and not (isinstance(erased_captions, (list, tuple)) and len(erased_captions) == len(scenes)
                                and all(isinstance(c, str) for c in erased_captions)):
        problem = f"erased_captions — список из {len(scenes)} подписей-строк, по одной на сцену, в том же порядке."
    if problem is not None:
        _print_verdict(task, problem)
        return False
    erased = np.stack([func(image, objects[0]) for image, objects in zip(images, scenes, strict=True)])
    captions = list(caption_images(erased))
    if np.mean([a == b for a, b in zip(erased_captions, captions, strict=True)]) < 0.95:
        _print_verdict(task, "ваши подписи не совпадают с подписями модели к картинкам со стёртым первым объектом: "
                             "подпишите именно их (greedy_captions модели с вниманием).")
        return False
    still = [  # named more often than such objects are left (a twin of the erased object may remain)
        named_objects(c)[pair] > [(o.colour, o.shape) for o in objects[1:]].count(pair)
        for c, objects in zip(captions, scenes, strict=True)
        for pair in [(objects[0].colour, objects[0].shape)]
    ]
    measured = float(np.mean(still))
    if not (_is_numeric(erased_still_named) and np.ndim(erased_still_named) == 0
            and abs(float(erased_still_named) - measured) <= 0.01):
        _print_verdict(task, f"доля {erased_still_named!r} не сходится с подсчётом проверки по этим подписям. "
                             "Доля — число от 0 до 1: сколько подписей называет стёртый объект (цвет и форму).")
        return False
    others_f1 = np.mean([object_f1(c, objects[1:]) for c, objects in zip(captions, scenes, strict=True)])
    _print_verdict(task, None)
    print(f"   сцен: {len(scenes)}; стёртый объект назван в {measured:.1%} подписей; "
          f"F1 по оставшимся объектам: {others_f1:.3f}")
    return True


def check_attention_hits_box(func: Callable[..., Any], cell: int, grid: int) -> bool:
    """Notebook 06: ``func(alpha, box)`` says whether the argmax cell of a ``(grid, grid)`` map overlaps the box."""
    task, cases = "попадание в рамку", attention_hit_cases(cell, grid)
    for number, (alpha, box) in enumerate(cases, start=1):
        ok, answer = _call(task, func, (alpha, box), number, len(cases))
        if not ok:
            return False
        if answer is None or answer is Ellipsis:
            return check_value(task, None, True)
        want = _hits_by_pixels(alpha, box, cell)
        if not isinstance(answer, (bool, np.bool_)) or bool(answer) != want:
            row, col = np.unravel_index(np.argmax(alpha), alpha.shape)
            _print_verdict(
                task,
                f"проверка {number} из {len(cases)}: получено {answer!r}, а ожидалось {want}. "
                f"Максимум в клетке (строка {row}, столбец {col}) — пиксели "
                f"y ∈ [{row * cell}, {(row + 1) * cell}), x ∈ [{col * cell}, {(col + 1) * cell}); "
                f"рамка (y0, x0, y1, x1) = {box}, y1 и x1 не включаются. Ответ — True или False.",
            )
            return False
    _print_verdict(task, None)
    return True


# --- Notebook 03: IMDb ------------------------------------------------------------------------


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
        _print_verdict("параметры модели", f"получено {answer}, а ожидалось другое число: {hint}")
        return False
    if isinstance(answer, (float, np.floating)) and not float(answer).is_integer():
        _print_verdict("параметры модели", f"число параметров — целое, а получено {answer}.")
        return False
    return check_value("параметры модели", answer, expected, rtol=0, atol=0.5)


def _call_on_copy(func: Callable[..., Any], number: int, data: np.ndarray, *args: Any, kept: str
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
        return None, _compare(None, 0, rtol=0, atol=0)
    if not np.array_equal(data, original):
        return None, f"функция изменила {kept}."
    return np.asarray(answer), None


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
        answer, problem = _call_on_copy(func, number, case, kept="входной массив: верните новый массив, "
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
        _print_verdict(task, problem)
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
        if not (_is_numeric(answer) and np.ndim(answer) == 0 and abs(float(answer) - measured["обратный"]) < 0.005):
            _print_verdict(task, f"{name}: ваша точность {answer!r} не сходится с измерением проверки на перевёрнутых "
                                 "отзывах. Точность — доля верных ответов (порог 0.5), число от 0 до 1.")
            return False
    _print_verdict(task, None)  # the checker's numbers only after a right answer: they cannot be copied
    print("\n".join(report))
    return True


# --- Notebook 01: checkers whose references live here, not next to the stub ---------------------------------


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
            _print_verdict(f"форма с return_sequences={flag}", "запишите форму кортежем, например (1, 2, 3).")
            right = False
            continue
        right &= check_value(f"форма с return_sequences={flag}", answer, expected[flag])
    return bool(right)


def check_lstm_params(answer: Any, units: int = 64, input_size: int = 100) -> bool:
    """01: trainable parameters of ``LSTM(units)`` on inputs of size ``input_size``, counted by Keras here."""
    import keras

    model = keras.Sequential([keras.Input((None, input_size)), keras.layers.LSTM(units)])
    if isinstance(answer, float) and answer.is_integer():
        answer = int(answer)
    return check_value(f"параметры LSTM({units}) на входе размера {input_size}", answer, model.count_params())


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
    cannot pass; ``failing_length`` must be the smallest length where that accuracy is below 0.5 (or ``None``).
    """
    task = "где SimpleRNN сдаётся"
    if short_lag_models is None or short_lag_models is Ellipsis:
        _print_verdict(task, _compare(None, 0, rtol=0, atol=0))
        return False
    if not isinstance(short_lag_models, dict) or set(short_lag_models) != set(lengths):
        _print_verdict(task, f"нужен словарь {{длина T: обученная модель}} ровно для длин {tuple(lengths)}.")
        return False
    for length, model in short_lag_models.items():
        problem = _simple_rnn_problem(model)
        if problem:
            _print_verdict(task, f"T = {length}: {problem}")
            return False
    measured = {length: short_lag_accuracy(short_lag_models[length], length) for length in lengths}
    print("точность ваших моделей на лагах ≤ 5 (свои тестовые данные проверки):",
          {length: round(value, 2) for length, value in measured.items()})
    if failing_length is Ellipsis:
        _print_verdict(task, "впишите в failing_length наименьшую длину с точностью ниже 0.5 (или None).")
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
        _print_verdict(task, "по измерениям ваших же моделей ответ другой: нужна наименьшая длина, "
                             "где точность на лагах ≤ 5 ниже 0.5, или None.")
        return False
    _print_verdict(task, None)
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
