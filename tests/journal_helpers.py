"""Fixtures that mark steps finished journal them, as the console does.

No step runs on a session whose journal does not explain a finished step (the session file was
edited); a fixture that marks steps done or skipped to reach the step under test is such an edit
unless it journals each one as the console would.
"""

from __future__ import annotations

from collections.abc import Callable

from services.journal import Journal
from services.journal_audit import unexplained_finishes
from services.session import Session
from services.step_protocol import Context
from services.step_status import StepStatus


def record_finished(ctx: Context, why: str, update: Callable[[Session], object]) -> None:
    """Change the session with ``update``, then journal every step it left finished with the
    action the console journals for it (done or skipped)."""
    ctx.record("test", why, update=update)
    session = ctx.require_session()
    journal = Journal(ctx.store.directory(session.tag) / "journal.jsonl")
    for step in unexplained_finishes(session, journal.entries()):
        skipped = session.steps[step].status == StepStatus.SKIPPED
        ctx.record(step, "skipped" if skipped else "done", inputs={"by": why})
