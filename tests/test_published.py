import json

from rnn_course import published


def write_run(root, profile, backend, metrics):
    path = root / profile / f"04_alice_gru_generator.{backend}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"backend": backend, "metrics": metrics, "seconds": 60}), encoding="utf-8")


def test_published_metric_prefers_this_backend_then_any(tmp_path, monkeypatch):
    monkeypatch.setattr(published, "RESULTS_DIR", tmp_path)
    write_run(tmp_path, "full", "jax", {"a": 1.5, "b": 2.0})
    write_run(tmp_path, "full", "tensorflow", {"a": 1.25})
    assert published.published_metric("04_alice_gru_generator", "full", "a", "tensorflow") == 1.25
    assert published.published_metric("04_alice_gru_generator", "full", "b", "tensorflow") == 2.0
    assert published.published_metric("04_alice_gru_generator", "full", "c", "tensorflow") is None
    assert published.published_metric("04_alice_gru_generator", "quick", "a", "tensorflow") is None
