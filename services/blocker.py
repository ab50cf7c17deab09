"""Why a step cannot run yet: a value the checklist carries across threads and processes.

Apart from ``services.step_protocol`` (which re-exports it) so the home screen's first frame can
read blockers without importing the step machinery.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from services.errors import ConsoleError


@dataclass(frozen=True)
class Blocker:
    """Why a step cannot run yet, in a captain's words, and what to do about it."""

    reason: str
    remedy: str = ""  # in the command line's terms: the command to type
    tui: str = ""  # in the TUI's terms: the key or control on the step's screen (may be empty)

    def __str__(self) -> str:
        return f"{self.reason} {self.remedy}".strip()

    @property
    def tui_remedy(self) -> str:
        """What the TUI shows: its own remedy when the blocker has one, else the CLI's."""
        return self.tui or self.remedy


def dirty_tree_blockers(dirty: list[str], remedy: str) -> list[Blocker]:
    """The blocker for uncommitted changes, naming the first few paths; none for a clean tree."""
    if not dirty:
        return []
    return [Blocker(f"The working tree has uncommitted changes: {', '.join(dirty[:3])}.", remedy)]


def as_blocker(err: ConsoleError) -> Blocker:
    """A step's check that raised: its sentence and remedy stay apart (the TUI shows the remedy
    on its own line, in its own words when the error has them)."""
    return Blocker(err.message, err.remedy, err.tui)
