"""F1 opens the Keys panel as ? does, also from a text field, and the footer offers it where it
fits, driven with Pilot at 80x24.

Walked at 80x24 on the demo: on the smoke form the focus sits in the Hardware field, so ? typed a
"?" there and the panel (every key of the screen) was out of reach but for the palette's "Keys";
nothing on screen said the panel existed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.widgets import HelpPanel, Input

from console.app import ReleaseConsoleApp
from console.wiring import Options
from screens.abandon import AbandonScreen
from screens.home import HomeScreen
from screens.steps.smoke import SmokeScreen
from services.session_lifecycle import ReleaseRequest, start_release
from services.step_protocol import Context
from tests.signing_keys import build_artifacts, write_policy
from tests.test_confirm_layout import screen_lines
from tests.tui_helpers import footer_entries, footer_words, open_step, open_with_key, settle


def keys_whole(screen: object, width: int = 80) -> None:
    """Every key of the footer and its whole label left of the palette key."""
    keys = footer_entries(screen)
    palette = [k for k in keys if k.has_class("-command-palette")]
    edge = palette[0].region.x if palette else width
    for key in keys:
        if key not in palette:
            assert key.region.right <= edge, (key.key, key.description)


async def test_f1_opens_the_keys_panel_from_the_smoke_forms_hardware_field(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    write_policy(repo_path, '[signing]\nbackend = "none"\ntag_format = "none"\n')
    start_release(make_ctx(), ReleaseRequest(version="0.2.0"))
    build_artifacts(repo_path)
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_step(pilot, "smoke", SmokeScreen)
        hardware = screen.query_one("#smoke-hardware", Input)
        hardware.focus()
        await settle(pilot)
        await pilot.press("question_mark")  # a hardware name may hold one: typed, as before
        await settle(pilot)
        assert hardware.value == "?" and not screen.query(HelpPanel)
        await pilot.press("f1")
        await settle(pilot)
        assert screen.query(HelpPanel), "F1 did not open the Keys panel from the field"
        assert hardware.value == "?" and hardware.has_focus
        await pilot.press("f1")  # and closes it again, as ? does
        await settle(pilot)
        assert not screen.query(HelpPanel) and app.screen is screen
        # in the field the footer lists fewer keys (n, r, q are text there): F1 is offered
        assert footer_words(screen).get("f1") == "Keys"
        keys_whole(screen)


async def test_f1_opens_the_keys_panel_in_a_dialogs_field_where_question_mark_is_text(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    """The abandon dialog's reason may ask a question, so ? is typed there; F1 is not text."""
    start_release(make_ctx(), ReleaseRequest(version="0.2.0"))
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_with_key(pilot, "x", AbandonScreen)
        await pilot.press(*"why", "question_mark", "f1")
        await settle(pilot)
        assert dialog.query_one("#reason", Input).value == "why?"
        assert dialog.query(HelpPanel)
        await pilot.press("escape")  # closes the panel, not the dialog
        await settle(pilot)
        assert app.screen is dialog and not dialog.query(HelpPanel)


async def test_the_checklists_footer_offers_f1_where_its_keys_leave_room(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    """At 80x24 the checklist's footer has room for "f1 Keys" after its own keys, with and
    without a release in progress; a window too narrow for it keeps its own keys whole instead,
    and F1 still opens the panel there."""
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert footer_words(app.screen).get("f1") == "Keys"
        assert screen_lines(app)[-1].split()[-4:-2] == ["f1", "Keys"], screen_lines(app)[-1]
        keys_whole(app.screen)
        start_release(make_ctx(), ReleaseRequest(version="0.2.0"))
        app.screen.action_reload()
        await settle(pilot)
        assert "x" in footer_words(app.screen) and footer_words(app.screen).get("f1") == "Keys"
        keys_whole(app.screen)
        await pilot.resize_terminal(70, 24)
        await settle(pilot)
        assert "f1" not in footer_words(app.screen)
        keys_whole(app.screen, 70)
        await pilot.press("f1")
        await settle(pilot)
        assert app.screen.query(HelpPanel)
