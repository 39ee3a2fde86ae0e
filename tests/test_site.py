"""The course site (scripts/build_site.py): chapters marked as the site shows them, and every built page in a real
browser with the network blocked (no console error, images and formulas rendered, no sideways scrolling at
1280 and 390 px).

The browser test checks the site that `python scripts/build_site.py` built last (site/_build/html); .ci/run builds
it from the notebooks that its TensorFlow pass executed and then runs this file with RNN_COURSE_SITE_REQUIRED=1,
where a missing site, browser or playwright fails instead of skipping.
"""

import importlib.util
import os
import warnings
from pathlib import Path

import nbformat
import pytest

from rnn_course.course import BOOTSTRAP_CELL, colab_badge, colab_url, is_solution

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
REQUIRED = os.environ.get("RNN_COURSE_SITE_REQUIRED") == "1"

_spec = importlib.util.spec_from_file_location("build_site", ROOT / "scripts" / "build_site.py")
build_site = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build_site)


def _not_here(problem: str):
    """Fail in CI; elsewhere skip loudly: the site was not checked."""
    if REQUIRED:
        pytest.fail(problem)
    warnings.warn(f"САЙТ НЕ ПРОВЕРЕН: {problem}", stacklevel=2)
    pytest.skip(f"САЙТ НЕ ПРОВЕРЕН: {problem}")


@pytest.fixture(scope="module")
def browser():
    if not build_site.slides.CHROMIUM.exists():
        _not_here(f"нет браузера {build_site.slides.CHROMIUM} (Debian: apt-get install chromium)")
    if importlib.util.find_spec("playwright") is None:
        _not_here("нет playwright (pip install -r requirements.txt)")


def test_a_chapter_hides_the_bootstrap_collapses_solutions_and_links_colab(tmp_path, monkeypatch):
    """What the site shows of a notebook: its executed copy, without the bootstrap, solutions collapsed."""
    new = nbformat.v4
    name = "01_intro.ipynb"
    solution = new.new_code_cell("# @title Решение\nanswer = 42", metadata={
        "cellView": "form", "jupyter": {"source_hidden": True}})
    cells = [new.new_markdown_cell(f"# 01. Курс\n\n{colab_badge(f'notebooks/{name}')}"),
             new.new_code_cell(BOOTSTRAP_CELL, metadata={"cellView": "form"}), new.new_code_cell("x = 1"),
             new.new_code_cell("check(answer);"), solution]
    (tmp_path / "notebooks").mkdir()
    nbformat.write(new.new_notebook(cells=cells), tmp_path / "notebooks" / name)
    cells[3].outputs = [new.new_output("execute_result", {"text/plain": "False"}, execution_count=1),
                        new.new_output("stream", text="Ответ ещё не написан")]
    (tmp_path / "executed" / "tensorflow").mkdir(parents=True)
    nbformat.write(new.new_notebook(cells=cells), tmp_path / "executed" / "tensorflow" / name)
    monkeypatch.setattr(build_site.slides, "EXECUTED_DIR", tmp_path / "executed")

    nb = build_site.chapter(tmp_path / "notebooks" / name)
    tags = [cell.metadata.get("tags", []) for cell in nb.cells]
    assert tags == [[], ["remove-cell"], [], [], ["hide-cell"]]
    assert nb.cells[4].metadata["mystnb"]["code_prompt_show"] == "Показать решение"
    assert [out.output_type for out in nb.cells[3].outputs] == ["stream"]  # «;» hides the value, as in Jupyter
    assert "colab-badge.svg" not in nb.cells[0].source and colab_url(f"notebooks/{name}") in nb.cells[0].source

    (tmp_path / "executed" / "tensorflow" / name).unlink()
    with pytest.raises(SystemExit, match="pytest notebooks/01_intro.ipynb"):
        build_site.chapter(tmp_path / "notebooks" / name)


def test_the_browser_check_finds_what_a_reader_would_see_broken(tmp_path, browser):
    """A page with a remote image, an untypeset formula, a wide block and a script error fails the check."""
    (tmp_path / "bad.html").write_text(
        '<html><head><meta charset="utf-8"></head><body><article><p>Формула $$x^2$$ осталась текстом.</p>'
        '<img src="https://example.org/figure.png">'
        '<div style="width: 2000px">широкий блок</div>'
        '<script>console.error("сломалось")</script></article></body></html>', encoding="utf-8")
    (tmp_path / "good.html").write_text('<html><head><meta charset="utf-8"></head><body><article><p>Всё хорошо.</p>'
                                        '</article></body></html>', encoding="utf-8")
    report = build_site.check(tmp_path, sheets=False)
    assert report["good.html"]["problems"] == []
    problems = "\n".join(report["bad.html"]["problems"])
    for expected in ("запрос в сеть: https://example.org", "картинка не загрузилась", "TeX без формулы",
                     "1280 px: страница шире экрана", "390 px: страница шире экрана", "консоль: сломалось"):
        assert expected in problems, problems


@pytest.fixture(scope="module")
def site(browser) -> Path:
    index = build_site.HTML_DIR / "index.html"
    if not index.exists():
        _not_here("сайт не собран: python scripts/build_site.py")
    missing = [nb.stem for nb in NOTEBOOKS if not (index.parent / f"{nb.stem}.html").exists()]
    if missing:
        _not_here(f"на сайте нет глав {', '.join(missing)}: python scripts/build_site.py (после pytest)")
    return index.parent


def test_the_site_has_a_chapter_per_notebook_without_bootstrap_and_with_collapsed_solutions(site):
    names = {page.name for page in build_site.pages(site)}
    assert {"index.html", "results.html", "licenses.html", "search.html"} <= names
    for notebook in NOTEBOOKS:
        html = (site / f"{notebook.stem}.html").read_text(encoding="utf-8")
        solutions = sum(is_solution(c) for c in nbformat.read(notebook, as_version=4).cells)
        assert html.count("Показать решение") == solutions, notebook.name
        assert BOOTSTRAP_CELL.splitlines()[0][:40] not in html and "colab-badge.svg" not in html
        assert 'class="cell_output' in html, "a chapter shows the outputs of the executed notebook"
    assert "CC BY-SA 4.0" in (site / "licenses.html").read_text(encoding="utf-8")


def test_every_page_renders_offline_at_1280_and_390_px(site):
    report = build_site.check(site)
    problems = {name: entry["problems"] for name, entry in report.items() if entry["problems"]}
    assert not problems, f"{len(problems)} of {len(report)} pages (contact sheets: runs/site/): {problems}"
    chapters = [report[f"{notebook.stem}.html"] for notebook in NOTEBOOKS]
    assert all(entry["images"] > 0 for entry in chapters), "every chapter shows its figures"
    assert sum(entry["formulas"] for entry in chapters) > 0
    assert report["search.html"]["search_results"] > 0
