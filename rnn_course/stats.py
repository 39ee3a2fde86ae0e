"""Intervals for comparisons where noise could explain a margin."""

from __future__ import annotations

import numpy as np


def block_bootstrap_interval(
    values: np.ndarray, block: int, *, confidence: float = 0.95, samples: int = 2000, seed: int = 0
) -> tuple[float, float]:
    """Percentile interval for the mean of a time-ordered series by the moving-block bootstrap.

    Neighbouring values of a series are correlated (errors of overlapping forecast windows, of adjacent
    characters), so resampling single values would make the interval too narrow; resampling blocks of
    ``block`` consecutive values keeps that correlation inside each block (Künsch 1989).
    """
    values = np.asarray(values, dtype=float).ravel()
    if not 1 <= block <= len(values):
        raise ValueError(f"block = {block}: нужен блок от 1 до {len(values)} значений")
    rng = np.random.default_rng(seed)
    blocks = int(np.ceil(len(values) / block))
    starts = rng.integers(0, len(values) - block + 1, size=(samples, blocks))
    means = values[(starts[..., None] + np.arange(block)).reshape(samples, -1)[:, : len(values)]].mean(axis=1)
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(means, [tail, 100 - tail])
    return float(low), float(high)
