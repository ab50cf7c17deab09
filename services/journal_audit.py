"""Does the journal explain the session? The check ``journal verify`` adds to the hash chain.

The chain proves the journal was not edited, and the session names the journal's head, so the
journal cannot lose entries unnoticed. The session file itself has no chain: a step marked done
by hand in ``session.json`` (publish, say) would be trusted. Every way the console finishes a
step journals it (run or adopted, skipped, the hand-off's export, a review made again), after the
step's last reopening; a finished step without such an entry was finished by an editor, and
no step runs until it is redone (or the file restored): the smoke sign-off or the review must
not be skipped by a text editor.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from services.bundle.crossing import EXPORTED
from services.reconcile import ADOPTED
from services.session import Session
from services.step_status import FINISHED

if TYPE_CHECKING:
    from services.session import SessionStore

FINISHING = frozenset({"done", ADOPTED, "skipped", EXPORTED, "reviewed again"})
REOPENING = "reopened"


def unexplained_finishes(session: Session, entries: Iterable[dict[str, Any]]) -> list[str]:
    """Steps the session records as finished that no journal entry finished, in the session
    file's order."""
    finished: set[str] = set()
    for entry in entries:
        action, step = entry.get("action"), entry.get("step")
        if action in FINISHING and isinstance(step, str):
            finished.add(step)
        elif action == REOPENING:
            inputs = entry.get("inputs")
            steps = inputs.get("steps", []) if isinstance(inputs, dict) else []
            finished.difference_update(s for s in steps if isinstance(s, str))
    return [step for step, record in session.steps.items()
            if record.status in FINISHED and step not in finished]



RESTORE = "restore session.json from a bundle or a backup copy"
SHOW = "`release-console journal show` says what really happened."


@dataclass(frozen=True)
class EditedSession:
    """Finished steps an intact journal never finished: the session file was edited."""

    session_file: Path
    steps: tuple[str, ...]

    @property
    def problem(self) -> str:
        return (f"{self.session_file} records {', '.join(self.steps)} as finished, but no "
                f"journal entry finished {'it' if len(self.steps) == 1 else 'them'}: the session "
                "file was edited.")

    @property
    def remedy(self) -> str:
        redo = f"`release-console redo {self.steps[0]} --reason \"session file edited\"`"
        run = (f"Run it again with {redo}" if len(self.steps) == 1 else
               f"Run them again: {redo} reopens {self.steps[0]} and every step after it")
        return f"{run}; or {RESTORE}. {SHOW}"

    @property
    def tui_remedy(self) -> str:
        return (f"Open {'it' if len(self.steps) == 1 else self.steps[0]} from the checklist "
                f"(Enter) and press o to run it again, or {RESTORE}; {SHOW}")


def edited_session(store: SessionStore, session: Session,
                   order: Sequence[str] = ()) -> EditedSession | None:
    """What :func:`unexplained_finishes` finds in ``session``'s journal (its steps in runbook
    ``order``: a redo of the first reopens the rest), or None; None too for a journal that cannot
    be read (that is the chain's problem, said first)."""
    from services.journal import Journal, JournalError

    directory = store.directory(session.tag)
    try:
        edited = unexplained_finishes(session, Journal(directory / "journal.jsonl").entries())
    except JournalError:
        return None
    rank = {step: index for index, step in enumerate(order)}
    edited.sort(key=lambda step: rank.get(step, len(rank)))
    return EditedSession(directory / "session.json", tuple(edited)) if edited else None
