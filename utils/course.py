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


# The first code cell of every notebook. It cannot import utils (that is what it sets up), so the URL
# is written into it; tests/test_notebooks.py checks that every notebook holds exactly this text.
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
try:  # курс установлен (pip install -r requirements.txt): ничего не делаем
    import utils.course
except ModuleNotFoundError as error:
    if error.name not in ("utils", "utils.course"):
        raise
    if os.path.isfile("../utils/course.py"):  # ноутбук открыт из папки notebooks/ курса без установки
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
    sys.modules.pop("utils", None)  # чужой модуль utils, если он был, не должен заслонять курс
'''.rstrip()
