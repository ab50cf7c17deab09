"""Walked by hand: after Continue, after re-picking following an abort and after merge-back, the
screen a captain lands on showed the hotfix as it was before (F5 showed it as it was). Each screen
here shows the new state by itself."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from console.app import ReleaseConsoleApp
from console.demo import build_sandbox
from console.wiring import Options
from tests.conftest import git, run_cli
from tests.hotfix_helpers import commit, pushed_quick_world, quick_world
from tests.test_changelog_screen import until_confirm
from tests.test_merge_back import hotfix_on_branch
from tests.tui_helpers import footer_words, open_step, settle, text_of


async def resolve_then_continue_on_the_conflict_screen(pilot: Pilot[Any], project: Path) -> None:
    """From the branch step stopped on the conflict: the file resolved and staged as the captain
    would, ``c`` opens the conflict screen and its ``c`` continues the pick."""
    from screens.hotfix import ConflictScreen

    (project / "src" / "unlock.sh").write_text("retry=3\n")
    git(project, "add", "src/unlock.sh")
    await pilot.press("c")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ConflictScreen)
    await pilot.press("c")
    await settle(pilot)


async def pick_again_until_the_conflict_screen(pilot: Pilot[Any]) -> None:
    """After an abort: the palette's "Start a hotfix" opens the picker with the recorded pick
    still ticked; Enter and yes pick it again, and it stops on the same conflict."""
    from screens.hotfix import ConflictScreen, HotfixScreen

    app = pilot.app
    assert isinstance(app, ReleaseConsoleApp)
    app.action_start_hotfix()
    await settle(pilot)
    assert isinstance(app.screen, HotfixScreen)
    await pilot.press("enter")
    await until_confirm(pilot)
    await pilot.press("y")
    await settle(pilot)
    assert isinstance(app.screen, ConflictScreen)


@pytest.fixture
def stopped(tmp_path: Path) -> tuple[Path, str]:
    """The demo's v1.3.0, then two fixes on main; the newer one picked alone stops on a
    conflict in src/unlock.sh (from the command line)."""
    project = build_sandbox(tmp_path / "demo", built="1.3.0")
    quick_world(project)
    commit(project, "src/unlock.sh", "retry=2\n", "Unlock: two retries")
    fix = commit(project, "src/unlock.sh", "retry=3\n", "Unlock: three retries")
    result = run_cli("hotfix", "1.3.1", "--yes", "--pick", fix, cwd=project)
    assert result.returncode == 1 and "conflicts in: src/unlock.sh" in result.stderr
    return project, fix


async def test_re_picked_from_the_palette_and_continued_the_branch_step_shows_it_made(
        stopped: tuple[Path, str]) -> None:
    """The branch step's screen, after an abort, sends the captain to pick again: the palette's
    hotfix picker, over that screen. It closed back to the step still saying "aborted"."""
    from screens.steps.hotfix_branch import HotfixBranchScreen

    project, fix = stopped
    assert run_cli("hotfix", "--abort", cwd=project).returncode == 0
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(100, 40)) as pilot:
        step = await open_step(pilot, "hotfix-branch", HotfixBranchScreen)
        assert "The picks were aborted" in text_of(step, "#step-status")
        await pick_again_until_the_conflict_screen(pilot)
        (project / "src" / "unlock.sh").write_text("retry=3\n")
        git(project, "add", "src/unlock.sh")
        await pilot.press("c")  # continue: the branch is made
        await settle(pilot)
        assert app.screen is step
        status = text_of(step, "#step-status")
        assert "done" in status and "aborted" not in status
        assert f"picks: {fix}" in text_of(step, "#step-evidence")
    assert f"(cherry picked from commit {fix})" in git(project, "log", "--format=%B", "-2")


async def test_the_conflict_screen_lists_the_files_as_git_has_them_now(
        stopped: tuple[Path, str]) -> None:
    """The step screen loaded while the file was in conflict; the captain resolved it in an
    editor, then pressed c: the conflict screen still listed it as conflicting."""
    from screens.hotfix import ConflictScreen
    from screens.steps.hotfix_branch import HotfixBranchScreen

    project, _fix = stopped
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(80, 24)) as pilot:
        step = await open_step(pilot, "hotfix-branch", HotfixBranchScreen)
        (project / "src" / "unlock.sh").write_text("retry=3\n")
        git(project, "add", "src/unlock.sh")
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, ConflictScreen)
        files = text_of(app.screen, "#conflict-files")
        assert "src/unlock.sh" not in files
        assert "No file is left in conflict: Continue commits the resolved pick." in files
        await pilot.press("c")
        await settle(pilot)
        assert app.screen is step and "done" in text_of(step, "#step-status")


async def test_merge_back_run_on_its_screen_shows_it_done_and_enter_opens_the_summary(
        tmp_path: Path) -> None:
    """The merge stopped on a conflict (the step's blocker said so); resolved and committed by
    hand, r ran it: the screen said "No release in progress" under the old conflict blocker, and
    its footer still offered r."""
    from screens.summary import SummaryScreen
    from tests.tui_helpers import footer_keys

    project = pushed_quick_world(tmp_path)
    hotfix_on_branch(project, "retry=3\n")
    git(project, "switch", "-q", "main")
    commit(project, "src/unlock.sh", "retry=5\n", "Unlock: five retries")
    git(project, "push", "-q", "origin", "main")
    git(project, "switch", "-q", "hotfix/v1.3.1")
    assert run_cli("run", "merge-back", "--yes", cwd=project).returncode == 1  # the conflict
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(100, 40)) as pilot:
        step = await open_step(pilot, "merge-back", object)
        blockers = " ".join(text_of(step, "#step-blockers").split())
        assert "still has conflicts in: src/unlock.sh" in blockers
        # walked: it said "then run merge-back again", a command, where r runs it
        assert "`git commit`, then press r to push; or `git merge --abort`" in blockers
        (project / "src" / "unlock.sh").write_text("retry=5\n")
        git(project, "add", "src/unlock.sh")
        git(project, "commit", "-q", "--no-edit")
        await pilot.press("r")
        await until_confirm(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is step
        assert "done" in text_of(step, "#step-status")
        assert "conflicts" not in text_of(step, "#step-blockers")
        assert "mode: merge" in text_of(step, "#step-evidence")
        keys = footer_keys(step)
        assert not keys.get("r") and not keys.get("o")  # neither run nor redo an ended release
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SummaryScreen)


async def test_after_an_abort_p_on_the_branch_step_opens_the_picker(
        stopped: tuple[Path, str]) -> None:
    """The aborted step named only a command line to pick again; its screen offers p."""
    from screens.hotfix import HotfixScreen
    from screens.steps.hotfix_branch import HotfixBranchScreen
    from tests.tui_helpers import footer_keys

    project, _fix = stopped
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(80, 24)) as pilot:
        step = await open_step(pilot, "hotfix-branch", HotfixBranchScreen)
        assert "p" not in footer_keys(step)  # a pick is stopped: c, not p
        await pilot.press("c", "a")  # the conflict screen, abort
        await settle(pilot)
        assert app.screen is step and footer_keys(step)["p"]
        assert "(in the TUI: p on this step)" in text_of(step, "#step-status")
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, HotfixScreen)
        assert app.screen.query_one("#version", Input).value == "1.3.1"
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is step


async def test_a_hotfix_started_without_picks_says_p_on_its_branch_step(tmp_path: Path) -> None:
    from screens.steps.hotfix_branch import HotfixBranchScreen
    from tests.tui_helpers import footer_keys

    project = build_sandbox(tmp_path / "demo", built="1.3.0")
    quick_world(project)
    commit(project, "src/unlock.sh", "retry=2\n", "Unlock: two retries")
    assert run_cli("start", "1.3.1", "--kind", "hotfix", cwd=project).returncode == 0
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(80, 24)) as pilot:
        step = await open_step(pilot, "hotfix-branch", HotfixBranchScreen)
        blockers = text_of(step, "#step-blockers")
        assert "No commits are picked for this hotfix yet." in blockers
        assert "Press p here to pick them in the picker." in blockers
        assert footer_keys(step)["p"]
        # walked: the footer said "p Pick again…" of a hotfix nothing was ever picked for
        words = footer_words(step)
        assert words["p"] == "Pick fixes…"
        # walked: it said the entries were "for you to edit", and no screen had an editor
        assert ("To reword one, edit CHANGELOG.md outside the console and commit it on the "
                "hotfix branch before pre-flight.") in text_of(step, "#step-description")


@pytest.fixture
def started_without_picks(tmp_path: Path) -> Path:
    """The demo's v1.3.0 and a fix on main; its replacement hotfix started with no picks, as
    the yank wizard's "Start the replacement hotfix" does (the same ``start_release``)."""
    project = build_sandbox(tmp_path / "demo", built="1.3.0")
    quick_world(project)
    commit(project, "src/unlock.sh", "retry=2\n", "Unlock: two retries")
    assert run_cli("start", "1.3.1", "--kind", "hotfix", cwd=project).returncode == 0
    return project


async def test_p_on_the_checklist_opens_the_picker_its_step_pane_names(
        started_without_picks: Path) -> None:
    """Walked at 80x24: the Step pane of the hotfix branch said "Press p here to pick them in
    the picker.", and p on the checklist did nothing and said nothing."""
    from screens.home import HomeScreen
    from screens.hotfix import HotfixScreen
    from tests.tui_helpers import footer_keys

    app = ReleaseConsoleApp(Options(repo=started_without_picks))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        assert "Press p here to pick them in the picker." in text_of(home, "#detail-text")
        assert footer_keys(home).get("p") is True
        words = footer_words(home)
        assert words["p"] == "Pick…"
        # the whole footer in sight at 80 columns ("Pick fixes…" cut it to "q Qui")
        from tests.test_confirm_layout import screen_lines

        assert "q Quit" in screen_lines(app)[-1]
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, HotfixScreen)
        assert app.screen.query_one("#version", Input).value == "1.3.1"
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is home
        await pilot.press("down")  # pre-flight: no picking there, and p offers nothing
        await settle(pilot)
        assert "p" not in footer_keys(home)
        await pilot.press("p")
        await settle(pilot)
        assert app.screen is home


