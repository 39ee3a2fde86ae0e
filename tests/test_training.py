"""rnn_course.training: one line per epoch, progress of loops, resumable full-profile training."""

import re

import keras
import numpy as np
import pytest
from keras import layers

from rnn_course import setup
from rnn_course.training import (
    EpochLog,
    checkpoint_dir,
    duration,
    fit_callbacks,
    forget_checkpoint,
    jit_compile,
    progress,
)

X = np.random.default_rng(0).normal(size=(64, 3)).astype("float32")
Y = X.sum(axis=1, keepdims=True)


def tiny_model():
    model = keras.Sequential([keras.Input((3,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    return model


def test_one_line_per_epoch(capsys):
    tiny_model().fit(X, Y, epochs=3, verbose=0, callbacks=fit_callbacks("tiny"))
    lines = capsys.readouterr().out.strip().splitlines()
    assert [line.split(" · ")[0] for line in lines] == ["tiny: эпоха 1/3", "tiny: эпоха 2/3", "tiny: эпоха 3/3"]
    assert all("loss" in line and " с · " in line for line in lines)


def test_one_line_mode_overwrites_and_keeps_times(capsys):
    log = EpochLog("sweep", one_line=True)
    tiny_model().fit(X, Y, epochs=2, verbose=0, callbacks=[log])
    out = capsys.readouterr().out
    assert out.count("\r") == 2 and out.endswith("\n") and out.count("\n") == 1
    assert len(log.epoch_seconds) == 2 and all(s >= 0 for s in log.epoch_seconds)


class SlowStep(keras.callbacks.Callback):
    """Each training step "lasts" ``seconds`` on a fake clock, which EpochLog reads instead of the real one."""

    def __init__(self, seconds, first_seconds=None):
        super().__init__()
        self.seconds, self.first_seconds, self.now = seconds, first_seconds or seconds, 0.0

    def on_train_batch_end(self, batch, logs=None):  # not async_safe: Keras calls it in order on any backend
        self.now += self.first_seconds if self.now == 0 else self.seconds

    def clock(self):
        return self.now


def fit_slowly(seconds_per_step, batch_size, one_line=False, epochs=2, first_step=None):
    step = SlowStep(seconds_per_step, first_step)
    log = EpochLog("tiny", one_line=one_line, clock=step.clock)
    tiny_model().fit(X, Y, batch_size=batch_size, epochs=epochs, verbose=0, callbacks=[step, log])
    return log


def as_a_terminal_shows(out):
    """What remains on screen: «\\r» goes back to the line's start and the next text overwrites what it covers."""
    lines = []
    for line in out.split("\n"):
        screen = ""
        for text in line.split("\r"):
            screen = text + screen[len(text):]
        lines.append(screen.rstrip())
    return "\n".join(lines)


def test_a_short_epoch_shows_no_progress(capsys):
    fit_slowly(seconds_per_step=3, batch_size=8)  # 8 steps: 24 s an epoch
    out = capsys.readouterr().out
    assert "батч" not in out and "\r" not in out and len(out.splitlines()) == 2


def test_a_long_epoch_prints_a_few_progress_lines_in_a_log(capsys):
    log = fit_slowly(seconds_per_step=10, batch_size=1)  # 64 steps: 640 s an epoch
    lines = capsys.readouterr().out.splitlines()
    # lines after 30, 60, 120 and 240 s, then nothing more: a CI log gets at most 4 per epoch
    assert [re.search(r"батч (\d+)/", line)[1] if "батч" in line else "end" for line in lines] == \
        ["3", "6", "12", "24", "end"] * 2
    assert lines[0] == "tiny: эпоха 1/2 · батч 3/64 · 30 с · осталось ≈ 10 мин 10 с"  # 61 batches × 10 s
    assert lines[3] == "tiny: эпоха 1/2 · батч 24/64 · 4 мин · осталось ≈ 6 мин 40 с"
    assert lines[4].startswith("tiny: эпоха 1/2 · 640.0 с · loss ") and log.epoch_seconds == [640.0, 640.0]
    assert lines[5].startswith("tiny: эпоха 2/2 · батч 3/64 · 30 с")


def test_time_left_is_measured_after_the_first_step(capsys):
    fit_slowly(seconds_per_step=10, batch_size=1, epochs=1, first_step=100)  # the first step compiles the model
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "tiny: эпоха 1/1 · батч 1/64 · 1 мин 40 с"  # no pace known yet
    assert lines[1] == "tiny: эпоха 1/1 · батч 11/64 · 3 мин 20 с · осталось ≈ 8 мин 50 с"  # 53 batches × 10 s


def test_in_a_notebook_progress_is_rewritten_in_place(capsys, monkeypatch):
    monkeypatch.setattr("rnn_course.training._rewrites_in_place", lambda: True)  # as in a Jupyter kernel
    fit_slowly(seconds_per_step=10, batch_size=1)
    out = capsys.readouterr().out
    first_epoch = out.split("\n")[0].split("\r")
    # a new text every 30 s (batches 3, 6, …, 63) on one line, then the epoch's own line over it
    assert [re.search(r"батч (\d+)/", text)[1] for text in first_epoch[1:-1]] == [str(n) for n in range(3, 64, 3)]
    assert first_epoch[-2].rstrip() == "tiny: эпоха 1/2 · батч 63/64 · 10 мин 30 с · осталось ≈ 10 с"
    shown = as_a_terminal_shows(out).splitlines()  # also what a saved notebook keeps
    assert len(shown) == 2 and all(re.fullmatch(r"tiny: эпоха ./2 · 640\.0 с · loss \S+", line) for line in shown)


def test_one_line_sweeps_keep_one_line_with_long_epochs(capsys):
    fit_slowly(seconds_per_step=10, batch_size=1, one_line=True)
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and out.count("\r") == 2 * (4 + 1)  # a log: 4 progress texts an epoch, as above
    assert re.fullmatch(r"tiny: эпоха 2/2 · 640\.0 с · loss \S+\n", as_a_terminal_shows(out))


def test_progress_without_a_known_number_of_batches(capsys):
    times = iter([0.0, 5.0, 95.0])
    log = EpochLog("gen", clock=lambda: next(times))
    log.set_params({"epochs": 5, "steps": None})  # a generator without len()
    log.on_train_begin()
    log.on_epoch_begin(0)
    log.on_train_batch_end(0)
    log.on_train_batch_end(6)
    assert capsys.readouterr().out == "gen: эпоха 1/5 · батч 7 · 1 мин 35 с\n"


def test_duration_in_russian_units():
    assert [duration(s) for s in (0.4, 31, 60, 70, 3600, 3900.2)] == ["0 с", "31 с", "1 мин", "1 мин 10 с", "1 ч",
                                                                       "1 ч 5 мин"]


def test_quick_keeps_no_checkpoints(tmp_path, monkeypatch):
    monkeypatch.setenv("RNN_COURSE_CACHE", str(tmp_path))
    assert not any(isinstance(c, keras.callbacks.BackupAndRestore) for c in fit_callbacks("x"))


class Interrupt(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        if epoch == 1:
            raise KeyboardInterrupt  # a disconnect after the second epoch


def test_full_resumes_an_interrupted_training(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("RNN_COURSE_CACHE", str(tmp_path))
    monkeypatch.setenv("RNN_COURSE_PROFILE", "full")
    setup("02_rnn_from_scratch")
    first = tiny_model()
    with pytest.raises(KeyboardInterrupt):
        first.fit(X, Y, epochs=4, verbose=0, callbacks=fit_callbacks("adder", Interrupt()))
    assert checkpoint_dir("adder").is_dir() and tmp_path in checkpoint_dir("adder").parents
    capsys.readouterr()

    again = tiny_model()  # a new kernel: new weights, same cell
    history = again.fit(X, Y, epochs=4, verbose=0, callbacks=fit_callbacks("adder"))
    out = capsys.readouterr().out
    # the copy is saved after each finished epoch: the interrupted second epoch is trained again
    assert "найдена копия" in out and "forget_checkpoint('adder')" in out and "продолжаем с эпохи 2" in out
    assert out.count("adder: эпоха") == 3
    assert len(history.history["loss"]) == 4 and history.epoch == [0, 1, 2, 3]  # plots see every epoch
    assert history.history["loss"][1:] == sorted(history.history["loss"][1:], reverse=True)
    assert not checkpoint_dir("adder").exists()  # deleted once training has finished


def test_forget_checkpoint(tmp_path, monkeypatch):
    monkeypatch.setenv("RNN_COURSE_CACHE", str(tmp_path))
    monkeypatch.setenv("RNN_COURSE_PROFILE", "full")
    setup("02_rnn_from_scratch")
    with pytest.raises(KeyboardInterrupt):
        tiny_model().fit(X, Y, epochs=4, verbose=0, callbacks=fit_callbacks("adder", Interrupt()))
    forget_checkpoint("adder")
    assert not checkpoint_dir("adder").exists()
    history = tiny_model().fit(X, Y, epochs=2, verbose=0, callbacks=fit_callbacks("adder"))
    assert len(history.history["loss"]) == 2  # from scratch


def test_progress_yields_everything(capsys):
    assert list(progress(range(5), label="шаги")) == [0, 1, 2, 3, 4]
    out = capsys.readouterr().out
    assert out.startswith("шаги\n") and "5/5" in out


def test_jit_compile_only_for_tensorflow_on_cpu(monkeypatch):
    monkeypatch.setattr("rnn_course.training.accelerator", lambda: None)
    monkeypatch.setattr(keras.backend, "backend", lambda: "jax")
    assert jit_compile() == "auto"
    monkeypatch.setattr(keras.backend, "backend", lambda: "torch")
    assert jit_compile() == "auto"  # True would switch on torch.compile
    monkeypatch.setattr(keras.backend, "backend", lambda: "tensorflow")
    assert jit_compile() is True
    monkeypatch.setattr("rnn_course.training.accelerator", lambda: "NVIDIA H200")
    assert jit_compile() == "auto"  # cuDNN's LSTM/GRU cannot be compiled by XLA


def test_jit_compiled_lstm_trains_with_a_mask():
    """The compiled loop must keep Keras's mask semantics: padding on the right changes nothing."""
    model = keras.Sequential([keras.Input((None,), dtype="int32"), layers.Embedding(20, 4, mask_zero=True),
                              layers.LSTM(3), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", jit_compile=jit_compile())
    x = np.array([[3, 4, 5, 0, 0], [6, 7, 8, 9, 10]])
    model.fit(x, np.zeros(2), epochs=1, verbose=0)
    padded = model.predict_on_batch(x)
    assert np.allclose(padded[0], model.predict_on_batch(x[:1, :3])[0], atol=1e-6)


def test_use_ema_is_the_moving_average_04_shows():
    """04 (`full`): after each step w̄ ← 0.998 w̄ + 0.002 w (here 0.9 and 0.1), and at the end w̄ replaces w."""
    variable = keras.Variable(np.zeros(2, dtype="float32"))
    optimizer = keras.optimizers.SGD(0.1, use_ema=True, ema_momentum=0.9)
    optimizer.build([variable])
    grads = np.random.default_rng(0).normal(size=(20, 2)).astype("float32")
    weights = []
    for grad in grads:
        optimizer.apply([keras.ops.convert_to_tensor(grad)], [variable])
        weights.append(keras.ops.convert_to_numpy(variable))
    average = weights[0]  # the first step starts the average at w itself
    for w in weights[1:]:
        average = 0.9 * average + 0.1 * w
    assert not np.allclose(average, weights[-1], atol=1e-3)  # the average is not just the last weights
    optimizer.finalize_variable_values([variable])  # what fit() does when it ends
    np.testing.assert_allclose(keras.ops.convert_to_numpy(variable), average, rtol=1e-5, atol=1e-6)


def test_weight_decay_is_the_decoupled_shrink_04_shows():
    """04: Adam(weight_decay=λ) first shrinks every weight, w ← w − η·λ·w, then takes its usual Adam step."""
    start = np.array([1.0, -2.0, 3.0], dtype="float32")
    grad = np.array([0.5, 0.0, -0.2], dtype="float32")
    variable = keras.Variable(start)
    optimizer = keras.optimizers.Adam(0.01, weight_decay=0.1)
    optimizer.build([variable])
    optimizer.apply([keras.ops.convert_to_tensor(grad)], [variable])
    # Adam's first step moves each weight by η·sign(g) (m̂ = g, v̂ = g²), and not at all where g = 0
    adam_step = 0.01 * grad / (np.abs(grad) + 1e-7)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(variable), start * (1 - 0.01 * 0.1) - adam_step, rtol=1e-5)
