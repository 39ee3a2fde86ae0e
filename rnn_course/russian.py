"""Russian words that meet numbers: «1 ядро», «2 ядра», «5 ядер»; digit groups split by a space: «31 114»."""

from __future__ import annotations


def plural(count: int, one: str, few: str, many: str) -> str:
    """``count`` with the noun in the form Russian needs: plural(21, "эпоха", "эпохи", "эпох") == "21 эпоха"."""
    if count % 10 == 1 and count % 100 != 11:
        return f"{count} {one}"
    if count % 10 in (2, 3, 4) and count % 100 not in (12, 13, 14):
        return f"{count} {few}"
    return f"{count} {many}"


def number(value: float, digits: int = 0) -> str:
    """``value`` with digit groups split by a no-break space, as Russian writes them: number(31114) == "31 114".

    Python's ``{:,}`` puts commas there, which a Russian reader takes for a decimal point.
    """
    return f"{value:,.{digits}f}".replace(",", "\u00a0")
