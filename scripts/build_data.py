"""Build the bundled data in data/ from ../shared/datasets/ (see its PROVENANCE.md).

Run from the repository root:  python scripts/build_data.py [--source ../shared/datasets]

The output is deterministic: running the script twice gives byte-identical files
(fixed seeds, gzip and zip entries without timestamps). It also writes
data/SHA256SUMS, which rnn_course.data checks before it uses any file.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import io
import json
import shutil
import sys
import zipfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from rnn_course.data import IMDB_INDEX_FROM, imdb_encode  # noqa: E402  (the same tokeniser as the course)

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"

IMDB_NUM_WORDS = 20_000  # ids >= this become OOV (2), as keras imdb.load_data(num_words=20000)
IMDB_KEEP_LAST = 400  # tokens kept per review: exactly what pad_sequences(maxlen<=400) keeps
IMDB_RAW_SAMPLES = 300  # raw test reviews bundled for notebook 03 (same order as x_test)
KERAS_SEED = 113  # keras.datasets.imdb.load_data shuffles with this seed
TIMESERIES_FILES = ("seattle-temps.csv", "sf-temps.csv", "seattle-weather.csv")  # notebook 07's series


def write_gzip(path: Path, data: bytes) -> None:
    with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz:
        gz.write(data)


def write_npz(path: Path, **arrays: np.ndarray) -> None:
    """Like np.savez_compressed, but with fixed zip timestamps (byte-identical reruns)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, array in arrays.items():
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.asarray(array), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, buffer.getvalue())


def read_reviews(path: Path) -> list[dict]:
    csv.field_size_limit(10**8)
    with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def build_imdb(source: Path, out: Path) -> None:
    word_index = json.loads((source / "imdb_word_index.json").read_text())
    rows = read_reviews(source / "aclImdb_v1_reviews.tsv.gz")
    arrays: dict[str, np.ndarray] = {}
    raw_sample: list[dict] = []
    rng = np.random.RandomState(KERAS_SEED)  # Keras shuffles train, then test, with one generator
    for split in ("train", "test"):
        part = [r for r in rows if r["split"] == split]
        order = np.arange(len(part))
        rng.shuffle(order)
        part = [part[i] for i in order]
        tokens, lengths = [], []
        for row in part:
            ids, _ = imdb_encode(row["text"], word_index, IMDB_NUM_WORDS)
            lengths.append(len(ids))
            tokens.extend(ids[-IMDB_KEEP_LAST:])
        arrays[f"x_{split}_tokens"] = np.array(tokens, dtype=np.uint16)
        arrays[f"x_{split}_lengths"] = np.array(lengths, dtype=np.uint32)
        arrays[f"y_{split}"] = np.array([r["label"] == "pos" for r in part], dtype=np.uint8)
        if split == "test":
            raw_sample = part[:IMDB_RAW_SAMPLES]
    write_npz(out / "imdb_quick.npz", **arrays)

    kept = {w: r for w, r in word_index.items() if r + IMDB_INDEX_FROM < IMDB_NUM_WORDS}
    kept = dict(sorted(kept.items(), key=lambda item: item[1]))
    write_gzip(out / "imdb_word_index_20k.json.gz", json.dumps(kept).encode())

    table = io.StringIO(newline="")
    writer = csv.writer(table, delimiter="\t", lineterminator="\n")
    writer.writerow(["label", "text"])
    for row in raw_sample:
        writer.writerow([int(row["label"] == "pos"), row["text"]])
    write_gzip(out / "imdb_test_raw_sample.tsv.gz", table.getvalue().encode())


def build_alice(source: Path, out: Path) -> None:
    shutil.copyfile(source / "alice_in_wonderland.txt", out / "alice_in_wonderland.txt")


def build_en_ru(source: Path, out: Path) -> None:
    write_gzip(out / "rus_eng_pairs.tsv.gz", (source / "rus_eng_pairs.tsv").read_bytes())


def build_timeseries(source: Path, out: Path) -> None:
    """Notebook 07's series, copied unchanged: hourly temperatures of 2010 and Seattle's daily weather."""
    for name in TIMESERIES_FILES:
        shutil.copyfile(source / name, out / name)


def write_checksums(out: Path) -> None:
    lines = []
    for path in sorted(out.iterdir()):
        if path.name in {"SHA256SUMS", "README.md"}:
            continue
        lines.append(f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.name}\n")
    (out / "SHA256SUMS").write_text("".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=ROOT.parent / "shared" / "datasets")
    parser.add_argument("--out", type=Path, default=DATA, help="output folder (default: data/)")
    args = parser.parse_args()
    out = args.out
    out.mkdir(exist_ok=True)
    build_imdb(args.source / "imdb", out)
    build_alice(args.source / "alice", out)
    build_en_ru(args.source / "rus-eng", out)
    build_timeseries(args.source / "timeseries", out)
    write_checksums(out)
    for path in sorted(out.iterdir()):
        print(f"{path.stat().st_size:>12,}  {path.name}")


if __name__ == "__main__":
    main()
