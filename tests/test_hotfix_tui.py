"""The hotfix from the TUI (Pilot): palette or start dialog, picker, conflict screen; git state is
what the tests check, not only the screen."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.widgets import Input, OptionList, Static

from console.app import ReleaseConsoleApp
from console.demo import build_sandbox
from console.wiring import Options
from screens.home import HomeScreen
from screens.hotfix import ConflictScreen, HotfixScreen
from tests.conftest import git
from tests.hotfix_helpers import commit, is_ancestor, quick_world
from tests.journal_helpers import journal_finishes
from tests.test_changelog_screen import until_confirm
from tests.test_tui_home import settle
from tests.test_walkthrough import demo  # noqa: F401 - a fixture
from tests.tui_helpers import open_picker


@pytest.fixture
def project(tmp_path: Path) -> Path:
    path = build_sandbox(tmp_path / "demo", built="1.3.0")
    quick_world(path)
    return path


def shown(app: ReleaseConsoleApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_the_palette_opens_the_picker_and_only_the_picked_fix_lands(project: Path) -> None:
    fix = commit(project, "src/unlock.sh", "retry=2\n", "Unlock: two retries")
    feature = commit(project, "src/flash.sh", "theme=dark\n", "Flash app: dark mode")
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(110, 36)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"Start a hotfix")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HotfixScreen)
        assert app.screen.query_one("#version", Input).value == "1.3.1"
        assert "Last release: v1.3.0" in shown(app, "#suggestion")
        # the suggested version's commits are listed at once, no key needed
        listing = app.screen.query_one("#commits", OptionList)
        assert [listing.get_option_at_index(i).id for i in range(listing.option_count)] == \
            [feature, fix]  # newest first
        first = str(listing.get_option_at_index(0).prompt)
        assert "Flash app: dark mode" in first and "src/flash.sh" in first
        assert "Demo Captain" in first
        await pilot.press("enter")  # nothing picked yet: it says so, changes nothing
        await settle(pilot)
        assert "Pick at least one commit" in shown(app, "#hotfix-message")
        assert git(project, "branch", "--show-current").strip() == "main"
        await pilot.press("down", "space", "enter")
        # Walked by hand: the branch, the picks and the CHANGELOG commit were made unasked.
        confirm = await until_confirm(pilot)  # the worker waits on the captain: no settle
        # beneath the question, the picker does not claim the branch is being made
        picker = app.screen_stack[-2]
        said = str(picker.query_one("#hotfix-message", Static).render())
        assert "Making" not in said and "asked before anything is made" in said
        plan = confirm.plan.render()
        assert "git switch --no-track -c hotfix/v1.3.1 v1.3.0" in plan
        assert f"git cherry-pick -x {fix[:12]}" in plan
        assert git(project, "branch", "--show-current").strip() == "main"  # nothing yet
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "v1.3.1" in shown(app, "#session-bar")
    assert git(project, "branch", "--show-current").strip() == "hotfix/v1.3.1"
    log = git(project, "log", "--format=%B", "v1.3.0..HEAD")
    assert f"(cherry picked from commit {fix})" in log and feature not in log
    assert not is_ancestor(project, feature, "HEAD")
    assert "- Unlock: two retries" in (project / "CHANGELOG.md").read_text()
    assert git(project, "status", "--porcelain") == ""


async def test_a_conflict_lists_the_files_abort_restores_and_continue_finishes(
        project: Path) -> None:
    commit(project, "src/unlock.sh", "retry=2\n", "Unlock: two retries")
    fix = commit(project, "src/unlock.sh", "retry=3\n", "Unlock: three retries")
    base = git(project, "rev-parse", "v1.3.0^{commit}").strip()
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(110, 36)) as pilot:
        await settle(pilot)
        await pilot.press("s")  # the start dialog offers the hotfix
        await settle(pilot)
        await pilot.click("#hotfix")
        await settle(pilot)
        assert isinstance(app.screen, HotfixScreen)
        await pilot.press("space", "enter")  # the newest: the conflicting fix
        await until_confirm(pilot)
        await pilot.press("y")  # the branch's plan, asked first
        await settle(pilot)
        assert isinstance(app.screen, ConflictScreen)
        assert "src/unlock.sh" in shown(app, "#conflict-files")
        assert "c: continue · a: abort the picks" in shown(app, "#conflict-help")
        await pilot.press("a")  # abort, by its key
        await settle(pilot)
        assert isinstance(app.screen, HotfixScreen)
        assert git(project, "rev-parse", "HEAD").strip() == base
        assert git(project, "status", "--porcelain") == ""

        app.screen.query_one("#commits", OptionList).focus()
        await pilot.press("enter")  # the same pick again: its plan is asked again
        await until_confirm(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, ConflictScreen)
        await pilot.press("c")  # not resolved yet: it says so and stays
        await settle(pilot)
        assert isinstance(app.screen, ConflictScreen)
        assert shown(app, "#conflict-help") == (  # walked by hand: it said to run the CLI
            "These files still have conflicts: src/unlock.sh; nothing was continued. Resolve "
            "them in your editor, `git add` them, then press c again (a aborts the picks).")
        (project / "src" / "unlock.sh").write_text("retry=3\n")
        git(project, "add", "src/unlock.sh")
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
    log = git(project, "log", "--format=%B", "v1.3.0..HEAD")
    assert f"(cherry picked from commit {fix})" in log
    assert git(project, "status", "--porcelain") == ""


async def test_a_finished_hotfix_shows_as_released_and_a_new_release_can_start(
        project: Path) -> None:
    from services import engine
    from services.flows import runbook
    from services.hotfix.start import HotfixRequest, start_hotfix
    from services.policy import load_policy
    from services.repo import Repository
    from services.session import SessionStore
    from services.step_protocol import Context
    from services.step_status import StepStatus

    commit(project, "src/unlock.sh", "retry=2\n", "Unlock: two retries")
    repo = Repository(project)
    ctx = Context(policy=load_policy(project / "release.toml"), repo=repo,
                  store=SessionStore(repo.root))
    start_hotfix(ctx, HotfixRequest("1.3.1", ["HEAD"]))
    session = ctx.store.load("v1.3.1")  # the walk itself is the CLI acceptance test's business
    for step in runbook("hotfix")[:-1]:
        record = session.step(step.id)
        record.status, record.reason = StepStatus.SKIPPED, "walked in tests/test_hotfix_cli.py"
    ctx.store.save(session)
    journal_finishes(ctx.store, "v1.3.1", "walked in tests/test_hotfix_cli.py")
    engine.skip_step(ctx, engine.find_step(ctx, "merge-back"), "merged by hand")
    git(project, "switch", "-q", "main")
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(110, 36)) as pilot:
        await settle(pilot)
        assert "no release in progress · main · online · last: v1.3.1 released" in shown(app, "#session-bar")
        await pilot.press("s")
        await settle(pilot)
        assert "Last session: v1.3.1 released." in shown(app, "#suggestion")
        app.screen.query_one("#version", Input).value = "1.4.0"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "v1.4.0" in shown(app, "#session-bar")


async def test_the_whole_hotfix_walked_with_keys_in_the_tui(
        demo: tuple[Path, object, dict[str, str]],  # noqa: F811
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The acceptance walk, every step from the TUI's keys: picker, release steps, merge-back."""
    from textual.widgets import Select

    from tests.hotfix_helpers import (
        FEATURE_SUBJECT,
        FIX_SUBJECT,
        build_isos,
        fix_and_feature,
        reopen_unreleased,
    )

    project, _server, env = demo
    quick_world(project)
    git(project, "push", "-q", "origin", "main", "v1.3.0")
    reopen_unreleased(project)
    fix, feature = fix_and_feature(project)
    for name, value in env.items():  # the TUI reaches the loopback GitHub as a captain's shell would
        monkeypatch.setenv(name, value)
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_picker(pilot)
        app.screen.query_one("#severity", Select).value = "critical"
        app.screen.query_one("#version", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("down", "space", "enter")  # the fix, not the newer feature
        await until_confirm(pilot)
        await pilot.press("y")  # the branch's plan, asked first
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert re.search(r"critical: (23 h \d+|24 h 0) min left", shown(app, "#session-bar"))

        build_isos(project, "v1.3.1")  # the build is the project's, not the console's
        await pilot.press("f5")
        await settle(pilot)

        async def press(*keys: str) -> None:
            for key in keys:
                await pilot.press(key)
                await settle(pilot)

        await press("n", "n")  # the hotfix branch step is done: n opens the step to do
        await press("space", "n")  # pre-flight: tick the manual item, run, move on
        await press("n", "y")  # changelog (the picked fix's entry), asks, commits
        await press("m", "n", "y")  # migration: none for a patch; its commit asks
        await press("n", "n")  # notes, artifacts
        await press(*"X1", "enter", "a", "ctrl+s")  # smoke amd64
        await press(*"M2", "enter", "a", "ctrl+s")  # smoke arm64
        await press("n", "n", "n")  # smoke, checksums, sign
        await press("n", "y")  # tag
        await press("n", "y")  # push
        await press("n", "n")  # draft, review
        await press("n", "y")  # publish
        await pilot.press("r")  # merge-back: the last step (no reopen commit on the branch)
        dialog = await until_confirm(pilot)  # the worker waits on the captain: no settle here
        plan = dialog.plan.render()
        assert "Merge hotfix v1.3.1 into main" in plan and FIX_SUBJECT in plan
        assert "git push origin main" in plan
        await pilot.press("y")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert "no release in progress · main · online · last: v1.3.1 released" in shown(app, "#session-bar")

    origin = project.parent / "origin.git"
    assert is_ancestor(origin, "v1.3.1", "main") and not is_ancestor(origin, feature, "v1.3.1")
    assert f"(cherry picked from commit {fix})" in git(origin, "log", "--format=%B", "v1.3.1")
    merged = git(origin, "show", "main:CHANGELOG.md")
    assert merged.index(FEATURE_SUBJECT) < merged.index("## [1.3.1]") < merged.index("## [1.3.0]")


async def test_the_header_turns_to_a_warning_when_under_a_quarter_is_left(project: Path) -> None:
    from datetime import timedelta

    from screens.widgets import SessionBar
    from services.hotfix.start import HotfixRequest, start_hotfix
    from services.policy import load_policy
    from services.repo import Repository
    from services.session import SessionStore, iso, utc_now
    from services.step_protocol import Context

    commit(project, "src/unlock.sh", "retry=2\n", "Unlock: two retries")
    repo = Repository(project)
    ctx = Context(policy=load_policy(project / "release.toml"), repo=repo,
                  store=SessionStore(repo.root))
    since = iso(utc_now() - timedelta(hours=20))  # 4 of 24 hours left: under a quarter
    start_hotfix(ctx, HotfixRequest("1.3.1", ["HEAD"], severity="critical", since=since))
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(110, 36)) as pilot:
        await settle(pilot)
        bar = app.screen.query_one("#session-bar", SessionBar)
        assert re.search(r"⚠ critical: [34] h \d+ min left", shown(app, "#session-bar"))
        assert bar.has_class("clock-warning")


