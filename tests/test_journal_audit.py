"""`journal verify` also checks that the journal explains the session: a step marked finished by
hand in session.json is named, though the hash chain itself is intact."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from services.session import StepRecord
from services.session_lifecycle import ReleaseRequest, start_release
from services.step_protocol import Context
from services.step_status import StepStatus
from tests.conftest import last_said, run_cli


def test_a_step_marked_done_by_hand_is_named_by_journal_verify(repo_path: Path) -> None:
    assert run_cli("start", "0.2.0", cwd=repo_path).returncode == 0
    assert run_cli("journal", "verify", cwd=repo_path).returncode == 0
    path = repo_path / ".release" / "v0.2.0" / "session.json"
    session = json.loads(path.read_text())
    session["steps"]["publish"] = {**session["steps"].get("publish", {}), "status": "done"}
    path.write_text(json.dumps(session))
    before = path.read_bytes()

    said = run_cli("journal", "verify", cwd=repo_path)
    assert said.returncode == 1
    assert "records publish as finished, but no journal entry finished it" in said.stderr
    assert "the session file was edited" in said.stderr and "Traceback" not in said.stderr
    assert path.read_bytes() == before


def test_no_step_runs_on_a_session_file_edited_to_skip_the_smoke_test(repo_path: Path) -> None:
    """The hardware sign-off cannot be skipped with a text editor: `next` refuses, `status` says
    why, and a redo of the step puts the release back on its runbook."""
    assert run_cli("start", "0.2.0", cwd=repo_path).returncode == 0
    path = repo_path / ".release" / "v0.2.0" / "session.json"
    session = json.loads(path.read_text())
    session["steps"]["smoke"] = {"status": "done", "evidence": {"checked": ["boots"]}}
    path.write_text(json.dumps(session))
    before = path.read_bytes()

    refused = run_cli("next", "--yes", cwd=repo_path)
    assert refused.returncode != 0 and "Traceback" not in refused.stderr
    assert "records smoke as finished, but no journal entry finished it" in refused.stderr
    assert "release-console redo smoke" in refused.stderr
    assert path.read_bytes() == before
    status = run_cli("status", cwd=repo_path)
    assert "Every step is stopped" in status.stdout + status.stderr
    assert "records smoke as finished" in status.stdout + status.stderr
    last = last_said(status.stdout)  # not the next step's run: nothing runs
    assert " ".join(status.stdout.split()).endswith(last)
    assert last.startswith("Next: Run it again with `release-console redo smoke"), last

    assert run_cli("redo", "smoke", "--reason", "session file edited",
                   cwd=repo_path).returncode == 0
    assert run_cli("journal", "verify", cwd=repo_path).returncode == 0
    assert "Every step is stopped" not in run_cli("status", cwd=repo_path).stdout


async def test_the_tui_opens_only_the_edited_step_and_its_redo_mends_the_session(
        repo_path: Path) -> None:
    from textual.widgets import OptionList

    from console.app import ReleaseConsoleApp
    from console.wiring import Options
    from screens.home import HomeScreen
    from screens.step import StepScreen
    from tests.tui_helpers import settle, text_of

    assert run_cli("start", "0.2.0", cwd=repo_path).returncode == 0
    path = repo_path / ".release" / "v0.2.0" / "session.json"
    session = json.loads(path.read_text())
    session["steps"]["smoke"] = {"status": "done", "evidence": {"checked": ["boots"]}}
    path.write_text(json.dumps(session))

    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        assert "records smoke as finished" in text_of(home, "#message")
        assert "press o to run it again" in text_of(home, "#message")
        checklist = home.query_one("#checklist", OptionList)
        ids = [row.id for row in home.rows]
        checklist.highlighted = ids.index("preflight")
        await pilot.press("enter")  # not edited: stopped like every other step
        await settle(pilot)
        assert app.screen is home
        checklist.highlighted = ids.index("smoke")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, StepScreen) and app.screen.step.id == "smoke"
        await pilot.press("o")
        await settle(pilot)
        await pilot.press(*"session file edited", "enter")
        await settle(pilot)
        assert "Reopened: Hardware smoke test." in text_of(app.screen, "#step-message")
    assert run_cli("journal", "verify", cwd=repo_path).returncode == 0


def test_an_irreversible_step_marked_done_by_hand_does_not_block_the_redo(
        repo_path: Path) -> None:
    """push was never run, only written into the file: the redo of the first edited step (in
    runbook order, not the file's) reopens it instead of calling the release pushed."""
    assert run_cli("start", "0.2.0", cwd=repo_path).returncode == 0
    path = repo_path / ".release" / "v0.2.0" / "session.json"
    session = json.loads(path.read_text())
    session["steps"] = {"push": {"status": "done"}, "smoke": {"status": "done"},
                        **session["steps"]}
    path.write_text(json.dumps(session))

    said = " ".join(run_cli("status", cwd=repo_path).stdout.split())  # wrapped at 80 columns
    assert "records smoke, push as finished" in said
    assert "Run them again: `release-console redo smoke --reason \"session file edited\"` " \
        "reopens smoke and every step after it" in said
    redo = run_cli("redo", "smoke", "--reason", "session file edited", cwd=repo_path)
    assert redo.returncode == 0, redo.stderr
    assert "push" in redo.stdout and "cannot be undone" not in redo.stderr
    assert run_cli("journal", "verify", cwd=repo_path).returncode == 0


def test_a_finishing_entry_edited_in_as_waiting_is_never_journaled(
        make_ctx: Callable[..., Context]) -> None:
    """Entries a killed record left waiting in session.json are written by the next record
    (services/recorder.py); none of them ever finishes a step, so one that does was written by an
    editor and must not make the journal explain a smoke test nobody signed off."""
    ctx = make_ctx()
    start_release(ctx, ReleaseRequest(version="0.2.0"))
    session = ctx.store.load("v0.2.0")
    session.steps["smoke"] = StepRecord(status=StepStatus.DONE)
    session.journal_pending = [{"seq": 2, "time": "2026-01-01T00:00:00Z", "actor": "x",
                                "step": "smoke", "action": "done"},
                               {"seq": 3, "time": "not a time", "step": "smoke",
                                "action": "started"}]
    ctx.store.save(session)

    ctx.record("session", "noted")  # writes what waits first
    assert [e["action"] for e in ctx.recorder().journal.entries()] == ["started", "noted"]
    edited = ctx.edited_session()
    assert edited is not None and edited.steps == ("smoke",)
    assert ctx.store.load("v0.2.0").journal_pending == []
