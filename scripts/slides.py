"""Lecture slides of the notebooks: offline HTML, and a check in a real browser that every slide fits.

    python scripts/slides.py notebooks/03_imdb_lstm.ipynb            # → slides/03_imdb_lstm.slides.html
    python scripts/slides.py --execute notebooks/03_imdb_lstm.ipynb  # run the notebook first, with plots
    python scripts/slides.py --check                                 # every notebook, in headless Chromium

The HTML loads reveal.js, require.js, jQuery and MathJax from ``slides/node_modules`` (pinned in
``slides/package.json``, installed by ``npm ci --prefix slides``), so it needs no network. ``--check``
opens each slide at 1280×720 with every request outside localhost blocked, counts the slides whose content
does not fit the screen, and saves a contact sheet (thumbnails of all slides) to ``slides/<notebook>.png``.
Without ``--execute`` a notebook executed by the tests (``runs/executed/<backend>/``) is used where its
code matches the notebook; otherwise the slides show the code without its output.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

import nbformat
from nbconvert import SlidesExporter
from nbconvert.preprocessors import CoalesceStreamsPreprocessor, ExecutePreprocessor

ROOT = Path(__file__).resolve().parent.parent
SLIDES_DIR = ROOT / "slides"
EXECUTED_DIR = ROOT / "runs" / "executed"
CHROMIUM = Path(os.environ.get("RNN_COURSE_CHROMIUM", "/usr/bin/chromium"))
SCREEN = {"width": 1280, "height": 720}
JS = "node_modules"
REVEAL_MODULE = f"{JS}/reveal.js/dist/reveal.js"  # the module id nbconvert's template requires
# Chromium's own calls home are refused by a closed network anyway; these flags stop it from trying.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                 "--disable-background-networking", "--disable-component-update"]


def install_js() -> None:
    """Install the pinned JavaScript into slides/node_modules once (npm registry)."""
    if (SLIDES_DIR / JS / "reveal.js" / "dist" / "reveal.js").exists():
        return
    if shutil.which("npm") is None:
        sys.exit("Для слайдов без интернета нужен npm (Node.js): установите его и запустите "
                 "`npm ci --prefix slides` в корне курса.")
    subprocess.run(["npm", "ci", "--prefix", str(SLIDES_DIR), "--no-audit", "--no-fund"], check=True)


def executed_copy(notebook: Path, backend: str) -> nbformat.NotebookNode | None:
    """The notebook with the outputs of the copy the tests executed, if that copy ran the same code.

    Only the code must match: text and slide types may have changed since.
    """
    copy = EXECUTED_DIR / backend / notebook.name
    if not copy.exists():
        return None
    ran, now = nbformat.read(copy, as_version=4), nbformat.read(notebook, as_version=4)
    ran_code, now_code = ([c for c in nb.cells if c.cell_type == "code"] for nb in (ran, now))
    if [c.source for c in ran_code] != [c.source for c in now_code]:
        return None
    for cell, executed in zip(now_code, ran_code, strict=True):
        cell.outputs = executed.outputs
    return now


def export(notebook: Path, *, execute: bool = False, backend: str = "tensorflow") -> tuple[Path, bool]:
    """Write slides/<name>.slides.html; return its path and whether it shows the cells' output."""
    nb = None if execute else executed_copy(notebook, backend)
    if nb is None:
        nb = nbformat.read(notebook, as_version=4)
        if execute:
            ExecutePreprocessor(timeout=None).preprocess(nb, {"metadata": {"path": str(notebook.parent)}})
    body = _slides_html(as_shown(nb))
    target = SLIDES_DIR / f"{notebook.stem}.slides.html"
    target.write_text(body, encoding="utf-8")
    return target, any(c.get("outputs") for c in nb.cells)


