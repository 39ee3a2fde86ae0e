import hashlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import rnn_course.data as data
from rnn_course import imdb_raw_reviews, imdb_word_index, load_alice, load_en_ru_pairs, load_imdb
from rnn_course.data import imdb_encode, imdb_tokenize

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATASETS = ROOT.parent / "shared" / "datasets"


@pytest.fixture(scope="module")
def imdb():
    return load_imdb()


def test_every_bundled_file_matches_its_checksum_and_readme():
    checksums = data.expected_checksums()
    readme = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    on_disk = {p.name for p in (ROOT / "data").iterdir()} - {"README.md", "SHA256SUMS"}
    assert set(checksums) == on_disk
    for name, digest in checksums.items():
        assert data.sha256(data.bundled_file(name)) == digest
        assert name in readme and digest in readme, f"data/README.md must list {name} with its sha256"
    total = sum(p.stat().st_size for p in (ROOT / "data").iterdir())
    assert total < 25 * 2**20


def test_imdb_has_keras_format(imdb):
    (x_train, y_train), (x_test, y_test) = imdb
    assert len(x_train) == len(y_train) == 25_000 and len(x_test) == len(y_test) == 25_000
    assert x_train.dtype == object and isinstance(x_train[0], list)
    assert set(np.unique(y_train)) == {0, 1} and abs(y_test.mean() - 0.5) < 0.01
    assert x_train[0][0] == 1 or len(x_train[0]) == data.IMDB_QUICK_KEEP_LAST  # start token unless truncated
    assert max(max(x) for x in x_train[:500]) < 20_000
    assert 0 not in x_train[0]


def test_imdb_num_words_and_maxlen():
    (x_train, _), (x_test, y_test) = load_imdb(num_words=1000, maxlen=100)
    assert all(len(x) < 100 for x in x_train) and len(x_test) == len(y_test) < 25_000
    assert max(max(x) for x in x_train) < 1000


@pytest.mark.parametrize("kwargs", [{"num_words": 30_000}, {"maxlen": 1000}])
def test_imdb_bundle_limits_are_explained(kwargs):
    with pytest.raises(ValueError, match="копии IMDb из data/.*RNN_COURSE_IMDB=keras"):
        load_imdb(**kwargs)


@pytest.mark.parametrize("profile", ["quick", "full"])
def test_word_index_decodes_the_raw_review(imdb, monkeypatch, profile):
    """Notebook 03 shows raw review i next to x_test[i]: in every profile it is that very review."""
    monkeypatch.setenv("RNN_COURSE_PROFILE", profile)
    (_, _), (x_test, y_test) = load_imdb(num_words=20_000) if profile == "full" else imdb
    word_index = imdb_word_index()
    index_to_word = {rank + 3: word for word, rank in word_index.items()}
    reviews = imdb_raw_reviews()
    assert len(reviews) == 300
    for i in range(5):
        text, label = reviews[i]
        assert label == y_test[i]
        ids, _ = imdb_encode(text, word_index, num_words=20_000)
        assert x_test[i] == ids[-data.IMDB_QUICK_KEEP_LAST :]  # raw review i is x_test[i]
        decoded = [index_to_word[t] for t in x_test[i] if t > 2]
        known = [word for word, t in zip(imdb_tokenize(text), ids[1:], strict=True) if t > 2]
        assert decoded == known[-len(decoded) :]


def test_alice_is_the_whole_book():
    text = load_alice()
    assert text.count("CHAPTER") == 24 and text.rstrip().endswith("THE END")
    assert len(text) == 144_600


def test_en_ru_pairs():
    pairs = load_en_ru_pairs()
    assert len(pairs) == 58_165 and all(len(p) == 2 for p in pairs)
    short = load_en_ru_pairs(max_pairs=100, max_words=5)
    assert len(short) == 100 and all(len(en.split()) <= 5 for en, _ in short)
    assert re.search("[а-я]", short[0][1])


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    """A copy of data/ (Alice and the checksums only) that the loaders read instead."""
    for name in ("alice_in_wonderland.txt", "SHA256SUMS"):
        shutil.copy(ROOT / "data" / name, tmp_path / name)
    monkeypatch.setattr(data, "DATA_DIR", tmp_path)
    return tmp_path


def test_missing_file_says_how_to_restore(data_copy):
    (data_copy / "alice_in_wonderland.txt").unlink()
    with pytest.raises(data.DataFileError, match="Не найден файл данных") as error:
        load_alice()
    assert "git checkout -- data/alice_in_wonderland.txt" in str(error.value)
    assert "build_data.py" in str(error.value)


def test_corrupted_file_is_detected_and_left_untouched(data_copy):
    path = data_copy / "alice_in_wonderland.txt"
    path.write_text("Alice was here, and changed the book.", encoding="utf-8")
    before = path.read_bytes()
    with pytest.raises(data.DataFileError, match="повреждён или изменён") as error:
        load_alice()
    assert "git checkout" in str(error.value)
    assert path.read_bytes() == before


