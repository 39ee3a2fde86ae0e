import json

import pytest

from rnn_course import record, setup
from rnn_course.published import RESULTS_DIR
from rnn_course.report import load_results, main, publish, results_page, results_table
from rnn_course.results import RUNS_DIR


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
    from rnn_course import profile

    monkeypatch.setattr(profile, "_run", {})
    with pytest.raises(RuntimeError, match="rnn_course.setup"):
        record({"accuracy": 1.0}, runs_dir=tmp_path)


def test_publish_copies_runs_and_writes_the_results_page(tmp_path):
    runs, results = tmp_path / "runs", tmp_path / "results"
    setup("02_rnn_from_scratch")
    record({"accuracy_16bit": 1.0}, runs_dir=runs)
    main(["--publish", "--results", str(results), "--runs", str(runs)])
    assert [p.relative_to(results) for p in results.glob("*/*.json")] == [
        p.relative_to(runs) for p in runs.glob("*/*.json")
    ]
    page = (results / "README.md").read_text(encoding="utf-8")
    assert "(`02_rnn_from_scratch`)" in page and "`accuracy_16bit` | 1 |" in page
    assert results_page(load_results(results)) == page


def test_publish_takes_only_the_profile_folders(tmp_path):
    """runs/ also holds other tools' JSON (the site test writes runs/site/report.json): not a run result."""
    runs, results = tmp_path / "runs", tmp_path / "results"
    setup("02_rnn_from_scratch")
    record({"accuracy_16bit": 1.0}, runs_dir=runs)
    (runs / "site").mkdir()
    (runs / "site" / "report.json").write_text('{"01_intro.html": {"problems": []}}', encoding="utf-8")
    main(["--publish", "--results", str(results), "--runs", str(runs)])
    assert not (results / "site").exists()
    assert [p.parent.name for p in results.glob("*/*.json")] == ["quick"]


def test_results_page_has_a_column_per_run_with_time_machine_and_date(tmp_path):
    def entry(profile, backend, metrics, seconds):
        return {"notebook": "04_alice_gru_generator", "profile": profile, "backend": backend, "metrics": metrics,
                "seconds": seconds, "machine": f"{profile} machine", "date": "2026-01-02"}

    for e in (entry("full", "tensorflow", {"bits": 1.92}, 190.4), entry("quick", "jax", {"bits": 1.968}, 78),
              entry("quick", "tensorflow", {"bits": 1.961, "ms": [0.56, 1.2345]}, 90)):
        path = tmp_path / e["profile"] / f"{e['notebook']}.{e['backend']}.json"
        path.parent.mkdir(exist_ok=True)
        path.write_text(json.dumps(e), encoding="utf-8")
    lines = results_page(load_results(tmp_path), notebooks_dir=tmp_path).splitlines()
    assert "| | quick · tensorflow | quick · jax | full · tensorflow |" in lines  # quick first, TensorFlow first
    assert "| `bits` | 1.961 | 1.968 | 1.92 |" in lines and "| `ms` | [0.56, 1.234] | — | — |" in lines
    assert "| время, с | 90 | 78 | 190 |" in lines
    assert "| машина | quick machine | quick machine | full machine |" in lines
    assert "| дата | 2026-01-02 | 2026-01-02 | 2026-01-02 |" in lines


def test_the_committed_results_page_shows_every_committed_record():
    """results/README.md holds the tables `python -m rnn_course.report` writes from the committed records."""
    page = (RESULTS_DIR / "README.md").read_text(encoding="utf-8")
    entries = load_results(RESULTS_DIR)
    for notebook in {e["notebook"] for e in entries}:
        table = results_table([e for e in entries if e["notebook"] == notebook])
        assert table in page, f"results/README.md is stale for {notebook}: run python -m rnn_course.report"


def test_publish_refuses_a_broken_run(tmp_path):
    (tmp_path / "runs" / "quick").mkdir(parents=True)
    (tmp_path / "runs" / "quick" / "01_intro.tensorflow.json").write_text("{not json")
    with pytest.raises(json.JSONDecodeError):
        publish(tmp_path / "runs", tmp_path / "results")
    assert not (tmp_path / "results").exists()


def test_empty_results_page():
    assert "пока нет" in results_page([])
