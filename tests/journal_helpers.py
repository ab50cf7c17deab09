"""Fixtures that mark steps finished journal them, as the console does.

No step runs on a session whose journal does not explain a finished step (the session file was
edited); a fixture that marks steps done or skipped to reach the step under test is such an edit
unless it journals each one as the console would.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

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


# Run the console with Journal.append wrapped: SIGKILL the process right before or right after
# the append of the entry whose action is RC_KILL_ACTION (the N-th such, RC_KILL_NTH, default 1).
_KILL_AT_RECORD = """
import os, signal, sys
from services.journal import Journal
real, seen = Journal.append, [0]
action, when = os.environ["RC_KILL_ACTION"], os.environ["RC_KILL_WHEN"]
nth = int(os.environ.get("RC_KILL_NTH", "1"))

def append(self, **kwargs):
    hit = kwargs.get("action") == action and (seen.__setitem__(0, seen[0] + 1) or seen[0]) == nth
    if hit and when == "before":
        os.kill(os.getpid(), signal.SIGKILL)
    result = real(self, **kwargs)
    if hit:
        os.kill(os.getpid(), signal.SIGKILL)
    return result

Journal.append = append
sys.argv = ["release-console", *sys.argv[1:]]
from console.cli import main
sys.exit(main())
"""


def killed_at_record(cwd: Path, action: str, when: str, *args: str, nth: int = 1,
                     env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The console as a captain runs it (``args``), SIGKILLed right ``when`` ("before" or
    "after") the journal's append of its ``nth`` entry with ``action``: the window between a
    record's journal entry and its session save, which no child process or HTTP request marks
    (tests/kill_harness.py kills only at those)."""
    full = {**os.environ, **(env or {}), "RC_KILL_ACTION": action, "RC_KILL_WHEN": when,
            "RC_KILL_NTH": str(nth)}
    return subprocess.run([sys.executable, "-c", _KILL_AT_RECORD, *args], cwd=cwd, env=full,
                          capture_output=True, text=True, check=False)
