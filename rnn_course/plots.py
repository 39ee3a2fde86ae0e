"""Figures that would distract from the lesson if drawn inline."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch, Polygon, Rectangle

_LINE = {"color": "black", "lw": 1.5, "solid_capstyle": "butt"}
_ACCENT = "darkred"
_RADIUS = 0.22  # of the ⊙ and + operation circles


def _box(ax, x, y, text, color, width=0.9, height=0.6, fontsize=13):
    ax.add_patch(FancyBboxPatch((x - width / 2, y - height / 2), width, height,
                                boxstyle="round,pad=0.05", facecolor=color, edgecolor="black"))
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize)


def _arrow(ax, start, end, label=None, offset=(0.12, 0.0), ha="left", **kwargs):
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=15, lw=1.5, **kwargs))
    if label:
        ax.text((start[0] + end[0]) / 2 + offset[0], (start[1] + end[1]) / 2 + offset[1], label,
                fontsize=12, color=_ACCENT, ha=ha, va="center")


def _path(ax, points, label=None, offset=(0.12, 0.0), ha="left"):
    """A polyline through ``points`` with an arrowhead at the end; ``label`` sits on the first segment."""
    xs, ys = zip(*points[:-1], strict=True)
    ax.plot(xs, ys, **_LINE)
    _arrow(ax, points[-2], points[-1], shrinkA=0)
    if label:
        (x0, y0), (x1, y1) = points[:2]
        ax.text((x0 + x1) / 2 + offset[0], (y0 + y1) / 2 + offset[1], label,
                fontsize=12, color=_ACCENT, ha=ha, va="center")


def _op(ax, x, y, symbol):
    """A pointwise operation (``r"\\odot"``, ``"+"``) drawn as a circle on a data line."""
    ax.add_patch(Circle((x, y), _RADIUS, facecolor="white", edgecolor="black", lw=1.5, zorder=3))
    ax.text(x, y, f"${symbol}$", ha="center", va="center", fontsize=13, zorder=4)


def _dot(ax, x, y):
    """A junction where a line branches."""
    ax.plot(x, y, "o", color="black", markersize=5)


def _region(ax, x0, y0, x1, y1, label=None, color="#f3f3f3"):
    """A light rounded background grouping the boxes of one block, with a caption at its bottom."""
    ax.add_patch(FancyBboxPatch((x0, y0), x1 - x0, y1 - y0, boxstyle="round,pad=0.1",
                                facecolor=color, edgecolor="grey", lw=1, zorder=0))
    if label:
        ax.text((x0 + x1) / 2, y0 + 0.12, label, ha="center", va="bottom", fontsize=11, color="dimgray")


def _figure(size, xlim, ylim, title, subtitle=None):
    fig, ax = plt.subplots(figsize=size)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title if subtitle is None else f"{title}\n{subtitle}", fontsize=13)
    return fig, ax


def draw_unrolled_rnn(steps: int = 4) -> plt.Figure:
    """A recurrent cell drawn folded (with its loop) and unrolled over ``steps`` time steps.

    Labels follow the course's notation: x_t → h_t through W_xh, h_{t-1} → h_t through W_hh, h_t → ŷ_t through
    W_hy. The same three matrices label every copy: the weights are shared across time.
    """
    w_xh, w_hh, w_hy = "$W_{xh}$", "$W_{hh}$", "$W_{hy}$"
    fig, ax = plt.subplots(figsize=(1.6 * (steps + 2), 3.4))
    _box(ax, 0, 1, "$h$", "#cfe2f3")
    _box(ax, 0, 0, "$x$", "#d9ead3")
    _box(ax, 0, 2, r"$\hat y$", "#fce5cd")
    _arrow(ax, (0, 0.3), (0, 0.7), w_xh)
    _arrow(ax, (0, 1.3), (0, 1.7), w_hy)
    _arrow(ax, (0.5, 0.85), (0.5, 1.15), connectionstyle="arc3,rad=2.8")  # the loop: h feeds itself
    ax.text(0.95, 1.0, w_hh, fontsize=12, color=_ACCENT, va="center")
    ax.text(1.75, 1, "=", fontsize=24, ha="center", va="center")
    for t in range(steps):
        x = 2.8 + 1.6 * t
        name = f"t{'-1' if t == 0 else '' if t == 1 else f'+{t - 1}'}"
        _box(ax, x, 1, f"$h_{{{name}}}$", "#cfe2f3")
        _box(ax, x, 0, f"$x_{{{name}}}$", "#d9ead3")
        _box(ax, x, 2, f"$\\hat y_{{{name}}}$", "#fce5cd")
        _arrow(ax, (x, 0.3), (x, 0.7), w_xh)
        _arrow(ax, (x, 1.3), (x, 1.7), w_hy)
        _arrow(ax, (x - 1.15, 1), (x - 0.45, 1), w_hh if t else None, offset=(0, 0.22), ha="center")
    ax.set_xlim(-0.8, 2.8 + 1.6 * steps - 0.2)
    ax.set_ylim(-0.5, 2.5)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title("Развёртка RNN во времени: одни и те же $W_{xh}$, $W_{hh}$, $W_{hy}$ на каждом шаге")
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


def _gate(ax, x, y, activation, output, bus_y, label):
    """A gate box fed from the input bus below; its output climbs to the height of ``output``, then turns to it.

    ``output`` is the point where the arrow ends (an operation circle's or a box's edge).
    """
    _box(ax, x, y, activation, "#fff2cc", width=0.8, height=0.5)
    _arrow(ax, (x, bus_y), (x, y - 0.3), shrinkA=0)
    corner = [] if output[0] == x else [(x, output[1])]
    _path(ax, [(x, y + 0.3), *corner, output], label)


def _to_circle(x, y, side):
    """The point on an operation circle's edge facing ``side`` ("left", "right", "top", "bottom")."""
    dx, dy = {"left": (-1, 0), "right": (1, 0), "top": (0, 1), "bottom": (0, -1)}[side]
    return x + dx * _RADIUS, y + dy * _RADIUS


