"""The smoke screen's data, its sign-off as sent, and the messages its write worker posts back.

Kept apart from :mod:`screens.steps.smoke` to keep that module readable; an :class:`Entry` is
also what the app keeps for a refused sign-off (``kept``), so it holds only what the form held:
tester, hardware, ticks and the note, never anything secret.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from textual.message import Message

from services import smoke


@dataclass(frozen=True)
class SmokeView:
    """The policy's architectures and checks, the default tester and each arch's state."""

    arches: tuple[str, ...]
    checks: tuple[str, ...]
    tester: str
    statuses: tuple[smoke.ArchStatus, ...]
    elsewhere: str = ""  # air-gapped: why no sign-off is recorded here now (the bundle is out)
    release: str = ""  # the release the refused sign-offs are kept for (tag and start time)

    def first_open(self, after: str = "", sent: Collection[str] = ()) -> str | None:
        """The first architecture still to sign off: after ``after`` when given, then the ones
        before it (signed out of order), never ``after`` itself nor one already ``sent``."""
        todo = [s.arch for s in self.statuses
                if s.state != "ok" and s.arch != after and s.arch not in sent]
        if after in self.arches:
            todo.sort(key=lambda a: self.arches.index(a) < self.arches.index(after))
        return todo[0] if todo else None


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
    noted: list[str] = field(default_factory=list)  # passed checks the note was recorded on

