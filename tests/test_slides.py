"""Lecture mode, in a real browser: the slides of every notebook render offline and fit a 1280×720 screen,
and JupyterLab presents a notebook live with RISE (Alt+R).

Runs last (conftest.py orders it), on the notebooks that nbval has just executed on TensorFlow
(runs/executed/tensorflow/), so the slides carry their real plots and printouts. Needs Debian's chromium,
playwright (pip) and npm; where they cannot be installed the tests are skipped with a warning, and in CI
(RNN_COURSE_SLIDES_REQUIRED=1) they fail.
"""

import importlib.util
import os
import shutil
import socket
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
REQUIRED = os.environ.get("RNN_COURSE_SLIDES_REQUIRED") == "1"
BACKEND = "tensorflow"  # slides show the TensorFlow run's output, the course's default backend

_spec = importlib.util.spec_from_file_location("slides", ROOT / "scripts" / "slides.py")
slides = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(slides)


def _not_here(problem: str):
    """Fail in CI; elsewhere skip loudly: the slides were not checked."""
    if REQUIRED:
        pytest.fail(problem)
    warnings.warn(f"СЛАЙДЫ НЕ ПРОВЕРЕНЫ: {problem}", stacklevel=2)
    pytest.skip(f"СЛАЙДЫ НЕ ПРОВЕРЕНЫ: {problem}")


@pytest.fixture(scope="module")
def browser():
    if not slides.CHROMIUM.exists():
        _not_here(f"нет браузера {slides.CHROMIUM} (Debian: apt-get install chromium)")
    if importlib.util.find_spec("playwright") is None:
        _not_here("нет playwright (pip install -r requirements.txt)")
    if shutil.which("npm") is None and not (slides.SLIDES_DIR / slides.JS).exists():
        _not_here("нет npm, чтобы поставить reveal.js (npm ci --prefix slides)")
    slides.install_js()


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.stem)
def test_slides_render_offline_and_fit_1280x720(notebook, browser):
    if slides.executed_copy(notebook, BACKEND) is None:
        _not_here(f"нет выполненной копии {notebook.name} (pytest {notebook.relative_to(ROOT)} сохраняет её)")
    html, with_output = slides.export(notebook, backend=BACKEND)
    assert with_output
    executed = slides.executed_copy(notebook, BACKEND)
    plots = [o for c in executed.cells if c.cell_type == "code" for o in c.outputs if "image/png" in o.get("data", {})]
    shows = sum(c.source.count("plt.show()") for c in executed.cells if c.cell_type == "code")
    assert len(plots) >= shows, f"{shows} plt.show() calls but {len(plots)} plots in the executed copy"
    report = slides.check([html])[html.name]
    headed = [c for c in slides.nbformat.read(notebook, as_version=4).cells
              if slides._slide_type(c) in ("slide", "subslide")]
    assert report["slides"] == len(headed), "reveal.js did not build every (sub)slide"
    # Offline: every script and style sheet came from localhost; what was blocked is decoration
    # (the Colab badge, the theme's web fonts), which the slides show without.
    needed = [url for url in report["blocked"] if not url.endswith(".svg") and "fonts.googleapis" not in url]
    assert not needed, f"the slides asked the network for: {needed}"
    problems = "\n".join(f"  slide {n}: {p}" for n, p in report["overflows"].items())
    assert not report["overflows"], (f"{len(report['overflows'])} of {report['slides']} slides do not fit 1280×720 "
                                     f"(contact sheet: slides/{notebook.stem}.png):\n{problems}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_jupyterlab_presents_a_notebook_with_rise(browser, tmp_path):
    """Alt+R in JupyterLab opens the RISE slideshow of the notebook (jupyterlab-rise from requirements.txt)."""
    from playwright.sync_api import sync_playwright

    stored = NOTEBOOKS[0].read_bytes()  # RISE saves the notebook before showing it
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={port}", "--IdentityProvider.token=",
         "--ServerApp.password=", "--ServerApp.allow_root=True", f"--ServerApp.root_dir={ROOT}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "JUPYTER_CONFIG_DIR": str(tmp_path)})
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(120):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.5)
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(slides.CHROMIUM), args=slides.CHROMIUM_ARGS)
            page = chromium.new_page(viewport=slides.SCREEN)
            page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(url)
                       else route.abort())
            page.goto(f"{url}/lab/tree/notebooks/{NOTEBOOKS[0].name}")
            page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
            page.click(".jp-Notebook .jp-Cell")
            page.keyboard.press("Escape")  # command mode: where RISE's shortcut applies
            page.keyboard.press("Alt+R")
            frame = page.wait_for_selector("iframe[src*='rise']", timeout=60_000).content_frame()
            frame.wait_for_selector(".reveal .slides section", timeout=60_000)
            title = frame.inner_text(".reveal .slides section.present")
            chromium.close()
        assert title.strip().startswith("01."), title[:80]
    finally:
        server.terminate()
        server.wait(timeout=30)
        saved = NOTEBOOKS[0].read_bytes()
        NOTEBOOKS[0].write_bytes(stored)
    assert saved == stored, f"JupyterLab's save rewrote {NOTEBOOKS[0].name} (see test_file_is_what_jupyter_saves)"


def test_plan_slides_starts_a_slide_at_each_heading_and_packs_cells_by_height():
    """The layout rule of scripts/slides.py --layout, without a browser."""
    new = slides.nbformat.v4
    plot = {"output_type": "display_data", "data": {"image/png": ""}, "metadata": {}}
    cells = [new.new_markdown_cell("# 01. Title"), new.new_code_cell("setup()"), new.new_markdown_cell("## 1. Part"),
             new.new_code_cell("a = 1"), new.new_code_cell("b = 2"), new.new_code_cell("plot()", outputs=[plot]),
             new.new_code_cell("plot()", outputs=[plot]), new.new_markdown_cell("### Проверьте себя"),
             new.new_code_cell("answer = ..."), new.new_code_cell("answer = 42")]
    cells[1].metadata["slideshow"] = {"slide_type": "skip"}
    cells[-1].metadata["jupyter"] = {"source_hidden": True}
    heights = [100, 50, 100, 300, 300, 200, 200, 100, 100, 100]
    kinds = slides.plan_slides(new.new_notebook(cells=cells), heights)
    assert kinds == ["slide", "skip", "slide", "-", "subslide", "-", "subslide", "subslide", "-", "subslide"]


def test_slides_show_outputs_as_jupyter_does_however_the_notebook_ran():
    """`--execute` keeps raw streams; nbval's copies have them merged with «\\r» applied: the slides are the same."""
    new = slides.nbformat.v4
    raw = [new.new_output("stream", name="stderr", text="I0000 cuda_dnn.cc:8579] TensorFlow start-up line\n"),
           new.new_output("stream", name="stdout", text="\rэпоха 1: loss 2.0"),
           new.new_output("stream", name="stdout", text="\rэпоха 2: loss 1.0"),
           new.new_output("stream", name="stdout", text="\n")]
    as_nbval = [new.new_output("stream", name="stdout", text="эпоха 2: loss 1.0\n")]
    shown = [slides.as_shown(new.new_notebook(cells=[new.new_code_cell("fit()", outputs=outputs)])).cells[0].outputs
             for outputs in (raw, as_nbval)]
    assert shown[0] == shown[1] == as_nbval
