"""What the checklist's detail panel says a blocked step's screen holds. Found by the air-gap
walk: every blocked step's panel ended "Enter opens this step's screen, where the keys and
fields above are.", also where the remedy was "import it there" or "press i here", done on the
other workstation or on the checklist, never on that step's screen."""

from __future__ import annotations

from textual.widgets import OptionList

from console.app import ReleaseConsoleApp
from console.wiring import Options
from services.bundle.export import export_bundle
from services.bundle.import_ import apply, verify_bundle
from services.session import utc_now
from tests.airgap_helpers import Workstations, prepare_online
from tests.tui_helpers import settle, text_of

ENTER = "Enter opens this step's screen, to do what the → lines say."


async def panels(ws: Workstations, side: str, *step_ids: str) -> dict[str, str]:
    """The detail panel of each step, highlighted in turn on ``side``'s checklist at 80x24."""
    app = ReleaseConsoleApp(Options(repo=ws.online if side == "online" else ws.offline,
                                    offline=side == "offline"))
    said = {}
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        checklist = app.screen.query_one("#checklist", OptionList)
        ids = [checklist.get_option_at_index(i).id for i in range(checklist.option_count)]
        for step_id in step_ids:
            checklist.highlighted = ids.index(step_id)
            await settle(pilot)
            said[step_id] = " ".join(text_of(app.screen, "#detail-text").split())
    return said


async def test_enter_is_offered_only_where_the_steps_screen_holds_the_remedy(
        stations: Workstations) -> None:
    ws = stations
    prepare_online(ws)
    online = await panels(ws, "online", "handoff-out", "sign")
    # the hand-off's remedy is ctrl+s and the path field, on its screen
    assert "Press ctrl+s: it writes the bundle where the path field says" in online["handoff-out"]
    assert ENTER in online["handoff-out"]
    assert "Signed on the air-gapped signing workstation" in online["sign"]
    assert ENTER not in online["sign"]  # its remedy is the hand-off step's screen

    export_bundle(ws.ctx("online", clock=utc_now), ws.usb / "out.tar")
    smoke = (await panels(ws, "online", "smoke"))["smoke"]
    assert "Waits for the offline side." in smoke and "press i here to import it" in smoke
    assert ENTER not in smoke  # the smoke test is done there; i is the checklist's key here

    offline = ws.ctx("offline")
    apply(offline, verify_bundle(offline, ws.usb / "out.tar"))
    there = await panels(ws, "offline", "smoke", "push")
    assert ENTER in there["smoke"]  # signed off on its screen, here
    assert "Waits for the online side." not in there["smoke"]
    assert "import it there" in there["push"] and ENTER not in there["push"]
