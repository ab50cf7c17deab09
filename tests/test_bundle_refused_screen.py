"""A bundle whose copy went bad on the way, refused on the import screen at 80x24: the sentence
names the one machine that wrote it and the one key there that makes a new one.

Walked by hand at 80x24: a one-byte change in the outbound bundle, imported on the signing
workstation, said to redo `handoff-out` on the online machine *and* `handoff-back` on the signing
workstation, both as command lines; the captain at the TUI had to work out which half applied
(the same on the way back), and showed no fingerprint of the damaged copy to compare. Also: the
USB stick's folder given instead of the bundle in it."""

from __future__ import annotations

import hashlib
from pathlib import Path

from textual.widgets import Button, Input

from console.app import ReleaseConsoleApp
from console.wiring import Options
from screens.bundle_import import BundleImportScreen
from services.bundle.manifest import short
from tests.airgap_helpers import Workstations, offline_half, prepare_and_export, prepare_online
from tests.bundle_forge import snapshot
from tests.tui_helpers import open_with_key, settle, text_of


def damaged(bundle: Path) -> Path:
    """A copy of ``bundle`` with one byte changed a third of the way in (inside a member)."""
    data = bytearray(bundle.read_bytes())
    data[len(data) // 3] ^= 0x01
    copy = bundle.with_name("damaged-" + bundle.name)
    copy.write_bytes(bytes(data))
    return copy


async def refusal_on_screen(repo: Path, bundle: Path, *, offline: bool) -> str:
    """Import ``bundle`` from the home screen's i at 80x24; what the screen said, unwrapped."""
    before = snapshot(repo)
    app = ReleaseConsoleApp(Options(repo=repo, offline=offline))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_with_key(pilot, "i", BundleImportScreen)
        screen.query_one("#import-file", Input).value = str(bundle)
        await pilot.press("enter")
        await settle(pilot)
        said = " ".join(text_of(screen, "#import-message").split())
        assert screen.query_one("#import-use", Button).disabled
    assert snapshot(repo) == before
    return said


async def test_a_damaged_outbound_bundle_names_the_online_machines_key(
        stations: Workstations) -> None:
    ws = stations
    copy = damaged(prepare_and_export(ws))
    said = await refusal_on_screen(ws.offline, copy, offline=True)
    assert said.startswith("The bundle was refused:") and "nothing was used." in said
    # what to compare with the fingerprint the online machine's screen showed
    mine = short(hashlib.sha256(copy.read_bytes()).hexdigest())
    assert f"this copy's fingerprint is {mine});" in said, said
    assert ("Carry a fresh copy of the bundle from the online machine and check that the "
            "fingerprint shown here after it verifies matches the one the online machine "
            "showed; with no good copy left there, press o on its 'Hand-off to the signing "
            "workstation' screen, say why and answer y (this machine never imported it) and export it "
            "again there.") in said
    assert "handoff-back" not in said and "`release-console" not in said


async def test_a_damaged_return_bundle_names_the_signing_workstations_key(
        stations: Workstations) -> None:
    ws = stations
    prepare_and_export(ws)
    said = await refusal_on_screen(ws.online, damaged(offline_half(ws)), offline=False)
    assert said.startswith("The bundle was refused:")
    assert ("from the signing workstation and check that the fingerprint shown here after it "
            "verifies matches the one the signing workstation showed; with no good copy left "
            "there, press o on its 'Hand-off back to the online machine' screen") in said
    assert "handoff-out" not in said and "`release-console" not in said


async def test_the_sticks_folder_puts_its_bundle_in_the_field_at_80x24(
        stations: Workstations) -> None:
    """Walked at 80x24: the export took the USB stick's folder, so the captain gave the import
    the folder too; it said "is a folder, not a bundle file. Give the bundle in it instead:
    <path>", and the whole path had to be typed again. The stick carries bundles both ways:
    the one this machine imports is proposed, and Enter verifies it."""
    ws = stations
    prepare_online(ws)
    ws.cli("online", "bundle", "export", "--output", str(ws.usb))
    bundle = ws.usb / "PAI-v1.3.0-to-offline.tar"
    (ws.usb / "PAI-v1.2.0-to-online.tar").write_bytes(b"the last release's way back")
    app = ReleaseConsoleApp(Options(repo=ws.offline, offline=True))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_with_key(pilot, "i", BundleImportScreen)
        field = screen.query_one("#import-file", Input)
        await pilot.press(*f"{ws.usb}/", "enter")
        await settle(pilot)
        assert field.value == str(bundle)
        assert f"Found {bundle.name} in {ws.usb}: Enter verifies it." in \
            " ".join(text_of(screen, "#import-message").split())
        await pilot.press("enter")
        await settle(pilot)
        assert "Verified: fingerprint" in text_of(screen, "#import-message")