def as_shown(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The outputs as Jupyter shows them, whichever way the notebook ran: streams merged, a line rewritten with
    «\\r» (an epoch log on one line) shown once, no stderr (TensorFlow's start-up log lines).

    nbval already merges streams and applies «\\r» in the copies the tests execute; ``--execute`` keeps the raw
    stream, where every epoch would stand on its own line. So both ways give the same slides.
    """
    nb = nbformat.from_dict(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            CoalesceStreamsPreprocessor().preprocess_cell(cell, {}, 0)
            cell.outputs = [out for out in cell.outputs if out.get("name") != "stderr"]
            for out in cell.outputs:  # an epoch line that covered a longer progress line ends in spaces
                if out.get("output_type") == "stream":
                    out.text = "\n".join(line.rstrip() for line in out.text.split("\n"))
    return nb


def _exporter() -> SlidesExporter:
    """nbconvert's slides with every script served from slides/node_modules and a 1280×720 slide."""
    return SlidesExporter(
        exclude_input_prompt=True, exclude_output_prompt=True,  # «In [ ]:» takes width and says nothing on a slide
        reveal_url_prefix=f"{JS}/reveal.js", reveal_width=str(SCREEN["width"]), reveal_height=str(SCREEN["height"]),
        require_js_url=f"{JS}/requirejs/require.js", jquery_url=f"{JS}/jquery/dist/jquery.min.js",
        mathjax_url=f"{JS}/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe")


# Added to nbconvert's styles. Code at 16 px: a 120-character line (the course's limit) fits the 1280 px
# width. Printed output wraps instead of running off the slide.
SLIDE_CSS = """<style>
.reveal .jp-InputArea-editor pre, .reveal .jp-OutputArea-output pre {
  font-size: 16px !important; line-height: 1.3 !important;
}
.reveal .jp-OutputArea-output pre { white-space: pre-wrap !important; }
</style>
</head>"""
# The template typesets a slide's formulas again each time the slide is shown. A re-render that starts while
# the first typesetting is still running leaves two copies of a formula (or none, while it runs); MathJax's
# CommonHTML output needs no re-render once the page is typeset, so the slides skip it.
RERENDER = "Reveal.addEventListener('slidechanged', update);"


# nbconvert's reveal template imports mermaid.js from a CDN on every page; no notebook here draws mermaid
# diagrams, and offline the failed import is all it would do.
MERMAID_IMPORT = re.compile(r'<script type="module">\s*import mermaid from [^<]*</script>\s*')


def _slides_html(nb: nbformat.NotebookNode) -> str:
    body, _ = _exporter().from_notebook_node(nb)
    body, removed = MERMAID_IMPORT.subn("", body)
    assert removed == 1 and body.count(RERENDER) == 1, "nbconvert's slides template changed"
    body = body.replace(RERENDER, "")
    return body.replace("</head>", SLIDE_CSS, 1)


@contextmanager
def serve(folder: Path):
    """A local web server for ``folder`` (file:// would not let the browser read the slides as a page)."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


# Runs in the page for the slide on screen: the first piece of text, image or formula that the viewer cannot
# see whole, because it sticks out of the 1280×720 slide or is clipped by a block it sits in (a long code
# line, a wide formula). Returns null when everything is visible.
MEASURE = """(Reveal) => {
  const slide = Reveal.getCurrentSlide(), scale = Reveal.getScale(), tol = 2;
  const screen = document.querySelector('.reveal .slides').getBoundingClientRect();
  const visibleBox = node => {
    let box = {left: screen.left, top: screen.top, right: screen.right, bottom: screen.bottom};
    for (let el = node.parentElement; el && el !== slide; el = el.parentElement) {
      const style = getComputedStyle(el);
      if (style.overflowX === 'visible' && style.overflowY === 'visible') continue;
      const r = el.getBoundingClientRect();
      box = {left: Math.max(box.left, r.left), top: Math.max(box.top, r.top),
             right: Math.min(box.right, r.right), bottom: Math.min(box.bottom, r.bottom)};
    }
    return box;
  };
  const walker = document.createTreeWalker(slide, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const isText = node.nodeType === Node.TEXT_NODE;
    if (isText && !node.textContent.trim()) continue;
    if (!isText && !['IMG', 'svg', 'CANVAS'].includes(node.tagName)) continue;
    if (node.parentElement.closest('.MJX_Assistive_MathML')) continue;  // hidden on purpose, for screen readers
    const range = document.createRange();
    range.selectNodeContents(node);
    const r = isText ? range.getBoundingClientRect() : node.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    const box = visibleBox(node);
    const out = Math.max(r.bottom - box.bottom, r.right - box.right, box.left - r.left, box.top - r.top);
    if (out > tol)
      return `не видно ${Math.round(out / scale)} px: ` +
             (isText ? node.textContent.trim().slice(0, 60) : node.tagName);
  }
  return null;
}"""

READY = """(module) => new Promise(done => require([module], Reveal => {
  const start = () => {
    Reveal.configure({fragments: false, transition: 'none', backgroundTransition: 'none', controls: false,
                      progress: false});
    window.CourseReveal = Reveal;
    const indices = Reveal.getSlides().map(s => Reveal.getIndices(s));
    window.MathJax && MathJax.Hub ? MathJax.Hub.Queue(() => done(indices)) : done(indices);  // all typeset
  };
  Reveal.isReady() ? start() : Reveal.on('ready', start);
}))"""

SHOW = """(i) => new Promise(done => {
  window.CourseReveal.slide(i.h, i.v || 0);
  const settle = () => requestAnimationFrame(() => requestAnimationFrame(done));
  window.MathJax && MathJax.Hub ? MathJax.Hub.Queue(settle) : settle();
})"""


@contextmanager
def _browser():
    """Headless Chromium on the slides folder; yields open_page(html) → (page, slide indices), and blocked URLs."""
    from playwright.sync_api import sync_playwright

    blocked = []
    with serve(SLIDES_DIR) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)

        def open_page(html: Path):
            page = browser.new_page(viewport=SCREEN)
            page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(url)
                       else (blocked.append(route.request.url), route.abort()))
            page.on("pageerror", lambda error: blocked.append(f"ошибка JavaScript: {error}"))
            page.goto(f"{url}/{html.name}")
            return page, page.evaluate(READY, REVEAL_MODULE)

        try:
            yield open_page, blocked
        finally:
            browser.close()


def check(html_files: list[Path], *, sheets: bool = True) -> dict[str, dict]:
    """Open each slideshow at 1280×720 with the network blocked; per file: slides, overflows, blocked requests."""
    report = {}
    with _browser() as (open_page, blocked):
        for html in html_files:
            blocked.clear()
            page, indices = open_page(html)
            overflows, shots = {}, []
            for number, index in enumerate(indices, start=1):
                page.evaluate(SHOW, index)
                problem = page.evaluate(f"() => ({MEASURE})(window.CourseReveal)")
                if problem:
                    overflows[number] = problem
                if sheets:
                    shots.append(page.screenshot())
            page.close()
            if sheets:
                contact_sheet(shots, overflows, SLIDES_DIR / f"{html.name.split('.')[0]}.png")
            report[html.name] = {"slides": len(indices), "overflows": overflows, "blocked": list(blocked)}
    return report


def contact_sheet(shots: list[bytes], overflows: dict[int, str], target: Path, columns: int = 5) -> None:
    """Thumbnails of all slides in a grid; a slide that does not fit gets a red frame."""
    import io

    from PIL import Image, ImageDraw

    width, height, pad = 320, 180, 6
    rows = (len(shots) + columns - 1) // columns
    sheet = Image.new("RGB", (columns * (width + pad) + pad, rows * (height + pad) + pad), "#888888")
    draw = ImageDraw.Draw(sheet)
    for number, shot in enumerate(shots, start=1):
        thumb = Image.open(io.BytesIO(shot)).convert("RGB").resize((width, height))
        x = pad + (number - 1) % columns * (width + pad)
        y = pad + (number - 1) // columns * (height + pad)
        sheet.paste(thumb, (x, y))
        if number in overflows:
            draw.rectangle((x - 3, y - 3, x + width + 2, y + height + 2), outline="red", width=4)
        draw.text((x + 4, y + 2), str(number), fill="red" if number in overflows else "black")
    sheet.save(target)


HEIGHT = """(Reveal) => {
  const slide = Reveal.getCurrentSlide(), scale = Reveal.getScale();
  const boxes = [...slide.children].map(el => el.getBoundingClientRect()).filter(r => r.height > 0);
  if (!boxes.length) return 0;
  return (Math.max(...boxes.map(r => r.bottom)) - Math.min(...boxes.map(r => r.top))) / scale;
}"""
FIT = 660  # px of the 720 a slide may fill: reveal's own padding and the gaps between cells take the rest


def cell_heights(nb: nbformat.NotebookNode) -> list[float]:
    """Height in px at 1280×720 of each cell shown alone on a slide (0 for a skipped cell)."""
    alone = nbformat.from_dict(nb)
    shown = [i for i, cell in enumerate(alone.cells) if _slide_type(cell) != "skip"]
    for i in shown:
        alone.cells[i].metadata.setdefault("slideshow", {})["slide_type"] = "slide"
    html = SLIDES_DIR / "_cells.slides.html"
    html.write_text(_slides_html(alone), encoding="utf-8")
    heights = [0.0] * len(nb.cells)
    with _browser() as (open_page, _):
        page, indices = open_page(html)
        for i, index in zip(shown, indices, strict=True):
            page.evaluate(SHOW, index)
            heights[i] = page.evaluate(f"() => ({HEIGHT})(window.CourseReveal)")
    html.unlink()
    return heights


def plan_slides(nb: nbformat.NotebookNode, heights: list[float]) -> list[str]:
    """Slide types that put one idea per slide and fill no slide beyond FIT px.

    A heading starts a slide (``#``/``##``) or a subslide (``###``), and so does an exercise's hidden
    solution (shown after the students try); plumbing marked ``skip`` stays skipped; other cells join the
    slide above while they fit, and a plot never shares a slide with another plot.
    """
    types, filled, plots = [], 0.0, 0
    for cell, height in zip(nb.cells, heights, strict=True):
        kind = _slide_type(cell)
        first = cell.source.splitlines()[0] if cell.source else ""
        if kind == "skip" and not _hidden(cell):
            types.append("skip")
            continue
        plot = any("image/png" in out.get("data", {}) for out in cell.get("outputs", []))
        if cell.cell_type == "markdown" and first.startswith(("# ", "## ")):
            kind = "slide"
        elif (cell.cell_type == "markdown" and first.startswith("### ")) or _hidden(cell):
            kind = "subslide"
        elif filled + height > FIT or (plot and plots):
            kind = "subslide"
        else:
            kind = "-"
        if kind != "-":
            filled, plots = 0.0, 0
        filled, plots = filled + height, plots + plot
        types.append(kind)
    return types


def layout(notebook: Path, backend: str) -> None:
    """Rewrite the slide types of ``notebook`` from the heights of its executed copy's cells."""
    ran = executed_copy(notebook, backend)
    if ran is None:
        sys.exit(f"{notebook.name}: нет выполненной копии с тем же кодом; сначала pytest {notebook}")
    heights = cell_heights(ran)
    nb = nbformat.read(notebook, as_version=4)
    for cell, kind, height in zip(nb.cells, plan_slides(ran, heights), heights, strict=True):
        cell.metadata.setdefault("slideshow", {})["slide_type"] = kind
        if height > FIT:
            print(f"{notebook.name}: ячейка {nb.cells.index(cell)} выше слайда ({height:.0f} px): "
                  f"{cell.source[:60]!r}")
    nbformat.write(nb, notebook)


def _slide_type(cell) -> str:
    return cell.get("metadata", {}).get("slideshow", {}).get("slide_type", "-")


def _hidden(cell) -> bool:
    return cell.get("metadata", {}).get("jupyter", {}).get("source_hidden") is True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="по умолчанию все notebooks/*.ipynb")
    parser.add_argument("--execute", action="store_true", help="выполнить ноутбук перед экспортом")
    parser.add_argument("--check", action="store_true", help="проверить слайды в Chromium (1280×720)")
    parser.add_argument("--layout", action="store_true",
                        help="для автора курса: разложить ячейки по слайдам по их высоте (меняет ноутбуки)")
    args = parser.parse_args()
    notebooks = args.notebooks or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    install_js()
    backend = os.environ.get("KERAS_BACKEND", "tensorflow")
    if args.layout:
        for notebook in notebooks:
            layout(notebook.resolve(), backend)
    exported = []
    for notebook in notebooks:
        html, with_output = export(notebook.resolve(), execute=args.execute, backend=backend)
        exported.append(html)
        print(f"{html.relative_to(ROOT)}" + ("" if with_output else "  (без вывода ячеек: нет выполненной копии)"))
    if args.check:
        report = check(exported)
        (SLIDES_DIR / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
        for name, entry in report.items():
            print(f"{name}: слайдов {entry['slides']}, не помещаются {len(entry['overflows'])}")
            for number, problem in entry["overflows"].items():
                print(f"    слайд {number}: {problem}")
        sys.exit(1 if any(entry["overflows"] or entry["blocked"] for entry in report.values()) else 0)


if __name__ == "__main__":
    main()
