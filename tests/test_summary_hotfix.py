"""A hotfix's summary says what became of the default branch. Walked at 80x24: after merge-back
fast-forwarded main and pushed it, the summary named the tag, the signer and the journal, and not
a word of the default branch, half of what a hotfix is for."""

from __future__ import annotations

from pathlib import Path

from console.app import ReleaseConsoleApp
from console.wiring import Options
from screens.summary import SummaryScreen
from tests.conftest import git, run_cli
from tests.hotfix_helpers import pushed_quick_world
from tests.test_changelog_screen import until_confirm
from tests.test_merge_back import hotfix_on_branch
from tests.tui_helpers import open_step, settle, text_of


async def test_the_summary_after_merge_back_says_the_default_branch_went_up(
        tmp_path: Path) -> None:
    project = pushed_quick_world(tmp_path)
    hotfix_on_branch(project, "retry=3\n")
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_step(pilot, "merge-back", object)
        await pilot.press("r")
        await until_confirm(pilot)
        await pilot.press("y")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, SummaryScreen)
        summary = text_of(app.screen, "#summary")
    head = git(project, "rev-parse", "main").strip()
    assert f"  Default branch: main fast-forwarded to v1.3.1; 1 commit pushed to origin (head " \
        f"{head[:12]})" in summary, summary
    assert git(project.parent / "origin.git", "rev-parse", "main").strip() == head


def test_a_skipped_merge_back_is_said_with_its_reason(tmp_path: Path) -> None:
    project = pushed_quick_world(tmp_path)
    hotfix_on_branch(project, "retry=3\n")
    skipped = run_cli("skip", "merge-back", "--reason", "main is merged by the PR bot",
                      cwd=project)
    assert skipped.returncode == 0, skipped.stderr
    status = run_cli("status", cwd=project).stdout
    assert "Release v1.3.1 (1.3.1): completed" in status, status
    assert "  Default branch: not brought up to date: merge-back was skipped (main is merged by " \
        "the PR bot)" in status, status
