"""Russian words that meet numbers: «1 ядро», «2 ядра», «5 ядер»."""

from __future__ import annotations


def plural(count: int, one: str, few: str, many: str) -> str:
    """``count`` with the noun in the form Russian needs: plural(21, "эпоха", "эпохи", "эпох") == "21 эпоха"."""
    if count % 10 == 1 and count % 100 != 11:
        return f"{count} {one}"
    if count % 10 in (2, 3, 4) and count % 100 not in (12, 13, 14):
        return f"{count} {few}"
    return f"{count} {many}"
