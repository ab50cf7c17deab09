"""Focus on step screens: the captain never loses a step's control to its scroll area unseen.

Walked by hand: on pre-flight, Tab moved the focus from the manual checklist (the only control)
to the step's scroll area, which showed no focus, and Space then ticked nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.containers import VerticalScroll
from textual.widgets import SelectionList, Static

from console.app import ReleaseConsoleApp
from console.wiring import Options
from screens.steps.preflight import PreflightScreen
from services.checklist import ticked
from services.session_lifecycle import ReleaseRequest, start_release
from services.step_protocol import Context
from tests.conftest import commit_file
from tests.tui_helpers import open_step, settle, text_of


def _release_with_a_checklist(repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    commit_file(repo_path, "release.toml", '[checklist]\npreflight = ["Docs updated"]\n')
    start_release(make_ctx(), ReleaseRequest(version="0.2.0"))


async def test_tab_keeps_the_checklist_when_there_is_nothing_to_scroll(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    _release_with_a_checklist(repo_path, make_ctx)
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(120, 60)) as pilot:
        screen = await open_step(pilot, "preflight", PreflightScreen)
        body = screen.query_one("#step-body", VerticalScroll)
        assert body.max_scroll_y == 0  # everything fits: the body has nothing to scroll
        manual = screen.query_one("#manual", SelectionList)
        assert screen.focused is manual
        await pilot.press("tab")
        assert screen.focused is manual
        await pilot.press("shift+tab")
        assert screen.focused is manual
        await pilot.press("space")
        await settle(pilot)
        assert list(ticked(make_ctx().require_session(), "preflight")) == ["Docs updated"]


async def test_a_focused_scroll_area_shows_it_and_space_goes_back_to_the_checklist(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    _release_with_a_checklist(repo_path, make_ctx)
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 16)) as pilot:
        screen = await open_step(pilot, "preflight", PreflightScreen)
        body = screen.query_one("#step-body", VerticalScroll)
        assert body.max_scroll_y > 0  # a long plan: the keyboard must still reach it
        manual = screen.query_one("#manual", SelectionList)
        unfocused = body.styles.border_left
        await pilot.press("tab")
        assert screen.focused is body
        assert body.styles.border_left != unfocused  # the focus shows: a bar down its left edge
        assert body.styles.border_left[0] != ""
        await pilot.press("down")  # it scrolls
        assert body.scroll_y > 0
        await pilot.press("end")  # the checklist out of view: Space must not tick it unseen
        assert not body.region.contains_region(manual.region)
        await pilot.press("space")  # back to the checklist, ticking nothing on the way
        await settle(pilot)
        assert screen.focused is manual
        assert body.region.contains_region(manual.region)  # in view again
        assert not ticked(make_ctx().require_session(), "preflight")
        await pilot.press("space")
        await settle(pilot)
        assert list(ticked(make_ctx().require_session(), "preflight")) == ["Docs updated"]


async def test_at_80x24_tab_then_space_ticks_the_checklist_at_once(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    """Walked at 80x24: on pre-flight, Tab (the focus went to the scrolling body) then Space
    ticked nothing; only a second Space did, though the screen says space ticks an item."""
    _release_with_a_checklist(repo_path, make_ctx)
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_step(pilot, "preflight", PreflightScreen)
        body = screen.query_one("#step-body", VerticalScroll)
        manual = screen.query_one("#manual", SelectionList)
        assert body.max_scroll_y > 0  # Tab stops on the body, as in the demo
        assert any("space ticks" in str(said.render()) for said in screen.query(Static))
        await pilot.press("tab", "space")
        await settle(pilot)
        assert list(ticked(make_ctx().require_session(), "preflight")) == ["Docs updated"]
        assert screen.focused is manual
        assert "[x] Docs updated" in manual.render_line(0).text


async def test_enter_after_a_run_goes_to_the_next_step_not_the_checklist(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    """Walked by hand: pre-flight done, the line said "Enter: next step", and Enter went to the
    ticked checklist, which said a tick cannot be taken back; the captain stayed put."""
    _release_with_a_checklist(repo_path, make_ctx)
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_step(pilot, "preflight", PreflightScreen)
        await pilot.press("space")
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert "Enter: next step" in text_of(screen, "#step-message")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is not screen
        assert getattr(getattr(app.screen, "step", None), "id", None) == "changelog"
        assert list(ticked(make_ctx().require_session(), "preflight")) == ["Docs updated"]