def draw_lstm_cell() -> plt.Figure:
    """An LSTM cell: gates f, i, o (σ) and the candidate c̃ (tanh) fed by x_t and h_{t-1}.

    The cell state runs along the top like a conveyor: multiplied by f_t, added i_t ⊙ c̃_t, then
    squashed by tanh and gated by o_t to give h_t. Row vectors as in Keras: input weights W
    (``kernel``), recurrent ones U (``recurrent_kernel``), as in notebooks 01 and 02.
    """
    fig, ax = _figure((9.6, 5), (-0.9, 10.4), (-1.35, 5.1), "Ячейка LSTM: вентили забывания $f$, входной $i$, "
                      "выходной $o$",
                      r"$c_t = f_t \odot c_{t-1} + i_t \odot \tilde c_t, \quad h_t = o_t \odot \tanh(c_t)$")
    top, mid, gate_y, bus = 4.2, 2.4, 1.3, 0.3
    _region(ax, 0.6, -0.3, 8.6, 4.85)
    _box(ax, -0.3, top, "$c_{t-1}$", "#cfe2f3")
    _box(ax, -0.3, bus, "$h_{t-1}$", "#cfe2f3")
    _box(ax, 1.3, -0.9, "$x_t$", "#d9ead3")
    _box(ax, 9.6, top, "$c_t$", "#cfe2f3")
    _box(ax, 9.6, mid, "$h_t$", "#cfe2f3")
    for x, symbol in ((2.0, r"\odot"), (4.2, "+")):
        _op(ax, x, top, symbol)
    for x in (4.2, 7.8):
        _op(ax, x, mid, r"\odot")
    # the conveyor: c_{t-1} → ⊙ f_t → + i_t ⊙ c̃_t → c_t
    _arrow(ax, (0.2, top), _to_circle(2.0, top, "left"), shrinkA=0)
    _arrow(ax, _to_circle(2.0, top, "right"), _to_circle(4.2, top, "left"), shrinkA=0)
    _arrow(ax, _to_circle(4.2, top, "right"), (9.1, top), shrinkA=0)
    ax.text(6.1, top + 0.3, "состояние ячейки (cell state): «конвейер»", ha="center", fontsize=11)
    # the input bus [h_{t-1}, x_t] feeds every gate
    ax.plot([0.2, 6.6], [bus, bus], **_LINE)
    _arrow(ax, (1.3, -0.6), (1.3, bus), shrinkB=0)
    _gate(ax, 2.0, gate_y, r"$\sigma$", _to_circle(2.0, top, "bottom"), bus, "$f_t$")
    _gate(ax, 3.4, gate_y, r"$\sigma$", _to_circle(4.2, mid, "left"), bus, "$i_t$")
    _gate(ax, 5.0, gate_y, "tanh", _to_circle(4.2, mid, "right"), bus, r"$\tilde c_t$")
    _gate(ax, 6.6, gate_y, r"$\sigma$", _to_circle(7.8, mid, "left"), bus, "$o_t$")
    _arrow(ax, _to_circle(4.2, mid, "top"), _to_circle(4.2, top, "bottom"), shrinkA=0)
    # output: h_t = o_t ⊙ tanh(c_t)
    _dot(ax, 7.8, top)
    _box(ax, 7.8, 3.35, "tanh", "#fff2cc", width=0.8, height=0.4)
    _arrow(ax, (7.8, top), (7.8, 3.6), shrinkA=0)
    _arrow(ax, (7.8, 3.1), _to_circle(7.8, mid, "top"))
    _arrow(ax, _to_circle(7.8, mid, "right"), (9.1, mid), shrinkA=0)
    ax.text(2.0, -0.9, "в каждом блоке: $x_t W + h_{t-1} U + b$  ($W$ — kernel, $U$ — recurrent_kernel)",
            fontsize=11, va="center")
    return fig