async def test_the_picker_says_whether_the_hotfix_was_started_or_resumed(project: Path) -> None:
    """Walked by hand: the toast said "its branch is made" either way; a captain who meant a new
    hotfix must know the one in progress was picked up instead."""
    commit(project, "src/unlock.sh", "retry=2\n", "Unlock: two retries")
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(110, 36), notifications=True) as pilot:
        await settle(pilot)
        app.action_start_hotfix()
        await settle(pilot)
        await pilot.press("space", "enter")
        await until_confirm(pilot)
        await pilot.press("n")  # the session stands, nothing picked yet
        await settle(pilot)
        assert any(n.message.startswith("Started hotfix v1.3.1; nothing was picked yet")
                   for n in app.messages)
        app.clear_notifications()
        app.messages.clear()  # what is said from here on
        app.action_start_hotfix()  # the same hotfix again: it is resumed, and says so
        await settle(pilot)
        await pilot.press("enter")  # its pick is ticked as recorded
        await until_confirm(pilot)
        await pilot.press("y")
        await settle(pilot)
        said = [n.message for n in app.messages]
        assert "Resumed hotfix v1.3.1 where it stopped: its branch is made; n opens the next step." \
            in said, said
        assert not any(m.startswith("Started hotfix") for m in said)
    assert git(project, "branch", "--show-current").strip() == "hotfix/v1.3.1"


