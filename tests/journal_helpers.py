"""Fixtures that mark steps finished journal them, as the console does.

No step runs on a session whose journal does not explain a finished step (the session file was
edited); a fixture that marks steps done or skipped to reach the step under test is such an edit
unless it journals each one as the console would.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from services.journal_audit import unexplained_finishes
from services.recorder import Recorder
from services.session import Session, SessionStore
from services.step_protocol import Context
from services.step_status import StepStatus


def record_finished(ctx: Context, why: str, update: Callable[[Session], object]) -> None:
    """Change the session with ``update``, then journal every step it left finished."""
    ctx.record("test", why, update=update)
    journal_finishes(ctx.store, ctx.require_session().tag, why, clock=ctx.clock)
    ctx.session = ctx.store.load(ctx.require_session().tag)


def journal_finishes(store: SessionStore, tag: str, why: str, *,
                     clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
    """Journal every step the saved session records as finished and its journal does not, with
    the action the console journals for it (done or skipped)."""
    recorder = Recorder(store, tag, actor="test", clock=clock)
    session = store.load(tag)
    for step in unexplained_finishes(session, recorder.journal.entries()):
        skipped = session.steps[step].status == StepStatus.SKIPPED
        recorder.record(step, "skipped" if skipped else "done", inputs={"by": why})
