"""The hand-off's path names a USB stick that is not mounted: nothing is written, and one
sentence says so.

Walked at 80x24: "/media/usb/" typed in the hand-off screen's path field with the stick not
mounted wrote the 3 MiB bundle as a *file* named /media/usb (the trailing slash goes with the
path), said "Wrote /media/usb" and marked the hand-off done; the stick, mounted later, would
have been mounted over it."""

from __future__ import annotations

from textual.widgets import Input

from console.app import ReleaseConsoleApp
from console.wiring import Options
from screens.steps.handoff import HandoffScreen
from tests.airgap_helpers import Workstations, prepare_online
from tests.tui_helpers import open_step, settle, text_of


async def test_a_folder_that_is_not_there_writes_no_bundle_at_80x24(
        stations: Workstations) -> None:
    ws = stations
    prepare_online(ws)
    stick = ws.base / "media" / "usb"  # its parent is there, the stick is not mounted
    stick.parent.mkdir()
    app = ReleaseConsoleApp(Options(repo=ws.online))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_step(pilot, "handoff-out", HandoffScreen)
        screen.query_one("#handoff-path", Input).value = f"{stick}/"
        screen.set_focus(None)
        await pilot.press("ctrl+s")
        await settle(pilot)
        said = " ".join(text_of(screen, "#step-message").split())
        assert f"There is no folder {stick} (is the USB stick mounted?); no bundle was " \
               "written." in said, said
        assert not stick.exists() and list(stick.parent.iterdir()) == []
        assert "Wrote" not in said
    assert not ws.ctx("online").require_session().done("handoff-out")

    failed = ws.cli("online", "bundle", "export", "--output", str(stick), ok=False)
    assert failed.returncode == 3 and not stick.exists()
    assert "There is no folder" in failed.stderr and "Traceback" not in failed.stderr


async def test_after_o_reopens_the_hand_off_one_tab_reaches_the_path_at_80x24(
        stations: Workstations) -> None:
    """Walked at 80x24: after o reopened the hand-off (the bundle went to a wrong place), the
    blocker said "Tab to the field", but Tab went to the scrolling body; the path typed next ran
    its letters as keys there, and its r wrote the bundle to the old path again."""
    from screens.prompts import ConfirmScreen, ReasonScreen

    ws = stations
    prepare_online(ws)
    app = ReleaseConsoleApp(Options(repo=ws.online))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_step(pilot, "handoff-out", HandoffScreen)
        field = screen.query_one("#handoff-path", Input)
        field.value = str(ws.usb / "wrong.tar")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert (ws.usb / "wrong.tar").is_file()
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, ReasonScreen)
        await pilot.press(*"wrong place", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)  # the bundle is away: asked first
        await pilot.press("y")
        await settle(pilot)
        await pilot.pause(0.3)
        await settle(pilot)
        assert app.screen is screen and field.display
        await pilot.press("tab")
        assert app.focused is field, app.focused
        field.value = ""
        await pilot.press(*"right.tar")  # typed into the field: no key runs the step
        await settle(pilot)
        assert field.value == "right.tar" and not (ws.usb / "right.tar").exists()
