"""What a captain's walk of the hotfix at 80x24 found left over: the merge-back screen after the
last step, the words after continuing a stopped pick, and long subjects in the picker."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.app import ReleaseConsoleApp
from console.demo import build_sandbox
from console.wiring import Options
from tests.conftest import git, run_cli
from tests.hotfix_helpers import pushed_quick_world
from tests.test_changelog_screen import until_confirm
from tests.test_confirm_layout import screen_lines
from tests.test_hotfix_fresh_screens import (  # noqa: F401 - stopped is a fixture
    pick_again_until_the_conflict_screen,
    resolve_then_continue_on_the_conflict_screen,
    stopped,
)
from tests.test_merge_back import hotfix_on_branch
from tests.tui_helpers import footer_keys, footer_words, open_picker, open_step, settle, text_of


async def test_after_merge_back_its_screen_offers_only_the_summary(tmp_path: Path) -> None:
    """Walked at 80x24: merge-back run on its screen ended the hotfix, and the footer still read
    "n Next  r Run  k Skip…" (r and k only dimmed, which a captain reads as offered) under
    "Enter: next step." with no step left. Now the footer offers the summary and the line
    says it comes next."""
    from screens.summary import SummaryScreen

    project = pushed_quick_world(tmp_path)
    hotfix_on_branch(project, "retry=3\n")
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(80, 24)) as pilot:
        step = await open_step(pilot, "merge-back", object)
        assert footer_keys(step)["r"] and footer_keys(step)["k"]  # to do: run or skip it
        await pilot.press("r")
        await until_confirm(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is step and "done" in text_of(step, "#step-status")
        keys = footer_keys(step)
        assert "r" not in keys and "k" not in keys and "o" not in keys, keys
        words = footer_words(step)
        assert words["n"] == "Summary", words
        message = " ".join(text_of(step, "#step-message").split())
        assert "Bring the default branch up to date: done." in message
        assert "Every step is done: n or Enter opens the release summary." in message
        assert "Enter: next step" not in message
        footer = screen_lines(app)[-1]
        assert "n Summary" in footer and "r Run" not in footer and "Skip" not in footer
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, SummaryScreen)


async def test_continuing_a_stopped_pick_from_the_picker_says_which_fix_landed(
        stopped: tuple[Path, str]) -> None:  # noqa: F811 - the fixture
    """Walked: the hotfix in progress re-picked from the palette stopped on the conflict;
    resolved, c continued the pick and the toast said "Resumed hotfix v1.3.1 where it stopped",
    though nothing was resumed: the stopped cherry-pick was continued."""
    project, fix = stopped
    assert run_cli("hotfix", "--abort", cwd=project).returncode == 0
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await pick_again_until_the_conflict_screen(pilot)  # the recorded pick stops again
        (project / "src" / "unlock.sh").write_text("retry=3\n")
        git(project, "add", "src/unlock.sh")
        app.clear_notifications()
        app.messages.clear()  # what is said from here on
        await pilot.press("c")
        await settle(pilot)
        said = [n.message for n in app.messages]
        assert said == [f"Continued the stopped pick of hotfix v1.3.1: {fix[:12]} (Unlock: three "
                        "retries) landed on hotfix/v1.3.1; its branch is made. Next: Pre-flight "
                        "checks."], said
    assert f"(cherry picked from commit {fix})" in git(project, "log", "--format=%B", "-2")


async def test_continuing_from_the_branch_step_names_the_pick_too(
        stopped: tuple[Path, str]) -> None:  # noqa: F811 - the fixture
    """The branch step's c said only "The hotfix branch for v1.3.1 is made."; the conflict
    screen says what the continue did, whichever screen opened it."""
    from screens.steps.hotfix_branch import HotfixBranchScreen

    project, fix = stopped
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        step = await open_step(pilot, "hotfix-branch", HotfixBranchScreen)
        await resolve_then_continue_on_the_conflict_screen(pilot, project)
        assert app.screen is step and "done" in text_of(step, "#step-status")
        said = [n.message for n in app.messages]
        assert said == [f"Continued the stopped pick of hotfix v1.3.1: {fix[:12]} (Unlock: three "
                        "retries) landed on hotfix/v1.3.1; its branch is made. Next: Pre-flight "
                        "checks."], said


LONG_SUBJECT = ("Persistence unlock: retry three times on slow USB 2 sticks before giving up on "
                "the encrypted volume")


async def test_a_long_subject_in_the_picker_hangs_under_its_text_at_80_columns(
        tmp_path: Path) -> None:
    """Walked at 80x24: a long commit subject wrapped to the list's left edge, under the
    checkbox, where the next row's box should be alone. Its rows now hang under the subject
    (the whole subject stays readable: the words that tell two fixes apart are often last)."""
    from tests.hotfix_helpers import commit, quick_world

    project = build_sandbox(tmp_path / "demo", built="1.3.0")
    quick_world(project)
    sha = commit(project, "src/unlock.sh", "retry=3\n", LONG_SUBJECT)
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_picker(pilot)
        rows = screen_lines(app)
        first = next(i for i, row in enumerate(rows) if f"[ ] {sha[:10]} Persistence" in row)
        column = rows[first].index("Persistence")
        said = " ".join(rows[first][column:].rstrip(" │").split())
        continued = rows[first + 1]
        assert continued[:column].strip(" │") == "", rows[first:first + 3]  # under the text
        said += " " + " ".join(continued[column:].rstrip(" │").split())
        assert said == LONG_SUBJECT, rows[first:first + 3]
        assert "Demo Captain" in rows[first + 2]  # author, date and files on their own row
        await pilot.press("space")  # ticked, it hangs the same
        await settle(pilot)
        rows = screen_lines(app)
        assert f"[x] {sha[:10]} Persistence" in rows[first]
        assert rows[first + 1][:column].strip(" │") == ""


@pytest.mark.parametrize("width", [80, 120])
async def test_the_author_row_in_the_picker_sits_under_the_subject(
        tmp_path: Path, width: int) -> None:
    """Walked at 80x24: a commit's author, date and files sat under its sha, while the subject
    above them (and a long subject's own rows) started further right, so the row read as
    belonging to the sha column. It now starts at the subject's column, ticked or not, at 80
    columns (the long subject wrapped above it) and wider (the subject in one row)."""
    from tests.hotfix_helpers import commit, quick_world

    project = build_sandbox(tmp_path / "demo", built="1.3.0")
    quick_world(project)
    sha = commit(project, "src/unlock.sh", "retry=3\n", LONG_SUBJECT)
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(width, 24)) as pilot:
        await open_picker(pilot)
        for mark in ("[ ]", "[x]"):  # as listed, then ticked
            rows = screen_lines(app)
            first = next(i for i, row in enumerate(rows) if f"{sha[:10]} Persistence" in row)
            assert f"{mark} {sha[:10]} Persistence" in rows[first]
            column = rows[first].index("Persistence")
            author = next(row for row in rows[first + 1:] if "Demo Captain" in row)
            assert author.index("Demo Captain") == column, rows[first:first + 3]
            assert author[:column].strip(" │") == "", rows[first:first + 3]
            await pilot.press("space")
            await settle(pilot)
