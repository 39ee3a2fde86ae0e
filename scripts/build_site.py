"""The course as a book: a static site built from the notebooks that the tests executed, and its browser check.

    python scripts/build_site.py                                  # every notebook → site/_build/html/index.html
    python scripts/build_site.py notebooks/02_rnn_from_scratch.ipynb  # only these chapters (while writing one)
    python scripts/build_site.py --check                          # build, then open every page in Chromium

A chapter is the copy of a notebook that pytest executed on TensorFlow (``runs/executed/tensorflow/``, written
by conftest.py), with its printed results and figures; nothing is executed again. Sphinx with myst-nb and
sphinx-book-theme (pinned in requirements.txt) renders it, MathJax 3 comes from the npm registry
(``site/package.json``, ``npm ci --prefix site``) and is served by the site itself, so the pages need no
network. The first code cell (the Colab bootstrap) is left out, and exercise solutions are collapsed.

``--check`` opens every page with every request outside localhost blocked, at 1280 px and at 390 px (a phone):
no console error, every image loaded, every formula typeset by MathJax, no horizontal scrolling; it saves a
contact sheet per page to ``runs/site/<page>.png`` and exits non-zero on any problem
(tests/test_site.py runs the same check).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat

from rnn_course.course import is_solution

sys.path.insert(0, str(Path(__file__).resolve().parent))
import slides  # noqa: E402  (scripts/slides.py: executed copies, the local web server, Chromium's settings)

ROOT = Path(__file__).resolve().parent.parent
SITE_DIR = ROOT / "site"
SOURCE_DIR = SITE_DIR / "_build" / "src"  # assembled pages (generated)
HTML_DIR = SITE_DIR / "_build" / "html"  # the site
SHEETS_DIR = ROOT / "runs" / "site"  # contact sheets of the browser check
BACKEND = "tensorflow"  # the course's default backend; its executed copies carry the outputs the site shows
MATHJAX = SITE_DIR / "node_modules" / "mathjax" / "es5"
# What of MathJax's es5 build a page loads: the TeX → CommonHTML component, its fonts and the TeX extensions
# it loads on demand (\boldsymbol, …), the accessibility and menu code.
MATHJAX_PARTS = ["tex-chtml.js", "output/chtml/fonts/woff-v2", "input/tex/extensions", "a11y", "ui"]
VIEWPORTS = [{"width": 1280, "height": 800}, {"width": 390, "height": 844}]  # a laptop and a phone
COLAB_BADGE = re.compile(r"\[!\[Open In Colab\]\([^)]*\)\]\(([^)]*)\)")
TABLE_ROW = re.compile(r"^\|\s*(\d\d)\s*\|")


def install_js() -> None:
    """Install MathJax from the npm registry into site/node_modules once."""
    if (MATHJAX / "tex-chtml.js").exists():
        return
    if shutil.which("npm") is None:
        sys.exit("Для формул на сайте нужен npm (Node.js): установите его и запустите `npm ci --prefix site`.")
    subprocess.run(["npm", "ci", "--prefix", str(SITE_DIR), "--no-audit", "--no-fund"], check=True)


def chapter(notebook: Path) -> nbformat.NotebookNode:
    """The executed copy of the notebook, marked for the site: no bootstrap, solutions collapsed, a Colab link."""
    nb = slides.executed_copy(notebook, BACKEND)
    if nb is None:
        sys.exit(f"{notebook.name}: нет выполненной копии с тем же кодом в runs/executed/{BACKEND}/; "
                 f"сначала KERAS_BACKEND={BACKEND} pytest notebooks/{notebook.name}")
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    _tag(code[0], "remove-cell")  # the bootstrap: plumbing for Colab, nothing to read
    for cell in code[1:]:
        if is_solution(cell):
            _tag(cell, "hide-cell")
            cell.metadata["mystnb"] = {"code_prompt_show": "Показать решение", "code_prompt_hide": "Скрыть решение"}
        if cell.source.rstrip().endswith(";"):  # Jupyter shows no value after «;»; nbval kept it
            cell.outputs = [out for out in cell.outputs if out.output_type != "execute_result"]
    for cell in nb.cells:
        if cell.cell_type == "markdown":  # the badge is an image from the network: a plain link instead
            cell.source = COLAB_BADGE.sub(r"[Открыть в Colab ↗](\1)", cell.source)
    return nb


def _tag(cell, tag: str) -> None:
    tags = cell.metadata.setdefault("tags", [])
    if tag not in tags:
        tags.append(tag)


def _title(nb: nbformat.NotebookNode) -> str:
    first = nb.cells[0].source.splitlines()[0]
    return first.lstrip("# ").strip()


def landing_page(notebooks: list[Path], titles: dict[str, str]) -> str:
    """The course table: chapter, what it teaches (README's table), Colab link; then the table of contents."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    teaches = {}
    for line in readme.splitlines():
        if TABLE_ROW.match(line):
            cells = [c.strip() for c in line.strip(" |").split("|")]
            teaches[cells[0]] = cells[2]
    from rnn_course.course import colab_url

    rows = [f"| [{titles[nb.stem]}]({nb.stem}.ipynb) | {teaches.get(nb.stem[:2], '')} "
            f"| [Colab ↗]({colab_url(f'notebooks/{nb.name}')}) |" for nb in notebooks]
    toc = "\n".join(nb.stem for nb in notebooks)
    return f"""# Рекуррентные нейронные сети: открытый курс на Keras 3

Курс на русском языке о рекуррентных сетях (RNN): от одного шага скрытого состояния
$h_t = \\tanh(x_t W_{{xh}} + h_{{t-1}} W_{{hh}} + b)$ до перевода с вниманием и подписей к картинкам.
Здесь ноутбуки показаны выполненными — с графиками и тем, что напечатали ячейки; чтобы запустить их
самому, откройте ноутбук в Colab или в JupyterLab (как — в README репозитория).

**Упражнения** «Проверьте себя»: заготовку заполняете вы, проверку делает функция курса, а эталонное решение
свёрнуто в ячейке под заготовкой — на этой странице оно открывается кнопкой «Показать решение».

| глава | чему учит | запустить |
|---|---|---|
{chr(10).join(rows)}

Цифры всех ноутбуков по профилям и бэкендам — на странице [«Результаты»](results.md);
условия использования — в разделе [«Лицензии»](licenses.md).

```{{toctree}}
:hidden:
:maxdepth: 1

{toc}
results
licenses
```
"""


LICENSES = """# Лицензии

- **Код** курса (пакет `rnn_course`, скрипты, тесты и код в ноутбуках) — лицензия MIT (файл `LICENSE` репозитория).
- **Текст и рисунки** (текст ноутбуков, этот сайт, рисунки, которые рисуют ноутбуки) —
  Creative Commons «Атрибуция — На тех же условиях» 4.0 Международная (CC BY-SA 4.0):
  можно копировать, переделывать и использовать в своих курсах, в том числе коммерческих, указав авторство
  и распространяя переделки на тех же условиях.
- **Данные** в папке `data/` — на условиях своих источников: *Алиса в Стране чудес* — Project Gutenberg #11
  (общественное достояние в США); отзывы IMDb — Maas et al., 2011; пары EN–RU — проект Tatoeba, CC-BY 2.0 FR.
  Профиль `full` ноутбука 06 скачивает COCO 2017 val (аннотации CC BY 4.0, фотографии — на условиях Flickr) и
  веса EfficientNetB0 из `keras.applications`. Подробности, размеры и sha256 — в `data/README.md`.
- Сайт собран Sphinx, myst-nb и sphinx-book-theme; формулы рисует MathJax 3 (Apache 2.0).
"""


def assemble(notebooks: list[Path]) -> None:
    """Write the site's sources: settings, styles, MathJax, the chapters, the landing, results and licence pages."""
    shutil.rmtree(SOURCE_DIR, ignore_errors=True)
    (SOURCE_DIR / "_static").mkdir(parents=True)
    shutil.copy(SITE_DIR / "conf.py", SOURCE_DIR / "conf.py")
    shutil.copytree(SITE_DIR / "_static", SOURCE_DIR / "_static", dirs_exist_ok=True)
    for part in MATHJAX_PARTS:
        source, target = MATHJAX / part, SOURCE_DIR / "_static" / "mathjax" / part
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, target)
    titles = {}
    for notebook in notebooks:
        nb = chapter(notebook)
        titles[notebook.stem] = _title(nb)
        nbformat.write(nb, SOURCE_DIR / notebook.name)
    (SOURCE_DIR / "index.md").write_text(landing_page(notebooks, titles), encoding="utf-8")
    results = ROOT / "results" / "README.md"
    body = results.read_text(encoding="utf-8") if results.exists() else "# Результаты\n\nПока нет.\n"
    (SOURCE_DIR / "results.md").write_text(body, encoding="utf-8")
    (SOURCE_DIR / "licenses.md").write_text(LICENSES, encoding="utf-8")


