"""The signing workstation's screens at 80x24, as a captain walking the air gap met them: the
smoke sign-off opening at its title, and the bundle import saying which machine this is."""

from __future__ import annotations

import hashlib
from pathlib import Path

from textual.widgets import Button, Input

from console.app import ReleaseConsoleApp
from console.wiring import Options
from screens.bundle_import import BundleImportScreen
from screens.steps.handoff import HandoffScreen
from screens.steps.smoke import SmokeScreen
from screens.widgets import SessionBar, StepBody
from services.bundle.import_ import apply, verify_bundle
from tests.airgap_helpers import (
    Workstations,
    offline_half,
    prepare_and_export,
    prepare_online,
    signed_offline,
)
from tests.test_confirm_layout import screen_lines
from tests.tui_helpers import open_step, open_with_key, settle, text_of


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
        # the step to do now, as Enter on its row opens it
        smoke = await open_with_key(pilot, "enter", SmokeScreen)
        assert smoke.query_one("#step-body", StepBody).scroll_y == 0
        assert smoke.can_view_entire(smoke.query_one("#step-title"))
        hardware = smoke.query_one("#smoke-hardware")
        assert hardware.has_focus and smoke.can_view_entire(hardware)


async def test_the_bundle_import_says_which_machine_this_is_at_80x24(
        stations: Workstations) -> None:
    """Walked at 80x24: i opened the bundle import over the whole terminal, and the session bar
    (``... · OFFLINE`` or ``... · online``) went with the screen under it: nothing said which
    machine the bundle was going into. The bar stays on top, also once the verified bundle's
    lines scroll the dialog, and the first sentence names this machine and the other."""
    ws = stations
    prepare_and_export(ws)
    for side, root, offline in (("offline", ws.offline, True), ("online", ws.online, False)):
        if side == "online":
            offline_half(ws)
        app = ReleaseConsoleApp(Options(repo=root, offline=offline))
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_with_key(pilot, "i", BundleImportScreen)
            bar = screen.query_one("#session-bar", SessionBar)
            shown = str(bar.render())
            assert screen.can_view_entire(bar) and bar.region.y == 0
            intro = " ".join(text_of(screen, "#import-intro").split())
            if offline:
                assert shown.endswith("· OFFLINE")
                assert intro.startswith("This is the air-gapped signing workstation. The bundle "
                                        "from the online machine is verified first")
            else:
                assert shown.startswith("PAI · v1.3.0 · stable · release · main · online")
                assert intro.startswith("This is the online machine. The bundle from the "
                                        "air-gapped signing workstation is verified first")
            bundle = ws.usb / ("out.tar" if offline else "back.tar")
            screen.query_one("#import-file", Input).value = str(bundle)
            await pilot.press("enter")  # verify: its lines push the buttons down, and scroll
            await settle(pilot)
            assert not screen.query_one("#import-use", Button).disabled
            assert screen.can_view_entire(bar) and str(bar.render()) == shown
            assert screen.can_view_entire(screen.query_one("#import-use", Button))
            said = screen.query_one("#import-message")  # the fingerprint to compare, in view
            assert screen.can_view_entire(said) and \
                f"fingerprint {screen.prepared.fingerprint}." in text_of(screen, "#import-message")


def fingerprint_of(bundle: Path) -> str:
    """The fingerprint a captain compares: the bundle's sha256, its first 16 digits in fours."""
    digest = hashlib.sha256(bundle.read_bytes()).hexdigest()
    return " ".join(digest[i:i + 4] for i in range(0, 16, 4))


def on_screen(app: ReleaseConsoleApp) -> str:
    """What the terminal shows, its rows joined (a wrapped fingerprint reads as one)."""
    return " ".join(" ".join(screen_lines(app)).split())


async def test_the_hand_off_steps_keep_the_fingerprint_on_screen_at_80x24(
        stations: Workstations) -> None:
    """The captain compares the bundle's fingerprint on one machine with the other's screen, at
    80x24 with the session bar on top and nothing scrolled: on the online machine writing the
    bundle out, on the signing workstation writing it back, and on the online machine once the
    bundle back is verified on the step's screen. There the verified lines holding it started on
    the body's last row (one more line above them scrolled them off) and the line above the
    footer said only "Compare the fingerprint with the other screen": it now says the
    fingerprint, as the bundle import screen does."""
    ws = stations
    prepare_online(ws)
    walks = (("online", ws.online, "handoff-out", "#handoff-path", ws.usb / "out.tar", "ctrl+s"),
             ("offline", ws.offline, "handoff-back", "#handoff-path", ws.usb / "back.tar",
              "ctrl+s"),
             ("online", ws.online, "handoff-back", "#handoff-import", ws.usb / "back.tar",
              "enter"))
    for side, root, step, field, bundle, key in walks:
        if side == "offline":
            signed_offline(ws)
        app = ReleaseConsoleApp(Options(repo=root, offline=side == "offline"))
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_step(pilot, step, HandoffScreen)
            typed = screen.query_one(field, Input)
            typed.value = str(bundle)
            typed.focus()
            await pilot.press(key)  # write the bundle, or verify the one that came back
            await settle(pilot)
            fingerprint = fingerprint_of(bundle)
            message = screen.query_one("#step-message")
            said = " ".join(text_of(screen, "#step-message").split())
            assert fingerprint in said, (step, said)
            assert screen.can_view_entire(message) and message.region.bottom <= 23  # the footer
            assert screen.query_one("#session-bar").region.y == 0
            assert fingerprint in on_screen(app), (step, screen_lines(app))
            if key == "enter":
                assert said.startswith(f"Verified: fingerprint {fingerprint}. Compare it")
                assert not screen.query_one("#handoff-use", Button).disabled