async def test_the_conflict_screen_names_the_stopped_pick_and_escape_leaves_it_stopped(
        project: Path) -> None:
    """With two picks, which one stopped is on the screen; Escape is "back, leaving them as they
    are": the picker must not then say the picks were aborted (git is still mid-pick)."""
    commit(project, "src/unlock.sh", "retry=2\n", "Unlock: two retries")
    fix = commit(project, "src/unlock.sh", "retry=3\n", "Unlock: three retries")
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(110, 36)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        await pilot.click("#hotfix")
        await settle(pilot)
        await pilot.press("space", "enter")
        await until_confirm(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, ConflictScreen)
        assert f"Stopped on {fix[:12]} (Unlock: three retries)." in shown(app, "#conflict-files")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HotfixScreen)
        said = shown(app, "#hotfix-message")
        assert "aborted" not in said and "still stopped on conflicts" in said
    assert (project / ".git" / "CHERRY_PICK_HEAD").exists()  # left as it was, not aborted


async def test_the_picker_on_a_hotfix_whose_branch_is_made_asks_nothing_again(
        project: Path) -> None:
    """Walked by hand: the palette's "Start a hotfix" on a hotfix whose branch step was done
    (to give it a severity, say) asked the branch plan again, `git cherry-pick -x ...` and all,
    which would not run; "no" then said "nothing was picked yet". It is resumed as it is."""
    commit(project, "src/unlock.sh", "retry=2\n", "Unlock: two retries")
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(110, 36), notifications=True) as pilot:
        await settle(pilot)
        app.action_start_hotfix()
        await settle(pilot)
        await pilot.press("space", "enter")
        await until_confirm(pilot)
        await pilot.press("y")  # the branch is made
        await settle(pilot)
        head = git(project, "rev-parse", "HEAD").strip()
        app.clear_notifications()
        app.action_start_hotfix()
        await settle(pilot)
        # the picker shows the hotfix as it is: its pick ticked, and says so
        listing = app.screen.query_one("#commits", OptionList)
        assert str(listing.get_option_at_index(0).prompt).startswith("[x] ")
        assert "The hotfix in progress has 1 of these picked (ticked)." in shown(
            app, "#hotfix-message")
        await pilot.press("enter")  # the same pick: nothing to tick again
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)  # no question on the way
        said = [n.message for n in app.messages]
        assert "Resumed hotfix v1.3.1 where it stopped: its branch is made; n opens the next step." \
            in said, said
    assert git(project, "rev-parse", "HEAD").strip() == head


