"""The package's shape: its own import name, no import circle, no module holding a quarter of the code."""

import ast
import json
from pathlib import Path

import pytest

from rnn_course.russian import number, plural

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "rnn_course"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> set[str]:
    """Course modules this file imports, at the top or inside functions, relative imports resolved."""
    package = module_name(path).split(".") if path.name == "__init__.py" else module_name(path).split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            name = ".".join(base + ([node.module] if node.module else []))
            found |= {f"{name}.{alias.name}" for alias in node.names} | {name}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return found


def course_modules() -> dict[str, Path]:
    return {module_name(path): path for path in PACKAGE.rglob("*.py")}


def test_import_graph_has_no_circle():
    modules = course_modules()
    graph = {name: {m for m in imported_modules(path) if m in modules and m != name} for name, path in modules.items()}
    for name in graph:  # a package's __init__ is imported with its submodules: count only explicit edges
        graph[name] = {m for m in graph[name] if not name.startswith(m + ".")}
    visiting, done = set(), set()

    def visit(name, trail):
        assert name not in visiting, f"import circle: {' → '.join(trail + [name])}"
        if name in done:
            return
        visiting.add(name)
        for other in sorted(graph[name]):
            visit(other, trail + [name])
        visiting.discard(name)
        done.add(name)

    for name in sorted(graph):
        visit(name, [])


def test_no_module_holds_a_quarter_of_the_code():
    lines = {path.name: len(path.read_text(encoding="utf-8").splitlines()) for path in PACKAGE.rglob("*.py")}
    biggest = max(lines, key=lines.get)
    assert lines[biggest] <= sum(lines.values()) / 4, f"{biggest}: {lines[biggest]} of {sum(lines.values())} lines"


def python_sources() -> list[tuple[str, str]]:
    sources = [(str(p.relative_to(ROOT)), p.read_text(encoding="utf-8"))
               for folder in ("rnn_course", "tests", "scripts") for p in (ROOT / folder).rglob("*.py")]
    sources.append(("conftest.py", (ROOT / "conftest.py").read_text(encoding="utf-8")))
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        sources += [(f"{notebook.name} cell {i}", "".join(c["source"])) for i, c in enumerate(cells)
                    if c["cell_type"] == "code"]
    return sources


def test_nothing_imports_a_top_level_utils():
    offenders = []
    for where, source in python_sources():
        tree = ast.parse("\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module] if isinstance(node, ast.ImportFrom) and not node.level else [])
            offenders += [where for name in names if name and name.split(".")[0] == "utils"]
    assert not offenders, offenders


def test_every_notebook_imports_its_checkers_from_its_own_module():
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        code = "\n".join("".join(c["source"]) for c in json.loads(notebook.read_text(encoding="utf-8"))["cells"]
                         if c["cell_type"] == "code")
        checkers = {line.split(" import ")[0] for line in code.splitlines() if "import check_" in line
                    or (line.startswith("from rnn_course") and "exercises" in line)}
        assert checkers == {f"from rnn_course.exercises.lesson{notebook.name[:2]}"}, (notebook.name, checkers)


@pytest.mark.parametrize(("count", "word"), [(1, "1 ядро"), (2, "2 ядра"), (4, "4 ядра"), (5, "5 ядер"),
                                             (11, "11 ядер"), (12, "12 ядер"), (21, "21 ядро"), (22, "22 ядра"),
                                             (111, "111 ядер")])
def test_plural(count, word):
    assert plural(count, "ядро", "ядра", "ядер") == word


@pytest.mark.parametrize(("value", "digits", "text"), [
    (31114, 0, "31\u00a0114"), (999, 0, "999"), (1234567, 0, "1\u00a0234\u00a0567"), (2.5, 1, "2.5"),
    (12345.678, 0, "12\u00a0346"), (-1500, 0, "-1\u00a0500")])
def test_number_splits_digit_groups_with_a_space(value, digits, text):
    assert number(value, digits) == text