async def test_picking_for_a_hotfix_started_without_picks_is_not_said_resumed(
        started_without_picks: Path) -> None:
    """Walked: the replacement hotfix started from the yank wizard, p on its branch step, pick,
    y: the toast said "Resumed hotfix v1.3.1 where it stopped", though nothing had stopped."""
    app = ReleaseConsoleApp(Options(repo=started_without_picks))
    async with app.run_test(size=(110, 36), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("space", "enter")
        await until_confirm(pilot)
        await pilot.press("y")
        await settle(pilot)
        said = [n.message for n in app.messages]
        assert "Picked the fixes of hotfix v1.3.1: its branch is made. Next: pre-flight." \
            in said, said
        assert not any("where it stopped" in m for m in said), said
    assert git(started_without_picks, "branch", "--show-current").strip() == "hotfix/v1.3.1"


async def test_continued_on_the_branch_step_its_failed_run_is_no_longer_said(
        stopped: tuple[Path, str]) -> None:
    """r stopped on the conflict (the message line said the step failed); continued through c,
    the step showed done with the failure still under it."""
    from screens.steps.hotfix_branch import HotfixBranchScreen

    project, _fix = stopped
    assert run_cli("hotfix", "--abort", cwd=project).returncode == 0
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(100, 40)) as pilot:
        step = await open_step(pilot, "hotfix-branch", HotfixBranchScreen)
        await pilot.press("r")
        await until_confirm(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert "'Hotfix branch' failed" in text_of(step, "#step-message")
        await resolve_then_continue_on_the_conflict_screen(pilot, project)
        assert app.screen is step and "done" in text_of(step, "#step-status")
        message = text_of(step, "#step-message")
        assert "failed" not in message and "Pre-flight checks" in message


async def test_c_on_the_checklist_continues_the_stopped_pick_its_step_pane_names(
        stopped: tuple[Path, str]) -> None:
    """Walked at 80x24: the Step pane of a pick stopped on conflicts said "press c here to
    continue, or to abort the picks", and c on the checklist did nothing and said nothing. c
    opens the conflict screen there, as on the branch step's own screen."""
    from screens.home import HomeScreen
    from screens.hotfix_conflict import ConflictScreen
    from tests.test_confirm_layout import screen_lines
    from tests.tui_helpers import footer_keys

    project, fix = stopped
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        assert "press c here to continue" in " ".join(text_of(home, "#detail-text").split())
        assert footer_keys(home).get("c") is True
        assert "q Quit" in screen_lines(app)[-1]  # the footer whole at 80 columns
        await pilot.press("down")  # pre-flight: nothing to continue there, and c offers nothing
        await settle(pilot)
        assert "c" not in footer_keys(home)
        await pilot.press("up", "c")
        await settle(pilot)
        conflict = app.screen
        assert isinstance(conflict, ConflictScreen)
        assert "src/unlock.sh" in text_of(conflict, "#conflict-files")
        (project / "src" / "unlock.sh").write_text("retry=3\n")
        git(project, "add", "src/unlock.sh")
        await pilot.press("c")
        await settle(pilot)
        assert app.screen is home
        assert "c" not in footer_keys(home)
    log = git(project, "log", "--format=%B", "v1.3.0..HEAD")
    assert f"(cherry picked from commit {fix})" in log
    assert git(project, "status", "--porcelain") == ""


async def test_after_an_abort_p_on_the_checklist_opens_the_picker_the_pane_names(
        stopped: tuple[Path, str]) -> None:
    """Walked at 80x24: after the picks were aborted the checklist's pane said "Pick again ...
    (in the TUI: p on this step)", and p on the checklist did nothing and said nothing."""
    from screens.home import HomeScreen
    from screens.hotfix import HotfixScreen
    from tests.tui_helpers import footer_keys

    project, _fix = stopped
    assert run_cli("hotfix", "--abort", cwd=project).returncode == 0
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        assert "p on this step" in " ".join(text_of(home, "#detail-text").split())
        assert footer_keys(home).get("p") is True and "c" not in footer_keys(home)
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, HotfixScreen)
