"""Settings for every test run, notebooks included (nbval's kernels inherit this environment)."""

import os
from pathlib import Path

import nbformat

from rnn_course.cudnn import CHECK_VARIABLE

# Every LSTM/GRU that cuDNN would run on a GPU checks its mask as cuDNN does, so CI on a CPU catches
# a left-padded or empty masked sequence that would stop a student's notebook on a GPU.
os.environ[CHECK_VARIABLE] = "1"
# Kernels draw inline, as in Jupyter: the executed notebooks keep their plots for the slides' browser test
# (MPLBACKEND=Agg would make plt.show() draw nothing). Headless, matplotlib itself falls back to Agg here.
os.environ.pop("MPLBACKEND", None)


# nbval runs each notebook cell by cell and keeps what a cell printed; the executed notebook is saved to
# runs/executed/<backend>/ so that the browser test of the slides (tests/test_slides.py) shows real plots
# without running the notebooks a second time.
EXECUTED_DIR = Path(__file__).parent / "runs" / "executed"
_failed_notebooks = set()


def pytest_runtest_logreport(report):
    if report.failed and ".ipynb::" in report.nodeid:
        _failed_notebooks.add(report.nodeid.split("::")[0])


def pytest_runtest_teardown(item, nextitem):
    outputs = getattr(item, "test_outputs", None)  # set by nbval on a cell it ran
    if outputs is None:
        return
    item.cell.outputs = outputs
    notebook = item.parent
    if nextitem is not None and nextitem.parent is notebook:
        return
    target = EXECUTED_DIR / os.environ.get("KERAS_BACKEND", "tensorflow") / Path(str(notebook.path)).name
    target.unlink(missing_ok=True)
    if item.nodeid.split("::")[0] not in _failed_notebooks:
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook.nb, str(target))


def pytest_collection_modifyitems(items):
    """The browser test of the slides goes last: it reads the notebooks executed before it."""
    items.sort(key=lambda item: item.nodeid.startswith("tests/test_slides.py"))
