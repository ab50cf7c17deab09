"""Does the journal explain the session? The check ``journal verify`` adds to the hash chain.

The chain proves the journal was not edited, and the session names the journal's head, so the
journal cannot lose entries unnoticed. The session file itself has no chain: a step marked done
by hand in ``session.json`` (publish, say) would be trusted. Every way the console finishes a
step journals it (run or adopted, skipped, the hand-off's export, a review made again), after the
step's last reopening; a finished step without such an entry was finished by an editor.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from services.bundle.crossing import EXPORTED
from services.reconcile import ADOPTED
from services.session import Session
from services.step_status import FINISHED

FINISHING = frozenset({"done", ADOPTED, "skipped", EXPORTED, "reviewed again"})
REOPENING = "reopened"


def unexplained_finishes(session: Session, entries: Iterable[dict[str, Any]]) -> list[str]:
    """Steps the session records as finished that no journal entry finished, in runbook order
    of the session file."""
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