def build(notebooks: list[Path]) -> Path:
    """Assemble the sources and run Sphinx; return the site's index.html.

    Sphinx's warnings are printed but do not stop the build: what a reader would see broken is what
    ``check`` looks for in the browser.
    """
    from sphinx.cmd.build import build_main

    shutil.rmtree(HTML_DIR, ignore_errors=True)  # a failed build leaves no old site to be checked
    install_js()
    assemble(notebooks)
    status = build_main(["-b", "html", "-q", "-d", str(SITE_DIR / "_build" / "doctrees"),
                         str(SOURCE_DIR), str(HTML_DIR)])
    if status:
        sys.exit(f"Sphinx не собрал сайт (код {status}): см. предупреждения выше.")
    return HTML_DIR / "index.html"


def pages(html_dir: Path = HTML_DIR) -> list[Path]:
    """Every page of the built site."""
    return sorted(p for p in html_dir.glob("*.html"))


# Runs in the page once it has loaded: what a reader would see broken. MathJax typesets after the page has
# loaded; the check waits for it. Lazy images are asked to load now, so the whole page is checked.
INSPECT = """async () => {
  for (const img of document.images) img.loading = 'eager';
  await Promise.all([...document.images].map(img => img.decode().catch(() => null)));
  if (window.MathJax && MathJax.startup) await MathJax.startup.promise;
  const problems = [];
  const broken = [...document.images].filter(img => !img.complete || img.naturalWidth === 0);
  for (const img of broken) problems.push(`картинка не загрузилась: ${img.src.slice(0, 80)}`);
  const formulas = [...document.querySelectorAll('.math')];
  const raw = formulas.filter(el => !el.querySelector('mjx-container'));
  for (const el of raw.slice(0, 3)) problems.push(`формула не отрисована: ${el.textContent.slice(0, 60)}`);
  const errors = [...document.querySelectorAll('mjx-merror')];
  for (const el of errors.slice(0, 3)) problems.push(`ошибка в формуле: ${el.textContent.slice(0, 60)}`);
  // Text outside code that still holds TeX delimiters was not recognised as a formula.
  const article = document.querySelector('article') || document.body;
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement.closest('pre, code, script, style, mjx-container, .MathJax')) continue;
    const text = node.textContent;
    if (/\\$\\$|\\\\\\(|\\\\\\[|\\$[^$\\s]/.test(text)) {
      problems.push(`TeX без формулы: ${text.trim().slice(0, 60)}`);
      break;
    }
  }
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth > width + 1) {
    const clipped = el => {  // inside a block that scrolls or clips: it does not widen the page
      for (let up = el.parentElement; up && up !== document.body; up = up.parentElement)
        if (getComputedStyle(up).overflowX !== 'visible') return true;
      return false;
    };
    const wide = [...document.querySelectorAll('body *')]
      .filter(el => el.getBoundingClientRect().right > width + 1 && !clipped(el));
    const names = wide.slice(0, 3).map(el => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`);
    problems.push(`страница шире экрана: ${document.documentElement.scrollWidth} px > ${width} px (${names})`);
  }
  return {problems, images: document.images.length, formulas: formulas.length};
}"""