async def test_at_80_columns_the_security_clock_is_not_cut(project: Path) -> None:
    """Walked at 80x24: the bar read "PAI · v1.3.1 · stable · hotfix · hotfix/v1.3.1 · online ·
    critical: 23 h 53", the time left cut mid-clock. The kind the branch names goes, the clock
    takes short units; `status` keeps the whole line."""
    from datetime import timedelta

    from services import engine
    from services.header_words import fit
    from services.hotfix.start import HotfixRequest, start_hotfix
    from services.policy import load_policy
    from services.repo import Repository
    from services.session import SessionStore, iso, utc_now
    from services.step_protocol import Context

    commit(project, "src/unlock.sh", "retry=2\n", "Unlock: two retries")
    repo = Repository(project)
    ctx = Context(policy=load_policy(project / "release.toml"), repo=repo,
                  store=SessionStore(repo.root))
    since = iso(utc_now() - timedelta(hours=20))
    start_hotfix(ctx, HotfixRequest("1.3.1", ["HEAD"], severity="critical", since=since))
    engine.run_step(ctx, engine.find_step(ctx, "hotfix-branch"))  # on hotfix/v1.3.1 now
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        from rich.cells import cell_len

        from screens.widgets import SessionBar

        width = app.screen.query_one("#session-bar", SessionBar).content_size.width
        bar = shown(app, "#session-bar").strip()
        assert cell_len(bar) <= width, (bar, width)  # nothing cut at the end
        assert re.search(r"· hotfix/v1\.3\.1 · online · ⚠ critical: [34] h \d+ min left$", bar)
        assert "· hotfix ·" not in bar  # the branch says it
    overdue = "PAI · v1.3.1 · stable · hotfix · hotfix/v1.3.1 · online · ⚠ critical: overdue " \
        "by 12 h 48 min"
    assert fit(overdue, 80).endswith("· online · ⚠ critical: overdue by 12h 48m")
    assert fit(overdue, 120) == overdue


