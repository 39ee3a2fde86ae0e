"""Publish run results into results/ and the README table (a maintainer command).

Usage:  python -m utils.report [--publish] [--readme README.md] [--results results] [--runs runs]

With --publish, the latest run of every notebook (runs/<profile>/*.json, git-ignored) is copied to
results/<profile>/ first. The table replaces whatever stands between the two markers below.
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

from .results import RESULTS_DIR, ROOT, RUNS_DIR

START = "<!-- results:start -->"
END = "<!-- results:end -->"


def publish(runs_dir: Path, results_dir: Path) -> list[Path]:
    """Copy every run result into the committed results folder; return the copied files."""
    sources = sorted(runs_dir.glob("*/*.json"))
    for source in sources:
        json.loads(source.read_text(encoding="utf-8"))  # a broken file must not reach the README
    copied = []
    for source in sources:
        target = results_dir / source.parent.name / source.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        copied.append(target)
    return copied


def load_results(results_dir: Path) -> list[dict]:
    """All result entries, sorted by notebook, profile and backend."""
    entries = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(results_dir.glob("*/*.json"))]
    return sorted(entries, key=lambda e: (e["notebook"], e["profile"], e["backend"]))


def results_table(entries: list[dict]) -> str:
    """Markdown table: one row per notebook, profile and backend."""
    if not entries:
        return "_Результатов пока нет: запустите ноутбуки._"
    lines = [
        "| ноутбук | профиль | бэкенд | метрики | время, с | машина | дата |",
        "|---|---|---|---|---|---|---|",
    ]
    for e in entries:
        metrics = ", ".join(f"`{k}` {_format(v)}" for k, v in e["metrics"].items())
        lines.append(
            f"| {e['notebook']} | {e['profile']} | {e['backend']} | {metrics} | {e['seconds']:.0f} "
            f"| {e['machine']} | {e['date']} |"
        )
    return "\n".join(lines)


def _format(value: float) -> str:
    return f"{value:.4g}"


def update_readme(readme: Path, table: str) -> None:
    """Replace the text between the START and END markers of the README with the table."""
    text = readme.read_text(encoding="utf-8")
    if START not in text or END not in text or text.index(START) > text.index(END):
        raise ValueError(f"В {readme} нет пары маркеров {START} … {END}: добавьте их туда, где нужна таблица.")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    readme.write_text(f"{head}{START}\n{table}\n{END}{tail}", encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Publish run results into results/ and the README table")
    parser.add_argument("--publish", action="store_true", help="copy runs/ into results/ first")
    parser.add_argument("--readme", type=Path, default=ROOT / "README.md")
    parser.add_argument("--results", type=Path, default=RESULTS_DIR)
    parser.add_argument("--runs", type=Path, default=RUNS_DIR)
    args = parser.parse_args(argv)
    if args.publish:
        for path in publish(args.runs, args.results):
            print(f"опубликовано: {path}")
    table = results_table(load_results(args.results))
    update_readme(args.readme, table)
    print(table)


if __name__ == "__main__":
    main()