SEARCH = """async () => {
  for (let i = 0; i < 100 && !document.querySelector('#search-results li'); i++)
    await new Promise(done => setTimeout(done, 100));
  return document.querySelectorAll('#search-results li').length;
}"""


def check(html_dir: Path = HTML_DIR, *, sheets: bool = True, query: str = "LSTM") -> dict[str, dict]:
    """Open every page at 1280 and 390 px with the network blocked; per page: problems, images, formulas."""
    from playwright.sync_api import sync_playwright

    report = {}
    if sheets:
        SHEETS_DIR.mkdir(parents=True, exist_ok=True)
    with slides.serve(html_dir) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(slides.CHROMIUM), args=slides.CHROMIUM_ARGS)
        try:
            for html in pages(html_dir):
                entry, shots = {"problems": []}, []
                for viewport in VIEWPORTS:
                    seen, shot = _inspect(browser, url, html.name, viewport, query)
                    entry["problems"] += seen.pop("problems")
                    entry.update(seen)
                    shots.append(shot)
                entry["problems"] = list(dict.fromkeys(entry["problems"]))
                if sheets:
                    contact_sheet(shots, SHEETS_DIR / f"{html.stem}.png")
                report[html.name] = entry
        finally:
            browser.close()
    return report


def _inspect(browser, url: str, name: str, viewport: dict, query: str) -> tuple[dict, bytes]:
    """One page at one width: what INSPECT finds, requests outside the site, console errors; and a screenshot."""
    issues = []

    def route(route):
        if route.request.url.startswith(url):
            return route.continue_()
        issues.append(f"запрос в сеть: {route.request.url[:80]}")
        return route.abort()

    page = browser.new_page(viewport=viewport)
    page.route("**/*", route)
    page.on("console", lambda msg: msg.type == "error" and issues.append(f"консоль: {msg.text[:120]}"))
    page.on("pageerror", lambda error: issues.append(f"ошибка JavaScript: {error}"))
    page.on("response", lambda response: response.status >= 400
            and issues.append(f"HTTP {response.status}: {response.url[:80]}"))
    page.goto(f"{url}/{name}" + (f"?q={query}" if name == "search.html" else ""), wait_until="load")
    seen = page.evaluate(INSPECT)
    if name == "search.html":
        seen["search_results"] = page.evaluate(SEARCH)
        if not seen["search_results"]:
            seen["problems"].append(f"поиск «{query}» ничего не нашёл")
    shot = page.screenshot(full_page=True, type="jpeg", quality=70)  # shrunk for the sheet anyway; faster than PNG
    page.close()
    seen["problems"] = issues + [f"{viewport['width']} px: {problem}" for problem in seen["problems"]]
    return seen, shot


