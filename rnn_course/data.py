"""Data loaders: bundled files in data/ (both profiles where they suffice), downloads for the rest.

Every bundled file is checked against data/SHA256SUMS before use. Downloads (COCO in notebook 06's
`full`, Keras's imdb.npz on request) go through keras.utils.get_file with a checksum into the Keras cache.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import os
import re
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "data"
CHECKSUMS = "SHA256SUMS"
RESTORE_HINT = (
    "Восстановите его: `git checkout -- data/{name}` в папке курса "
    "или пересоберите данные: `python scripts/build_data.py`."
)

IMDB_QUICK_NUM_WORDS = 20_000  # the bundled IMDb keeps the 20,000 most frequent word ids
IMDB_QUICK_KEEP_LAST = 400  # ... and the last 400 ids of each review
IMDB_SOURCE_VARIABLE = "RNN_COURSE_IMDB"  # "bundled" (default, both profiles) or "keras" (download imdb.npz)
KERAS_IMDB_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
KERAS_IMDB_SHA256 = "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f"
KERAS_WORD_INDEX_MD5 = "bfafd718b763782e994055a2d397834f"


class DataFileError(RuntimeError):
    """A bundled data file is missing or does not match its checksum."""


class DataUnavailableError(RuntimeError):
    """A full-profile dataset could not be downloaded (e.g. no network)."""


def sha256(path: Path) -> str:
    """Hex sha256 of a file."""
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def expected_checksums(data_dir: Path | None = None) -> dict[str, str]:
    """File name → sha256 from data/SHA256SUMS."""
    path = (data_dir or DATA_DIR) / CHECKSUMS
    if not path.exists():
        raise DataFileError(f"Нет файла контрольных сумм {path}. " + RESTORE_HINT.format(name=CHECKSUMS))
    pairs = (line.split() for line in path.read_text().splitlines() if line.strip())
    return {name: digest for digest, name in pairs}


def bundled_file(name: str, data_dir: Path | None = None) -> Path:
    """Path of a bundled file after checking that it exists and matches its sha256."""
    data_dir = data_dir or DATA_DIR
    path = data_dir / name
    expected = expected_checksums(data_dir).get(name)
    if expected is None:
        raise DataFileError(f"Файл data/{name} не входит в комплект курса (его нет в data/{CHECKSUMS}).")
    if not path.exists():
        raise DataFileError(f"Не найден файл данных {path}. " + RESTORE_HINT.format(name=name))
    actual = sha256(path)
    if actual != expected:
        raise DataFileError(
            f"Файл данных {path} повреждён или изменён: sha256 {actual[:16]}…, "
            f"а ожидалось {expected[:16]}…. Файл не тронут. " + RESTORE_HINT.format(name=name)
        )
    return path


def download(fname: str, origin: str, file_hash: str) -> Path:
    """Download (once, then from the Keras cache) a full-profile file, checked by its hash.

    A file whose hash does not match (in the cache, or just downloaded) is reported as corrupted;
    any other failure as a missing network. Nothing in the cache is deleted by this function.
    """
    import keras

    cached = keras_cache_dir() / fname
    try:
        return Path(keras.utils.get_file(fname, origin=origin, file_hash=file_hash))
    except Exception as error:  # get_file raises plain Exception on network errors
        if "corrupted" in str(error) or (cached.exists() and file_digest(cached, file_hash) != file_hash):
            raise DataFileError(
                f"Файл {cached} повреждён или неполон: его контрольная сумма не совпала с {file_hash[:16]}…. "
                "Удалите его и запустите ячейку снова (нужен интернет, чтобы скачать файл заново)."
            ) from error
        raise download_failed(f"{fname} с {origin}", error, str(keras_cache_dir())) from error


def keras_cache_dir() -> Path:
    """Where keras.utils.get_file keeps datasets: $KERAS_HOME/datasets or ~/.keras/datasets."""
    return Path(os.environ.get("KERAS_HOME") or Path.home() / ".keras") / "datasets"


def file_digest(path: Path, like: str) -> str:
    """sha256 of a file, or md5 when ``like`` is an md5 (32 hex digits), as Keras's file_hash."""
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "md5" if len(like) == 32 else "sha256").hexdigest()


def download_failed(what: str, error: Exception, cache: str) -> DataUnavailableError:
    """The Russian message for a full-profile download that failed: what, why, and what to do."""
    return DataUnavailableError(
        f"Профиль full: не удалось скачать {what} ({type(error).__name__}: {error}). "
        f"Нужен доступ в интернет (один раз: файл сохранится в кэше Keras {cache}). "
        "Без сети используйте профиль quick: RNN_COURSE_PROFILE=quick."
    )


# --- IMDb -------------------------------------------------------------------

