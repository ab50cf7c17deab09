"""Setting aside a journal entry that a crash cut off, so the release can go on.

An entry is appended in one write and fsynced, so a killed console cannot cut one; a power loss
or a full disk can leave the last line half written. The chain then fails verification and every
step stops, rightly: nothing may be appended after a line nobody can read. But when the damage is
only that last line, after every entry the session records (the session is saved after its
entry, so it never records a cut one), nothing the release relied on is lost: the entry's step
reconciles with the world when it runs again. So the fragment is moved, byte for byte, to a file
beside the journal (never deleted: it is part of the audit trail), the journal goes on from its
last whole entry, and an entry says what was set aside. Any other damage is refused here: an
edited or removed entry is for a backup copy and a person, not for a command.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from services.atomic import write_bytes_atomic
from services.errors import ConsoleError
from services.journal import Journal
from services.recorder import JOURNAL_REMEDY, Recorder
from services.session import Session, SessionStore
from services.step_protocol import FileChange, Plan

REPAIR_REMEDY = ("Run `release-console journal repair` (in the TUI: Ctrl+P, \"Repair the "
                 "journal\"): it moves the cut-off entry to a file beside the journal and the "
                 "release goes on from the last whole entry.")


@dataclass(frozen=True)
class CutTail:
    """A last line a crash cut off, after everything the session records."""

    journal: Path
    offset: int  # where the whole entries end
    entries: int  # how many whole entries come before it
    fragment: bytes

    @property
    def kept_in(self) -> Path:
        """Named for the entry it was meant to be; never overwrites an earlier one."""
        name = f"journal.cut-{self.entries + 1}.bin"
        return self.journal.with_name(name)


def cut_tail(journal: Journal, session: Session) -> CutTail | None:
    """The journal's damage, when it is only a cut-off last line after the session's entries."""
    if not journal.path.exists():
        return None
    data = journal.path.read_bytes()
    offset, hashes = journal.whole_entries(data)
    fragment = data[offset:]
    if not fragment or b"\n" in fragment.rstrip(b"\n"):
        return None  # intact, or more than one bad line: not what a crash leaves
    recorded = session.journal_count
    if len(hashes) < recorded or (recorded and hashes[recorded - 1] != session.journal_head):
        return None  # the session records entries the file no longer holds whole
    return CutTail(journal.path, offset, len(hashes), fragment)


def require_cut_tail(journal: Journal, session: Session) -> CutTail:
    """The cut-off last line, or the sentence that refuses any other damage."""
    tail = cut_tail(journal, session)
    if tail is None:
        raise ConsoleError(
            f"{journal.path} is not only cut off at its end; `journal repair` sets aside "
            "nothing else, and nothing was changed.",
            remedy="Run `release-console journal verify` to see the first bad line, then "
            "restore the journal from a bundle or backup copy.")
    return tail


def journal_remedy(store: SessionStore, session: Session) -> str:
    """What to do about a journal that fails verification: repair a crash's cut, else restore."""
    journal = Journal(store.directory(session.tag) / "journal.jsonl")
    return REPAIR_REMEDY if cut_tail(journal, session) else JOURNAL_REMEDY


def repair_plan(tail: CutTail) -> Plan:
    """What ``set_aside`` does, for the confirmation (CLI and TUI)."""
    return Plan(
        summary=f"The last line of {tail.journal} is cut off ({len(tail.fragment)} bytes after "
        f"entry {tail.entries}, which the session records): a crash stopped its write.",
        changes=[FileChange(str(tail.kept_in), f"+ those {len(tail.fragment)} bytes, as they "
                            "are (a new file: kept, never deleted)"),
                 FileChange(str(tail.journal), f"- the cut-off line {tail.entries + 1}\n"
                            f"+ entry {tail.entries + 1}: cut-off entry set aside")],
        notes=["The step that was writing it reconciles with the world when it runs again "
               "(`release-console next`)."])


def set_aside(recorder: Recorder) -> CutTail:
    """Move the cut-off entry beside the journal and record that; refused for other damage."""
    journal = recorder.journal
    with recorder.locked() as session:  # no other console appends while the file is rewritten
        tail = require_cut_tail(journal, session)
        if tail.kept_in.exists():
            raise ConsoleError(f"{tail.kept_in} is already there; nothing was changed.",
                               remedy="Move it somewhere safe, then run `journal repair` again.")
        write_bytes_atomic(tail.kept_in, tail.fragment, mode=0o644)
        write_bytes_atomic(journal.path, journal.path.read_bytes()[:tail.offset])
    recorder.record("journal", "cut-off entry set aside", outputs={
        "kept_in": tail.kept_in.name, "bytes": len(tail.fragment),
        "sha256": hashlib.sha256(tail.fragment).hexdigest(), "after_entry": tail.entries})
    return tail