def draw_gru_cell() -> plt.Figure:
    """A GRU cell in Keras's convention (``reset_after=True``): update gate z, reset gate r, candidate h̃.

    The state h runs along the top: h_t = z_t ⊙ h_{t-1} + (1 − z_t) ⊙ h̃_t (the formula is the subtitle,
    so the direction of z is explicit); r_t multiplies the recurrent term h_{t-1} U_h inside the candidate.
    """
    fig, ax = _figure((9.6, 5), (-0.9, 10.4), (-1.35, 5.5), "Ячейка GRU (Keras, reset_after=True): "
                      "вентиль обновления $z$, вентиль сброса $r$",
                      r"$h_t = z_t \odot h_{t-1} + (1 - z_t) \odot \tilde h_t$")
    top, mix, mid, gate_y, bus = 4.6, 3.6, 2.3, 1.3, 0.3
    _region(ax, 0.5, -0.3, 8.3, 5.15)
    _box(ax, -0.3, top, "$h_{t-1}$", "#cfe2f3")
    _box(ax, 1.7, -0.9, "$x_t$", "#d9ead3")
    _box(ax, 9.6, top, "$h_t$", "#cfe2f3")
    for x, y, symbol in ((2.4, top, r"\odot"), (7.4, top, "+"), (7.4, mix, r"\odot"), (5.6, mid, r"\odot")):
        _op(ax, x, y, symbol)
    # the state line: h_{t-1} → ⊙ z_t → + (1 − z_t) ⊙ h̃_t → h_t
    _arrow(ax, (0.2, top), _to_circle(2.4, top, "left"), shrinkA=0)
    _arrow(ax, _to_circle(2.4, top, "right"), _to_circle(7.4, top, "left"), shrinkA=0)
    _arrow(ax, _to_circle(7.4, top, "right"), (9.1, top), shrinkA=0)
    _dot(ax, 1.0, top)
    ax.plot([1.0, 1.0, 7.4], [top, bus, bus], **_LINE)  # h_{t-1} joins x_t on the input bus
    _arrow(ax, (1.7, -0.6), (1.7, bus), shrinkB=0)
    _gate(ax, 2.4, gate_y, r"$\sigma$", _to_circle(2.4, top, "bottom"), bus, "$z_t$")
    _gate(ax, 3.8, gate_y, r"$\sigma$", _to_circle(5.6, mid, "left"), bus, "$r_t$")
    # 1 − z_t gates the candidate
    _dot(ax, 2.4, mix)
    _box(ax, 4.6, mix, "$1-z_t$", "#fff2cc", width=0.9, height=0.4, fontsize=12)
    _arrow(ax, (2.4, mix), (4.0, mix), shrinkA=0)
    _arrow(ax, (5.2, mix), _to_circle(7.4, mix, "left"))
    # candidate: tanh(x_t W_h + r_t ⊙ h_{t-1} U_h)
    _box(ax, 5.6, gate_y, "$h_{t-1} U_h$", "#fff2cc", width=1.2, height=0.5, fontsize=12)
    _arrow(ax, (5.6, bus), (5.6, gate_y - 0.3), shrinkA=0)
    _arrow(ax, (5.6, gate_y + 0.3), _to_circle(5.6, mid, "bottom"))
    _box(ax, 7.4, mid, "tanh", "#fff2cc", width=0.8, height=0.5)
    _arrow(ax, _to_circle(5.6, mid, "right"), (6.95, mid), shrinkA=0)
    _arrow(ax, (7.4, bus), (7.4, mid - 0.3), r"$x_t W_h$", shrinkA=0)
    _arrow(ax, (7.4, mid + 0.3), _to_circle(7.4, mix, "bottom"), r"$\tilde h_t$")
    _arrow(ax, _to_circle(7.4, mix, "top"), _to_circle(7.4, top, "bottom"), shrinkA=0)
    ax.text(2.4, -0.9, r"$z_t, r_t = \sigma(x_t W + h_{t-1} U + b)$;  $r_t$ умножает $h_{t-1} U_h$ "
            "после матрицы", fontsize=11, va="center")
    return fig


