"""A kill between a record's journal entry and its session save (services/recorder.py).

No child process or HTTP request marks that window, so tests/kill_harness.py never kills there;
these tests SIGKILL the console right before or right after the journal's append, then look at
what status, the TUI checklist and `journal verify` say, and let plain `next` finish.
"""

from __future__ import annotations

import signal
from collections.abc import Callable
from pathlib import Path

import pytest

from services.journal import Journal
from services.overview import overview
from services.session import SessionStore
from services.step_protocol import Context
from services.step_status import StepStatus
from tests.conftest import run_cli
from tests.journal_helpers import killed_at_record


def actions(project: Path) -> list[tuple[str, str]]:
    journal = Journal(project / ".release" / "v0.2.0" / "journal.jsonl")
    return [(e["step"], e["action"]) for e in journal.entries()]


@pytest.mark.parametrize("when", ["before", "after"])
def test_a_step_killed_as_it_starts_shows_interrupted_and_next_finishes_it(
        repo_path: Path, make_ctx: Callable[..., Context], when: str) -> None:
    assert run_cli("start", "0.2.0", cwd=repo_path).returncode == 0
    killed = killed_at_record(repo_path, "started", when, "next", "--yes", nth=1)
    assert killed.returncode == -signal.SIGKILL, killed.stderr

    status = run_cli("status", cwd=repo_path)
    assert status.returncode == 0, status.stderr
    line = next(x for x in status.stdout.splitlines() if " preflight " in x)
    assert "interrupted" in line, status.stdout  # it said "ready" beside a "started" entry
    assert "was interrupted" in status.stdout and "Every step is stopped" not in status.stdout
    home = overview(make_ctx())  # what the TUI checklist draws
    assert home.rows[0].id == "preflight" and home.rows[0].status == StepStatus.INTERRUPTED
    assert home.journal == "" and home.next_id == "preflight"
    verify = run_cli("journal", "verify", cwd=repo_path)
    assert verify.returncode == 0, verify.stderr

    resumed = run_cli("next", "--yes", cwd=repo_path)
    assert resumed.returncode == 0, resumed.stderr
    assert SessionStore(repo_path).load("v0.2.0").steps["preflight"].status == StepStatus.DONE
    assert actions(repo_path)[-2:] == [("preflight", "resumed"), ("preflight", "done")]
    assert run_cli("journal", "verify", cwd=repo_path).returncode == 0


@pytest.mark.parametrize("when", ["before", "after"])
def test_a_redo_killed_as_it_is_recorded_stops_nothing_and_next_finishes_it(
        repo_path: Path, make_ctx: Callable[..., Context], when: str) -> None:
    assert run_cli("start", "0.2.0", cwd=repo_path).returncode == 0
    assert run_cli("next", "--yes", cwd=repo_path).returncode == 0  # pre-flight done
    killed = killed_at_record(repo_path, "reopened", when, "redo", "preflight", "--reason",
                              "a late commit")
    assert killed.returncode == -signal.SIGKILL, killed.stderr

    # It said "the session file was edited" and stopped every step, `next` included.
    status = run_cli("status", cwd=repo_path)
    assert "Every step is stopped" not in status.stdout and "edited" not in status.stdout
    line = next(x for x in status.stdout.splitlines() if " preflight " in x)
    assert "ready" in line, status.stdout  # reopened: the redo took effect
    home = overview(make_ctx())
    assert home.journal == "" and home.edited == () and home.next_id == "preflight"
    verify = run_cli("journal", "verify", cwd=repo_path)
    assert verify.returncode == 0, verify.stderr

    again = run_cli("next", "--yes", cwd=repo_path)
    assert again.returncode == 0, again.stderr
    assert SessionStore(repo_path).load("v0.2.0").steps["preflight"].status == StepStatus.DONE
    assert actions(repo_path)[-2:] == [("preflight", "started"), ("preflight", "done")]
    assert (("preflight", "reopened") in actions(repo_path)) == (when == "after")
    assert run_cli("journal", "verify", cwd=repo_path).returncode == 0
