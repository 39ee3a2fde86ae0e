"""Synthetic scenes for image captioning (notebook 06): shapes on a 3×3 grid, Russian captions, true boxes.

Every scene is drawn from a seed, so the same call always gives the same images.
Captions name each object as «colour shape position», colour agreeing with the
shape's grammatical gender (красный круг, красная рамка, красное кольцо), in
reading order (top row first, left to right), joined by commas and «и».
"""

from __future__ import annotations

import collections
import itertools
import re
from dataclasses import dataclass

import numpy as np

SHAPES = {"круг": "m", "квадрат": "m", "треугольник": "m", "рамка": "f", "кольцо": "n"}
COLOURS = {  # RGB and the adjective in masculine / feminine / neuter
    "красный": ((0.9, 0.1, 0.1), {"m": "красный", "f": "красная", "n": "красное"}),
    "синий": ((0.1, 0.2, 0.9), {"m": "синий", "f": "синяя", "n": "синее"}),
    "зелёный": ((0.1, 0.7, 0.2), {"m": "зелёный", "f": "зелёная", "n": "зелёное"}),
    "жёлтый": ((0.95, 0.85, 0.1), {"m": "жёлтый", "f": "жёлтая", "n": "жёлтое"}),
}
ROWS = ("вверху", None, "внизу")
COLUMNS = ("слева", None, "справа")


@dataclass(frozen=True)
class SceneObject:
    shape: str
    colour: str
    row: int  # 0..2, cell of the 3×3 grid
    column: int
    box: tuple[int, int, int, int]  # y0, x0, y1, x1 of the drawn pixels (inclusive–exclusive)

    def words(self) -> list[str]:
        """«красная рамка слева вверху»: adjective agreed with the noun, then the position."""
        adjective = COLOURS[self.colour][1][SHAPES[self.shape]]
        return [adjective, self.shape, *position_words(self.row, self.column)]


def position_words(row: int, column: int) -> list[str]:
    words = [w for w in (COLUMNS[column], ROWS[row]) if w]
    return words or ["в", "центре"]


def caption(objects: list[SceneObject]) -> str:
    parts = [" ".join(o.words()) for o in sorted(objects, key=lambda o: (o.row, o.column))]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " и " + parts[-1]


def _mask(shape: str, size: int) -> np.ndarray:
    yy, xx = np.mgrid[0:size, 0:size] + 0.5
    c, r = size / 2, size / 2
    if shape == "круг":
        return (yy - c) ** 2 + (xx - c) ** 2 <= r**2
    if shape == "кольцо":
        d = (yy - c) ** 2 + (xx - c) ** 2
        return (d <= r**2) & (d >= (0.55 * r) ** 2)
    if shape == "квадрат":
        return np.ones((size, size), dtype=bool)
    if shape == "рамка":
        border = max(2, size // 5)
        m = np.ones((size, size), dtype=bool)
        m[border:-border, border:-border] = False
        return m
    if shape == "треугольник":  # apex up
        return np.abs(xx - c) <= yy / 2
    raise ValueError(f"неизвестная фигура: {shape}")


def make_scenes(count: int, seed: int = 0, image_size: int = 64, max_objects: int = 3
                ) -> tuple[np.ndarray, list[str], list[list[SceneObject]]]:
    """``count`` scenes: images (count, H, W, 3) float32 in [0, 1], captions, and the objects with boxes.

    Each scene has 1..``max_objects`` objects in different cells of a 3×3 grid, with a
    random shape, colour, size (55–90 % of a cell) and position inside its cell.
    """
    if image_size < 24 or not 1 <= max_objects <= 9:
        raise ValueError("нужно image_size ≥ 24 и от 1 до 9 объектов на сцене")
    rng = np.random.default_rng(seed)
    cell = image_size // 3
    images = np.full((count, image_size, image_size, 3), 0.96, dtype="float32")
    captions, scenes = [], []
    shapes, colours = list(SHAPES), list(COLOURS)
    for i in range(count):
        n = int(rng.integers(1, max_objects + 1))
        objects = []
        for flat in rng.choice(9, size=n, replace=False):
            row, column = divmod(int(flat), 3)
            shape, colour = shapes[rng.integers(len(shapes))], colours[rng.integers(len(colours))]
            size = int(rng.integers(int(0.55 * cell), int(0.9 * cell) + 1))
            y0 = row * cell + int(rng.integers(0, cell - size + 1))
            x0 = column * cell + int(rng.integers(0, cell - size + 1))
            mask = _mask(shape, size)
            images[i, y0:y0 + size, x0:x0 + size][mask] = COLOURS[colour][0]
            ys, xs = np.nonzero(mask)
            box = (y0 + int(ys.min()), x0 + int(xs.min()), y0 + int(ys.max()) + 1, x0 + int(xs.max()) + 1)
            objects.append(SceneObject(shape, colour, row, column, box))
        scenes.append(objects)
        captions.append(caption(objects))
    return images, captions, scenes


_ADJECTIVE_COLOUR = {form: colour for colour, (_, forms) in COLOURS.items() for form in forms.values()}
_PLACE_WORDS = {"слева", "справа", "вверху", "внизу", "в", "центре"}


def named_objects(text: str, with_place: bool = False) -> collections.Counter:
    """The multiset of (colour, shape) pairs a caption names: each shape word with the adjective before it.

    A shape without a colour adjective right before it counts as (None, shape); other words are ignored.
    With ``with_place`` each pair also gets the place words after the shape («слева вверху»).
    """
    words = re.findall(r"\w+", text)
    named = collections.Counter()
    for i, word in enumerate(words):
        if word in SHAPES:
            colour = _ADJECTIVE_COLOUR.get(words[i - 1]) if i else None
            place = " ".join(itertools.takewhile(_PLACE_WORDS.__contains__, words[i + 1:]))
            named[(colour, word, place) if with_place else (colour, word)] += 1
    return named


def object_f1(text: str, objects: list[SceneObject], with_place: bool = False) -> float:
    """F1 between the (colour, shape) pairs a caption names and those in the scene (1.0 if both are empty).

    Position and order are ignored: this measures *what* a caption got right, not *where*. With
    ``with_place`` an object counts only if its place words are right too («что и где»).
    """
    named = named_objects(text, with_place)
    present = collections.Counter((o.colour, o.shape, " ".join(position_words(o.row, o.column))) if with_place
                                  else (o.colour, o.shape) for o in objects)
    total = sum(named.values()) + sum(present.values())
    return 1.0 if total == 0 else 2 * sum((named & present).values()) / total
