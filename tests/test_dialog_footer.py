"""A dialog's bottom row shows its own keys, not those of the screen under it.

Walked: the start dialog, opened with `s`, had the checklist's footer under it, "s Start  y Yank…
p Promote…  i Import bundle…", keys that type into the dialog's field instead."""

from __future__ import annotations

from pathlib import Path

from console.app import ReleaseConsoleApp
from console.wiring import Options
from screens.abandon import AbandonScreen
from screens.prompts import ReasonScreen
from screens.start import StartScreen
from tests.conftest import run_cli
from tests.tui_helpers import footer_keys, open_with_key, settle


async def test_the_start_abandon_and_reason_dialogs_show_their_own_keys(repo_path: Path) -> None:
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_with_key(pilot, "s", StartScreen)
        assert list(footer_keys(app.screen)) == ["escape"]
        await pilot.press("escape")
        await settle(pilot)
    run_cli("start", "0.2.0", cwd=repo_path)
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_with_key(pilot, "x", AbandonScreen)
        assert list(footer_keys(app.screen)) == ["escape"]
        await pilot.press("escape")
        await settle(pilot)
        app.push_screen(ReasonScreen("Skip 'Release notes'? Say why it does not apply."))
        await settle(pilot)
        assert list(footer_keys(app.screen)) == ["escape"]
