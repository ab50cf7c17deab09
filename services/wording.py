"""Words as a captain reads them: "1 commit", "2 commits", never "commit(s)"; glyphs a terminal
draws as wide as Textual counts them."""

from __future__ import annotations


def counted(n: int, noun: str, plural: str = "") -> str:
    """``n`` and the noun in the right number (``plural`` when adding "s" is wrong)."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def single_width(text: str) -> str:
    """``text`` as a terminal draws it where Textual expects: without emoji presentation
    selectors (U+FE0F). GitHub's ``⚠️ YANKED`` banner is drawn two cells wide by terminals while
    Textual counts one, which pushed a dialog's border out of line; the bare ``⚠`` is one cell
    everywhere. What goes to GitHub keeps the selector: this is only for the screen."""
    return text.replace("\ufe0f", "")
