"""Terminal output for the CLI: plain sentences, rich where it helps, NO_COLOR respected.

Rich honours ``NO_COLOR`` itself; we also drop styling when stdout is not a terminal so logs and
pipes get plain text.
"""

from __future__ import annotations

import json
import sys
from functools import cache
from typing import Any

from rich.console import Console


@cache
def out() -> Console:
    return Console(highlight=False, soft_wrap=True)


@cache
def err() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


def say(text: str = "", style: str | None = None) -> None:
    out().print(text, style=style, markup=False)


def warn(text: str) -> None:
    err().print(text, style="yellow", markup=False)


def error(text: str) -> None:
    err().print(f"error: {text}", style="bold red", markup=False)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