def test_missing_checksums_file(data_copy):
    (data_copy / "SHA256SUMS").unlink()
    with pytest.raises(data.DataFileError, match="контрольных сумм"):
        load_alice()


def test_full_profile_reads_the_bundled_imdb_without_network(monkeypatch):
    import keras

    monkeypatch.setenv("RNN_COURSE_PROFILE", "full")
    monkeypatch.setattr(keras.utils, "get_file", lambda *a, **k: pytest.fail("full must not download IMDb"))
    (x_train, _), (x_test, _) = load_imdb(num_words=20_000)
    assert len(x_train) == len(x_test) == 25_000 and len(imdb_word_index()) > 19_000


def test_wrong_imdb_source_is_explained(monkeypatch):
    monkeypatch.setenv("RNN_COURSE_IMDB", "hub")
    with pytest.raises(ValueError, match="bundled.*keras"):
        load_imdb()


def test_keras_imdb_has_no_matching_raw_reviews(monkeypatch):
    monkeypatch.setenv("RNN_COURSE_IMDB", "keras")
    assert imdb_raw_reviews() == []


def test_keras_imdb_without_network_fails_early_in_russian(monkeypatch, tmp_path):
    import keras

    def no_network(*args, **kwargs):
        raise Exception("URL fetch failure: [Errno -3] Temporary failure in name resolution")

    monkeypatch.setenv("RNN_COURSE_IMDB", "keras")
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setattr(keras.utils, "get_file", no_network)
    for loader in (load_imdb, imdb_word_index):
        with pytest.raises(data.DataUnavailableError, match="интернет") as error:
            loader()
        assert "RNN_COURSE_PROFILE=quick" in str(error.value)


def test_full_profile_uses_the_keras_cache(monkeypatch, tmp_path):
    """With the file already cached, get_file is called with Keras's own name and checksum."""
    import keras

    calls = []

    def fake_get_file(fname, origin, file_hash):
        calls.append((fname, origin, file_hash))
        return str(tmp_path / fname)

    monkeypatch.setenv("RNN_COURSE_IMDB", "keras")
    monkeypatch.setattr(keras.utils, "get_file", fake_get_file)
    monkeypatch.setattr(keras.datasets.imdb, "get_word_index", lambda: {"the": 1})
    assert imdb_word_index() == {"the": 1}
    assert calls == [("imdb_word_index.json", data.KERAS_IMDB_URL + "imdb_word_index.json", data.KERAS_WORD_INDEX_MD5)]


@pytest.mark.parametrize("where", ["cache", "download"])
def test_checksum_mismatch_is_reported_as_a_corrupted_file(monkeypatch, tmp_path, where):
    import keras

    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    cached = tmp_path / "datasets" / "imdb.npz"
    cached.parent.mkdir()
    cached.write_bytes(b"half a file")

    def get_file(fname, origin, file_hash):
        if where == "cache":  # Keras re-downloads a mismatching cached file: offline that fails
            raise Exception("URL fetch failure: [Errno -3] Temporary failure in name resolution")
        raise ValueError("Incomplete or corrupted file detected. The sha256 file hash does not match")

    monkeypatch.setattr(keras.utils, "get_file", get_file)
    with pytest.raises(data.DataFileError, match="повреждён или неполон") as error:
        data.download("imdb.npz", data.KERAS_IMDB_URL + "imdb.npz", data.KERAS_IMDB_SHA256)
    assert str(cached) in str(error.value) and cached.read_bytes() == b"half a file"  # nothing deleted


@pytest.mark.skipif(not SHARED_DATASETS.exists(), reason="../shared/datasets is not beside the checkout")
def test_build_script_is_deterministic(tmp_path):
    subprocess.run(
        [sys.executable, ROOT / "scripts" / "build_data.py", "--source", SHARED_DATASETS, "--out", tmp_path],
        check=True,
        capture_output=True,
    )
    assert (tmp_path / "SHA256SUMS").read_text() == (ROOT / "data" / "SHA256SUMS").read_text()
    digest = hashlib.sha256((tmp_path / "imdb_quick.npz").read_bytes()).hexdigest()
    assert digest == data.expected_checksums()["imdb_quick.npz"]


def test_imdb_encode_marks_unknown_words():
    word_index = {"the": 1, "movie": 17, "rare": 50_000}
    assert imdb_tokenize("The movie<br />was GREAT!") == ["the", "movie", "was", "great"]
    ids, unknown = imdb_encode("The movie was rare", word_index, num_words=20_000)
    assert ids == [1, 4, 20, 2, 2]
    assert unknown == ["was", "rare"]
