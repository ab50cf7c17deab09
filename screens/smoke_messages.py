"""The smoke screen's sign-off as sent, and the messages its write worker posts back.

Kept apart from :mod:`screens.steps.smoke` to keep that module readable; an :class:`Entry` is
also what the app keeps for a refused sign-off (``kept``), so it holds only what the form held:
tester, hardware, ticks and the note, never anything secret.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from services import smoke


@dataclass(frozen=True)
class Entry:
    """One architecture's sign-off as the form held it when ctrl+s was pressed."""

    arch: str
    tester: str
    hardware: str
    marks: list[smoke.Mark]
    note: str


@dataclass(eq=False)
class NotRecorded(Message):
    """The sign-off was refused; the form gets it back."""

    entry: Entry
    error: str


@dataclass(eq=False)
class Recorded(Message):
    """A sign-off is in the session; the form moves to the next architecture."""

    arch: str
    tester: str
    failed: list[str]

