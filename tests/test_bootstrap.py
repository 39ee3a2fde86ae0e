"""The first cell of every notebook, run as Colab and Kaggle would run it: twice, then after a restart.

No network: RNN_COURSE_REPO_URL points at a local git repository made from this working tree, a fake
`google.colab` module stands for Colab, and a fake `pip` records what would be installed (the test must
not reinstall the course into the environment that runs it). Each run is a fresh Python process in which
the installed `rnn_course` is hidden, as it is in a Colab kernel.
"""

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from rnn_course.course import BOOTSTRAP_CELL, CLONE_DIR, REPO_URL_VARIABLE

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "02_rnn_from_scratch.ipynb"

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="нужен git")

# Runs code cells like a kernel: one namespace, cells in order. The installed course is hidden first.
KERNEL = textwrap.dedent(
    """
    import json, os, sys
    root = os.environ["COURSE_ROOT"]
    sys.meta_path[:] = [f for f in sys.meta_path if not getattr(f, "__module__", "").startswith("__editable__")]
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != root]
    import importlib.util
    assert importlib.util.find_spec("rnn_course") is None, "the installed course is still importable"
    if os.environ.get("FAKE_COLAB"):
        import google.colab  # noqa: F401  (Colab imports it before the first cell)
    namespace = {}
    for cell in json.load(open(sys.argv[1], encoding="utf-8")):
        exec(compile(cell, "<cell>", "exec"), namespace)
    import rnn_course
    print(json.dumps({"rnn_course": rnn_course.__file__, "profile": os.environ["RNN_COURSE_PROFILE"],
                      "backend": os.environ["KERAS_BACKEND"], "setup_profile": namespace.get("PROFILE")}))
    """
)


def setup_cell() -> str:
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    code = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    assert code[0] == BOOTSTRAP_CELL
    return code[1]


@pytest.fixture(scope="module")
def origin(tmp_path_factory) -> Path:
    """A local git repository holding the course's package, standing for GitHub."""
    repo = tmp_path_factory.mktemp("origin")
    for name in ("rnn_course", "notebooks"):
        shutil.copytree(ROOT / name, repo / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, repo / name)
    git = ["git", "-c", "user.name=course", "-c", "user.email=course@example.org", "-c", "init.defaultBranch=main"]
    for command in (["init", "-q"], ["add", "."], ["commit", "-q", "-m", "course"]):
        subprocess.run([*git, *command], cwd=repo, check=True)
    return repo


@pytest.fixture(scope="module")
def fakes(tmp_path_factory) -> Path:
    """Fake `pip` (logs its arguments) and fake `google.colab`, for PYTHONPATH."""
    folder = tmp_path_factory.mktemp("fakes")
    (folder / "pip").mkdir()
    (folder / "pip" / "__init__.py").write_text("")
    (folder / "pip" / "__main__.py").write_text(
        "import json, os, sys\n"
        "with open(os.environ['FAKE_PIP_LOG'], 'a') as log:\n"
        "    log.write(json.dumps(sys.argv[1:]) + '\\n')\n"
    )
    (folder / "google" / "colab").mkdir(parents=True)  # no google/__init__.py: google.protobuf stays importable
    (folder / "google" / "colab" / "__init__.py").write_text("")
    return folder


def run_kernel(cells: list[str], workdir: Path, origin: Path, fakes: Path, colab: bool, env_extra: dict) -> dict:
    cells_file = workdir / "cells.json"
    cells_file.write_text(json.dumps(cells), encoding="utf-8")
    env = {key: value for key, value in os.environ.items() if not key.startswith(("RNN_COURSE_", "KERAS_BACKEND"))}
    env.update(
        PYTHONPATH=str(fakes),
        COURSE_ROOT=str(ROOT),
        FAKE_PIP_LOG=str(workdir / "pip.log"),
        **{REPO_URL_VARIABLE: str(origin)},
        **({"FAKE_COLAB": "1"} if colab else {}),
        **env_extra,
    )
    kernel = workdir / "kernel.py"
    kernel.write_text(KERNEL, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(kernel), str(cells_file)], cwd=workdir, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("colab", [True, False], ids=["colab", "kaggle-like"])
def test_bootstrap_twice_then_restart(tmp_path, origin, fakes, colab):
    setup = setup_cell()
    preset = {"RNN_COURSE_PROFILE": "full"}  # Colab's form fields win; elsewhere the environment wins
    # Run all, with the first cell run twice; then "restart and run all" in a new process.
    first = run_kernel([BOOTSTRAP_CELL, BOOTSTRAP_CELL, setup], tmp_path, origin, fakes, colab, preset)
    second = run_kernel([BOOTSTRAP_CELL, setup], tmp_path, origin, fakes, colab, preset)

    clone = tmp_path / CLONE_DIR
    for result in (first, second):
        assert Path(result["rnn_course"]).resolve() == (clone / "rnn_course" / "__init__.py").resolve()
        assert result["backend"] == "tensorflow"
        expected = "quick" if colab else "full"
        assert result["profile"] == result["setup_profile"] == expected
    assert (clone / ".git").is_dir() and (clone / "notebooks" / NOTEBOOK.name).exists()
    installs = [json.loads(line) for line in (tmp_path / "pip.log").read_text().splitlines()]
    assert installs and all(args == ["install", "--quiet", "-e", CLONE_DIR] for args in installs)