IMDB_TOKEN = re.compile(r"[a-z0-9']+")
IMDB_INDEX_FROM = 3  # ids: 0 pad, 1 start, 2 OOV, words from rank + 3


def imdb_tokenize(text: str) -> list[str]:
    """Words of a review as the bundled IMDb data were made: lower-case, <br /> removed, [a-z0-9']+."""
    return IMDB_TOKEN.findall(text.lower().replace("<br />", " "))


def imdb_encode(text: str, word_index: dict[str, int], num_words: int) -> tuple[list[int], list[str]]:
    """Ids of a text in the Keras IMDb convention (start token 1, OOV 2) and the words that became OOV."""
    ids, unknown = [1], []
    for word in imdb_tokenize(text):
        rank = word_index.get(word)
        if rank is not None and rank + IMDB_INDEX_FROM < num_words:
            ids.append(rank + IMDB_INDEX_FROM)
        else:
            ids.append(2)
            unknown.append(word)
    return ids, unknown



def imdb_source() -> str:
    """Where IMDb comes from: 'bundled' (data/, all 25,000 + 25,000 reviews) or 'keras' (RNN_COURSE_IMDB=keras)."""
    source = os.environ.get(IMDB_SOURCE_VARIABLE, "bundled").strip().lower() or "bundled"
    if source not in ("bundled", "keras"):
        raise ValueError(
            f"{IMDB_SOURCE_VARIABLE}={source!r}: допустимо bundled (копия из data/, по умолчанию) "
            "или keras (скачать imdb.npz Keras: весь словарь и полные отзывы)."
        )
    return source


def load_imdb(num_words: int | None = None, maxlen: int | None = None) -> tuple[tuple, tuple]:
    """IMDb reviews as `keras.datasets.imdb.load_data` returns them.

    Returns ``(x_train, y_train), (x_test, y_test)``: object arrays of id lists
    (0 pad, 1 start, 2 OOV, word ids = frequency rank + 3) and 0/1 labels,
    25,000 reviews each. ``num_words`` keeps ids below it (others become 2);
    ``maxlen`` drops reviews of ``maxlen`` ids or more, as Keras does.

    By default, in both profiles, the bundled copy of all 50,000 reviews, built from the raw reviews by
    scripts/build_data.py: ids are capped at 20,000 and only the last 400 ids of each review are kept
    (exactly what ``pad_sequences(maxlen<=400)`` keeps). With RNN_COURSE_IMDB=keras: Keras's own
    imdb.npz (downloaded once, checked by sha256) for a larger vocabulary or longer reviews.
    """
    if imdb_source() == "keras":
        download("imdb.npz", KERAS_IMDB_URL + "imdb.npz", KERAS_IMDB_SHA256)
        import keras

        return keras.datasets.imdb.load_data(num_words=num_words, maxlen=maxlen)
    if num_words is not None and num_words > IMDB_QUICK_NUM_WORDS:
        raise ValueError(
            f"В копии IMDb из data/ словарь ограничен {IMDB_QUICK_NUM_WORDS} словами, а запрошено "
            f"num_words={num_words}. Возьмите num_words ≤ {IMDB_QUICK_NUM_WORDS} или задайте "
            f"{IMDB_SOURCE_VARIABLE}=keras (скачает imdb.npz Keras)."
        )
    if maxlen is not None and maxlen > IMDB_QUICK_KEEP_LAST:
        raise ValueError(
            f"В копии IMDb из data/ у рецензий сохранены последние {IMDB_QUICK_KEEP_LAST} слов, а запрошено "
            f"maxlen={maxlen}. Возьмите maxlen ≤ {IMDB_QUICK_KEEP_LAST} или задайте "
            f"{IMDB_SOURCE_VARIABLE}=keras (скачает imdb.npz Keras)."
        )
    with np.load(bundled_file("imdb_quick.npz")) as f:
        arrays = {key: f[key] for key in f.files}
    return tuple(_imdb_split(arrays, split, num_words, maxlen) for split in ("train", "test"))


def _imdb_split(arrays: dict, split: str, num_words: int | None, maxlen: int | None) -> tuple:
    tokens = arrays[f"x_{split}_tokens"].astype(np.int32)
    lengths = arrays[f"x_{split}_lengths"]
    labels = arrays[f"y_{split}"].astype(np.int64)
    if num_words is not None:
        tokens = np.where(tokens < num_words, tokens, 2)
    stored = np.minimum(lengths, IMDB_QUICK_KEEP_LAST)
    reviews = np.split(tokens, np.cumsum(stored)[:-1])
    keep = np.ones(len(reviews), bool) if maxlen is None else lengths < maxlen
    x = np.empty(int(keep.sum()), dtype=object)
    x[:] = [r.tolist() for r, k in zip(reviews, keep, strict=True) if k]
    return x, labels[keep]


