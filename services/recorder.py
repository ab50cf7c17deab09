"""Recording what happened to a release: the session, its journal and the journal's head, together.

Every change to a release goes through :meth:`Recorder.record`: under the session's lock it
re-reads the session, applies the change, appends the journal entry and stores the journal's new
head in the session, then saves it. So the session always names the journal entry that explains
it, and a TUI and a CLI in another terminal working on the same release add up instead of
overwriting each other.

A kill can land between the journal's append and the session's save. For a change that finishes
a step (done, adopted, skipped) the journal must come first: a session that says "done" is only
believed when a journal entry finished the step (:mod:`services.journal_audit`), and a session
left saying less than the journal (the step running, so interrupted) has the step run again,
reconciling with the world. A change that only takes a step back (a step starts running, steps
reopen for a redo) is the other way round: alone, the journal entry would leave the session
saying "ready" for a step the journal says started, or "done" for steps the journal says were
reopened, which the audit then calls an edited session file and stops every step. So those are
saved to the session first (``session_first``), then journaled, then saved with the journal's
head: a kill in between leaves the step interrupted or reopened, which plain ``next`` finishes.
"""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any, Protocol

from services.journal import Journal, JournalError
from services.session import Session, SessionStore

JOURNAL_REMEDY = ("Run `release-console journal verify`, then restore the journal from a bundle or "
                  "backup copy; every step stays stopped until it verifies.")


def journal_problem(store: SessionStore, session: Session) -> str:
    """Why the session's journal fails verification, in one sentence; "" when intact."""
    journal = Journal(store.directory(session.tag) / "journal.jsonl")
    problems = journal.verify(expected_head=session.journal_head,
                              expected_count=session.journal_count)
    if not problems:
        return ""
    first = problems[0]
    where = f"line {first.line}" if first.line else "the file"
    return (f"the journal {journal.path} fails verification at {where} ({first.message}), "
            "so nothing more is recorded in it.")


class RecordAction(Protocol):
    """What a service that changes a release is given to record it (``Context.record``): the
    journal entry and the session change, made together by :meth:`Recorder.record`."""

    def __call__(self, step: str, action: str, *, inputs: dict[str, Any] | None = None,
                 outputs: dict[str, Any] | None = None,
                 update: Callable[[Session], object] | None = None,
                 session_first: bool = False) -> None: ...


class Recorder:
    """Journal-and-session updates of one release, made as one locked step."""

    def __init__(self, store: SessionStore, tag: str, *, actor: str,
                 clock: Callable[[], datetime]) -> None:
        self.store = store
        self.tag = tag
        self.actor = actor
        self.clock = clock

    @property
    def journal(self) -> Journal:
        return Journal(self.store.directory(self.tag) / "journal.jsonl")

    @contextlib.contextmanager
    def locked(self) -> Iterator[Session]:
        """Hold the session lock, re-read the session, yield it, and save it afterwards."""
        directory = self.store.directory(self.tag)
        directory.mkdir(parents=True, exist_ok=True)
        with open(directory / ".lock", "a+") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                fresh = self.store.load(self.tag)
                yield fresh
                self.store.save(fresh, now=self.clock())
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def record(self, step: str, action: str, *, inputs: dict[str, Any] | None = None,
               outputs: dict[str, Any] | None = None,
               update: Callable[[Session], object] | None = None,
               session_first: bool = False) -> Session:
        """Journal an action and (optionally) change the session; returns the saved session.

        Nothing is appended to a journal whose chain is broken: the audit trail would go on from
        a point nobody can vouch for. With ``session_first`` the change is saved before the
        entry is appended (for changes that only take steps back: see the module's docstring).
        """
        with self.locked() as session:
            problem = journal_problem(self.store, session)
            if problem:
                from services.journal_repair import journal_remedy

                raise JournalError(f"Cannot record '{action}' for {step}: {problem}",
                                   remedy=journal_remedy(self.store, session))
            if update is not None:
                update(session)
                if session_first:
                    self.store.save(session, now=self.clock())
            head, count = self.journal.append(actor=self.actor, step=step, action=action,
                                               inputs=inputs, outputs=outputs, now=self.clock())
            session.journal_head, session.journal_count = head, count
        return session
