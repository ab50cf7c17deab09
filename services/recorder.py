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
So are the changes that finish nothing and would be lost with their session save (a new session,
a smoke sign-off, a checklist tick, an abandon): the captain sees in the session what was done.

The entry itself (its reason, say) goes into that first save too, as ``journal_pending``, so
a kill before the append loses nothing: every record first writes what a killed one left
waiting (:meth:`Recorder.settle`), and ``journal repair`` does it for a session nothing records
in any more (an abandoned one). An entry already appended before the kill is not written twice.
"""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any, Protocol

from services.journal import Journal, JournalError
from services.session import Session, SessionStore, iso

# The actions recorded session-first (their entry waits in the session until appended): a step
# started or resumed, a redo, a new session, a sign-off, a tick, an abandon, a yank asked for.
# None finishes a step; settle writes nothing else, whatever an edited session file holds.
STAGED = frozenset({"started", "resumed", "reopened", "signed off", "checklist ticked",
                    "abandoned", "yank requested"})

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
    def _lock(self) -> Iterator[None]:
        directory = self.store.directory(self.tag)
        directory.mkdir(parents=True, exist_ok=True)
        with open(directory / ".lock", "a+") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    @contextlib.contextmanager
    def locked(self) -> Iterator[Session]:
        """Hold the session lock, re-read the session, yield it, and save it afterwards."""
        with self._lock():
            fresh = self.store.load(self.tag)
            yield fresh
            self.store.save(fresh, now=self.clock())

    @contextlib.contextmanager
    def settled(self) -> Iterator[Session]:
        """Hold the session lock with nothing waiting: what a killed record left waiting is
        written first (and saved), then the session is yielded and left as it is. For a reader
        that takes the session file and the journal as one state: the bundle export packs both,
        and an entry carried across waiting would be journaled by both machines."""
        with self._lock():
            fresh = self.store.load(self.tag)
            if fresh.journal_pending:
                self.refuse_broken_chain(fresh, "Cannot write the waiting journal entries")
                self.settle(fresh)
                self.store.save(fresh, now=self.clock())
            yield fresh

    def record(self, step: str, action: str, *, inputs: dict[str, Any] | None = None,
               outputs: dict[str, Any] | None = None,
               update: Callable[[Session], object] | None = None,
               session_first: bool = False) -> Session:
        """Journal an action and (optionally) change the session; returns the saved session.

        Nothing is appended to a journal whose chain is broken: the audit trail would go on from
        a point nobody can vouch for. With ``session_first`` the change, and the entry waiting,
        are saved before the entry is appended (for changes that finish no step: see the
        module's docstring).
        """
        with self.locked() as session:
            self.refuse_broken_chain(session, f"Cannot record '{action}' for {step}")
            self.settle(session)
            if update is not None:
                update(session)
            if session_first:
                self.stage(session, step, action, inputs=inputs, outputs=outputs)
                self.store.save(session, now=self.clock())
                self.settle(session)
            else:
                head, count = self.journal.append(actor=self.actor, step=step, action=action,
                                                   inputs=inputs, outputs=outputs,
                                                   now=self.clock())
                session.journal_head, session.journal_count = head, count
        return session

    def stage(self, session: Session, step: str, action: str, *,
              inputs: dict[str, Any] | None = None,
              outputs: dict[str, Any] | None = None) -> None:
        """Put an entry in ``session.journal_pending`` for :meth:`settle` to append, numbered as
        the journal's next one (after any already waiting)."""
        if action not in STAGED:
            raise ValueError(f"'{action}' is not an action recorded session-first (STAGED)")
        seq = self.journal.tip()[0] + len(session.journal_pending) + 1
        session.journal_pending.append({
            "seq": seq, "time": iso(self.clock()), "actor": self.actor, "step": step,
            "action": action, "inputs": inputs or {}, "outputs": outputs or {}})

    def settle(self, session: Session) -> None:
        """Append the entries ``session`` holds waiting that the journal does not have yet (a
        kill came before their append; one that came after left them there already), and take
        the journal's head. An entry that would finish a step is never written from here: only
        an editor puts one there, and the audit then names the step (services.journal_audit);
        nor is one :meth:`stage` did not write (another action, or not numbered as the journal's
        next entry): an edited session file must not become a chained entry."""
        if not session.journal_pending:
            return
        written = self.written_already(session)
        for entry, there in zip(session.journal_pending, written, strict=True):
            when = _moment(entry.get("time"))
            if there or entry.get("action") not in STAGED or when is None or not \
                    isinstance(entry.get("step"), str) or entry.get("seq") != self.journal.tip()[0] + 1:
                continue
            self.journal.append(
                actor=str(entry.get("actor") or self.actor), step=entry["step"],
                action=entry["action"], inputs=_table(entry.get("inputs")),
                outputs=_table(entry.get("outputs")), now=when)
        session.journal_pending = []
        session.journal_count, session.journal_head = self.journal.tip()

    def written_already(self, session: Session) -> list[bool]:
        """For each entry waiting in ``session``: whether the journal has it already (the kill
        came after its append, before the session's last save)."""
        ahead = self.journal.tip()[0] > session.journal_count
        written = {(e.get("seq"), e.get("time"), e.get("step"), e.get("action"))
                   for e in (self.journal.entries() if ahead else ())
                   if isinstance(e.get("seq"), int) and e["seq"] > session.journal_count}
        return [(e.get("seq"), e.get("time"), e.get("step"), e.get("action")) in written
                for e in session.journal_pending]

    def settle_now(self) -> Session:
        """:meth:`settle` under the lock, saved: for a session no record will come to."""
        with self.locked() as session:
            self.refuse_broken_chain(session, "Cannot write the waiting journal entries")
            self.settle(session)
        return session

    def refuse_broken_chain(self, session: Session, cannot: str) -> None:
        """Nothing is appended to a journal whose chain is broken: the trail would go on from a
        point nobody can vouch for. ``cannot`` begins the sentence ("Cannot record ...")."""
        problem = journal_problem(self.store, session)
        if problem:
            from services.journal_repair import journal_remedy

            raise JournalError(f"{cannot}: {problem}", remedy=journal_remedy(self.store, session))


def _table(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _moment(value: Any) -> datetime | None:
    """A waiting entry's time, as :meth:`Recorder.stage` wrote it; None for an edited one."""
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
