"""Words as a captain reads them: "1 commit", "2 commits", never "commit(s)"; glyphs a terminal
draws as wide as Textual counts them."""

from __future__ import annotations

import re
from collections.abc import Sequence


def counted(n: int, noun: str, plural: str = "") -> str:
    """``n`` and the noun in the right number (``plural`` when adding "s" is wrong)."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def listed(items: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``: several names in one sentence ("" for none)."""
    if len(items) < 3:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def duration(n: float) -> str:
    """A wait as a captain reads it: "10 seconds", "1 second", "0.5 seconds"."""
    return f"{n:g} second{'' if n == 1 else 's'}"


def single_width(text: str) -> str:
    """``text`` as a terminal draws it where Textual expects: without emoji presentation
    selectors (U+FE0F). GitHub's ``⚠️ YANKED`` banner is drawn two cells wide by terminals while
    Textual counts one, which pushed a dialog's border out of line; the bare ``⚠`` is one cell
    everywhere. What goes to GitHub keeps the selector: this is only for the screen."""
    return text.replace("\ufe0f", "")


# An ordinary word that starts a sentence: "A", or a capital then lower-case letters ("The",
# "Waits", "Sign-off"), ended by a space or a comma, semicolon or colon. "GitHub", "GnuPG",
# "SHA256SUMS", "CI", "HEAD", "PAI", "v1.3.0", "/tmp/key", "'Sign ...'", "`release-console`",
# "Git's" and "Release-1.3" do not match, and stay as written.
_ORDINARY_FIRST = re.compile(r"(?:A|[A-Z][a-z]+(?:-[a-z]+)*)(?=[ ,;:])")
_TITLE_WORD = re.compile(r" [A-Z][a-z]+\b")  # "Release Console": a name in title case
# Names spelt like an ordinary word that a reason may start with.
NAMES = frozenset({"Git", "Python", "Textual", "Minisign", "Linux", "Windows", "Debian",
                   "Ubuntu", "Markdown", "Unicode"})


def mid_sentence(text: str) -> str:
    """``text``, a sentence of its own, as it reads after a colon or "but" in a longer one:
    "'Sign with the hardware token' cannot run yet: the minisign key ..." (the air-gap walk
    found "cannot run yet: The minisign key ..."). Only an ordinary first word is lower-cased;
    a name, a path, a tag, an acronym or a code word is left as written, and so is a word
    followed by another capitalised one ("Release Console")."""
    found = _ORDINARY_FIRST.match(text)
    if found is None or found.group() in NAMES or _TITLE_WORD.match(text, found.end()):
        return text
    return text[0].lower() + text[1:]
