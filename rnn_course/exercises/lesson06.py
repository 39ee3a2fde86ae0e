"""Checkers of notebook 06's exercises: a CNN's receptive field, erasing an object, attention hitting a box."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .common import (
    call_answer,
    call_on_copy,
    check_cases,
    check_value,
    compare,
    is_numeric,
    print_verdict,
)


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
    return check_cases(
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


BACKGROUND = 0.96  # the scenes' background in rnn_course.scenes.make_scenes


def _erase_problem(func: Callable[..., Any], image_size: int) -> str | None:
    """None if ``func(image, obj)`` paints the box of ``obj`` with the background in a copy, else what is wrong."""
    from ..scenes import make_scenes

    images, _, scenes = make_scenes(12, seed=99, image_size=image_size)
    for number, (image, objects) in enumerate(zip(images, scenes, strict=True), start=1):
        for obj in objects:
            answer, problem = call_on_copy(func, number, image, obj, kept="исходную картинку: верните копию, "
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
    :func:`rnn_course.scenes.named_objects`, the captions that still name the erased (colour, shape).
    Its own numbers are printed only after a right answer, so they cannot be copied in.
    """
    from ..scenes import named_objects, object_f1

    task = "сотрите объект"
    problem = _erase_problem(func, images.shape[1])
    if problem is None and (erased_captions is None or erased_captions is Ellipsis
                            or erased_still_named is None or erased_still_named is Ellipsis):
        problem = compare(None, 0, rtol=0, atol=0)
    if problem is None and not (isinstance(erased_captions, (list, tuple)) and len(erased_captions) == len(scenes)
                                and all(isinstance(c, str) for c in erased_captions)):
        problem = f"erased_captions — список из {len(scenes)} подписей-строк, по одной на сцену, в том же порядке."
    if problem is not None:
        print_verdict(task, problem)
        return False
    erased = np.stack([func(image, objects[0]) for image, objects in zip(images, scenes, strict=True)])
    captions = list(caption_images(erased))
    if np.mean([a == b for a, b in zip(erased_captions, captions, strict=True)]) < 0.95:
        print_verdict(task, "ваши подписи не совпадают с подписями модели к картинкам со стёртым первым объектом: "
                             "подпишите именно их (greedy_captions модели с вниманием).")
        return False
    still = [  # named more often than such objects are left (a twin of the erased object may remain)
        named_objects(c)[pair] > [(o.colour, o.shape) for o in objects[1:]].count(pair)
        for c, objects in zip(captions, scenes, strict=True)
        for pair in [(objects[0].colour, objects[0].shape)]
    ]
    measured = float(np.mean(still))
    if not (is_numeric(erased_still_named) and np.ndim(erased_still_named) == 0
            and abs(float(erased_still_named) - measured) <= 0.01):
        print_verdict(task, f"доля {erased_still_named!r} не сходится с подсчётом проверки по этим подписям. "
                             "Доля — число от 0 до 1: сколько подписей называет стёртый объект (цвет и форму).")
        return False
    others_f1 = np.mean([object_f1(c, objects[1:]) for c, objects in zip(captions, scenes, strict=True)])
    print_verdict(task, None)
    print(f"   сцен: {len(scenes)}; стёртый объект назван в {measured:.1%} подписей; "
          f"F1 по оставшимся объектам: {others_f1:.3f}")
    return True


def check_attention_hits_box(func: Callable[..., Any], cell: int, grid: int) -> bool:
    """Notebook 06: ``func(alpha, box)`` says whether the argmax cell of a ``(grid, grid)`` map overlaps the box."""
    task, cases = "попадание в рамку", attention_hit_cases(cell, grid)
    for number, (alpha, box) in enumerate(cases, start=1):
        ok, answer = call_answer(task, func, (alpha, box), number, len(cases))
        if not ok:
            return False
        if answer is None or answer is Ellipsis:
            return check_value(task, None, True)
        want = _hits_by_pixels(alpha, box, cell)
        if not isinstance(answer, (bool, np.bool_)) or bool(answer) != want:
            row, col = np.unravel_index(np.argmax(alpha), alpha.shape)
            print_verdict(
                task,
                f"проверка {number} из {len(cases)}: получено {answer!r}, а ожидалось {want}. "
                f"Максимум в клетке (строка {row}, столбец {col}) — пиксели "
                f"y ∈ [{row * cell}, {(row + 1) * cell}), x ∈ [{col * cell}, {(col + 1) * cell}); "
                f"рамка (y0, x0, y1, x1) = {box}, y1 и x1 не включаются. Ответ — True или False.",
            )
            return False
    print_verdict(task, None)
    return True