def contact_sheet(shots: list[bytes], target: Path, width: int = 320, column_height: int = 1600) -> None:
    """Each full-page screenshot scaled to ``width`` px and cut into columns side by side: desktop, then phone."""
    import io

    from PIL import Image

    columns = []
    for shot in shots:
        image = Image.open(io.BytesIO(shot)).convert("RGB")
        scale = width / image.width if image.width > width else 1.0
        image = image.resize((round(image.width * scale), max(1, round(image.height * scale))))
        for top in range(0, image.height, column_height):
            columns.append(image.crop((0, top, image.width, min(image.height, top + column_height))))
    pad = 8
    sheet = Image.new("RGB", (sum(c.width + pad for c in columns) + pad,
                              max(c.height for c in columns) + 2 * pad), "#888888")
    x = pad
    for column in columns:
        sheet.paste(column, (x, pad))
        x += column.width + pad
    sheet.save(target)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="по умолчанию все notebooks/NN_*.ipynb")
    parser.add_argument("--check", action="store_true", help="проверить каждую страницу в Chromium без сети")
    args = parser.parse_args()
    notebooks = [p.resolve() for p in args.notebooks] or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    start = time.perf_counter()
    index = build(notebooks)
    print(f"сайт: {index.relative_to(ROOT)} — страниц {len(pages())}, {time.perf_counter() - start:.0f} с")
    if args.check:
        start = time.perf_counter()
        report = check()
        (SHEETS_DIR / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
        for name, entry in report.items():
            print(f"{name}: картинок {entry['images']}, формул {entry['formulas']}, проблем {len(entry['problems'])}")
            for problem in entry["problems"]:
                print(f"    {problem}")
        print(f"проверка в браузере: {time.perf_counter() - start:.0f} с, обзоры страниц — {SHEETS_DIR}")
        sys.exit(1 if any(entry["problems"] for entry in report.values()) else 0)


if __name__ == "__main__":
    main()
