"""Write the bootstrap cell (``course.BOOTSTRAP_CELL``) into every notebook: ``python -m rnn_course.sync``.

The cell has one definition, in ``rnn_course/course.py``; this command copies it, with its metadata, into the
first code cell of each notebook. ``--check`` changes nothing and fails where a notebook differs (CI runs it).
"""

from __future__ import annotations

import argparse
import copy
import sys
from pathlib import Path

import nbformat

from .course import BOOTSTRAP_CELL, BOOTSTRAP_METADATA

NOTEBOOKS_DIR = Path(__file__).resolve().parents[1] / "notebooks"


def synced(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of the notebook whose first code cell is the bootstrap cell, source and metadata."""
    result = copy.deepcopy(notebook)
    first = next(cell for cell in result.cells if cell.cell_type == "code")
    first.source = BOOTSTRAP_CELL
    first.metadata = nbformat.from_dict(copy.deepcopy(BOOTSTRAP_METADATA))
    first.outputs, first.execution_count = [], None
    return result


def sync(paths: list[Path], check: bool) -> list[Path]:
    """Bring each notebook's bootstrap cell up to date (or only list the stale ones); return the stale ones."""
    stale = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        wanted = nbformat.writes(synced(nbformat.reads(text, as_version=4))) + "\n"
        if wanted != text:
            stale.append(path)
            if not check:
                path.write_text(wanted, encoding="utf-8")
    return stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every notebook in notebooks/")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 where a notebook differs")
    args = parser.parse_args(argv)
    stale = sync(args.notebooks or sorted(NOTEBOOKS_DIR.glob("*.ipynb")), args.check)
    for path in stale:
        print(f"{'differs' if args.check else 'updated'}: {path}")
    if stale and args.check:
        print("Run `python -m rnn_course.sync` and commit the notebooks.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
