"""The Keys panel (``?``, or the palette's "Keys") on the wizards and dialogs lists their own
keys first, at 80x24, driven with Pilot.

Walked at 80x24 after the step screens were fixed: on the yank wizard, the promote dialog, the
hotfix conflict dialog, the bundle import screen and the abandon and reason dialogs, the panel
listed the focused list's or field's moving and editing keys (up to fifteen of them) first and the
screen's own ("y Yank", "c Continue", "ctrl+y Use the verified bundle", "esc Cancel") below the
bottom edge. They reuse :class:`screens.step_keys.OwnKeysFirst`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import HelpPanel, Input, KeyPanel

from console.app import ReleaseConsoleApp
from console.wiring import Options
from services.session_lifecycle import ReleaseRequest, start_release
from services.step_protocol import Context
from tests.airgap_helpers import Workstations, prepare_and_export
from tests.github_helpers import Sandbox, sandbox  # noqa: F401 - fixture
from tests.test_confirm_layout import screen_lines
from tests.test_hotfix_conflicts import stop_a_pick, world  # noqa: F401 - fixture
from tests.test_keys_panel import open_keys
from tests.test_promote import candidate  # noqa: F401 - fixture
from tests.test_yank_wizard import project  # noqa: F401 - fixture
from tests.tui_helpers import open_step, open_with_key, settle


async def panel_top(pilot: Pilot[None], *, palette: bool = False) -> list[str]:
    """Open the Keys panel (? or, where ? is text, the palette) and return its rows as read."""
    if palette:
        await open_keys(pilot)
    else:
        await pilot.press("question_mark")
        await settle(pilot)
    app = pilot.app
    assert app.screen.query(HelpPanel), "the Keys panel did not open"
    panel = app.screen.query_one(KeyPanel)
    seen = [" ".join(line[panel.region.x:].split()) for line in screen_lines(app)]
    return seen


def first(seen: list[str], *keys: str, within: int = 6) -> None:
    """Each of ``keys`` is among the panel's first rows, where a captain at 80x24 sees it."""
    for key in keys:
        assert any(line.startswith(key) for line in seen[:within]), (key, seen)


async def test_the_yank_wizards_keys_come_first(project: Path) -> None:  # noqa: F811
    """With the release list focused (as the wizard opens), its ten moving keys came first."""
    from textual.widgets import OptionList

    from screens.yank import YankScreen

    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_with_key(pilot, "y", YankScreen)
        assert screen.query_one("#releases", OptionList).has_focus
        first(await panel_top(pilot), "y Yank", within=3)


async def test_the_promote_dialogs_keys_come_first(candidate: Path) -> None:  # noqa: F811
    from screens.promote import PromoteScreen

    app = ReleaseConsoleApp(Options(repo=candidate))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_with_key(pilot, "p", PromoteScreen)
        first(await panel_top(pilot), "esc Cancel", within=3)


async def test_the_conflict_dialogs_keys_come_first(world: Path) -> None:  # noqa: F811
    from screens.hotfix import ConflictScreen
    from screens.steps.hotfix_branch import HotfixBranchScreen

    stop_a_pick(world)
    app = ReleaseConsoleApp(Options(repo=world))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_step(pilot, "hotfix-branch", HotfixBranchScreen)
        await open_with_key(pilot, "c", ConflictScreen)
        first(await panel_top(pilot), "esc Back", "c Continue", "a Abort the", within=5)


async def test_the_bundle_import_screens_keys_come_first(stations: Workstations) -> None:
    from screens.bundle_import import BundleImportScreen

    prepare_and_export(stations)
    app = ReleaseConsoleApp(Options(repo=stations.offline, offline=True))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_with_key(pilot, "i", BundleImportScreen)
        assert screen.query_one("#import-file", Input).has_focus  # its path field
        first(await panel_top(pilot, palette=True), "^y Use the", within=5)


