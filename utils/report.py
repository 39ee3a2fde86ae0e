"""Aggregate results/*/*.json into a Markdown table inside README.md.

Usage:  python -m utils.report [--readme README.md] [--results results]
The table replaces whatever stands between the two markers below.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from .results import RESULTS_DIR, ROOT

START = "<!-- results:start -->"
END = "<!-- results:end -->"


def load_results(results_dir: Path) -> list[dict]:
    """All result entries, sorted by notebook then profile."""
    entries = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(results_dir.glob("*/*.json"))]
    return sorted(entries, key=lambda e: (e["notebook"], e["profile"]))


def results_table(entries: list[dict]) -> str:
    """Markdown table: one row per notebook and profile."""
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
    parser = argparse.ArgumentParser(description="Write the results table into README.md")
    parser.add_argument("--readme", type=Path, default=ROOT / "README.md")
    parser.add_argument("--results", type=Path, default=RESULTS_DIR)
    args = parser.parse_args(argv)
    table = results_table(load_results(args.results))
    update_readme(args.readme, table)
    print(table)


if __name__ == "__main__":
    main()
