"""Structure of every notebook (COURSE_GUIDE §4); nbval executes them separately."""

import importlib.util
import json
import re
from pathlib import Path

import nbformat
import pytest

from rnn_course.course import (
    BOOTSTRAP_CELL,
    BOOTSTRAP_METADATA,
    CLONE_URL,
    REPO_SLUG,
    SITE_URL,
    ci_badge,
    colab_badge,
    colab_url,
    is_solution,
)

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
NAME = re.compile(r"^(\d\d)_[a-z0-9_]+\.ipynb$")
SLIDE_TYPES = {"slide", "subslide", "fragment", "skip", "notes", "-"}


def cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def text(cell: dict) -> str:
    source = cell["source"]
    return source if isinstance(source, str) else "".join(source)


def is_hidden(cell: dict) -> bool:
    """A hidden solution cell (the bootstrap is hidden too, but it is no solution)."""
    return is_solution(cell)


def test_notebooks_are_numbered_from_01_without_gaps():
    names = [p.name for p in NOTEBOOKS]
    assert all(NAME.match(n) for n in names), names
    assert [int(NAME.match(n).group(1)) for n in names] == list(range(1, len(names) + 1))


@pytest.fixture(params=NOTEBOOKS, ids=lambda p: p.name)
def notebook(request) -> Path:
    return request.param


def test_title_cell_has_number_and_own_colab_badge(notebook):
    """The title slide: number, name and Colab badge; what the student learns, needs and waits on the next."""
    first, second = cells(notebook)[:2]
    number = notebook.name[:2]
    assert first["cell_type"] == "markdown" and text(first).startswith(f"# {number}. ")
    assert colab_badge(f"notebooks/{notebook.name}") in text(first)
    assert second["cell_type"] == "markdown"
    for word in ("Вы узнаете", "Нужно знать", "Время"):
        assert word in text(second), f"the cell after the title must say «{word}»"


def code_cells(path: Path) -> list[str]:
    return [text(c) for c in cells(path) if c["cell_type"] == "code"]


def test_first_cell_is_the_bootstrap_and_the_second_calls_setup_with_own_name(notebook):
    code = code_cells(notebook)
    assert code[0] == BOOTSTRAP_CELL, "the first code cell must be BOOTSTRAP_CELL: run `python -m rnn_course.sync`"
    first = next(c for c in cells(notebook) if c["cell_type"] == "code")
    assert first["metadata"] == BOOTSTRAP_METADATA, "hidden in Colab and JupyterLab: run `python -m rnn_course.sync`"
    assert f'rnn_course.setup("{notebook.stem}")' in code[1]
    calls = re.findall(r"setup\(([^)]*)\)", "\n".join(code[1:]))
    assert calls == [f'"{notebook.stem}"'], f"one rnn_course.setup call, with this notebook's name: {calls}"


def test_repository_url_only_from_the_constant(notebook):
    body = notebook.read_text(encoding="utf-8")
    assert body.count(REPO_SLUG) == 2 and body.count(CLONE_URL) == 1  # the badge and the bootstrap
    assert colab_url(f"notebooks/{notebook.name}") in body


def test_readme_badges_use_the_constant():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for path in NOTEBOOKS:
        assert colab_badge(f"notebooks/{path.name}") in readme, path.name
    assert ci_badge() in readme and SITE_URL in readme
    assert readme.count(REPO_SLUG) == len(NOTEBOOKS) + ci_badge().count(REPO_SLUG), \
        "README names the repository only in the badges"


