"""Snapshots at 80x24, the smallest terminal a captain may have: nothing cut, nothing missing.

Time is frozen (the app's contexts use the tests' fixed clock, so dates in diffs never move) and
no cursor blinks. Update with ``pytest --snapshot-update`` after a deliberate change, and look at
the pictures in the report before accepting them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from console.app import ReleaseConsoleApp
from console.wiring import Options
from screens.step import screen_for
from services import engine
from services.session_lifecycle import ReleaseRequest, start_release
from services.step_protocol import Context
from tests.conftest import FIXED_NOW, commit_file
from tests.signing_keys import build_artifacts, write_policy
from tests.tui_helpers import settle

SIZE = (80, 24)
CHANGELOG = ("# Changelog\n\n## [Unreleased]\n\n### Added\n\n- Dark mode.\n\n"
             "## [0.1.0] - 2026-01-01\n\n### Added\n\n- First release.\n")


class FrozenApp(ReleaseConsoleApp):
    """The real app, with the tests' fixed clock in every context it builds."""

    def make_context(self) -> Context:
        ctx = super().make_context()
        ctx.clock = lambda: FIXED_NOW
        return ctx


def still(pilot: Pilot[Any]) -> None:
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False
    for area in pilot.app.screen.query(TextArea):
        area.cursor_blink = False


def opening(step_id: str) -> Callable[[Pilot[Any]], Any]:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        pilot.app.push_screen(screen_for(step_id))
        await settle(pilot)
        still(pilot)
        await pilot.pause()

    return run_before


def test_home_at_80x24(repo_path: Path, make_ctx: Callable[..., Context],
                       snap_compare: Callable[..., bool]) -> None:
    start_release(make_ctx(), ReleaseRequest(version="0.2.0"))
    assert snap_compare(FrozenApp(Options(repo=repo_path)), terminal_size=SIZE,
                        run_before=settle)


def test_changelog_diff_and_its_confirmation_at_80x24(
        repo_path: Path, make_ctx: Callable[..., Context],
        snap_compare: Callable[..., bool]) -> None:
    commit_file(repo_path, "CHANGELOG.md", CHANGELOG)
    ctx = make_ctx()
    start_release(ctx, ReleaseRequest(version="0.2.0"))
    engine.run_step(ctx, engine.find_step(ctx, "preflight"))
    app = FrozenApp(Options(repo=repo_path))
    assert snap_compare(app, terminal_size=SIZE, run_before=opening("changelog"))

    async def confirm(pilot: Pilot[Any]) -> None:
        await opening("changelog")(pilot)
        await pilot.press("n")  # it asks before writing: the diff, the commit, y/n/Enter
        await settle(pilot)

    assert snap_compare(FrozenApp(Options(repo=repo_path)), terminal_size=SIZE,
                        run_before=confirm)


def test_smoke_sign_off_at_80x24(repo_path: Path, make_ctx: Callable[..., Context],
                                 snap_compare: Callable[..., bool]) -> None:
    write_policy(repo_path, '[signing]\nbackend = "none"\ntag_format = "none"\n')
    start_release(make_ctx(), ReleaseRequest(version="0.2.0"))
    build_artifacts(repo_path)
    assert snap_compare(FrozenApp(Options(repo=repo_path)), terminal_size=SIZE,
                        run_before=opening("smoke"))