def _chain(ax, xs, y, label, color):
    """Recurrent cells at ``xs`` (all labelled ``label``), each passing its state to the next."""
    for i, x in enumerate(xs):
        _box(ax, x, y, label, color)
        if i:
            _arrow(ax, (xs[i - 1] + 0.5, y), (x - 0.5, y))


def _tokens(ax, xs, y, labels, cell_y, color="#d9ead3", up=True):
    """Token boxes at height ``y`` joined by arrows to (``up``) or from the cells at ``cell_y``."""
    for x, label in zip(xs, labels, strict=True):
        _box(ax, x, y, label, color, width=1.15, fontsize=12)
        ends = ((x, y + 0.35), (x, cell_y - 0.35)) if up else ((x, cell_y + 0.35), (x, y - 0.35))
        _arrow(ax, *ends)


def draw_encoder_decoder(src_len: int = 4, tgt_len: int = 4) -> plt.Figure:
    """Seq2seq without attention: the encoder GRU reads the source; its last state is the context vector.

    The context vector (the bottleneck) is the decoder's initial state; the decoder reads ``<start>`` and
    the previous target tokens and predicts the next ones, ending with ``<end>``.
    """
    step, cell_y = 1.5, 1.0
    enc = [i * step for i in range(src_len)]
    ctx = enc[-1] + 2.0
    dec = [ctx + 2.0 + i * step for i in range(tgt_len)]
    fig, ax = _figure((min(11.0, 0.75 * (dec[-1] + 1.6)), 3.5), (-0.9, dec[-1] + 0.8), (-1.25, 2.85),
                      "Кодировщик–декодировщик (seq2seq): всё предложение сжато в один вектор")
    _region(ax, -0.65, -1.1, enc[-1] + 0.65, 1.45, "кодировщик (encoder)", "#eef4fb")
    _region(ax, dec[0] - 0.65, -1.1, dec[-1] + 0.65, 2.55, "декодировщик (decoder)", "#fdf3e7")
    _chain(ax, enc, cell_y, "GRU", "#cfe2f3")
    _chain(ax, dec, cell_y, "GRU", "#fce5cd")
    _tokens(ax, enc, -0.2, [f"$x_{{{i + 1}}}$" for i in range(src_len)], cell_y)
    targets = [f"$y_{{{i + 1}}}$" for i in range(tgt_len - 1)]
    _tokens(ax, dec, -0.2, ["<start>", *targets], cell_y)
    _tokens(ax, dec, 2.1, [*targets, "<end>"], cell_y, color="#ead1dc", up=False)
    _box(ax, ctx, cell_y, "вектор\nконтекста", "#f4cccc", width=1.45, height=0.75, fontsize=11)
    _arrow(ax, (enc[-1] + 0.5, cell_y), (ctx - 0.8, cell_y))
    _arrow(ax, (ctx + 0.8, cell_y), (dec[0] - 0.5, cell_y))
    ax.text(ctx, cell_y - 0.55, "узкое место", ha="center", va="top", fontsize=12, color=_ACCENT)
    ax.text(ctx, cell_y + 0.55, r"$\bar h_S$", ha="center", va="bottom", fontsize=12, color=_ACCENT)
    return fig


