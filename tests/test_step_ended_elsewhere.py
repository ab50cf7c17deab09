"""A step screen whose release ended under it (another terminal abandoned or finished it) says
what happened and the way back, instead of "No release in progress" (walked by hand)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from console.app import ReleaseConsoleApp
from console.wiring import Options
from screens.home import HomeScreen
from screens.step import StepScreen
from services.session_lifecycle import ReleaseRequest, abandon_release, start_release
from services.step_protocol import Context
from tests.tui_helpers import open_step, settle, text_of


async def test_a_release_abandoned_in_another_terminal_is_named_with_its_reason(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    start_release(make_ctx(), ReleaseRequest(version="0.2.0"))
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_step(pilot, "notes", StepScreen)
        abandon_release(make_ctx(), "v0.2.0", "CI is red")  # the other terminal
        await pilot.press("f5")
        await settle(pilot)
        status = text_of(screen, "#step-status")
        assert "v0.2.0 was abandoned in another terminal: CI is red." in status
        assert "Escape goes back to the home screen." in status
        assert "No release in progress" not in status
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)


async def test_a_release_set_aside_in_another_terminal_is_named(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    start_release(make_ctx(), ReleaseRequest(version="0.2.0"))
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_step(pilot, "notes", StepScreen)
        ctx = make_ctx()
        abandon_release(ctx, "v0.2.0", "wrong version")
        ctx.store.set_aside("v0.2.0")  # as starting the version again asks
        await pilot.press("f5")
        await settle(pilot)
        status = text_of(screen, "#step-status")
        assert "v0.2.0 is no longer in progress here: its record was set aside or moved." \
            in status
