"""Character n-gram language models with interpolated (modified) Kneser–Ney smoothing.

A fast, vectorised companion to the readable `kneser_ney` of notebook 04: counts are gathered once
with `collections.Counter`, the statistics every position of a text needs are looked up once, and then
any set of discounts is scored with a few NumPy operations. That makes tuning the discounts on held-out
text cheap (Chen & Goodman 1998, "An Empirical Study of Smoothing Techniques for Language Modeling").

Discounts are an array of shape (order, 3): for each level k = 1..order (k-gram, context of k-1
characters) the amounts D1, D2, D3+ subtracted from counts 1, 2 and >= 3. Interpolated Kneser–Ney with
one discount D is the special case where every entry equals D (for 0 <= D <= 1).
"""

from __future__ import annotations

import collections
from dataclasses import dataclass

import numpy as np

_LIMITS = np.array([1.0, 2.0, 3.0])  # D1 <= 1, D2 <= 2, D3+ <= 3 keep every distribution normalised
MIN_DISCOUNT = 0.05  # tuning and estimates stay above it: some mass always goes to shorter contexts


def _context_stats(counts: collections.Counter) -> dict[str, np.ndarray]:
    """Context h -> [N(h), number of c with count 1, with count 2, with count >= 3]."""
    stats: dict[str, np.ndarray] = {}
    for gram, count in counts.items():
        row = stats.setdefault(gram[:-1], np.zeros(4))
        row[0] += count
        row[min(count, 3)] += 1
    return stats


class KneserNey:
    """Counts of a training text for character models of order 1..max_order.

    Level k of a model of order K uses ordinary counts N(hc) when k == K and continuation counts
    N1+(.hc) (in how many distinct left contexts the k-gram occurs) when k < K.
    """

    def __init__(self, text: str, max_order: int, alphabet: str | list[str] | None = None):
        self.text, self.max_order = text, max_order
        self.alphabet = sorted(set(text)) if alphabet is None else list(alphabet)
        self.raw = [collections.Counter(text[i:i + k] for i in range(len(text) - k + 1))
                    for k in range(1, max_order + 1)]
        self.continuation = [collections.Counter(gram[1:] for gram in self.raw[k]) for k in range(1, max_order)]
        self._raw_stats = [_context_stats(c) for c in self.raw]
        self._cont_stats = [_context_stats(c) for c in self.continuation]

    def _tables(self, order: int, k: int):
        if k == order:
            return self.raw[k - 1], self._raw_stats[k - 1]
        return self.continuation[k - 1], self._cont_stats[k - 1]

    def chen_goodman_discounts(self, order: int) -> np.ndarray:
        """Closed-form estimates D_r = r - (r + 1) Y n_{r+1} / n_r, Y = n1 / (n1 + 2 n2), per level."""
        discounts = np.zeros((order, 3))
        for k in range(1, order + 1):
            counts, _ = self._tables(order, k)
            n = collections.Counter(c for c in counts.values() if c <= 4)
            n1, n2, n3, n4 = (max(n[r], 1) for r in (1, 2, 3, 4))
            y = n1 / (n1 + 2 * n2)
            discounts[k - 1] = [1 - 2 * y * n2 / n1, 2 - 3 * y * n3 / n2, 3 - 4 * y * n4 / n3]
        return np.clip(discounts, MIN_DISCOUNT, _LIMITS)

    def statistics(self, text: str, order: int) -> np.ndarray:
        """Per-position statistics for predicting text[1:], shape (order, 5, len(text) - 1).

        Rows: count of hc, N(h), and the numbers of continuations of h with count 1, 2, >= 3
        (all zero when h was never seen or when the text before the position is shorter than h).
        """
        out = np.zeros((order, 5, len(text) - 1))
        for k in range(1, order + 1):
            counts, stats = self._tables(order, k)
            for i in range(max(1, k - 1), len(text)):
                h = text[i - k + 1:i]
                row = stats.get(h)
                if row is not None:
                    out[k - 1, 0, i - 1] = counts.get(h + text[i], 0)
                    out[k - 1, 1:, i - 1] = row
        return out

    def probs(self, context: str, order: int, discounts) -> np.ndarray:
        """Distribution of the next character after `context` (over `self.alphabet`)."""
        discounts = _as_discounts(discounts, order)
        p = np.full(len(self.alphabet), 1 / len(self.alphabet))
        for k in range(1, order + 1):
            if k > 1 and len(context) < k - 1:
                break
            h = context[len(context) - k + 1:] if k > 1 else ""
            counts, stats = self._tables(order, k)
            row = stats.get(h)
            if row is None:
                continue
            c = np.array([counts.get(h + ch, 0) for ch in self.alphabet], dtype="float64")
            p = _interpolate(c, row[:, None], discounts[k - 1], p)
        return p


def _as_discounts(discounts, order: int) -> np.ndarray:
    d = np.broadcast_to(np.asarray(discounts, dtype="float64"), (order, 3)).copy()
    if (d < 0).any() or (d > _LIMITS).any():
        raise ValueError(f"discounts must satisfy 0 <= D1 <= 1, 0 <= D2 <= 2, 0 <= D3+ <= 3, got {d.tolist()}")
    return d


def _interpolate(c, row, d, lower):
    """max(c - D(c), 0) / N + (D1 n1 + D2 n2 + D3 n3) / N * lower, where N = row[0] > 0."""
    d_of_c = np.where(c >= 3, d[2], np.where(c == 2, d[1], np.where(c == 1, d[0], 0.0)))
    gamma = (d[0] * row[1] + d[1] * row[2] + d[2] * row[3]) / row[0]
    return np.maximum(c - d_of_c, 0) / row[0] + gamma * lower


def bits_per_char(stats: np.ndarray, discounts, vocab_size: int) -> float:
    """Mean -log2 p over the positions described by `stats` (from `KneserNey.statistics`)."""
    return float(bits_per_position(stats, discounts, vocab_size).mean())


def bits_per_position(stats: np.ndarray, discounts, vocab_size: int) -> np.ndarray:
    """-log2 p of each position described by `stats`: the per-character costs behind `bits_per_char`."""
    order = stats.shape[0]
    discounts = _as_discounts(discounts, order)
    p = np.full(stats.shape[2], 1 / vocab_size)
    for k in range(order):
        c, n = stats[k, 0], stats[k, 1]
        seen = n > 0
        safe = np.where(seen, stats[k, 1:], 1.0)
        p = np.where(seen, _interpolate(c, safe, discounts[k], p), p)
    return -np.log2(p)


@dataclass
class Tuned:
    order: int
    discounts: np.ndarray
    bits_per_char: float  # on the tuning text


def tune_discounts(stats: np.ndarray, vocab_size: int, start=None, grid: int = 21, passes: int = 3) -> Tuned:
    """Coordinate descent over the (order, 3) discounts on held-out statistics, each on a grid, then refined."""
    order = stats.shape[0]
    best = _as_discounts(0.75 if start is None else start, order)
    best_bpc = bits_per_char(stats, best, vocab_size)
    for step in range(passes):
        for k in range(order):
            for r in range(3):
                width = _LIMITS[r] / 2 ** step  # the first pass searches the whole range, each next one half as wide
                low, high = max(MIN_DISCOUNT, best[k, r] - width), min(_LIMITS[r], best[k, r] + width)
                for value in np.linspace(low, high, grid):
                    trial = best.copy()
                    trial[k, r] = value
                    bpc = bits_per_char(stats, trial, vocab_size)
                    if bpc < best_bpc:
                        best, best_bpc = trial, bpc
    return Tuned(order, best, best_bpc)
