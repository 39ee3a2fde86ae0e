"""Editions for instructors: the notebooks without the exercises' solutions, and the slide decks of all notebooks.

    python scripts/editions.py        # → runs/editions/students/*.ipynb and runs/editions/slides/

The student edition (to hand out before a seminar) is each notebook as stored, without the hidden solution
cells; every exercise keeps its stub and checker, and the title cell says that the solutions were taken out.
The slide decks are the notebooks' slides (scripts/slides.py, from the copies the tests executed, or without
output where there is none) with the JavaScript they load, so the folder opens offline with
``python -m http.server -d runs/editions/slides``. CI keeps both as artifacts.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
import slides  # noqa: E402  (scripts/slides.py)
from rnn_course.course import is_solution

ROOT = Path(__file__).resolve().parent.parent
EDITIONS_DIR = ROOT / "runs" / "editions"
NOTE = "*Издание для студентов: эталонные решения упражнений из этой копии убраны.*"
# What the decks load from slides/node_modules (MathJax 2 without its uncompressed copy and its other font formats).
JS_SKIP = shutil.ignore_patterns("unpacked", "otf", "svg", "eot", "*.md", "test", "src")


def student_edition(notebook: Path) -> nbformat.NotebookNode:
    """The notebook without its solution cells, with a note under the title."""
    nb = nbformat.read(notebook, as_version=4)
    nb.cells = [cell for cell in nb.cells if not is_solution(cell)]
    nb.cells[0].source = f"{nb.cells[0].source.rstrip()}\n\n{NOTE}"
    return nb


def write_students(notebooks: list[Path], target: Path) -> list[Path]:
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for notebook in notebooks:
        nbformat.write(student_edition(notebook), target / notebook.name)
        written.append(target / notebook.name)
    return written


def write_slides(notebooks: list[Path], target: Path) -> list[Path]:
    """Every notebook's slides and the JavaScript they load, in one folder."""
    slides.install_js()
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for notebook in notebooks:
        html, _ = slides.export(notebook)
        shutil.copy(html, target / html.name)
        written.append(target / html.name)
    shutil.rmtree(target / slides.JS, ignore_errors=True)
    shutil.copytree(slides.SLIDES_DIR / slides.JS, target / slides.JS, ignore=JS_SKIP)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="по умолчанию все notebooks/NN_*.ipynb")
    args = parser.parse_args()
    notebooks = [p.resolve() for p in args.notebooks] or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    for path in write_students(notebooks, EDITIONS_DIR / "students"):
        print(path.relative_to(ROOT))
    for path in write_slides(notebooks, EDITIONS_DIR / "slides"):
        print(path.relative_to(ROOT))


if __name__ == "__main__":
    main()