async def test_the_picker_shows_the_severity_of_the_hotfix_in_progress(project: Path) -> None:
    """Reopened on a hotfix with a clock, the picker said "no security clock": choosing again
    what was already running, or getting it refused as a different severity."""
    from textual.widgets import Select

    from services.hotfix.start import HotfixRequest, start_hotfix
    from services.policy import load_policy
    from services.repo import Repository
    from services.session import SessionStore
    from services.step_protocol import Context

    commit(project, "src/unlock.sh", "retry=2\n", "Unlock: two retries")
    repo = Repository(project)
    ctx = Context(policy=load_policy(project / "release.toml"), repo=repo,
                  store=SessionStore(repo.root))
    start_hotfix(ctx, HotfixRequest("1.3.1", ["HEAD"], severity="high"))
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(110, 36)) as pilot:
        await settle(pilot)
        app.action_start_hotfix()
        await settle(pilot)
        assert app.screen.query_one("#severity", Select).value == "high"
        listing = app.screen.query_one("#commits", OptionList)
        assert str(listing.get_option_at_index(0).prompt).startswith("[x] ")


async def test_the_picker_opens_beside_a_damaged_session_file(project: Path) -> None:
    """Review: with any session file damaged, opening the picker stopped the app with an
    unexpected error (the picker read the sessions itself, outside its error handling)."""
    fix = commit(project, "src/unlock.sh", "retry=2\n", "Unlock: two retries")
    damaged = project / ".release" / "v1.2.9"
    damaged.mkdir(parents=True)
    (damaged / "session.json").write_text("{not json")
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(110, 36)) as pilot:
        await settle(pilot)
        app.action_start_hotfix()
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, HotfixScreen)
        listing = app.screen.query_one("#commits", OptionList)
        assert listing.option_count and listing.get_option_at_index(0).id == fix


