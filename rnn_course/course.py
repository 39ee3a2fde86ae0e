"""Where the course lives: the one place that defines the repository URL, and the bootstrap cell built from it."""

from __future__ import annotations

REPO_SLUG = "rnn-course/rnn-course"  # GitHub owner/name; badges and the Colab bootstrap use it
REPO_URL = f"https://github.com/{REPO_SLUG}"
CLONE_URL = f"{REPO_URL}.git"
CLONE_DIR = REPO_SLUG.split("/")[1]  # the folder the bootstrap clones into, next to the notebook
REPO_URL_VARIABLE = "RNN_COURSE_REPO_URL"  # a mirror, a fork or a local path instead of CLONE_URL
BRANCH = "main"
CI_WORKFLOW = ".github/workflows/ci.yml"  # GitHub Actions: runs .ci/run, publishes the site to GitHub Pages
SITE_URL = f"https://{REPO_SLUG.split('/')[0]}.github.io/{CLONE_DIR}/"  # the course site (GitHub Pages)


def colab_url(notebook: str) -> str:
    """Colab link for a notebook path relative to the repository root, e.g. 'notebooks/01_intro.ipynb'."""
    return f"https://colab.research.google.com/github/{REPO_SLUG}/blob/{BRANCH}/{notebook}"


def colab_badge(notebook: str) -> str:
    """Markdown for the 'Open in Colab' badge of a notebook."""
    return f"[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]({colab_url(notebook)})"


def ci_badge() -> str:
    """Markdown for the README's badge of the GitHub Actions workflow, linking to its runs."""
    runs = f"{REPO_URL}/actions/workflows/{CI_WORKFLOW.rsplit('/', 1)[1]}"
    return f"[![CI]({runs}/badge.svg)]({runs})"


# The first code cell of every notebook, written into them by `python -m rnn_course.sync` (CI checks it).
# It cannot import the course (that is what it sets up), so the URL is written into it.
BOOTSTRAP_CELL = f'''\
# @title Запуск в Colab, Kaggle и другом Jupyter без установки курса {{ display-mode: "form" }}
PROFILE = "quick"  # @param ["quick", "full"]
BACKEND = "tensorflow"  # @param ["tensorflow", "jax", "torch"]
import importlib.util
import os
import subprocess
import sys

# Поля формы задают профиль и бэкенд (до импорта Keras!), если их не задали переменные окружения; в Colab поля главнее.
form_set = globals().setdefault("form_set", set())  # что задала эта форма: при повторном запуске поля снова главнее
for name, value in {{"RNN_COURSE_PROFILE": PROFILE, "KERAS_BACKEND": BACKEND}}.items():
    if "google.colab" in sys.modules or name not in os.environ or name in form_set:
        os.environ[name] = value
        form_set.add(name)
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")  # TensorFlow на CPU: свёртки через oneDNN, втрое быстрее
if importlib.util.find_spec("rnn_course") is None:  # курс не установлен (pip install -r requirements.txt)
    if os.path.isfile("../rnn_course/course.py"):  # ноутбук открыт из папки notebooks/ курса
        sys.path.insert(0, os.path.abspath(".."))
    else:  # Colab, Kaggle, удалённый Jupyter: скачиваем курс рядом с ноутбуком (один раз)
        if not os.path.isdir("{CLONE_DIR}"):
            url = os.environ.get("{REPO_URL_VARIABLE}", "{CLONE_URL}")
            if subprocess.run(["git", "clone", "--quiet", "--depth", "1", url, "{CLONE_DIR}"]).returncode:
                raise RuntimeError(f"Не удалось скачать курс из {{url}}: нужен интернет (в Kaggle: Settings → "
                                   "Internet on) или адрес копии курса в переменной {REPO_URL_VARIABLE}.") from None
        # недостающие пакеты (sacrebleu; бэкенд — только если его нет): TensorFlow и NumPy среды не трогает
        backend = [] if importlib.util.find_spec(os.environ["KERAS_BACKEND"]) else [os.environ["KERAS_BACKEND"]]
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "-e", "{CLONE_DIR}", *backend], check=True)
        sys.path.insert(0, os.path.abspath("{CLONE_DIR}"))
from rnn_course.quiet import load_backend

load_backend()  # Keras и бэкенд, без стартового журнала TensorFlow (какой ускоритель виден, скажет setup)
'''.rstrip()

# Metadata of the bootstrap cell: a collapsed form in Colab, a hidden source in JupyterLab, no slide.
BOOTSTRAP_METADATA = {"cellView": "form", "jupyter": {"source_hidden": True}, "slideshow": {"slide_type": "skip"}}


def is_solution(cell: dict) -> bool:
    """An exercise's reference solution: a code cell hidden in JupyterLab and a form in Colab, not the bootstrap."""
    meta = cell.get("metadata", {})
    source = cell.get("source", "")
    source = source if isinstance(source, str) else "".join(source)
    return (cell.get("cell_type") == "code" and meta.get("jupyter", {}).get("source_hidden") is True
            and meta.get("cellView") == "form" and not source.startswith(BOOTSTRAP_CELL.splitlines()[0]))