def _example_weights(count, peak):
    """Made-up attention weights for a picture: a softmax peaked at index ``peak``."""
    scores = [-0.8 * (i - peak) ** 2 for i in range(count)]
    total = sum(math.exp(s) for s in scores)
    return [math.exp(s) / total for s in scores]


def _bars(ax, xs, base, weights, color="tab:orange"):
    """Vertical bars of height ∝ weight standing on ``base``, each with its value above."""
    for x, weight in zip(xs, weights, strict=True):
        ax.add_patch(Rectangle((x - 0.25, base), 0.5, 1.3 * weight, facecolor=color, edgecolor="black"))
        ax.text(x, base + 1.3 * weight + 0.06, f"{weight:.2f}", ha="center", va="bottom", fontsize=11)


def draw_additive_attention(src_len: int = 4) -> plt.Figure:
    """Additive (Bahdanau) attention at one decoder step, as notebook 05 places it (query h_t, Luong et al.).

    Each encoder state h̄_s is scored against the decoder's output h_t, e_{t,s} = vᵀ tanh(W_q h_t + W_k h̄_s);
    softmax turns the scores into weights α_{t,s} (bars, and the widths of the lines into the sum); the
    context c_t = Σ α_{t,s} h̄_s joins h_t before the output layer.
    """
    xs = [1.5 * s for s in range(src_len)]
    right = xs[-1] + 0.55
    weights = _example_weights(src_len, (src_len - 1) / 3)
    fig, ax = _figure((9.4, 5), (-3.3, right + 4.6), (-2.1, 5.45),
                      "Аддитивное внимание (Bahdanau) на шаге $t$ декодировщика",
                      r"$e_{t,s} = v^\top \tanh(W_q h_t + W_k \bar h_s), \quad "
                      r"\alpha_{t,s} = \mathrm{softmax}_s(e_{t,s}), \quad c_t = \sum_s \alpha_{t,s} \bar h_s$")
    for s, x in enumerate(xs):
        _box(ax, x, 0, rf"$\bar h_{{{s + 1}}}$", "#cfe2f3")
        _arrow(ax, (x, 0.35), (x, 1.05))
        _arrow(ax, (x, 1.75), (x, 2.35), rf"$e_{{t,{s + 1}}}$", offset=(0.08, 0))
    wide = {"color": "#fff2cc", "width": right * 2 - xs[-1], "fontsize": 12}
    _box(ax, xs[-1] / 2, 1.4, text=r"$v^\top \tanh(W_q h_t + W_k \bar h_s)$", **wide)
    _box(ax, xs[-1] / 2, 2.7, text="softmax по $s$ (сумма весов = 1)", **wide)
    _bars(ax, xs, 3.1, weights)
    ax.text(-0.6, 3.4, r"$\alpha_{t,s}$", ha="right", va="center", fontsize=13, color=_ACCENT)
    # the decoder: the previous word → GRU → query h_t, which also goes to the output layer
    _box(ax, -2.4, 0, "$y_{t-1}$", "#d9ead3")
    _box(ax, -2.4, 1.4, "GRU", "#fce5cd")
    _arrow(ax, (-2.4, 0.35), (-2.4, 1.05))
    _arrow(ax, (-1.95, 1.4), (-0.6, 1.4), "$h_t$", offset=(0, 0.22), ha="center")
    # weighted sum: line widths ∝ α
    total = (right + 1.4, -1.45)
    for x, weight in zip(xs, weights, strict=True):
        ax.plot([x, total[0] - _RADIUS], [-0.35, total[1]], color="tab:orange", lw=1 + 9 * weight, zorder=1)
    ax.text(-0.5, -1.8, r"состояния кодировщика $\bar h_s$; толщина линии $\propto \alpha_{t,s}$",
            va="center", fontsize=11, color="dimgray")
    _op(ax, *total, r"\Sigma")
    _box(ax, total[0], 0.6, "$c_t$", "#f4cccc")
    _arrow(ax, _to_circle(*total, "top"), (total[0], 0.25), shrinkA=0)
    _arrow(ax, (total[0], 0.95), (total[0], 4.6))
    _path(ax, [(-2.4, 1.75), (-2.4, 4.95), (total[0] - 1.35, 4.95)], "$h_t$")
    _box(ax, total[0], 4.95, "[$h_t$; $c_t$] → Dense", "#fce5cd", width=2.6, fontsize=12)
    _box(ax, total[0] + 2.4, 4.95, "$y_t$", "#ead1dc")
    _arrow(ax, (total[0] + 1.35, 4.95), (total[0] + 1.9, 4.95))
    return fig


