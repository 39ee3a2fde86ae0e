"""Publish run results into results/ and write the results page (a maintainer command).

Usage:  python -m rnn_course.report [--publish] [--page results/README.md] [--results results] [--runs runs]

With --publish, the latest run of every notebook (runs/<profile>/*.json, git-ignored) is copied to
results/<profile>/ first. The results page (results/README.md, which the course site shows as its
«Результаты» page) is then written from every record in results/: per notebook, one column per profile
and backend with its figures, time, machine and date. The README only links to it.
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

from .published import RESULTS_DIR, ROOT
from .results import RUNS_DIR

PROFILES = ["quick", "full"]
BACKENDS = ["tensorflow", "jax", "torch"]

INTRO = """\
# Результаты

Цифры из реальных запусков ноутбуков. Каждый ноутбук записывает свои главные метрики (`rnn_course.record`)
в `runs/<профиль>/<ноутбук>.<бэкенд>.json` (эта папка не в git); команда сопровождающего
`python -m rnn_course.report --publish` копирует их в `results/<профиль>/` и пишет эту страницу.
У каждого столбца — профиль (`quick` или `full`), бэкенд Keras, время всего ноутбука, машина и дата запуска.
Время зависит от машины и от того, что шло на ней рядом: `.ci/run` запускает ноутбуки на TensorFlow и на JAX
одновременно. Ассерты ноутбуков проверяют пороги качества для своего профиля; здесь — что получилось.
"""


def publish(runs_dir: Path, results_dir: Path) -> list[Path]:
    """Copy every run result (runs/<profile>/*.json) into the committed results folder; return the copied files.

    Only the profile folders: runs/ also holds other tools' JSON (the site test's report, robustness runs)."""
    sources = sorted(source for profile in PROFILES for source in (runs_dir / profile).glob("*.json"))
    for source in sources:
        json.loads(source.read_text(encoding="utf-8"))  # a broken file must not reach the results page
    copied = []
    for source in sources:
        target = results_dir / source.parent.name / source.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        copied.append(target)
    return copied


def load_results(results_dir: Path) -> list[dict]:
    """All result entries, sorted by notebook, profile (quick first) and backend (TensorFlow first)."""
    entries = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(results_dir.glob("*/*.json"))]
    return sorted(entries, key=lambda e: (e["notebook"], _rank(PROFILES, e["profile"]), _rank(BACKENDS, e["backend"])))


def _rank(order: list[str], name: str) -> tuple[int, str]:
    return (order.index(name) if name in order else len(order), name)


def results_table(entries: list[dict]) -> str:
    """Markdown table of one notebook: a row per metric, then time, machine and date; a column per run."""
    metrics = list(dict.fromkeys(name for e in entries for name in e["metrics"]))
    lines = ["| | " + " | ".join(f"{e['profile']} · {e['backend']}" for e in entries) + " |",
             "|---|" + "---|" * len(entries)]
    for name in metrics:
        values = [_format(e["metrics"][name]) if name in e["metrics"] else "—" for e in entries]
        lines.append(f"| `{name}` | " + " | ".join(values) + " |")
    lines.append("| время, с | " + " | ".join(f"{e['seconds']:.0f}" for e in entries) + " |")
    lines.append("| машина | " + " | ".join(e["machine"] for e in entries) + " |")
    lines.append("| дата | " + " | ".join(e["date"] for e in entries) + " |")
    return "\n".join(lines)


def _format(value: float | list[float]) -> str:
    if isinstance(value, list):  # a metric per step or per horizon
        return "[" + ", ".join(_format(v) for v in value) + "]"
    return f"{value:.4g}"


def _title(notebook: str, notebooks_dir: Path) -> str:
    """The notebook's title cell (`# 03. …`) where the notebook is at hand, else its name."""
    path = notebooks_dir / f"{notebook}.ipynb"
    if path.exists():
        first = json.loads(path.read_text(encoding="utf-8"))["cells"][0]["source"]
        line = ("".join(first) if isinstance(first, list) else first).splitlines()[0]
        if line.startswith("# "):
            return f"{line[2:].strip()} (`{notebook}`)"
    return f"`{notebook}`"


def results_page(entries: list[dict], notebooks_dir: Path = ROOT / "notebooks") -> str:
    """The whole results page: the introduction and a section per notebook."""
    if not entries:
        return INTRO + "\n_Результатов пока нет: запустите ноутбуки._\n"
    sections = []
    for notebook in dict.fromkeys(e["notebook"] for e in entries):
        own = [e for e in entries if e["notebook"] == notebook]
        sections.append(f"## {_title(notebook, notebooks_dir)}\n\n{results_table(own)}\n")
    return INTRO + "\n" + "\n".join(sections)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Publish run results into results/ and write the results page")
    parser.add_argument("--publish", action="store_true", help="copy runs/ into results/ first")
    parser.add_argument("--results", type=Path, default=RESULTS_DIR)
    parser.add_argument("--page", type=Path, help="the results page (default: <results>/README.md)")
    parser.add_argument("--runs", type=Path, default=RUNS_DIR)
    args = parser.parse_args(argv)
    if args.publish:
        for path in publish(args.runs, args.results):
            print(f"опубликовано: {path}")
    page = args.page or args.results / "README.md"
    page.write_text(results_page(load_results(args.results)), encoding="utf-8")
    print(f"страница результатов: {page}")


if __name__ == "__main__":
    main()
