"""Checkers of notebook 02's exercises: tanh's derivative, a BPTT step, a GRU step, a GRU that remembers, the adder."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .common import (
    check_cases,
    compare,
    is_numeric,
    keyed_answer_written,
    print_verdict,
)


def check_tanh_grad(func: Callable[[np.ndarray], Any]) -> bool:
    """Notebook 02: ``func(s)`` is tanh'(z) written through s = tanh(z); checked against 1 / cosh²(z)."""
    rng = np.random.default_rng(17)
    zs = [np.linspace(-3, 3, 13), rng.normal(0, 1.5, (4, 5)), np.zeros(3), rng.uniform(-0.3, 0.3, 6)]
    expected = [1 / np.cosh(z) ** 2 for z in zs]  # tanh' = 1/cosh²: a second formula, not the answer 1 − s²
    return check_cases(
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
    return check_cases(
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
    return check_cases(
        "шаг GRU",
        func,
        cases,
        expected,
        rtol=1e-4,
        atol=2e-5,
        hint="блоки z, r, h̃; bias[0] — к входной части, bias[1] — к рекуррентной; r умножается "
        "на (h·U_h + b^h_h) ПОСЛЕ умножения на матрицу; h_t = z·h_{t−1} + (1 − z)·h̃.",
    )


MEMORY_STEPS = 100  # the GRU of the "remembering" exercise must keep its state this many steps
MEMORY_TOLERANCE = 0.02  # largest allowed change of any state component over those steps


def gru_state_drift(bias: np.ndarray, units: int, seed: int, input_dim: int = 3, batch: int = 8) -> float:
    """Largest |h_T − h_0| of ``keras.layers.GRU(units)`` with random kernels, the given ``bias`` and random inputs.

    The initial state h_0 is random and non-zero, so a GRU that forgets (h_T → its candidate) moves far from it.
    """
    import keras

    rng = np.random.default_rng(seed)
    layer = keras.layers.GRU(units)  # Keras default: reset_after=True, bias (2, 3H), blocks z, r, h̃
    layer.build((None, None, input_dim))
    kernel = rng.normal(0, 0.5, (input_dim, 3 * units)).astype("float32")
    recurrent_kernel = rng.normal(0, 0.5, (units, 3 * units)).astype("float32")
    layer.set_weights([kernel, recurrent_kernel, np.asarray(bias, dtype="float32")])
    h0 = rng.uniform(-0.9, 0.9, (batch, units)).astype("float32")
    x = rng.normal(size=(batch, MEMORY_STEPS, input_dim)).astype("float32")
    h_last = keras.ops.convert_to_numpy(layer(x, initial_state=[h0]))
    return float(np.max(np.abs(h_last - h0)))


def check_memory_bias(func: Callable[[int], Any], sizes: Sequence[int] = (4, 7)) -> bool:
    """Notebook 02: ``func(units)`` returns a GRU ``bias`` (2, 3·units) that keeps the state for MEMORY_STEPS steps.

    Measured on Keras's own GRU layer with random kernels, inputs and initial states (several sizes and seeds).
    """
    task = "GRU, который помнит"
    hint = ("вспомните формулу h_t = z·h_{t−1} + (1 − z)·h̃_t: какой вентиль должен быть ≈ 1, в каком блоке "
            "(порядок блоков z, r, h̃) и в какой строке bias он стоит? Входы и h тоже сдвигают вентиль — "
            "смещение должно их перекрывать.")
    for number, units in enumerate(sizes, start=1):
        try:
            bias = func(units)
        except NotImplementedError:
            bias = None
        except Exception as error:  # the student's bug, reported without a traceback
            print_verdict(task, f"функция завершилась ошибкой при H = {units}: {type(error).__name__}: {error}")
            return False
        if bias is None or bias is Ellipsis:
            print_verdict(task, compare(None, 0, rtol=0, atol=0))
            return False
        if not is_numeric(bias) or np.shape(bias) != (2, 3 * units):
            print_verdict(task, f"при H = {units} нужен массив формы (2, {3 * units}), как bias слоя GRU "
                                f"(строка 0 — входная часть, строка 1 — рекуррентная); получено {np.shape(bias)}.")
            return False
        if not np.all(np.isfinite(np.asarray(bias, dtype=float))):
            print_verdict(task, "в смещениях есть NaN или бесконечность.")
            return False
        drift = max(gru_state_drift(bias, units, seed=100 * number + trial) for trial in range(2))
        if drift >= MEMORY_TOLERANCE:
            print_verdict(task, f"при H = {units} за {MEMORY_STEPS} шагов состояние изменилось на {drift:.3f} "
                                f"(нужно меньше {MEMORY_TOLERANCE}): {hint}")
            return False
    print_verdict(task, None)
    return True


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


def train_adder_further(params: dict, steps: int = 1500, seed: int = 0, learning_rate: float = 0.5,
                        batch: int = 32) -> dict:
    """A copy of a 02 adder trained ``steps`` more SGD steps on the checker's own random 8-bit pairs.

    The checker's own BPTT (sigmoid RNN, binary cross-entropy summed over steps, averaged over the batch), with
    the notebook's step and batch: an adder that learns here was not trained to convergence.
    """
    shapes = {"W_xh": (2, -1), "W_hh": np.shape(params["W_hh"]), "b_h": (-1,), "W_hy": (-1, 1), "b_y": (1,)}
    p = {name: np.array(params[name], dtype=float).reshape(shape) for name, shape in shapes.items()}
    rng = np.random.default_rng(seed)
    shifts = np.arange(9)
    for _ in range(steps):
        a, b = rng.integers(0, 256, (2, batch))
        x = np.stack([(a[:, None] >> shifts) & 1, (b[:, None] >> shifts) & 1], axis=-1).astype(float)
        y = (((a + b)[:, None] >> shifts) & 1).astype(float)
        with np.errstate(over="ignore"):
            hs = [np.zeros((batch, p["W_hh"].shape[0]))]
            for t in range(9):
                hs.append(_sigmoid(x[:, t] @ p["W_xh"] + hs[-1] @ p["W_hh"] + p["b_h"]))
            y_hat = _sigmoid(np.stack(hs[1:], axis=1) @ p["W_hy"] + p["b_y"])[..., 0]
        delta_y = (y_hat - y) / batch
        grads = {name: np.zeros_like(value) for name, value in p.items()}
        grads["b_y"] += delta_y.sum()
        dh_future = np.zeros_like(hs[0])
        for t in reversed(range(9)):
            grads["W_hy"] += hs[t + 1].T @ delta_y[:, t : t + 1]
            delta_h = (delta_y[:, t : t + 1] @ p["W_hy"].T + dh_future) * hs[t + 1] * (1 - hs[t + 1])
            grads["W_xh"] += x[:, t].T @ delta_h
            grads["W_hh"] += hs[t].T @ delta_h
            grads["b_h"] += delta_h.sum(axis=0)
            dh_future = delta_h @ p["W_hh"].T
        for name in p:
            p[name] -= learning_rate * grads[name]
    return p


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
    so the answer must agree with what the student's own networks do, not with a number typed in; and it trains
    each network that does not add 1500 steps further (:func:`train_adder_further`): one that then adds was
    under-trained, and an answer built on it is rejected.
    """
    task = "сколько нейронов нужно сумматору"
    wanted = f"нужен словарь {{H: веса обученной сети}} ровно для H = {tuple(sizes)}."
    if not keyed_answer_written(task, params_by_size, sizes, wanted):
        return False
    for size in sizes:
        problem = _adder_shape_problem(size, params_by_size[size])
        if problem is not None:
            print_verdict(task, problem)
            return False
    works, measured = {}, []
    for size in sizes:
        accuracy = {bits: adder_accuracy(params_by_size[size], bits) for bits in (8, 32)}
        works[size] = min(accuracy.values()) >= 0.99
        measured.append(f"   H = {size}: верны {accuracy[8]:.1%} случайных 8-битных сумм, {accuracy[32]:.1%} 32-битных")
    # a network that does not add must have stopped learning, not have been stopped early
    under_trained = [size for size in sizes
                     if not works[size] and adder_accuracy(train_adder_further(params_by_size[size]), 8) >= 0.99]
    problem = None
    if under_trained:
        problem = (f"сеть с H = {under_trained[0]} не доучена: ещё 1500 шагов SGD (тот же шаг и батч) — и она "
                   "складывает. Обучайте каждую сеть столько шагов, сколько сказано в задании (STEPS // 2).")
    elif smallest is None or smallest is Ellipsis:
        problem = "впишите в smallest_working_size наименьшее H, при котором сеть складывает."
    elif not any(works.values()):
        problem = (f"ни одна сеть не складывает, даже с H = {max(sizes)}: проверьте цикл обучения "
                   "(те же шаг, батч и число шагов, что в разделе 5) или попробуйте другой seed.")
    elif not (is_numeric(smallest) and np.ndim(smallest) == 0
              and float(smallest) == min(size for size in sizes if works[size])):
        problem = (f"ответ {smallest!r} не сходится с вашими же сетями: нужно наименьшее H, при котором верны "
                   "не меньше 99 % сумм и 8-битных, и 32-битных чисел (замеры проверки ниже).")
    print_verdict(task, problem)
    print("\n".join(measured))
    return problem is None
