"""COCO captions for the `full` profile of notebook 06, and a frozen pretrained CNN encoder.

The data are the COCO 2017 validation images (5,000 photos, 815 MB) with their captions
(about 5 per photo, from the 2017 annotations archive). Both archives are read in place,
without unpacking. Their sha256 sums are those that tensorflow-datasets 4.9.10 records for the
same URLs (``tensorflow_datasets/url_checksums/coco.txt``).
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import numpy as np

from .data import download, download_failed
from .russian import plural

COCO_ANNOTATIONS = (
    "annotations_trainval2017.zip",
    "http://images.cocodataset.org/annotations/annotations_trainval2017.zip",
    "113a836d90195ee1f884e704da6304dfaaecff1f023f49b6ca93c4aaae470268",
)
COCO_VAL_IMAGES = (
    "val2017.zip",
    "http://images.cocodataset.org/zips/val2017.zip",
    "4f7e2ccb2866ec5041993c9cf2a952bbed69647b115d0f74da7ce8f4bef82f05",
)


def read_coco_captions(annotations_zip: Path, images_zip: Path, split: str = "val2017",
                       limit: int | None = None, image_size: int = 224) -> tuple[np.ndarray, list[list[str]]]:
    """Images (N, S, S, 3) uint8, resized to a square, and the captions of each, from COCO-format zips.

    ``annotations_zip`` holds ``annotations/captions_{split}.json``; ``images_zip`` holds
    ``{split}/<file_name>`` for every image listed there. Images are taken in id order.
    """
    from PIL import Image

    from .training import progress  # imports Keras: only when photos are read

    member = f"annotations/captions_{split}.json"
    with zipfile.ZipFile(annotations_zip) as archive:
        if member not in archive.namelist():
            raise ValueError(f"В архиве {annotations_zip} нет {member}: это не аннотации COCO для {split}.")
        index = json.loads(archive.read(member))
    captions: dict[int, list[str]] = {}
    for note in index["annotations"]:
        captions.setdefault(note["image_id"], []).append(note["caption"].strip())
    images = sorted((image for image in index["images"] if image["id"] in captions), key=lambda image: image["id"])
    images = images[:limit]

    pixels = np.zeros((len(images), image_size, image_size, 3), dtype="uint8")
    with zipfile.ZipFile(images_zip) as archive:
        label = f"читаем {plural(len(images), 'картинку', 'картинки', 'картинок')} из {Path(images_zip).name}"
        for i, image in enumerate(progress(images, label=label)):
            with Image.open(io.BytesIO(archive.read(f"{split}/{image['file_name']}"))) as photo:
                pixels[i] = np.asarray(photo.convert("RGB").resize((image_size, image_size), Image.BILINEAR))
    return pixels, [captions[image["id"]] for image in images]


def coco_archives() -> tuple[Path, Path]:
    """COCO 2017 caption annotations and validation photos: downloaded once, checked by sha256."""
    return download(*COCO_ANNOTATIONS), download(*COCO_VAL_IMAGES)


def load_coco_captions(limit: int | None = None, image_size: int = 224) -> tuple[np.ndarray, list[list[str]]]:
    """COCO 2017 validation photos with their captions (downloaded once, checked by sha256)."""
    return read_coco_captions(*coco_archives(), "val2017", limit, image_size)


def write_coco_fixture(folder: Path, images: np.ndarray, captions: list[list[str]], split: str = "val2017"
                       ) -> tuple[Path, Path]:
    """Write images (N, H, W, 3 floats in [0, 1] or uint8) and captions as two COCO-format zips."""
    from PIL import Image

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if images.dtype != np.uint8:
        images = np.clip(np.round(images * 255), 0, 255).astype("uint8")
    index = {"images": [], "annotations": []}
    images_zip = folder / f"{split}.zip"
    with zipfile.ZipFile(images_zip, "w") as archive:
        for image_id, (pixels, texts) in enumerate(zip(images, captions, strict=True), start=1):
            file_name = f"{image_id:012d}.jpg"
            buffer = io.BytesIO()
            Image.fromarray(pixels).save(buffer, format="JPEG", quality=95)
            archive.writestr(f"{split}/{file_name}", buffer.getvalue())
            index["images"].append({"id": image_id, "file_name": file_name})
            index["annotations"] += [{"image_id": image_id, "id": len(index["annotations"]) + k, "caption": text}
                                     for k, text in enumerate(texts)]
    annotations_zip = folder / "annotations.zip"
    with zipfile.ZipFile(annotations_zip, "w") as archive:
        archive.writestr(f"annotations/captions_{split}.json", json.dumps(index, ensure_ascii=False))
    return annotations_zip, images_zip


def frozen_cnn_encoder(image_size: int = 224, weights: str | None = "imagenet"):
    """Frozen EfficientNetB0 without its classifier: images (B, S, S, 3) in [0, 255] → cells (B, (S/32)², 1280).

    EfficientNet rescales and normalises its input itself, and Keras checks its ImageNet weights
    by md5 (Keras has no checksum for MobileNetV2's weights, so not that one).
    """
    import keras

    try:
        cnn = keras.applications.EfficientNetB0(include_top=False, weights=weights,
                                                input_shape=(image_size, image_size, 3))
    except Exception as error:  # get_file raises plain Exception on network errors
        raise download_failed("веса EfficientNetB0", error, "~/.keras/models") from error
    cnn.trainable = False
    image = keras.Input((image_size, image_size, 3))
    grid = cnn(image, training=False)
    cells = keras.layers.Reshape((-1, grid.shape[-1]))(grid)
    return keras.Model(image, cells, name="frozen_efficientnet_b0")
