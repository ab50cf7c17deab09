"""The last release's summary is of the last FINISHED release. Walked at 80x24: leaving the summary
of v1.3.0 with its reopen commit unpushed, the toast said Ctrl+P "Summary of the last release"
brings it back (p pushes); once v1.3.1 had started the palette's entry showed "Release v1.3.1
(1.3.1): active" and offered no p. `status` after an abandoned attempt and `push --rest` mixed the
two the same way."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from console.app import ReleaseConsoleApp
from console.wiring import Options
from screens.prompts import ConfirmScreen
from screens.summary import SummaryScreen
from services import engine
from services.completion import finish_if_complete
from services.session import Session, SessionStore
from services.session_lifecycle import ReleaseRequest, open_session, start_release
from services.step_status import StepStatus
from tests.conftest import git, run_cli
from tests.hotfix_helpers import commit, pushed_quick_world, reopen_unreleased
from tests.test_confirm_layout import screen_lines
from tests.test_last_release import ctx_at
from tests.tui_helpers import settle, text_of


def v130_finished_with_its_reopen_commit_local(tmp_path: Path) -> tuple[Path, str]:
    """The demo with v1.3.0 tagged and pushed, its session completed, and the reopen commit its
    post-release made still local; returns the project and that commit."""
    project = pushed_quick_world(tmp_path)
    reopen_unreleased(project)
    reopen = git(project, "rev-parse", "HEAD").strip()
    ctx = ctx_at(project, 1, assume_yes=True)
    open_session(ctx, Session(version="1.3.0", tag="v1.3.0", created_at=ctx.now_iso(),
                              base_commit=reopen, branch="main"),
                 inputs={"version": "1.3.0", "tag": "v1.3.0", "kind": "release"})
    for step in engine.flow(ctx, "release"):
        def done(session: Session, step_id: str = step.id) -> None:
            record = session.step(step_id)
            record.status, record.finished_at = StepStatus.DONE, ctx.now_iso()
            if step_id == "post-release":
                record.evidence = {"reopened": True, "file": "CHANGELOG.md", "commit": reopen}

        ctx.record(step.id, "done", update=done)
    assert finish_if_complete(ctx)
    return project, reopen


def next_release_started(project: Path) -> str:
    """v1.3.1 started after it, with a commit of its own on main (its changelog move)."""
    start_release(ctx_at(project, 30, assume_yes=True), ReleaseRequest(version="1.3.1"))
    return commit(project, "NOTES.md", "v1.3.1\n", "Release v1.3.1: changelog")



async def palette_summary(pilot: Pilot[Any]) -> None:
    """Ctrl+P "Summary of the last release" from the checklist, its screen up."""
    app = pilot.app
    assert isinstance(app, ReleaseConsoleApp)
    await settle(pilot)
    app.action_summary()
    await settle(pilot)
    assert isinstance(pilot.app.screen, SummaryScreen)

async def test_the_palette_summary_after_the_next_release_started_is_the_last_finished_one(
        tmp_path: Path) -> None:
    project, reopen = v130_finished_with_its_reopen_commit_local(tmp_path)
    started = next_release_started(project)
    origin = project.parent / "origin.git"
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(80, 24)) as pilot:
        await palette_summary(pilot)
        # its title names v1.3.1 as the release in progress; the rest is v1.3.0's alone
        summary = text_of(app.screen, "#summary").split("\n\n", 1)[1]
        assert summary.startswith("Release v1.3.0 (1.3.0): completed"), summary
        assert "v1.3.1" not in summary and "active" not in summary
        assert "Still to do: push the 1 commit left after the release (the reopen commit)" in \
            " ".join(summary.split())
        await pilot.press("p")  # it asks, listing only what v1.3.0 left
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        asked = text_of(app.screen, "#plan Static")
        assert "1 commit goes up to main:" in asked and "Release v1.3.1" not in asked, asked
        await pilot.press("y")
        await settle(pilot)
        assert "Still to do" not in text_of(app.screen, "#summary")
    # the reopen commit went up; the next release's own commit did not
    assert git(origin, "rev-parse", "main").strip() == reopen
    assert git(project, "rev-parse", "HEAD").strip() == started
    assert '"action": "pushed"' in run_cli("journal", "show", "--tag", "v1.3.0", "--json",
                                           cwd=project).stdout


def test_status_after_an_abandoned_attempt_and_push_rest_are_about_the_last_finished_release(
        tmp_path: Path) -> None:
    project, reopen = v130_finished_with_its_reopen_commit_local(tmp_path)
    started = next_release_started(project)
    origin = project.parent / "origin.git"
    # while v1.3.1 is in progress, `push --rest` plans v1.3.0's reopen commit, not v1.3.1's
    planned = run_cli("push", "--rest", "--dry-run", cwd=project)
    assert planned.returncode == 0, planned.stderr
    assert "Post-release v1.3.0: reopen [Unreleased]" in planned.stdout
    assert "Release v1.3.1: changelog" not in planned.stdout
    abandoned = run_cli("abandon", "v1.3.1", "--reason", "wrong fix", cwd=project)
    assert abandoned.returncode == 0, abandoned.stderr
    status = run_cli("status", cwd=project).stdout
    assert "the last session: v1.3.1 abandoned" in status, status
    assert "Release v1.3.0 (1.3.0): completed" in status, status
    assert "Still to do: push the 1 commit left after the release (the reopen commit)" in status
    pushed = run_cli("push", "--rest", "--yes", cwd=project)
    assert pushed.returncode == 0, pushed.stderr
    assert f"Pushed {reopen[:12]} to origin" in pushed.stdout
    assert git(origin, "rev-parse", "main").strip() == reopen  # not the abandoned commit
    assert git(project, "rev-parse", "HEAD").strip() == started


async def test_a_wrapped_url_goes_on_under_itself_at_80_columns(tmp_path: Path) -> None:
    """Walked at 80x24: the release page's URL wrapped to the screen's left edge, where its end
    read as a line of its own; now it goes on under the URL's first part (and the "Still to do"
    sentence under its own text)."""
    project, _ = v130_finished_with_its_reopen_commit_local(tmp_path)
    url = ("https://github.example-corporation.internal/platform-security/"
           "pai-persistence-unlock/releases/tag/v1.3.0")
    session = SessionStore(project).load("v1.3.0")
    session.step("publish").evidence = {"html_url": url}
    SessionStore(project).save(session)
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.action_summary()
        await settle(pilot)
        rows = screen_lines(app)
    first = next(i for i, row in enumerate(rows) if "Release page:" in row)
    assert "Release page: https://" in rows[first], rows[first:first + 3]
    column = rows[first].index("https://")
    rest = rows[first + 1]
    assert rest[:column].strip() == "" and rest[column:].strip(), rows[first:first + 2]
    assert (rows[first][column:].strip() + rest.strip()) == url, rows[first:first + 2]
