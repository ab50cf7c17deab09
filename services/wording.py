"""Counts as a captain reads them: "1 commit", "2 commits", never "commit(s)"."""

from __future__ import annotations


def counted(n: int, noun: str, plural: str = "") -> str:
    """``n`` and the noun in the right number (``plural`` when adding "s" is wrong)."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"
