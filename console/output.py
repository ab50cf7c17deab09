"""Terminal output for the CLI: plain sentences, a little colour on a terminal, NO_COLOR respected.

Colour is a handful of ANSI codes written by hand: importing rich costs ~20 ms, which ``status``
cannot afford. Rich is still used, lazily, for progress bars (``err()`` gives its console).
"""

from __future__ import annotations

import json
import os
import sys
from functools import cache
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from rich.console import Console

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


def hanging(text: str, first: str, rest: str) -> str:
    """``first`` and ``text`` wrapped at the terminal's width (80 when stdout is not one), the
    lines after the first indented by ``rest``: `status` printed a blocker as one line of 200
    columns, which the terminal cut mid-word. Words are never cut, not at a hyphen either
    (`release-console`, a path); a word longer than the line is left whole. Scrubbed first, so
    no secret is split across lines where the scrubber would miss it."""
    import shutil
    import textwrap

    from services.secrets import scrub

    width = max(shutil.get_terminal_size((80, 24)).columns, len(rest) + 20)
    return textwrap.fill(scrub(text), width=width, initial_indent=first, subsequent_indent=rest,
                         break_long_words=False, break_on_hyphens=False)


def warn(text: str) -> None:
    _write(sys.stderr, text, "yellow")


def error(text: str) -> None:
    _write(sys.stderr, f"error: {text}", "bold red")


def print_json(data: Any) -> None:
    from services.secrets import scrub

    sys.stdout.write(scrub(json.dumps(data, indent=2, ensure_ascii=False)) + "\n")
