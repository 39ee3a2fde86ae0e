"""Training helpers: one line per epoch, progress of long loops, resumable `full` runs."""

from __future__ import annotations

import json
import os
import shutil
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TypeVar

import keras

from .profile import accelerator, current_notebook, get_profile

CACHE_VARIABLE = "RNN_COURSE_CACHE"
T = TypeVar("T")


def cache_dir() -> Path:
    """Where `full` runs keep their checkpoints: $RNN_COURSE_CACHE or ~/.cache/rnn-course (outside the repository)."""
    return Path(os.environ.get(CACHE_VARIABLE) or Path.home() / ".cache" / "rnn-course").expanduser()


# An epoch shorter than PROGRESS_SECONDS prints nothing until its own line; a longer one shows a progress line
# (batches done, time left) about that often, so that a student sees the kernel is alive: minutes of silence
# (an epoch of 03 or 05 in `full` on a CPU) make people restart a kernel that is working.
PROGRESS_SECONDS = 30.0
PROGRESS_LINES = 4  # at most per epoch where a line cannot be rewritten in place (a log file, CI)


def duration(seconds: float) -> str:
    """«31 с», «1 мин 10 с», «2 ч 5 мин»: abbreviated units, which take no plural endings."""
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} с"
    if seconds < 3600:
        return f"{seconds // 60} мин" + (f" {seconds % 60} с" if seconds % 60 else "")
    return f"{seconds // 3600} ч" + (f" {seconds % 3600 // 60} мин" if seconds % 3600 // 60 else "")


def _rewrites_in_place() -> bool:
    """True where «\\r» rewrites a line: a terminal or a Jupyter kernel (JupyterLab, Colab, nbval, nbconvert).

    Jupyter applies «\\r» when it shows a stream, and JupyterLab and nbval when they save it: a notebook keeps
    the epoch's line alone. (A display handle is updated in place too, but nbval ignores updates: the copy it
    saves for the slides would keep the first progress text.)
    """
    ipython = sys.modules.get("IPython")  # every kernel has imported it; a plain script has not
    shell = ipython.get_ipython() if ipython else None
    return getattr(shell, "kernel", None) is not None or sys.stdout.isatty()


class EpochLog(keras.callbacks.Callback):
    """One short line per epoch: number, seconds and the logged metrics; ``epoch_seconds`` keeps the times.

    With ``one_line=True`` each epoch overwrites the previous line (for sweeps that train many small models).
    An epoch longer than ``PROGRESS_SECONDS`` also shows its progress; in a notebook the epoch's line replaces it.
    ``clock`` is there for tests.
    """

    # on_train_batch_end only reads the clock and prints: with JAX, Keras may keep dispatching steps meanwhile
    async_safe = True

    def __init__(self, name: str = "", one_line: bool = False, logs_file: Path | None = None,
                 clock: Callable[[], float] = time.perf_counter):
        super().__init__()
        self.name, self.one_line, self.logs_file, self.clock = name, one_line, logs_file, clock
        self.epoch_seconds: list[float] = []
        self.lock = threading.Lock()  # async batch hooks may run in several threads at once

    def on_train_begin(self, logs=None):
        self.epochs = self.params.get("epochs")
        self.first_epoch = True
        self.earlier: list[dict] = []  # epochs of an interrupted run, put back into the history at the end
        self.done: list[dict] = []  # every finished epoch's logs, saved beside the resumable copy
        self.in_place = _rewrites_in_place()
        self.line_width = 0  # length of the longest text written over the current line with «\\r»

    def on_epoch_begin(self, epoch, logs=None):
        if self.first_epoch and epoch > 0:  # BackupAndRestore restored a copy of an interrupted run
            print(f"{self.name}: продолжаем с эпохи {epoch + 1} по сохранённой копии весов")
            if self.logs_file and self.logs_file.exists():
                self.earlier = json.loads(self.logs_file.read_text())[:epoch]
                self.done = list(self.earlier)
        self.first_epoch = False
        self.epoch = epoch
        self.started = self.clock()
        self.next_progress = self.started + PROGRESS_SECONDS
        self.progress_lines = 0
        self.first_batch: tuple[float, int] | None = None  # (time, batches) when the first batch ended

    def on_train_batch_end(self, batch, logs=None):
        with self.lock:
            now = self.clock()
            if self.first_batch is None:
                self.first_batch = (now, batch + 1)
            if now < self.next_progress or (not self.in_place and self.progress_lines >= PROGRESS_LINES):
                return
            self.show_progress(self.progress_text(batch + 1, now))
            self.progress_lines += 1
            # In place, a text every PROGRESS_SECONDS; in a log, gaps as long as the time so far (lines after
            # 30, 60, 120, 240 s), so that a log gets a few lines however long the epoch
            gap = PROGRESS_SECONDS if self.in_place else max(PROGRESS_SECONDS, now - self.started)
            self.next_progress = now + gap

    def progress_text(self, done: int, now: float) -> str:
        """«main: эпоха 3/10 · батч 120/390 · 31 с · осталось ≈ 1 мин 10 с» (no total for a generator)."""
        total = self.params.get("steps")
        batches = f"{done}/{total}" if total else f"{done}"
        text = f"{self.name + ': ' if self.name else ''}эпоха {self.epoch + 1}/{self.epochs} · батч {batches}"
        text += f" · {duration(now - self.started)}"
        since, before = self.first_batch
        if not total or done <= before:  # the pace is measured after the first batch, which may compile the model
            return text
        return text + f" · осталось ≈ {duration((now - since) / (done - before) * (total - done))}"

    def show_progress(self, text: str) -> None:
        if self.in_place or self.one_line:
            self.rewrite(text)
        else:
            print(text, flush=True)

    def rewrite(self, text: str, end: str = "") -> None:
        """Write over the current line; spaces cover the rest of a longer text, which a terminal would keep."""
        print(f"\r{text.ljust(self.line_width)}", end=end, flush=True)
        self.line_width = 0 if end else max(self.line_width, len(text))

    def on_epoch_end(self, epoch, logs=None):
        self.epoch_seconds.append(self.clock() - self.started)
        if self.logs_file and self.logs_file.parent.exists():
            self.done.append({key: float(value) for key, value in (logs or {}).items()})
            self.logs_file.write_text(json.dumps(self.done))
        values = " · ".join(f"{key} {value:.4g}" for key, value in (logs or {}).items() if key != "learning_rate")
        line = f"{self.name + ': ' if self.name else ''}эпоха {epoch + 1}/{self.epochs} · "
        line += f"{self.epoch_seconds[-1]:.1f} с · {values}"
        if self.one_line:
            self.rewrite(line)
        elif self.line_width:  # over the progress text: a notebook keeps the epoch's line alone
            self.rewrite(line, end="\n")
        else:
            print(line)

    def on_train_end(self, logs=None):
        if self.one_line:
            print()
        history = getattr(self.model, "history", None)
        if self.earlier and history is not None:  # the returned History shows every epoch, not only the resumed ones
            for key, values in history.history.items():
                values[:0] = [row.get(key, float("nan")) for row in self.earlier]
            history.epoch[:0] = list(range(len(self.earlier)))


def jit_compile() -> bool | str:
    """What to pass as ``model.compile(..., jit_compile=jit_compile())``: XLA where it pays off.

    Keras's default "auto" leaves XLA off for TensorFlow on a CPU, and an RNN then pays for every small op
    of every time step: compiled by XLA, an epoch of 03's 32-unit LSTM (quick) runs about twice as fast on 2
    CPU cores once compiled (03 prints the measurement); with 64-128 units (full's sizes) we measured no gain,
    sometimes a loss. Compiling costs seconds per model, so it pays off only where models train for a while
    (measured: no gain in 01, 04 and 05, a loss in 06 with its CNN). With a GPU, TensorFlow
    runs LSTM/GRU through cuDNN, which XLA cannot compile, so "auto" is kept there (it leaves XLA off for such
    models); JAX compiles anyway; on torch "auto" means eager execution (True would mean ``torch.compile``).
    """
    if keras.backend.backend() == "tensorflow" and accelerator() is None:
        return True
    return "auto"


def fit_callbacks(
    name: str, *extra: keras.callbacks.Callback, one_line: bool = False
) -> list[keras.callbacks.Callback]:
    """Callbacks for `model.fit(..., verbose=0, callbacks=fit_callbacks("main", early_stopping))`.

    Always a one-line-per-epoch log. In `full`, also `keras.callbacks.BackupAndRestore` in the cache
    folder: if the run is interrupted (a crashed or restarted kernel; in Colab a recycled machine loses its
    disk, so point RNN_COURSE_CACHE at a mounted Drive), running the notebook again continues from the last
    finished epoch, and the returned history holds every epoch. The copy is deleted when training ends.
    """
    callbacks = list(extra)
    if get_profile() == "full":
        backup = checkpoint_dir(name)
        if backup.exists():
            print(f"{name}: найдена копия незаконченного обучения в {backup}; если вы изменили модель, "
                  f"удалите её: rnn_course.training.forget_checkpoint({name!r})")
        callbacks.append(keras.callbacks.BackupAndRestore(str(backup)))
        return [*callbacks, EpochLog(name, one_line, logs_file=backup / "epochs.json")]
    return [*callbacks, EpochLog(name, one_line)]


def checkpoint_dir(name: str) -> Path:
    """Folder of the resumable copy of one training run of the current notebook."""
    return cache_dir() / (current_notebook() or "notebook") / f"{name}-{keras.backend.backend()}"


def forget_checkpoint(name: str) -> None:
    """Delete the resumable copy of a run, to train it from scratch."""
    shutil.rmtree(checkpoint_dir(name), ignore_errors=True)


def progress(items: Iterable[T], total: int | None = None, label: str = "") -> Iterator[T]:
    """Yield items while a `keras.utils.Progbar` shows how many are done: for loops outside `fit`."""
    total = len(items) if total is None else total  # type: ignore[arg-type]
    if label:
        print(label)
    bar = keras.utils.Progbar(total, interval=0.5)
    for done, item in enumerate(items, start=1):
        yield item
        bar.update(done)
