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


async def test_a_long_redo_question_wraps_whole_in_the_reason_dialog(repo_path: Path) -> None:
    """Walked at 80x24: o on the air-gapped hand-off back asked "Redo 'Hand-off back to the
    online machine' and the steps after it? Say" and the rest of the sentence was cut off (the
    dialog is 76 columns wide at any terminal size)."""
    from tests.test_confirm_layout import screen_lines

    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(ReasonScreen("Redo 'Hand-off back to the online machine' and the steps "
                                     "after it? Say what changed."))
        await settle(pilot)
        lines = screen_lines(app)
        assert any("and the steps after it? Say" in line for line in lines)
        assert any("what changed." in line for line in lines)  # the rest, not cut off
