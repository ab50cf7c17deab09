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
from tests.conftest import flat, run_cli
from tests.github_helpers import Sandbox, cli_env, yank_project
from tests.hotfix_helpers import journal_actions as actions_of
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
    assert actions(repo_path).count(("preflight", "started")) == 1  # killed before it: lost
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
    assert "preflight 'reopened'" in flat(verify.stdout)  # waiting in the session, and who writes it
    assert "preflight 'reopened'" in flat(run_cli("journal", "show", cwd=repo_path).stdout)

    again = run_cli("next", "--yes", cwd=repo_path)
    assert again.returncode == 0, again.stderr
    assert SessionStore(repo_path).load("v0.2.0").steps["preflight"].status == StepStatus.DONE
    assert actions(repo_path)[-3:] == [
        ("preflight", "reopened"), ("preflight", "started"), ("preflight", "done")]
    reasons = [e["inputs"]["reason"] for e in Journal(
        repo_path / ".release" / "v0.2.0" / "journal.jsonl").entries() if e["action"] == "reopened"]
    assert reasons == ["a late commit"]  # killed before its entry, the reason was lost
    assert run_cli("journal", "verify", cwd=repo_path).returncode == 0


YANK = ("yank", "0.2.0", "--reason", "Unlock corrupts data", "--replacement", "0.2.1", "--yes")


def stopped_before_completed(repo_path: Path, sandbox: Sandbox) -> Path:
    """A yank (the shortest runbook) killed after its last step's record and before the
    session's "completed" one: every step done, the session still active."""
    project = yank_project(repo_path, sandbox, published_body="## [0.2.0]\n\n- Unlock.\n")
    killed = killed_at_record(project, "completed", "before", *YANK, env=cli_env())
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    session = SessionStore(project).load("v0.2.0")
    assert session.state == "active" and all(
        r.status == StepStatus.DONE for r in session.steps.values())
    return project


def test_a_release_killed_before_it_is_recorded_finished_is_finished_by_next(
        repo_path: Path, sandbox: Sandbox) -> None:
    project = stopped_before_completed(repo_path, sandbox)
    status = run_cli("status", cwd=project, env=cli_env())
    assert "not recorded as finished yet" in status.stdout and "`release-console next`" in \
        status.stdout
    # `next` said "Every step is done." and left it active; `start` then refused every new
    # release because this one was "in progress", and only an abandon got past it.
    done = run_cli("next", "--yes", cwd=project, env=cli_env())
    assert done.returncode == 0, done.stderr
    assert "Every step is done: v0.2.0 yanked." in done.stdout and "recorded now" in done.stdout
    assert SessionStore(project).load("v0.2.0").state == "completed"
    assert actions_of(project, "v0.2.0")[-1] == ("session", "completed")
    assert run_cli("journal", "verify", "--tag", "v0.2.0", cwd=project).returncode == 0
    again = run_cli("next", "--yes", cwd=project, env=cli_env())
    assert again.returncode == 0 and "Nothing to run" in again.stdout
    started = run_cli("start", "0.3.0", cwd=project, env=cli_env())
    assert started.returncode == 0, started.stderr


async def test_the_tui_says_so_and_n_records_it(repo_path: Path, sandbox: Sandbox) -> None:
    from console.app import ReleaseConsoleApp
    from console.wiring import Options
    from screens.home import HomeScreen
    from tests.tui_helpers import settle, text_of

    project = stopped_before_completed(repo_path, sandbox)
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "press n to record it" in text_of(app.screen, "#message")
        await pilot.press("n")
        await settle(pilot)
        assert SessionStore(project).load("v0.2.0").state == "completed"
        assert "v0.2.0 yanked" in text_of(app.screen, "#session-bar")
