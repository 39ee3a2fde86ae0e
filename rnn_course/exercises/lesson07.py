"""Checkers of notebook 07's exercises: forecast windows and the input-length experiment."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from .common import (
    call_answer,
    check_value,
    check_window_pairs,
    print_verdict,
)


def _windows_by_loop(series: np.ndarray, input_len: int, horizon: int) -> tuple[np.ndarray, np.ndarray]:
    """Every (past, future) pair that fits: ``input_len`` values, then the next ``horizon`` ones."""
    pasts, futures = [], []
    for start in range(len(series)):
        end = start + input_len
        if end + horizon > len(series):
            break
        pasts.append(series[start:end])
        futures.append(series[end:end + horizon])
    return np.array(pasts).reshape(-1, input_len), np.array(futures).reshape(-1, horizon)


def forecast_window_cases(seed: int = 7) -> list[tuple[np.ndarray, int, int]]:
    """Cases ``(series, input_len, horizon)``: random values (no two equal), one window exactly, horizon 1."""
    rng = np.random.default_rng(seed)
    return [
        (np.arange(10.0), 3, 2),
        (rng.normal(size=50).astype(np.float32), 12, 5),
        (rng.normal(size=30), 24, 6),  # exactly one window
        (rng.normal(size=40), 5, 1),
        (rng.normal(size=100), 1, 24),
    ]


def check_forecast_windows(func: Callable[..., Any]) -> bool:
    """Notebook 07: ``func(series, input_len, horizon)`` returns ``(x, y)``; expected ones come from a plain loop."""
    return check_window_pairs(
        "окна прогноза", func, forecast_window_cases(), _windows_by_loop,
        lambda series, input_len, horizon: f"len(series) = {len(series)}, input_len = {input_len}, horizon = {horizon}",
        "окно берём, пока и прошлое, и будущее целиком помещаются в ряд (последнее — тоже).",
    )


def aligned_windows(series: np.ndarray, input_len: int, first_target: int, horizon: int):
    """Windows whose futures start at ``first_target`` and later: every input length is scored on the same targets."""
    starts = np.arange(first_target, len(series) - horizon + 1)
    return series[starts[:, None] + np.arange(-input_len, 0)], series[starts[:, None] + np.arange(horizon)]


def least_squares_mae(train: np.ndarray, val: np.ndarray, input_len: int, first_target: int, horizon: int) -> float:
    """Validation MAE of the linear forecast (least squares with an intercept) on ``input_len`` past values."""
    x, y = aligned_windows(train, input_len, input_len, horizon)
    weights, *_ = np.linalg.lstsq(np.c_[x, np.ones(len(x))], y, rcond=None)
    vx, vy = aligned_windows(val, input_len, first_target, horizon)
    return float(np.abs(np.c_[vx, np.ones(len(vx))] @ weights - vy).mean())


def seasonal_naive_mae(val: np.ndarray, first_target: int, horizon: int) -> float:
    """Validation MAE of "the same hour yesterday" on the targets that every input length is scored on."""
    _, vy = aligned_windows(val, 0, first_target, horizon)
    yesterday = aligned_windows(val, 0, first_target - 24, horizon)[1][: len(vy)]
    return float(np.abs(yesterday - vy).mean())


def check_input_length_experiment(
    forecasters: Mapping[int, Callable[[np.ndarray], np.ndarray]],
    shortest_length: int | None,
    train: np.ndarray,
    val: np.ndarray,
    horizon: int = 24,
    lengths: tuple[int, ...] = (3, 6, 12, 24, 48, 96),
) -> dict[int, float] | None:
    """Notebook 07: a fitted linear forecaster per input length, and the shortest one that beats seasonal naive.

    The checker scores each of the student's forecasters itself, on the same validation targets for every
    length; each must score as least squares fitted on ``train`` does, within 5 % (a persistence, an under-fitted
    model or one fitted on validation too fails), and ``shortest_length`` must be the shortest length whose
    measured error is below that of "the same hour yesterday" on those targets. Returns the errors if right.
    """
    task = "длина входного окна"
    if not forecasters or shortest_length is None or shortest_length is Ellipsis or None in forecasters.values():
        check_value(task, None, 0)
        return None
    missing = [length for length in lengths if length not in forecasters]
    if missing:
        print_verdict(task, f"нет прогнозов для длин {missing}: обучите модель для каждой из {list(lengths)}.")
        return None
    first_target = max(lengths)
    errors = {}
    for number, length in enumerate(lengths, start=1):
        vx, vy = aligned_windows(val, length, first_target, horizon)
        ok, forecast = call_answer(task, forecasters[length], (vx,), number, len(lengths))
        if not ok:
            return None
        forecast = np.asarray(forecast, dtype=float)
        if forecast.shape != vy.shape:
            print_verdict(task, f"длина {length}: прогноз формы {forecast.shape}, а нужна {vy.shape} "
                                 "(строка на окно, по столбцу на час вперёд).")
            return None
        errors[length] = float(np.abs(forecast - vy).mean())
        reference = least_squares_mae(train, val, length, first_target, horizon)
        if abs(errors[length] - reference) > 0.05 * reference + 1e-3:  # worse: under-fitted; better: saw val
            print_verdict(task, f"длина {length}: MAE на валидации {errors[length]:.3f}, а метод наименьших "
                                 f"квадратов на обучающей части даёт {reference:.3f}. Модель обучена не до конца, "
                                 "не на том окне или не только на обучающей части.")
            return None
    naive = seasonal_naive_mae(val, first_target, horizon)
    winners = [length for length in lengths if errors[length] < naive]
    expected = min(winners) if winners else None
    if shortest_length != expected:
        table = ", ".join(f"{length}: {error:.3f}" for length, error in errors.items())
        print_verdict(task, f"по измерениям ваших же моделей (MAE {table}; сезонный наивный {naive:.3f}) "
                             f"ответ не {shortest_length}.")
        return None
    print_verdict(task, None)
    return errors