def test_bootstrap_does_nothing_where_the_course_is_installed(tmp_path, monkeypatch):
    import keras

    monkeypatch.setenv("KERAS_BACKEND", keras.backend.backend())  # the cell sets it when unset
    monkeypatch.chdir(tmp_path)
    namespace = {}
    (tmp_path / "utils.py").write_text("raise ImportError('a student file named utils')\n")  # a common name
    exec(compile(BOOTSTRAP_CELL, "<cell>", "exec"), namespace)  # this environment has `pip install -e .`
    assert not (tmp_path / CLONE_DIR).exists() and sys.modules["rnn_course"].__file__.startswith(str(ROOT))


def test_edited_form_fields_win_when_the_cell_runs_again(monkeypatch):
    import keras

    monkeypatch.delenv("RNN_COURSE_PROFILE")
    monkeypatch.setenv("KERAS_BACKEND", keras.backend.backend())
    namespace = {}
    exec(compile(BOOTSTRAP_CELL, "<cell>", "exec"), namespace)
    assert os.environ["RNN_COURSE_PROFILE"] == "quick"  # unset before: the form set it
    exec(compile(BOOTSTRAP_CELL.replace('PROFILE = "quick"', 'PROFILE = "full"'), "<cell>", "exec"), namespace)
    assert os.environ["RNN_COURSE_PROFILE"] == "full"  # the student changed the field and ran the cell again


def test_notebook_opened_from_an_uninstalled_clone_uses_that_clone(origin, fakes):
    notebooks = origin / "notebooks"  # Jupyter runs a notebook in its own folder
    result = run_kernel([BOOTSTRAP_CELL, setup_cell()], notebooks, origin, fakes, colab=False, env_extra={})
    assert Path(result["rnn_course"]).resolve() == (origin / "rnn_course" / "__init__.py").resolve()
    assert not (notebooks / CLONE_DIR).exists() and not (notebooks / "pip.log").exists()


def test_a_utils_module_beside_the_notebook_changes_nothing(tmp_path, origin, fakes):
    """Students' own files and other packages are often called `utils`: the course's import name is its own."""
    (tmp_path / "utils.py").write_text("raise ImportError('a student file named utils')\n")
    result = run_kernel([BOOTSTRAP_CELL, setup_cell()], tmp_path, origin, fakes, colab=True, env_extra={})
    assert Path(result["rnn_course"]).resolve() == (tmp_path / CLONE_DIR / "rnn_course" / "__init__.py").resolve()


def test_clone_failure_says_what_to_do(tmp_path, fakes):
    missing = tmp_path / "no-such-repository"
    with pytest.raises(AssertionError, match="Не удалось скачать курс"):
        run_kernel([BOOTSTRAP_CELL], tmp_path, missing, fakes, colab=True, env_extra={})


@pytest.mark.parametrize("preset", [None, "0"])
def test_bootstrap_turns_on_onednn_before_tensorflow_loads(preset):
    """Without oneDNN, TensorFlow's CPU convolutions are ~3× slower (06's encoder); a student's own choice stays."""
    pytest.importorskip("tensorflow")
    env = {k: v for k, v in os.environ.items() if k != "TF_ENABLE_ONEDNN_OPTS"}
    env |= {"KERAS_BACKEND": "tensorflow"} | ({"TF_ENABLE_ONEDNN_OPTS": preset} if preset else {})
    probe = "from tensorflow.python.util import _pywrap_util_port as port\nprint(port.IsMklEnabled())"
    code = f"exec(compile({BOOTSTRAP_CELL!r}, '<cell>', 'exec'), {{}})\n{probe}"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert result.stdout.split()[-1] == ("False" if preset == "0" else "True")


def test_tensorflow_start_up_log_is_hidden_but_errors_are_not():
    """TensorFlow's C++ lines (oneDNN notice, CUDA drivers, cpu_feature_guard) do not reach the student."""
    pytest.importorskip("tensorflow")
    env = {k: v for k, v in os.environ.items() if not k.startswith("TF_")} | {"KERAS_BACKEND": "tensorflow"}
    code = (f"exec(compile({BOOTSTRAP_CELL!r}, '<cell>', 'exec'), {{}})\n"
            "import numpy as np, keras\n"
            "keras.Sequential([keras.Input((3, 2)), keras.layers.GRU(2)]).predict(np.zeros((1, 3, 2)), verbose=0)\n")
    quiet = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert not [line for line in quiet.stderr.splitlines() if ".cc:" in line or "absl" in line], quiet.stderr
    loud = subprocess.run([sys.executable, "-c", "import tensorflow"], env=env, capture_output=True, text=True)
    assert ".cc:" in loud.stderr  # the check above can fail: without the bootstrap the lines are there


def test_silenced_stderr_is_shown_when_loading_fails(capfd):
    from rnn_course.quiet import stderr_silenced

    with pytest.raises(ImportError), stderr_silenced():
        os.write(2, b"why it failed\n")
        raise ImportError("no backend")
    with stderr_silenced():
        os.write(2, b"start-up noise\n")
    err = capfd.readouterr().err
    assert "why it failed" in err and "start-up noise" not in err
