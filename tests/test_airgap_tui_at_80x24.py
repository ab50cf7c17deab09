"""The signing workstation's screens at 80x24, as a captain walking the air gap met them: the
smoke sign-off opening at its title, and the bundle import saying which machine this is."""

from __future__ import annotations

from console.app import ReleaseConsoleApp
from console.wiring import Options
from screens.steps.smoke import SmokeScreen
from screens.widgets import StepBody
from services.bundle.import_ import apply, verify_bundle
from tests.airgap_helpers import Workstations, prepare_and_export
from tests.tui_helpers import settle


async def test_the_smoke_sign_off_opens_at_its_title_on_the_signing_workstation(
        stations: Workstations) -> None:
    """Walked at 80x24: Enter on the smoke step opened its screen scrolled down one line, the
    title "Hardware smoke test" cut off until the captain scrolled. The hardware field took the
    focus before the screen was first drawn, and Textual centred it; and an empty status line
    under the blockers pushed the form one line past the bottom. The form now fits under the
    title, with the cursor in the hardware field."""
    ws = stations
    prepare_and_export(ws)
    offline = ws.ctx("offline")
    apply(offline, verify_bundle(offline, ws.usb / "out.tar"))
    app = ReleaseConsoleApp(Options(repo=ws.offline, offline=True))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # the step to do now, as Enter on its row opens it
        await settle(pilot)
        smoke = app.screen
        assert isinstance(smoke, SmokeScreen)
        assert smoke.query_one("#step-body", StepBody).scroll_y == 0
        assert smoke.can_view_entire(smoke.query_one("#step-title"))
        hardware = smoke.query_one("#smoke-hardware")
        assert hardware.has_focus and smoke.can_view_entire(hardware)
