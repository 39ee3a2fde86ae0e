import json

import pytest

from utils import record, setup
from utils.report import END, START, load_results, main, publish, results_table, update_readme
from utils.results import RUNS_DIR


def test_record_writes_all_keys_for_the_notebook_that_called_setup(tmp_path):
    import keras

    setup("01_intro")
    path = record({"lstm_long_lag_accuracy": 0.97, "long_lag": 30}, runs_dir=tmp_path)
    assert path == tmp_path / "quick" / f"01_intro.{keras.backend.backend()}.json"
    entry = json.loads(path.read_text(encoding="utf-8"))
    assert set(entry) == {"notebook", "profile", "backend", "metrics", "seconds", "machine", "date"}
    assert entry["notebook"] == "01_intro" and entry["profile"] == "quick"
    assert entry["metrics"] == {"lstm_long_lag_accuracy": 0.97, "long_lag": 30.0}
    assert 0 <= entry["seconds"] < 60 and "CPU" in entry["machine"]


def test_a_run_writes_outside_git():
    ignored = (RUNS_DIR.parent / ".gitignore").read_text().split()
    assert RUNS_DIR.name + "/" in ignored


@pytest.mark.parametrize("metrics", [{"TestAccuracy": 0.9}, {"test accuracy": 0.9}, {"acc": float("nan")}])
def test_record_rejects_bad_metrics(tmp_path, metrics):
    setup("01_intro")
    with pytest.raises(ValueError):
        record(metrics, runs_dir=tmp_path)
    assert not any(tmp_path.iterdir())


def test_record_needs_setup(tmp_path, monkeypatch):
    from utils import profile

    monkeypatch.setattr(profile, "_run", {})
    with pytest.raises(RuntimeError, match="utils.setup"):
        record({"accuracy": 1.0}, runs_dir=tmp_path)


def test_publish_copies_runs_and_writes_the_readme_table(tmp_path):
    runs, results = tmp_path / "runs", tmp_path / "results"
    setup("02_rnn_from_scratch")
    record({"accuracy_16bit": 1.0}, runs_dir=runs)
    readme = tmp_path / "README.md"
    readme.write_text(f"# Курс\n\n{START}\nold\n{END}\n\nхвост\n", encoding="utf-8")
    main(["--publish", "--readme", str(readme), "--results", str(results), "--runs", str(runs)])
    assert [p.relative_to(results) for p in results.glob("*/*.json")] == [
        p.relative_to(runs) for p in runs.glob("*/*.json")
    ]
    text = readme.read_text(encoding="utf-8")
    assert "old" not in text and "хвост" in text
    assert "| 02_rnn_from_scratch | quick |" in text and "`accuracy_16bit` 1" in text
    assert results_table(load_results(results)) in text


def test_publish_refuses_a_broken_run(tmp_path):
    (tmp_path / "runs" / "quick").mkdir(parents=True)
    (tmp_path / "runs" / "quick" / "01_intro.tensorflow.json").write_text("{not json")
    with pytest.raises(json.JSONDecodeError):
        publish(tmp_path / "runs", tmp_path / "results")
    assert not (tmp_path / "results").exists()


def test_report_needs_markers(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("no markers", encoding="utf-8")
    with pytest.raises(ValueError, match="маркеров"):
        update_readme(readme, "table")
    assert readme.read_text(encoding="utf-8") == "no markers"


def test_empty_results_table():
    assert "пока нет" in results_table([])
