"""The full-profile path of notebook 06 (COCO captions, frozen CNN), tested on a fixture in COCO's format."""

import json
import zipfile

import numpy as np
import pytest

from rnn_course import coco, data
from rnn_course.scenes import make_scenes


@pytest.fixture
def coco_zips(tmp_path):
    images, captions, _ = make_scenes(4, seed=3, image_size=48)
    per_image = [[text, text.upper()] for text in captions]
    return coco.write_coco_fixture(tmp_path, images, per_image), images, per_image


def test_fixture_has_cocos_layout(coco_zips):
    (annotations_zip, images_zip), _, _ = coco_zips
    with zipfile.ZipFile(annotations_zip) as archive:
        index = json.loads(archive.read("annotations/captions_val2017.json"))
    assert set(index) == {"images", "annotations"}
    assert {"id", "file_name"} <= set(index["images"][0]) and {"image_id", "caption"} <= set(index["annotations"][0])
    with zipfile.ZipFile(images_zip) as archive:
        assert sorted(archive.namelist()) == [f"val2017/{image['file_name']}" for image in index["images"]]


def test_reader_returns_the_images_and_all_their_captions(coco_zips):
    (annotations_zip, images_zip), images, captions = coco_zips
    pixels, read_captions = coco.read_coco_captions(annotations_zip, images_zip, image_size=48)
    assert pixels.shape == (4, 48, 48, 3) and pixels.dtype == np.uint8
    assert read_captions == captions
    assert np.abs(pixels / 255 - images).mean() < 0.02  # JPEG is lossy, but the picture is the same


def test_reader_limit_and_resize(coco_zips):
    (annotations_zip, images_zip), _, captions = coco_zips
    pixels, read_captions = coco.read_coco_captions(annotations_zip, images_zip, limit=2, image_size=32)
    assert pixels.shape == (2, 32, 32, 3) and read_captions == captions[:2]


def test_wrong_archive_gets_a_clear_message(coco_zips):
    (_, images_zip), _, _ = coco_zips
    with pytest.raises(ValueError, match="не аннотации COCO"):
        coco.read_coco_captions(images_zip, images_zip)


def test_download_uses_the_recorded_checksums(monkeypatch, tmp_path):
    import keras

    calls = []

    def fake_get_file(fname, origin, file_hash):
        calls.append((fname, origin, file_hash))
        return str(tmp_path / fname)

    monkeypatch.setattr(keras.utils, "get_file", fake_get_file)
    monkeypatch.setattr(coco, "read_coco_captions", lambda *args: args)
    coco.load_coco_captions(limit=10)
    assert calls == [coco.COCO_ANNOTATIONS, coco.COCO_VAL_IMAGES]
    assert all(len(file_hash) == 64 for _, _, file_hash in calls)  # sha256, as tensorflow-datasets records it


def test_no_network_gives_a_russian_message(monkeypatch):
    import keras

    def no_network(*args, **kwargs):
        raise Exception("URL fetch failure: [Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(keras.utils, "get_file", no_network)
    with pytest.raises(data.DataUnavailableError, match="интернет"):
        coco.load_coco_captions()
    monkeypatch.setattr(keras.src.applications.efficientnet.file_utils, "get_file", no_network)
    with pytest.raises(data.DataUnavailableError, match="RNN_COURSE_PROFILE=quick"):
        coco.frozen_cnn_encoder()


def test_frozen_encoder_gives_a_grid_and_does_not_train():
    encoder = coco.frozen_cnn_encoder(image_size=64, weights=None)
    cells = encoder.predict(np.zeros((2, 64, 64, 3), dtype="uint8"), verbose=0)
    assert cells.shape == (2, 4, 1280)  # 64 / 32 = 2 → a 2×2 grid of 1280 features
    assert not encoder.trainable_weights
