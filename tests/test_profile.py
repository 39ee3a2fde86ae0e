import json

import keras
import numpy as np
import pytest

from rnn_course import get_profile, pick, profile, published, setup
from rnn_course.profile import ProfileError, cores


def test_default_profile_is_quick(monkeypatch):
    monkeypatch.delenv("RNN_COURSE_PROFILE")
    assert get_profile() == "quick"


@pytest.mark.parametrize("value, expected", [("quick", "quick"), ("full", "full"), (" FULL ", "full"), ("", "quick")])
def test_profile_names(monkeypatch, value, expected):
    monkeypatch.setenv("RNN_COURSE_PROFILE", value)
    assert get_profile() == expected


def test_wrong_profile_gives_russian_message_with_valid_names(monkeypatch):
    monkeypatch.setenv("RNN_COURSE_PROFILE", "fast")
    with pytest.raises(ProfileError) as error:
        get_profile()
    message = str(error.value)
    assert "Неизвестный профиль 'fast'" in message
    assert "quick" in message and "full" in message


def test_pick_follows_profile(monkeypatch):
    assert pick(quick=2, full=10) == 2
    monkeypatch.setenv("RNN_COURSE_PROFILE", "full")
    assert pick(quick=2, full=10) == 10


def test_pick_rejects_wrong_profile(monkeypatch):
    monkeypatch.setenv("RNN_COURSE_PROFILE", "quik")
    with pytest.raises(ProfileError):
        pick(quick=1, full=2)


def test_setup_seeds_and_prints_one_line(capsys):
    import keras

    assert setup("01_intro", seed=7) == "quick"
    first = np.random.rand(), float(keras.random.uniform((1,))[0])
    setup("01_intro", seed=7)
    second = np.random.rand(), float(keras.random.uniform((1,))[0])
    assert first == second
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 2 and out[0].startswith("01_intro · профиль quick") and "Keras" in out[0]
    assert "GPU нет" in out[0] or "GPU:" in out[0]


def test_seed_variable_replaces_the_notebooks_seed(monkeypatch, capsys):
    import keras

    setup("01_intro")
    default = float(keras.random.uniform((1,))[0])
    monkeypatch.setenv("RNN_COURSE_SEED", "7")
    setup("01_intro")
    assert float(keras.random.uniform((1,))[0]) != default
    assert "seed 7" in capsys.readouterr().out
    monkeypatch.setenv("RNN_COURSE_SEED", "семь")
    with pytest.raises(ValueError, match="нужно целое число"):
        setup("01_intro")


@pytest.mark.parametrize(("count", "words"), [(1, "1 ядро"), (2, "2 ядра"), (4, "4 ядра"), (5, "5 ядер"),
                                              (11, "11 ядер"), (12, "12 ядер"), (21, "21 ядро"), (22, "22 ядра")])
def test_core_count_in_russian(count, words):
    assert cores(count) == words


def test_setup_rejects_a_name_that_is_not_a_notebook():
    with pytest.raises(ValueError, match="Нет ноутбука '07_transformers'.*01_intro"):
        setup("07_transformers")


@pytest.mark.parametrize("running", ["notebooks/02_rnn_from_scratch.ipynb", "Copy of 02_rnn_from_scratch.ipynb"])
def test_setup_rejects_the_name_of_another_notebook(monkeypatch, running):
    monkeypatch.setenv("JPY_SESSION_NAME", running)
    with pytest.raises(ValueError, match="вызван в ноутбуке"):
        setup("01_intro")
    setup("02_rnn_from_scratch")  # its own name, also in a student's copy


@pytest.mark.parametrize("profile_name", ["quick", "full"])
def test_without_gpu_setup_says_what_full_costs(monkeypatch, capsys, profile_name):
    monkeypatch.setenv("RNN_COURSE_PROFILE", profile_name)
    monkeypatch.setattr(profile, "accelerator", lambda: None)
    setup("04_alice_gru_generator")
    line = capsys.readouterr().out
    measured = published.measured_full_time("04_alice_gru_generator", keras.backend.backend())
    assert "GPU нет" in line and f"full на 2 ядрах: {measured})" in line
    setup("06_image_captioning_attention")
    out = capsys.readouterr().out
    assert "full на 2 ядрах: не измерен)" in out
    assert ("⚠️ Профиль full без GPU" in out) == (profile_name == "full")


def test_full_time_comes_from_the_recorded_run_of_this_backend_first(monkeypatch, tmp_path):
    monkeypatch.setattr(published, "RESULTS_DIR", tmp_path)
    full = tmp_path / "full"
    full.mkdir()
    assert published.measured_full_time("05_seq2seq_translation", "tensorflow") is None
    for backend, seconds in [("jax", 221.3), ("tensorflow", 875.3), ("torch", 7300)]:
        record = {"notebook": "04_alice_gru_generator", "backend": backend, "seconds": seconds}
        (full / f"04_alice_gru_generator.{backend}.json").write_text(json.dumps(record))
    assert published.measured_full_time("04_alice_gru_generator", "tensorflow") == "≈ 15 мин"
    assert published.measured_full_time("04_alice_gru_generator", "jax") == "≈ 4 мин"
    assert published.measured_full_time("04_alice_gru_generator", "torch") == "≈ 2,0 ч"
    (full / "04_alice_gru_generator.torch.json").unlink()
    assert published.measured_full_time("04_alice_gru_generator", "torch") == "≈ 4 мин на JAX"  # others by name


def test_setup_reports_a_gpu(monkeypatch, capsys):
    monkeypatch.setattr(profile, "accelerator", lambda: "NVIDIA T4")
    setup("03_imdb_lstm")
    assert "GPU: NVIDIA T4" in capsys.readouterr().out


def test_setup_warns_when_the_backend_cannot_change_any_more(monkeypatch, capsys):
    import keras

    other = "jax" if keras.backend.backend() != "jax" else "torch"
    monkeypatch.setenv("KERAS_BACKEND", other)
    setup("01_intro")
    assert "перезапустите ядро" in capsys.readouterr().out


def test_tensorflow_retracing_warning_is_quiet(capsys):
    """A student's predict on a new shape must not print TensorFlow's long retracing advice; other warnings stay."""
    import keras

    if keras.backend.backend() != "tensorflow":
        pytest.skip("only TensorFlow warns about retracing")
    import logging

    import tensorflow as tf

    from rnn_course.profile import quiet_retracing_warnings

    quiet_retracing_warnings()
    quiet_retracing_warnings()  # setup may run twice in a notebook
    logger, records = tf.get_logger(), []
    handler = logging.Handler()
    handler.emit = records.append
    logger.addHandler(handler)
    try:
        logger.warning("5 out of the last 7 calls to <function f> triggered tf.function retracing.")
        logger.warning("something else")
    finally:
        logger.removeHandler(handler)
    assert [r.getMessage() for r in records] == ["something else"]
