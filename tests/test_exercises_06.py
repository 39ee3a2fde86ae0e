"""Notebook 06's experiment checker (erase an object): the solution passes, plausible wrong answers are rejected."""

import numpy as np
import pytest

from rnn_course.exercises.lesson06 import check_erase_object
from rnn_course.scenes import caption, make_scenes

IMAGES, _, SCENES = make_scenes(8, seed=5, image_size=48, max_objects=3)
KEEP = [i for i, objects in enumerate(SCENES) if len(objects) >= 2]
IMAGES, SCENES = IMAGES[KEEP], [SCENES[i] for i in KEEP]


def erase_object(image, obj):
    """The notebook's reference solution."""
    y0, x0, y1, x1 = obj.box
    erased = image.copy()
    erased[y0:y1, x0:x1] = 0.96
    return erased


def blind_captioner(images):
    """Ignores the pixels: names every object the scenes had, the erased one too."""
    return [caption(objects) for objects in SCENES]


def seeing_captioner(images):
    """Names only the objects whose box still holds a non-background pixel."""
    return [caption([o for o in objects if (image[o.box[0]:o.box[2], o.box[1]:o.box[3]] != 0.96).any()])
            for image, objects in zip(images, SCENES, strict=True)]


def erase_black(image, obj):  # a black hole where the object was: the model sees a new blob
    y0, x0, y1, x1 = obj.box
    erased = image.copy()
    erased[y0:y1, x0:x1] = 0.0
    return erased


def erase_transposed(image, obj):  # rows and columns swapped
    y0, x0, y1, x1 = obj.box
    erased = image.copy()
    erased[x0:x1, y0:y1] = 0.96
    return erased


def erase_in_place(image, obj):  # right pixels, but the test scene itself is changed
    y0, x0, y1, x1 = obj.box
    image[y0:y1, x0:x1] = 0.96
    return image


def captions_of(captioner):
    return captioner(np.stack([erase_object(image, objects[0]) for image, objects in zip(IMAGES, SCENES, strict=True)]))


@pytest.mark.parametrize(("captioner", "share"), [(blind_captioner, 1.0), (seeing_captioner, 0.0)])
def test_erase_object_reference_passes(captioner, share, capsys):
    assert check_erase_object(erase_object, captions_of(captioner), share, captioner, IMAGES, SCENES)
    assert "✅" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("func", "share", "hint"),
    [
        (lambda image, obj: ..., 0.0, "ещё не написан"),
        (erase_black, 0.0, "цветом фона"),
        (erase_transposed, 0.0, "проверка 1"),
        (erase_in_place, 0.0, "изменила исходную картинку"),
        (erase_object, 1.0, "не сходится"),  # what a blind model would give, not what this one does
        (erase_object, 0.0 + 100, "не сходится"),  # per cent, not a share
        (erase_object, ..., "ещё не написан"),
    ],
)
def test_erase_object_rejects_wrong_answers(func, share, hint, capsys):
    assert check_erase_object(func, captions_of(seeing_captioner), share, seeing_captioner, IMAGES, SCENES) is False
    out = capsys.readouterr().out
    assert "❌" in out and hint in out and "Traceback" not in out
    assert "F1 по оставшимся" not in out, "the checker's own count is shown only after a right answer"


@pytest.mark.parametrize(
    ("captions", "hint"),
    [
        (..., "ещё не написан"),
        (["красный круг"], "список из"),  # one caption, not one per scene
        (lambda: captions_of(blind_captioner), "не совпадают"),  # the captions of the original scenes
    ],
)
def test_erase_object_wants_the_models_captions(captions, hint, capsys):
    captions = captions() if callable(captions) else captions
    assert check_erase_object(erase_object, captions, 0.0, seeing_captioner, IMAGES, SCENES) is False
    out = capsys.readouterr().out
    assert "❌" in out and hint in out and "Traceback" not in out