def imdb_word_index() -> dict[str, int]:
    """Keras's IMDb word index: word → frequency rank (1 = most frequent); id = rank + 3.

    Bundled: the words whose id is below 20,000; with RNN_COURSE_IMDB=keras: all 88,584.
    """
    if imdb_source() == "keras":
        download("imdb_word_index.json", KERAS_IMDB_URL + "imdb_word_index.json", KERAS_WORD_INDEX_MD5)
        import keras

        return keras.datasets.imdb.get_word_index()
    with gzip.open(bundled_file("imdb_word_index_20k.json.gz"), "rt", encoding="utf-8") as f:
        return json.load(f)


def imdb_lengths() -> tuple[np.ndarray, np.ndarray]:
    """True lengths (in ids, start token included) of the train and test reviews, in ``load_imdb`` order.

    The bundled copy stores only the last 400 ids of a review but keeps its full length; with
    RNN_COURSE_IMDB=keras the reviews are whole, so their lengths are measured directly.
    """
    if imdb_source() == "keras":
        (x_train, _), (x_test, _) = load_imdb()
        return np.array([len(x) for x in x_train]), np.array([len(x) for x in x_test])
    with np.load(bundled_file("imdb_quick.npz")) as f:
        return f["x_train_lengths"].astype(np.int64), f["x_test_lengths"].astype(np.int64)


def imdb_raw_reviews() -> list[tuple[str, int]]:
    """The first 300 raw test reviews (text with its <br /> tags, label 0/1).

    They are in the order of the bundled ``x_test``: review i is ``x_test[i]`` in both profiles.
    With RNN_COURSE_IMDB=keras the reviews are in Keras's order, so there is no matching text: [].
    """
    if imdb_source() == "keras":
        return []
    with gzip.open(bundled_file("imdb_test_raw_sample.tsv.gz"), "rt", encoding="utf-8", newline="") as f:
        return [(row["text"], int(row["label"])) for row in csv.DictReader(f, delimiter="\t")]


# --- Alice, EN–RU -------------------------------------------------------------


def load_alice() -> str:
    """The whole text of *Alice's Adventures in Wonderland* (Project Gutenberg #11), both profiles."""
    return bundled_file("alice_in_wonderland.txt").read_text(encoding="utf-8")


def load_en_ru_pairs(max_pairs: int | None = None, max_words: int | None = None) -> list[tuple[str, str]]:
    """English–Russian Tatoeba pairs (CC-BY 2.0 FR, tatoeba.org) as (english, russian) tuples.

    ``max_words`` keeps pairs whose English side has at most that many words;
    ``max_pairs`` then keeps the first pairs (the file's order is random).
    All 58,165 pairs are bundled, so both profiles read the same file.
    """
    with gzip.open(bundled_file("rus_eng_pairs.tsv.gz"), "rt", encoding="utf-8") as f:
        pairs = [tuple(line.rstrip("\n").split("\t")) for line in f]
    if max_words is not None:
        pairs = [p for p in pairs if len(p[0].split()) <= max_words]
    return pairs[:max_pairs]


def load_hourly_temperatures() -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Hourly air temperature in 2010 (NOAA, public domain, via vega_datasets), both profiles.

    Returns the hours (``datetime64[h]``, local time: 2010-03-14 02:00 is skipped at the daylight-saving change)
    and the temperatures in °C by city: ``{"seattle": ..., "san_francisco": ...}``, float32, 8,759 values each.
    """
    columns = {}
    hours = None
    for city, name in (("seattle", "seattle-temps.csv"), ("san_francisco", "sf-temps.csv")):
        with open(bundled_file(name), encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        stamps = np.array([row["date"][:13].replace("/", "-").replace(" ", "T") for row in rows], "datetime64[h]")
        if hours is not None and not np.array_equal(stamps, hours):
            raise DataFileError(f"Часы в data/{name} не совпадают с часами Сиэтла. " + RESTORE_HINT.format(name=name))
        hours = stamps
        fahrenheit = np.array([float(row["temp"]) for row in rows])
        columns[city] = ((fahrenheit - 32) * 5 / 9).astype(np.float32)
    return hours, columns


def load_daily_weather() -> dict[str, np.ndarray]:
    """Seattle's observed daily weather 2012–2015 (NOAA, public domain, via vega_datasets), 1,461 days.

    Keys: ``date`` (``datetime64[D]``), ``temp_max`` and ``temp_min`` (°C), ``precipitation`` (mm), ``wind`` (m/s).
    """
    with open(bundled_file("seattle-weather.csv"), encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    columns = {"date": np.array([row["date"].replace("/", "-") for row in rows], "datetime64[D]")}
    for name in ("temp_max", "temp_min", "precipitation", "wind"):
        columns[name] = np.array([float(row[name]) for row in rows], np.float32)
    return columns