async def test_with_nothing_to_pick_the_picker_says_to_commit_the_fix_first(
        project: Path) -> None:
    """Walked from the yank's replacement hotfix: the picker said only "No commits since v1.3.0
    to pick." The fix has to be committed on the default branch first, outside the console; the
    line says so, and enter in the version field lists the commits again."""
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_picker(pilot)
        said = shown(app, "#hotfix-message")
        assert said.startswith("No commits since v1.3.0 to pick.")
        assert "Commit the fix on main first (outside the console)" in said
        assert "then press enter in the version field to list them again" in said
        fix = commit(project, "src/unlock.sh", "retry=2\n", "Unlock: two retries")
        app.screen.query_one("#version", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        listing = app.screen.query_one("#commits", OptionList)
        assert [listing.get_option_at_index(i).id for i in range(listing.option_count)] == [fix]


async def test_question_mark_on_the_picker_with_nothing_to_pick_opens_the_keys(
        project: Path) -> None:
    """Walked at 80x24: with nothing to pick the version field keeps the focus, and ? typed "?"
    into it. A version never holds a "?": there, as elsewhere, ? opens the Keys panel and
    closes it again, and the version is left as it was."""
    from textual.widgets import HelpPanel

    from tests.test_confirm_layout import screen_lines

    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.action_start_hotfix()
        await settle(pilot)
        field = app.screen.query_one("#version", Input)
        assert field.has_focus and field.value == "1.3.1"
        await pilot.press("question_mark")
        await settle(pilot)
        assert app.screen.query(HelpPanel), "? did not open the Keys panel"
        assert "Move cursor" in "\n".join(screen_lines(app))  # the version field's keys
        assert field.value == "1.3.1"
        await pilot.press("question_mark")
        await settle(pilot)
        assert not app.screen.query(HelpPanel) and field.value == "1.3.1"


async def test_the_pickers_keys_panel_lists_its_own_keys_before_scrolling_at_80x24(
        project: Path) -> None:
    """Walked at 80x24: ? on the picker listed the list's ten scroll keys first and "space
    Pick/unpick" last, below them. Its own keys come first (enter goes on with the picked, as
    the message line says), the list's last under "Scrolling"."""
    import io

    from rich.console import Console
    from textual.widgets import KeyPanel

    from tests.test_confirm_layout import screen_lines

    fix = commit(project, "src/unlock.sh", "retry=2\n", "Unlock: two retries")
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.action_start_hotfix()
        await settle(pilot)
        assert app.screen.query_one("#commits", OptionList).has_focus
        await pilot.press("question_mark")
        await settle(pilot)
        panel = app.screen.query_one(KeyPanel)
        seen = [" ".join(line[panel.region.x:].split()) for line in screen_lines(app)]
        top = seen[:6]
        assert "space Pick/unpick" in top and "⏎ Go on" in top, seen
        console = Console(width=40, record=True, file=io.StringIO())
        console.print(panel.query_one("BindingsTable").render())  # every row, below the edge too
        rows = [" ".join(line.split()) for line in console.export_text().splitlines()]
        assert rows.index("space Pick/unpick") < rows.index("Scrolling") < rows.index("↓ Down")
        assert "⏎ Select" not in rows, rows
        await pilot.press("question_mark", "space", "enter")  # enter still goes on
        confirm = await until_confirm(pilot)
        assert f"git cherry-pick -x {fix[:12]}" in confirm.plan.render()


async def test_enter_in_the_version_field_lists_the_version_it_held_at_enter(
        project: Path) -> None:
    """The picker read its version field when the Enter was handled, not as it was at Enter:
    keys typed right after Enter (the field keeps the focus until the list comes) changed the
    version listed. It lists the field's version at Enter, as the start dialog starts it; going
    on starts the version listed, and a field edited since is said, not started."""
    from tests.tui_helpers import type_in_one_burst

    commit(project, "src/unlock.sh", "retry=2\n", "Unlock: two retries")
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_picker(pilot)
        listing = app.screen.query_one("#commits", OptionList)
        assert listing.border_title == "Commits on the default branch since v1.3.0"
        field = app.screen.query_one("#version", Input)
        field.focus()
        await settle(pilot)
        second = ("home", "right", "right", "delete")  # 1.3.1: the digit after "1."
        type_in_one_burst(app, *second, "2", "enter", *second, "3")  # 1.2.1, Enter, 1.3.1
        await settle(pilot)
        assert field.value == "1.3.1"  # what was typed after Enter stays in the field
        assert listing.border_title == "Commits on the default branch since v1.2.0", \
            listing.border_title  # 1.2.1's, as the field was at Enter
        await pilot.press("space", "enter")
        await settle(pilot)
        said = " ".join(shown(app, "#hotfix-message").split())
        assert said == ("The commits listed are those of 1.2.1, but the version field says "
                        "1.3.1: press enter in it to list that version's commits, or put 1.2.1 "
                        "back."), said
        assert git(project, "branch", "--show-current").strip() == "main"  # nothing started