async def test_the_abandon_and_reason_dialogs_keys_come_first(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    from screens.abandon import AbandonScreen
    from screens.prompts import ReasonScreen

    start_release(make_ctx(), ReleaseRequest(version="0.2.0"))
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_with_key(pilot, "x", AbandonScreen)
        first(await panel_top(pilot, palette=True), "esc Cancel", within=3)
        await pilot.press("escape", "escape")
        await settle(pilot)
        app.push_screen(ReasonScreen("Skip 'Release notes'? Say why it does not apply."))
        await settle(pilot)
        first(await panel_top(pilot, palette=True), "esc Cancel", within=3)


def left_of_panel(pilot: Pilot[None]) -> list[str]:
    """The screen's rows as read beside the open Keys panel, without the dialogs' frames."""
    app = pilot.app
    edge = app.screen.query_one(KeyPanel).region.x
    return [" ".join(line[:edge].replace("█", " ").replace("▏", " ").split())
            for line in screen_lines(app)]


async def test_at_80x24_the_abandon_question_wraps_beside_the_keys_panel(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    """Walked at 80x24: with the Keys panel open the abandon dialog read "Abandon v1.3.0? Its
    record and journal are kep", its question cut at the dialog's right edge."""
    from screens.abandon import AbandonScreen

    start_release(make_ctx(), ReleaseRequest(version="0.2.0"))
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_with_key(pilot, "x", AbandonScreen)
        await panel_top(pilot, palette=True)
        read = " ".join(line for line in left_of_panel(pilot) if line)
        assert "Abandon v0.2.0? Its record and journal are kept; say why." in read, read
        assert "Enter to abandon, Escape to cancel." in read, read


async def test_at_80x24_the_bundle_import_keys_read_whole_beside_the_keys_panel(
        stations: Workstations) -> None:
    """Walked at 80x24: with the Keys panel open the import screen's button read "Use it (ctrl"
    and its footer "^y Use the verified bundl"."""
    from screens.bundle_import import BundleImportScreen

    prepare_and_export(stations)
    app = ReleaseConsoleApp(Options(repo=stations.offline, offline=True))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_with_key(pilot, "i", BundleImportScreen)
        await panel_top(pilot, palette=True)
        rows = left_of_panel(pilot)
        assert any("Cancel Verify (Enter) Use it (ctrl+y)" in row for row in rows), rows
        assert rows[-1].startswith("esc Cancel ^y Use the verified bundle"), rows[-1]


async def test_the_confirmations_keys_come_first_from_f1_and_question_mark(
        repo_path: Path) -> None:
    """Walked at 80x24: F1 over a confirmation listed "⏎ Press button" (its focused button's),
    then Textual's focus and copy keys, before "n esc No" and "y Yes"; ? said "? does not answer
    this question". Local (Enter says yes) and irreversible (Enter says no) alike."""
    from screens.prompts import ConfirmScreen
    from services.step_protocol import Plan

    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for irreversible, key in ((False, "f1"), (True, "question_mark")):
            app.push_screen(ConfirmScreen("Push v0.2.0?", Plan(
                summary="The tag and the commit.", commands=["git push origin v0.2.0"]),
                irreversible=irreversible))
            await settle(pilot)
            await pilot.press(key)
            await settle(pilot)
            assert app.screen.query(HelpPanel), "the Keys panel did not open"
            edge = app.screen.query_one(KeyPanel).region.x
            seen = [" ".join(line[edge:].split()) for line in screen_lines(app)]
            first(seen, "n esc No", "y Yes", within=3)
            assert seen.index("⏎ Press button") > seen.index("y Yes")
            assert not any("does not answer" in row for row in left_of_panel(pilot))
            await pilot.press(key, "escape")  # the panel closed, then No
            await settle(pilot)
            assert not isinstance(app.screen, ConfirmScreen)


async def test_at_80x24_the_abandon_dialogs_wrapped_lines_hang_under_their_text(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    """Walked at 80x24: the left-behind list's "To drop it: `git reset --keep ...` (starting
    v0.2.0 again works, ..." went on at the dialog's left edge, under the "•", and read like
    lines of their own; more so beside the Keys panel, where it wraps four times."""
    from screens.abandon import AbandonScreen
    from services import engine
    from tests.conftest import commit_file
    from tests.test_changelog_screen import CHANGELOG

    commit_file(repo_path, "CHANGELOG.md", CHANGELOG)
    ctx = make_ctx()
    start_release(ctx, ReleaseRequest(version="0.2.0"))
    for step_id in ("preflight", "changelog"):
        engine.run_step(ctx, engine.find_step(ctx, step_id))  # a release commit left behind
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_with_key(pilot, "x", AbandonScreen)
        for panel in (False, True):
            if panel:
                await panel_top(pilot, palette=True)
            edge = app.screen.query_one(KeyPanel).region.x if panel else 80
            # each row inside the dialog's frame, from its text's first column
            rows = [line[:edge].replace("█", " ").replace("▏", " ")[2:].rstrip()
                    for line in screen_lines(app)]
            start = next(i for i, row in enumerate(rows) if row.startswith("• 1 commit"))
            end = next(i for i, row in enumerate(rows) if "Reason (recorded" in row)
            listed = [row for row in rows[start:end - 1] if row]
            commit = next(i for i, row in enumerate(listed) if "Release v0.2.0: changelog" in row)
            assert listed[commit].startswith("    "), listed
            assert listed[commit + 1].startswith("  To drop it: `git reset --keep "), listed
            assert commit == (2 if panel else 1), listed  # the "•" line wraps beside the panel
            hung = listed[1:commit] + listed[commit + 2:]
            assert len(hung) >= 2, listed  # the reset's reasons wrap, at 80x24
            for row in hung:  # under the text after "• " or the indent, not at the edge
                assert row.startswith("  ") and not row.startswith("   "), listed
