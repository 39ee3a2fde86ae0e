from collections import Counter

import numpy as np
import pytest

from rnn_course.scenes import COLOURS, SHAPES, SceneObject, caption, make_scenes, named_objects, object_f1


def test_same_seed_same_scenes_other_seed_other_scenes():
    a_images, a_captions, _ = make_scenes(20, seed=3)
    b_images, b_captions, _ = make_scenes(20, seed=3)
    c_images, _, _ = make_scenes(20, seed=4)
    assert np.array_equal(a_images, b_images) and a_captions == b_captions
    assert not np.array_equal(a_images, c_images)
    assert a_images.shape == (20, 64, 64, 3) and a_images.dtype == np.float32


def test_captions_agree_in_gender():
    box = (0, 0, 1, 1)
    assert caption([SceneObject("рамка", "синий", 0, 0, box)]) == "синяя рамка слева вверху"
    assert caption([SceneObject("кольцо", "жёлтый", 1, 1, box)]) == "жёлтое кольцо в центре"
    two = [SceneObject("круг", "красный", 2, 2, box), SceneObject("квадрат", "зелёный", 0, 1, box)]
    assert caption(two) == "зелёный квадрат вверху и красный круг справа внизу"  # reading order


def test_captions_list_the_drawn_objects_in_reading_order():
    _, captions, scenes = make_scenes(200, seed=1)
    for text, objects in zip(captions, scenes, strict=True):
        ordered = sorted(objects, key=lambda o: (o.row, o.column))
        assert text == caption(ordered)
        assert len({(o.row, o.column) for o in objects}) == len(objects)  # one object per cell
        assert text.count(" и ") == (len(objects) > 1)
        for o in objects:
            assert o.shape in text and COLOURS[o.colour][1][SHAPES[o.shape]] in text


def test_boxes_hold_exactly_the_objects_colour():
    images, _, scenes = make_scenes(100, seed=2)
    background = np.float32(0.96)
    for image, objects in zip(images, scenes, strict=True):
        painted = (image != background).any(axis=-1)
        covered = np.zeros_like(painted)
        for o in objects:
            y0, x0, y1, x1 = o.box
            cell = 64 // 3
            assert o.row * cell <= y0 < y1 <= (o.row + 1) * cell and o.column * cell <= x0 < x1 <= (o.column + 1) * cell
            inside = image[y0:y1, x0:x1][painted[y0:y1, x0:x1]]
            assert np.allclose(inside, COLOURS[o.colour][0])  # only this object's colour in its box
            # the box is tight: every edge row/column of the box has a painted pixel
            patch = painted[y0:y1, x0:x1]
            assert patch[0].any() and patch[-1].any() and patch[:, 0].any() and patch[:, -1].any()
            covered[y0:y1, x0:x1] = True
        assert not (painted & ~covered).any()  # nothing is drawn outside the boxes


def test_bad_arguments_get_a_clear_error():
    with pytest.raises(ValueError, match="объектов"):
        make_scenes(1, max_objects=0)


def test_named_objects_reads_colour_and_shape_in_any_gender():
    text = "синяя рамка слева вверху, жёлтое кольцо в центре и красный круг справа внизу"
    assert named_objects(text) == Counter({("синий", "рамка"): 1, ("жёлтый", "кольцо"): 1, ("красный", "круг"): 1})
    assert named_objects("круг и круг") == Counter({(None, "круг"): 2})
    assert named_objects("") == Counter()


def test_object_f1_ignores_position_and_counts_multisets():
    box = (0, 0, 4, 4)
    scene = [SceneObject("круг", "красный", 0, 0, box), SceneObject("рамка", "синий", 2, 2, box)]
    assert object_f1(caption(scene), scene) == 1.0
    assert object_f1("синяя рамка в центре и красный круг справа внизу", scene) == 1.0  # places wrong, objects right
    assert object_f1("красный круг слева вверху", scene) == 2 * 1 / 3  # one of two found, nothing extra
    assert object_f1("красный круг слева вверху и красный круг в центре", scene) == 0.5  # 1 match of 2 + 2
    assert object_f1("синий круг слева вверху", scene) == 0.0  # colour wrong: the pair does not match
    assert object_f1("", []) == 1.0 and object_f1("", scene) == 0.0


def test_true_captions_have_object_f1_one():
    _, captions, scenes = make_scenes(100, seed=5)
    assert all(object_f1(c, objects) == 1.0 for c, objects in zip(captions, scenes, strict=True))


def test_object_f1_with_place_needs_the_right_place():
    box = (0, 0, 4, 4)
    scene = [SceneObject("круг", "красный", 0, 0, box), SceneObject("рамка", "синий", 1, 1, box)]
    assert named_objects(caption(scene), with_place=True) == Counter(
        {("красный", "круг", "слева вверху"): 1, ("синий", "рамка", "в центре"): 1})
    assert object_f1(caption(scene), scene, with_place=True) == 1.0
    swapped = "красный круг в центре и синяя рамка слева вверху"  # right objects, wrong places
    assert object_f1(swapped, scene) == 1.0 and object_f1(swapped, scene, with_place=True) == 0.0
    assert object_f1("красный круг слева вверху и синяя рамка справа", scene, with_place=True) == 0.5
    _, captions, scenes = make_scenes(100, seed=6)
    assert all(object_f1(c, o, with_place=True) == 1.0 for c, o in zip(captions, scenes, strict=True))