def _grid(ax, center, size, grid, texts, colors, fontsize):
    """A ``grid`` × ``grid`` square of cells centred at ``center``, filled row by row with ``texts``."""
    cell = size / grid
    left, top = center[0] - size / 2, center[1] + size / 2
    for k, (text, color) in enumerate(zip(texts, colors, strict=True)):
        x, y = left + cell * (k % grid), top - cell * (k // grid + 1)
        ax.add_patch(Rectangle((x, y), cell, cell, facecolor=color, edgecolor="black"))
        ax.text(x + cell / 2, y + cell / 2, text, ha="center", va="center", fontsize=fontsize)


def _scene(ax, center, size, grid):
    """A toy picture like notebook 06's: a red triangle (top right) and a blue circle, with the grid drawn."""
    x0, y0 = center[0] - size / 2, center[1] - size / 2
    ax.add_patch(Rectangle((x0, y0), size, size, facecolor="white", edgecolor="black"))
    cell = size / grid
    ax.add_patch(Polygon([(x0 + size - 0.85 * cell, y0 + size - 0.85 * cell), (x0 + size - 0.15 * cell,
                          y0 + size - 0.85 * cell), (x0 + size - 0.5 * cell, y0 + size - 0.15 * cell)],
                         facecolor="tab:red"))
    ax.add_patch(Circle((x0 + 0.5 * cell, y0 + 0.5 * cell), 0.33 * cell, facecolor="tab:blue"))
    for i in range(1, grid):
        ax.plot([x0 + i * cell] * 2, [y0, y0 + size], color="grey", lw=0.8, ls="--")
        ax.plot([x0, x0 + size], [y0 + i * cell] * 2, color="grey", lw=0.8, ls="--")


def draw_captioner(grid: int = 3) -> plt.Figure:
    """Image captioning with attention, as built in notebook 06, at one decoding step t.

    A CNN turns the image into a ``grid`` × ``grid`` map of cell vectors a_i; the first GRU reads the previous
    word and gives the query h_t; attention weights α_{t,i} over the cells give the context
    c_t = Σ α_{t,i} a_i; the second GRU reads [h_t; c_t] and a Dense layer predicts the next word.
    """
    size, row, low = 1.8, 1.6, -0.8
    cells = grid * grid
    peak = grid - 1  # the cell with the triangle: top right
    weights = [math.exp(-1.5 * ((k // grid) ** 2 + (k % grid - peak) ** 2)) for k in range(cells)]
    weights = [w / sum(weights) for w in weights]
    fig, ax = _figure((11, 4.4), (-1.2, 13.5), (-1.5, 3.5),
                      "Подпись к картинке с вниманием: на шаге $t$ декодировщик смотрит на клетки сетки",
                      r"$e_{t,i} = v^\top \tanh(W_q h_t + W_k a_i), \quad \alpha_{t,i} = \mathrm{softmax}_i(e_{t,i}),"
                      r" \quad c_t = \sum_i \alpha_{t,i} a_i$")
    _scene(ax, (0, row), size, grid)
    _box(ax, 2.2, row, "CNN", "#d9d2e9", width=1.0)
    _grid(ax, (4.6, row), size, grid, [f"$a_{{{k + 1}}}$" for k in range(cells)], ["#cfe2f3"] * cells, 11)
    cmap = plt.get_cmap("Oranges")
    _grid(ax, (7.4, row), size, grid, [f"{w:.2f}" for w in weights], [cmap(0.1 + 0.55 * w / max(weights))
                                                                        for w in weights], 9)
    for x, text in ((0, "картинка"), (4.6, "клетки $a_i$")):
        ax.text(x, row - size / 2 - 0.1, text, ha="center", va="top", fontsize=11)
    ax.text(7.4, row + size / 2 + 0.1, r"веса внимания $\alpha_{t,i}$", ha="center", va="bottom", fontsize=11)
    _arrow(ax, (size / 2, row), (1.65, row))
    _arrow(ax, (2.75, row), (4.6 - size / 2, row))
    _arrow(ax, (4.6 + size / 2, row), (7.4 - size / 2, row))
    # the context: Σ α a over the cells (the a_i come over the top)
    _box(ax, 9.45, row, "$c_t$", "#f4cccc", width=0.7)
    _arrow(ax, (7.4 + size / 2, row), (9.05, row))
    _path(ax, [(4.6, row + size / 2), (4.6, 3.1), (9.45, 3.1), (9.45, row + 0.35)])
    ax.text(5.6, 3.1, "$a_i$", ha="center", va="bottom", fontsize=12, color=_ACCENT)
    # the decoder: previous word → GRU → h_t (query); [h_t; c_t] → GRU → Dense → next word
    _box(ax, 4.6, low, "$w_{t-1}$", "#d9ead3")
    _box(ax, 7.4, low, "GRU", "#fce5cd")
    _arrow(ax, (5.1, low), (6.9, low), "предыдущее слово", offset=(0, -0.5), ha="center")
    _arrow(ax, (7.4, low + 0.35), (7.4, row - size / 2), "запрос $h_t$", offset=(0.1, -0.05))
    _box(ax, 11.0, row, "GRU", "#fce5cd")
    _arrow(ax, (9.85, row), (10.5, row))
    _path(ax, [(7.9, low), (11.0, low), (11.0, row - 0.35)], "$h_t$", offset=(0, 0.22), ha="center")
    _box(ax, 12.8, row, "$w_t$", "#ead1dc")
    _arrow(ax, (11.5, row), (12.3, row), "Dense", offset=(0, 0.55), ha="center")
    return fig
