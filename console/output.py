"""Terminal output for the CLI: plain sentences, a little colour on a terminal, NO_COLOR respected.

Colour is a handful of ANSI codes written by hand: importing rich costs ~20 ms, which ``status``
cannot afford. Rich is still used, lazily, for progress bars (``err()`` gives its console).
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from rich.console import Console

_WRAPPING = [True]  # False while --json's envelope captures the output (one_line_each)
_GLUE = "\x00"  # a space inside a `command`, not a place to break the line

ANSI = {
    "bold": "1", "dim": "2", "red": "31", "green": "32", "yellow": "33", "blue": "34",
    "cyan": "36", "bold red": "1;31", "bold green": "1;32", "bold yellow": "1;33",
}


def coloured(stream: TextIO) -> bool:
    return not os.environ.get("NO_COLOR") and stream.isatty() and os.environ.get("TERM") != "dumb"


def _write(stream: TextIO, text: str, style: str | None) -> None:
    """Every line goes through the secret scrubber: a token that slipped into a message (an URL
    with ``user:TOKEN@``, an exception text) is masked on the terminal too."""
    from services.secrets import scrub

    text = scrub(text)
    code = ANSI.get(style or "")
    if code and coloured(stream):
        text = f"\x1b[{code}m{text}\x1b[0m"
    stream.write(text + "\n")
    stream.flush()


@cache
def err() -> Console:
    """A rich console on stderr, for progress bars (imported only when one is shown)."""
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)


def say(text: str = "", style: str | None = None) -> None:
    _write(sys.stdout, text, style)


def say_wrapped(text: str, style: str | None = None, *, first: str = "", rest: str = "  ") -> None:
    """A sentence for people, wrapped as :func:`hanging` wraps it (continued two columns in):
    `status`'s "Every step is stopped" and "Also:" lines ran to 200 columns, cut mid-word."""
    say(hanging(text, first, rest), style)


def hanging(text: str, first: str, rest: str) -> str:
    """``first`` and ``text`` wrapped at the terminal's width (80 when stdout is not one), the
    lines after the first indented by ``rest``: `status` printed a blocker as one line of 200
    columns, which the terminal cut mid-word. Words are never cut, not at a hyphen either
    (`release-console`, a path), nor a `command` in backticks. Scrubbed first, so no secret is
    split across lines where the scrubber would miss it."""
    if not _WRAPPING[-1]:
        return first + text
    import shutil

    from services.secrets import scrub

    width = max(shutil.get_terminal_size((80, 24)).columns, len(rest) + 20)
    # a `command` in backticks is one word: copied from the terminal, a line break inside it
    # would run half of it (walked: "Next: `release-console" / "  status`.")
    glued = re.sub(r"`[^`\n]+`", lambda m: m.group().replace(" ", _GLUE), scrub(text))
    # a text of several lines keeps them (yank's note quotes its two-line banner), each one
    # after the first starting under the text
    return "\n".join(_fill(line, width, first if number == 0 else rest, rest)
                     for number, line in enumerate(glued.split("\n"))).replace(_GLUE, " ")


def _fill(line: str, width: int, first: str, rest: str) -> str:
    """One line of text filled word by word. A word too long for any line stays after the
    word before it ("Remote origin: /a/long/path"): on a line of its own it would not fit
    either, and its label would be left alone above it."""
    words = re.split(r"( +)", line.strip(" "))  # words at even places, the spaces between
    if words == [""]:
        return ""
    out: list[str] = []
    current = first + words[0]
    for space, word in zip(words[1::2], words[2::2], strict=True):
        if len(current) + len(space) + len(word) <= width or len(rest) + len(word) > width:
            current += space + word
        else:
            out.append(current)
            current = rest + word
    return "\n".join([*out, current])


@contextmanager
def one_line_each() -> Iterator[None]:
    """:func:`hanging` leaves each text on one line while this lasts: the ``--json`` envelope's
    ``output`` holds a line per thing said, and a script reading a note or a ``Next:`` there
    must not find it cut into the terminal's lines."""
    _WRAPPING.append(False)
    try:
        yield
    finally:
        _WRAPPING.pop()


def warn(text: str) -> None:
    _write(sys.stderr, text, "yellow")


def error(text: str) -> None:
    """A refusal: one line when stderr is not a terminal (a script greps it, a log keeps it
    whole), wrapped under its text at one (walked: `next` on a blocked step printed 300 columns
    the terminal cut mid-word)."""
    said = hanging(text, "error: ", " " * 7) if sys.stderr.isatty() else f"error: {text}"
    _write(sys.stderr, said, "bold red")


def print_json(data: Any) -> None:
    from services.secrets import scrub

    sys.stdout.write(scrub(json.dumps(data, indent=2, ensure_ascii=False)) + "\n")