def test_readme_is_a_front_door():
    """README stays short (COURSE_GUIDE §3): results live on the results page, maintainer notes in CONTRIBUTING.md."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.encode("utf-8")) <= 10 * 1024, f"README.md: {len(readme.encode())} bytes > 10 KB"
    assert "results/README.md" in readme and "CONTRIBUTING.md" in readme and "CC BY-SA 4.0" in readme
    assert not re.search(r"20\d\d-\d\d-\d\d", readme), "dates belong on the results page"


def test_record_takes_only_metrics(notebook):
    records = [c for c in code_cells(notebook) if "record(" in c]
    assert len(records) == 1 and records[0].startswith("rnn_course.record({") and "seconds=" not in records[0]
    assert "START" not in "\n".join(code_cells(notebook)[:2])


def test_every_fit_prints_its_epochs(notebook):
    for code in code_cells(notebook):
        for match in re.finditer(r"\.fit\(", code):
            depth, end = 0, match.end() - 1
            for end in range(match.end() - 1, len(code)):  # the call's text, up to its closing bracket
                depth += {"(": 1, ")": -1}.get(code[end], 0)
                if depth == 0:
                    break
            call = code[match.start():end]
            assert "fit_callbacks(" in call or "EpochLog(" in code, f"fit without an epoch log: {call[:80]}"
            assert "verbose=0" in call, f"fit prints through its callbacks, not a progress bar: {call[:80]}"


def test_file_is_what_jupyter_saves(notebook):
    """Stored exactly as nbformat writes it (sorted keys, cell ids): opening the notebook in JupyterLab and
    saving it (RISE saves before the slideshow) changes no byte, so a tracked file stays clean."""
    stored = notebook.read_text(encoding="utf-8")
    assert stored == nbformat.writes(nbformat.reads(stored, as_version=4)) + "\n", (
        f"{notebook.name} is not in nbformat's form: rewrite it with nbformat.write")


def test_no_stored_outputs(notebook):
    for cell in cells(notebook):
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [] and cell.get("execution_count") is None, text(cell)[:80]


def slide_type(cell: dict) -> str | None:
    return cell.get("metadata", {}).get("slideshow", {}).get("slide_type")


def test_slide_metadata(notebook):
    """One idea per slide (COURSE_GUIDE §4): a heading starts a (sub)slide, a slide shows ≤ 30 lines of code."""
    for cell in cells(notebook):
        kind, source = slide_type(cell), text(cell)
        assert kind in SLIDE_TYPES, source[:80]
        if cell["cell_type"] == "markdown":
            headings = [line for line in source.splitlines() if re.match(r"#{1,3} ", line)]
            inside = [h for h in headings if not source.startswith(h)]
            assert not inside, f"a heading inside a cell never starts a slide: {inside}"
            if source.startswith(("# ", "## ")):
                assert kind == "slide", f"a heading starts a slide: {source[:60]}"
            if source.startswith("### "):
                assert kind == "subslide", f"a subheading starts a subslide: {source[:60]}"
        elif kind != "skip":
            assert len(source.splitlines()) <= 30, f"code on a slide has ≤ 30 lines: {source[:60]}"
        if is_hidden(cell):
            assert kind == "subslide", f"a solution is its own subslide, shown after the students try: {source[:60]}"


def test_exercises_have_checker_and_hidden_solution(notebook):
    all_cells = cells(notebook)
    starts = [i for i, c in enumerate(all_cells) if c["cell_type"] == "markdown" and "Проверьте себя" in text(c)]
    assert starts, "a notebook needs «Проверьте себя» exercises"
    for start in starts:
        following = []
        for cell in all_cells[start + 1 :]:
            if cell["cell_type"] == "markdown" and text(cell).lstrip().startswith("#"):
                break
            following.append(cell)
        code = [c for c in following if c["cell_type"] == "code"]
        stubs = [i for i, c in enumerate(code) if not is_hidden(c) and "check_" in text(c)]
        solutions = [i for i, c in enumerate(code) if is_hidden(c) and "check_" in text(c)]
        heading = text(all_cells[start])[:60]
        assert stubs, f"exercise without a checker call: {heading}"
        assert solutions and solutions[-1] > stubs[0], f"exercise without a hidden solution after it: {heading}"


def test_closing_sections_and_record(notebook):
    headings = [text(c).splitlines()[0] for c in cells(notebook) if c["cell_type"] == "markdown"]
    assert any(h.startswith("## Итоги") for h in headings)
    assert any(h.startswith("## Что почитать") for h in headings)
    assert any("record(" in text(c) for c in cells(notebook) if c["cell_type"] == "code")


def test_slides_export_loads_no_script_from_the_network(notebook):
    """scripts/slides.py exports slides whose scripts and styles come from slides/node_modules."""
    spec = importlib.util.spec_from_file_location("slides", ROOT / "scripts" / "slides.py")
    slides = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(slides)
    body, _ = slides._exporter().from_filename(str(notebook))
    remote = re.findall(r'<(?:script|link)[^>]*(?:src|href)="(https?://[^"]+)"', body)
    assert remote == [], remote
    assert 'src="node_modules/requirejs/require.js"' in body and '"node_modules/reveal.js/dist/reveal.js"' in body
    shown = [c for c in cells(notebook) if slide_type(c) in ("slide", "subslide")]
    assert body.count("<section") >= len(shown)


def test_full_time_in_readme_and_header_is_the_recorded_one(notebook):
    """`full`'s time on the 2-core CPU is said in three places; all follow results/full (TensorFlow's run first)."""
    from rnn_course.published import measured_full_time

    measured = measured_full_time(notebook.stem, "tensorflow")
    row = next(line for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
               if line.startswith("|") and f"`{notebook.stem}`" in line)
    readme_full = row.strip(" |").split("|")[-1].split("/")[-1].strip()
    assert readme_full == (measured or "—"), f"README: full {readme_full!r}, results/full: {measured!r}"
    header = next(text(c) for c in cells(notebook) if "**Время выполнения:**" in text(c))
    if measured:
        assert measured in header, f"в заголовке нет измеренного времени full ({measured})"


def test_sync_writes_the_bootstrap_and_check_mode_sees_a_stale_one(tmp_path):
    from rnn_course.sync import main, sync

    assert sync(NOTEBOOKS, check=True) == [], "run `python -m rnn_course.sync`"
    stale = tmp_path / NOTEBOOKS[0].name
    stale.write_text(NOTEBOOKS[0].read_text(encoding="utf-8").replace("PROFILE = ", "PROFILE  = ", 1), encoding="utf-8")
    assert main([str(stale), "--check"]) == 1 and "PROFILE  = " in stale.read_text(encoding="utf-8")
    assert main([str(stale)]) == 0 and main([str(stale), "--check"]) == 0
    assert stale.read_text(encoding="utf-8") == NOTEBOOKS[0].read_text(encoding="utf-8")
