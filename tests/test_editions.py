"""The student edition (scripts/editions.py): each notebook without its solutions passes the same structure tests,
and every exercise keeps its stub with the checker call."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


editions = _load("editions", ROOT / "scripts" / "editions.py")
structure = _load("notebook_structure", ROOT / "tests" / "test_notebooks.py")
# The structure tests of tests/test_notebooks.py that hold for any copy of a notebook, solutions or not.
SAME_TESTS = ["test_title_cell_has_number_and_own_colab_badge",
              "test_first_cell_is_the_bootstrap_and_the_second_calls_setup_with_own_name",
              "test_repository_url_only_from_the_constant", "test_record_takes_only_metrics",
              "test_every_fit_prints_its_epochs", "test_file_is_what_jupyter_saves", "test_no_stored_outputs",
              "test_slide_metadata"]


@pytest.fixture(scope="module")
def students(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("students")
    editions.write_students(NOTEBOOKS, target)
    return target


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.stem)
def test_the_student_edition_passes_the_structure_tests(students, notebook):
    copy = students / notebook.name
    for name in SAME_TESTS:
        getattr(structure, name)(copy)
    assert editions.NOTE in structure.text(structure.cells(copy)[0])


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.stem)
def test_the_student_edition_keeps_every_stub_and_checker_and_no_solution(students, notebook):
    original, copy = structure.cells(notebook), structure.cells(students / notebook.name)
    solutions = [c for c in original if structure.is_hidden(c)]
    assert solutions and len(copy) == len(original) - len(solutions)
    assert not any(structure.is_hidden(c) for c in copy)
    starts = [i for i, c in enumerate(copy) if c["cell_type"] == "markdown" and "Проверьте себя" in structure.text(c)]
    assert len(starts) == sum("Проверьте себя" in structure.text(c) for c in original if c["cell_type"] == "markdown")
    for start in starts:
        following = []
        for cell in copy[start + 1:]:
            if cell["cell_type"] == "markdown" and structure.text(cell).lstrip().startswith("#"):
                break
            following.append(cell)
        stubs = [c for c in following if c["cell_type"] == "code" and "check_" in structure.text(c)]
        assert stubs, f"an exercise lost its stub: {structure.text(copy[start])[:60]}"
