"""Where the course lives: the one place that defines the repository URL."""

from __future__ import annotations

REPO_SLUG = "rnn-course/rnn-course"  # GitHub owner/name; badges and the Colab bootstrap use it
REPO_URL = f"https://github.com/{REPO_SLUG}"
BRANCH = "main"


def colab_url(notebook: str) -> str:
    """Colab link for a notebook path relative to the repository root, e.g. 'notebooks/01_intro.ipynb'."""
    return f"https://colab.research.google.com/github/{REPO_SLUG}/blob/{BRANCH}/{notebook}"


def colab_badge(notebook: str) -> str:
    """Markdown for the 'Open in Colab' badge of a notebook."""
    return f"[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]({colab_url(notebook)})"
