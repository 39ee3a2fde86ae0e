"""Figures that would distract from the lesson if drawn inline."""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch


def _box(ax, x, y, text, color, width=0.9, height=0.6):
    ax.add_patch(FancyBboxPatch((x - width / 2, y - height / 2), width, height,
                                boxstyle="round,pad=0.05", facecolor=color, edgecolor="black"))
    ax.text(x, y, text, ha="center", va="center", fontsize=13)


def _arrow(ax, start, end, label=None, offset=(0.12, 0.0), **kwargs):
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=15, lw=1.5, **kwargs))
    if label:
        ax.text((start[0] + end[0]) / 2 + offset[0], (start[1] + end[1]) / 2 + offset[1], label,
                fontsize=12, color="darkred", ha="left", va="center")


def draw_unrolled_rnn(steps: int = 4) -> plt.Figure:
    """A recurrent cell drawn folded (with its loop) and unrolled over ``steps`` time steps.

    The same U, W, V label every copy: the weights are shared across time.
    """
    fig, ax = plt.subplots(figsize=(1.6 * (steps + 2), 3.4))
    _box(ax, 0, 1, "$s$", "#cfe2f3")
    _box(ax, 0, 0, "$x$", "#d9ead3")
    _box(ax, 0, 2, "$o$", "#fce5cd")
    _arrow(ax, (0, 0.3), (0, 0.7), "U")
    _arrow(ax, (0, 1.3), (0, 1.7), "V")
    _arrow(ax, (0.5, 0.85), (0.5, 1.15), connectionstyle="arc3,rad=2.8")  # the loop: s feeds itself
    ax.text(1.0, 1.0, "W", fontsize=12, color="darkred", va="center")
    ax.text(1.55, 1, "=", fontsize=24, ha="center", va="center")
    for t in range(steps):
        x = 2.6 + 1.6 * t
        name = f"t{'-1' if t == 0 else '' if t == 1 else f'+{t - 1}'}"
        _box(ax, x, 1, f"$s_{{{name}}}$", "#cfe2f3")
        _box(ax, x, 0, f"$x_{{{name}}}$", "#d9ead3")
        _box(ax, x, 2, f"$o_{{{name}}}$", "#fce5cd")
        _arrow(ax, (x, 0.3), (x, 0.7), "U")
        _arrow(ax, (x, 1.3), (x, 1.7), "V")
        _arrow(ax, (x - 1.15, 1), (x - 0.45, 1), "W" if t else None, offset=(-0.1, 0.17))
    ax.set_xlim(-0.8, 2.6 + 1.6 * steps - 0.5)
    ax.set_ylim(-0.5, 2.5)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title("Развёртка RNN во времени: одни и те же U, W, V на каждом шаге")
    return fig


def show_text_activations(text: str, values, title: str = "", ax: plt.Axes | None = None,
                          width: int = 72) -> plt.Axes:
    """Draw ``text`` character by character, each on a background coloured by its value in [-1, 1].

    Blue is −1, white 0, red +1 (Karpathy's "visualizing RNNs" style). A line
    break is drawn as ↵ and starts a new row; rows longer than ``width`` wrap.
    """
    if len(values) != len(text):
        raise ValueError(f"нужно одно значение на символ: символов {len(text)}, значений {len(values)}")
    rows, row, col = [], 0, 0
    for ch in text:
        rows.append((row, col, "↵" if ch == "\n" else ch))
        col += 1
        if ch == "\n" or col == width:
            row, col = row + 1, 0
    if ax is None:
        _, ax = plt.subplots(figsize=(width * 0.14, 0.3 * (row + 1) + 0.4))
    cmap = plt.get_cmap("bwr")
    for (r, c, ch), value in zip(rows, values, strict=True):
        colour = cmap((max(-1.0, min(1.0, float(value))) + 1) / 2)
        ax.text(c, -r, ch, ha="center", va="center", family="monospace", fontsize=10,
                bbox={"facecolor": colour, "edgecolor": "none", "pad": 1.6})
    ax.set_xlim(-1, width)
    ax.set_ylim(-row - 1, 1)
    ax.axis("off")
    ax.set_title(title, loc="left", fontsize=11)
    return ax
