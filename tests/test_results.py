import json

import pytest

from utils import record
from utils.report import END, START, load_results, main, results_table, update_readme


def test_record_writes_all_keys(tmp_path):
    path = record("01_intro", {"lstm_long_lag_accuracy": 0.97, "long_lag": 30}, seconds=12.34, results_dir=tmp_path)
    assert path == tmp_path / "quick" / "01_intro.json"
    entry = json.loads(path.read_text(encoding="utf-8"))
    assert set(entry) == {"notebook", "profile", "backend", "metrics", "seconds", "machine", "date"}
    assert entry["metrics"] == {"lstm_long_lag_accuracy": 0.97, "long_lag": 30.0}
    assert entry["profile"] == "quick" and entry["seconds"] == 12.3
    assert "CPU" in entry["machine"]


@pytest.mark.parametrize("metrics", [{"TestAccuracy": 0.9}, {"test accuracy": 0.9}, {"acc": float("nan")}])
def test_record_rejects_bad_metrics(tmp_path, metrics):
    with pytest.raises(ValueError):
        record("01_intro", metrics, seconds=1, results_dir=tmp_path)
    assert not any(tmp_path.iterdir())


def test_report_table_and_readme(tmp_path):
    record("02_rnn_from_scratch", {"accuracy_16bit": 1.0}, seconds=30, results_dir=tmp_path)
    readme = tmp_path / "README.md"
    readme.write_text(f"# Курс\n\n{START}\nold\n{END}\n\nхвост\n", encoding="utf-8")
    main(["--readme", str(readme), "--results", str(tmp_path)])
    text = readme.read_text(encoding="utf-8")
    assert "old" not in text and "хвост" in text
    assert "| 02_rnn_from_scratch | quick |" in text and "`accuracy_16bit` 1" in text
    assert results_table(load_results(tmp_path)) in text


def test_report_needs_markers(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("no markers", encoding="utf-8")
    with pytest.raises(ValueError, match="маркеров"):
        update_readme(readme, "table")
    assert readme.read_text(encoding="utf-8") == "no markers"


def test_empty_results_table():
    assert "пока нет" in results_table([])
