"""The first offline import from the TUI: a fresh offline clone with no session takes the
outbound bundle from the home screen (i), sees what was verified, uses it, and the release
continues there; a refused bundle is shown in one sentence and changes nothing."""

from __future__ import annotations

import shutil

from textual.widgets import Button, Input, ProgressBar

from console.app import ReleaseConsoleApp
from console.wiring import Options
from screens.bundle_import import BundleImportScreen
from screens.home import HomeScreen
from screens.step import StepScreen
from services import netguard
from tests.airgap_helpers import Workstations, offline_half, prepare_and_export, prepare_online
from tests.bundle_forge import snapshot
from tests.tui_helpers import footer_keys, open_with_key, settle, text_of


async def test_first_offline_import_from_the_home_screen(stations: Workstations) -> None:
    ws = stations
    prepare_online(ws)
    out = ws.cli("online", "bundle", "export", "--without-artifacts", "--output",
                 str(ws.usb / "out.tar")).stdout
    fingerprint = out.split("Fingerprint: ")[1].split()[0]
    stick = ws.usb / "artifacts"
    stick.mkdir()
    for path in (ws.online / "build").glob("*.iso"):
        shutil.copy2(path, stick / path.name)
    assert not (ws.offline / ".release").exists()  # a fresh clone: no session here

    app = ReleaseConsoleApp(Options(repo=ws.offline, offline=True))
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        # The signing workstation never starts a release: it imports the online machine's.
        assert "Press i to import the hand-off bundle" in text_of(home, "#message")
        keys = footer_keys(home)
        assert keys["i"] and "s" not in keys and "p" not in keys
        assert "y" not in keys  # a yank edits GitHub: the online machine does it
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is home
        offered = {command.title for command in app.get_system_commands(home)}
        assert "Import a hand-off bundle" in offered  # the palette: what starts online is not
        assert not offered & {"Start a hotfix", "Yank a release", "Promote a release candidate"}
        await pilot.press("i")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BundleImportScreen)

        # A wrong path first: one sentence on the screen, nothing changed.
        before = snapshot(ws.offline)
        screen.query_one("#import-file", Input).value = str(ws.usb / "nope.tar")
        await pilot.press("enter")
        await settle(pilot)
        assert f"The bundle {ws.usb / 'nope.tar'} does not exist" in \
            text_of(screen, "#import-message")
        assert screen.query_one("#import-use", Button).disabled

        # The real bundle made without artifacts, and no folder named: one sentence says so.
        screen.query_one("#import-file", Input).value = str(ws.usb / "out.tar")
        await pilot.press("enter")
        await settle(pilot)
        refused = text_of(screen, "#import-message")
        assert (f"Artifact pai-v1.3.0-amd64.iso is missing from {ws.offline / 'build'}; nothing "
                "was changed.") in refused and "the artifacts field" in refused
        assert screen.query_one("#import-use", Button).disabled
        assert snapshot(ws.offline) == before

        # The real bundle, without its artifacts: they come from the stick.
        screen.query_one("#import-file", Input).value = str(ws.usb / "out.tar")
        screen.query_one("#import-artifacts", Input).value = str(stick)
        screen.query_one("#import-file", Input).focus()
        with netguard.guarded() as guard:
            await pilot.press("enter")
            await settle(pilot)
        assert guard.attempts == []
        verified = text_of(screen, "#import-verified")
        assert f"Fingerprint: {fingerprint}" in verified
        assert "every member's sha256 matches the manifest" in verified
        assert "pai-v1.3.0-amd64.iso: sha256" in verified and "matches the build host's" \
            in verified
        assert "Use the bundle: fetch" in verified
        bar = screen.query_one("#import-progress", ProgressBar)  # the service reported progress
        assert bar.total is not None and bar.total > 1 and bar.progress == bar.total
        held = {k: v for k, v in snapshot(ws.offline).items()  # the verified bundle, held
                if not k.startswith(".release/import-")}       # privately until it is used
        assert held == before  # verified, not used yet
        assert app.focused is screen.query_one("#import-use", Button)
        # Another path typed after verifying: the verification no longer counts.
        screen.query_one("#import-artifacts", Input).value = str(ws.usb)
        await settle(pilot)
        assert screen.query_one("#import-use", Button).disabled
        assert "Verify the bundle again" in text_of(screen, "#import-message")
        screen.query_one("#import-artifacts", Input).value = str(stick)
        screen.query_one("#import-file", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert app.focused is screen.query_one("#import-use", Button)
        await pilot.press("enter")  # "Use it"
        await settle(pilot)
        assert app.screen is home
        await settle(pilot)
        assert home.tag == "v1.3.0" and home.next_id == "smoke"
        assert "OFFLINE" in str(home.query_one("#session-bar").render())

    assert not list((ws.offline / ".release").glob("import-*"))
    status = ws.cli("offline", "status").stdout
    assert "v1.3.0" in status and "smoke" in status
    for name in ("pai-v1.3.0-amd64.iso", "pai-v1.3.0-arm64.iso"):
        assert (ws.offline / "build" / name).read_bytes() == \
            (ws.online / "build" / name).read_bytes()
    assert ws.cli("offline", "journal", "verify").returncode == 0


async def test_import_is_in_the_command_palette(stations: Workstations) -> None:
    app = ReleaseConsoleApp(Options(repo=stations.offline, offline=True))
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Import a hand-off bundle" in titles
        await pilot.press("escape")


async def test_the_returning_bundle_is_found_where_this_machine_wrote_the_outbound_one(
        stations: Workstations) -> None:
    """Walked by hand: back online, the captain typed the whole path of the return bundle, and
    the field's example named an outbound bundle of another version."""
    ws = stations
    prepare_and_export(ws)
    back = offline_half(ws)
    expected = ws.usb / "PAI-v1.3.0-to-online.tar"  # its default name, on the same stick

    app = ReleaseConsoleApp(Options(repo=ws.online))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        assert footer_keys(home)["i"]  # a step waits for the returning bundle
        await pilot.press("i")
        await settle(pilot)
        field = app.screen.query_one("#import-file", Input)
        assert field.value == "" and field.placeholder == f"Bundle file (e.g. {expected})"
        # Walked by hand: "Artifacts folder (only for a bundle made without artifacts)" here,
        # where the signed bundle comes back without them and the field must stay empty.
        artifacts = app.screen.query_one("#import-artifacts", Input)
        assert artifacts.placeholder == \
            "Artifacts folder: leave empty (this machine's build/ is checked)"
        assert len(artifacts.placeholder) <= artifacts.content_region.width  # not cut at 80x24
        await pilot.press("escape")
        await settle(pilot)

        shutil.copy2(back, expected)
        await pilot.press("i")
        await settle(pilot)
        screen = app.screen
        assert screen.query_one("#import-file", Input).value == str(expected)
        assert f"Found {expected.name} in {expected.parent}: Enter verifies it." in \
            text_of(screen, "#import-message")
        await pilot.press("enter")  # verifies
        await settle(pilot)
        await pilot.press("enter")  # uses it
        await settle(pilot)
        assert app.screen is home and home.next_id == "push"


async def test_a_step_screen_waiting_for_the_signed_bundle_imports_it_with_i(
        stations: Workstations) -> None:
    """Walked by hand: on the online machine, the step screen after the export (smoke, which
    the signing workstation does) said to press i on the checklist; from the step screen, i
    now takes the returning bundle and opens the step to do next."""
    ws = stations
    prepare_and_export(ws)
    back = offline_half(ws)

    app = ReleaseConsoleApp(Options(repo=ws.online))
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot)
        await pilot.press("n")  # the step to do now: smoke, on the other side of the air gap
        await settle(pilot)
        waiting = app.screen
        assert isinstance(waiting, StepScreen) and waiting.step.id == "smoke"
        assert "when the signed bundle comes back, press i here to import it" in \
            text_of(waiting, "#step-blockers")
        keys = footer_keys(waiting)
        assert keys["i"] and "ctrl+s" not in keys  # no sign-off form here: offline records them
        assert not waiting.query_one("#smoke-form").display
        assert "The v1.3.0 bundle is with the signing workstation: a smoke sign-off" in \
            text_of(waiting, "#smoke-status")
        await pilot.press("i")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BundleImportScreen)
        screen.query_one("#import-file", Input).value = str(back)
        screen.query_one("#import-file", Input).focus()
        await pilot.press("enter")  # verify
        await settle(pilot)
        await pilot.press("enter")  # "Use it"
        await settle(pilot)
        await settle(pilot)
        after = app.screen
        assert isinstance(after, StepScreen) and after.step.id == "push"
        assert "i" not in footer_keys(after)  # nothing waits for the other machine now
    assert ws.ctx("online").repo.tag_exists("v1.3.0")


def test_after_sending_a_release_back_the_next_bundle_on_the_stick_is_proposed(
        stations: Workstations) -> None:
    """Found by a helper: on the signing workstation, after v1.3.0 went back, `i` proposed
    PAI-v1.3.0-to-offline.tar (already used) while v1.4.0's bundle was on the stick."""
    from services.bundle.paths import expected_incoming

    ws = stations
    prepare_and_export(ws)
    offline_half(ws)
    assert expected_incoming(ws.ctx("offline")) is None  # nothing new on the stick yet
    nxt = ws.usb / "PAI-v1.4.0-to-offline.tar"
    nxt.write_bytes(b"the next release's bundle")
    assert expected_incoming(ws.ctx("offline")) == nxt


async def test_the_signing_workstation_says_its_part_is_done_once_sent_back(
        stations: Workstations) -> None:
    """Found by a helper: after the bundle went back, the signing workstation's checklist said
    "Next: push" for good, and x offered to abandon a release that was being published."""
    ws = stations
    prepare_and_export(ws)
    offline_half(ws)
    app = ReleaseConsoleApp(Options(repo=ws.offline, offline=True))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        assert ("v1.3.0 was signed here and sent back: nothing is left to do on this "
                "workstation.") in text_of(home, "#message")
        keys = footer_keys(home)
        assert keys["i"] and "x" not in keys and "n" not in keys


async def test_once_verified_at_80x24_the_use_button_and_what_enter_does_are_in_view(
        stations: Workstations) -> None:
    """Walked by hand at 80x24: after Verify the check lines filled the screen and "Use it" and
    "Verified. Compare the fingerprint ..., then use it (Enter or ctrl+y)." were below it, the
    focus on a button the captain could not see; what Enter would do was nowhere on screen."""
    ws = stations
    prepare_and_export(ws)
    app = ReleaseConsoleApp(Options(repo=ws.offline, offline=True))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_with_key(pilot, "i", BundleImportScreen)
        screen.query_one("#import-file", Input).value = str(ws.usb / "out.tar")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.pause()
        use = screen.query_one("#import-use", Button)
        assert use.has_focus and not use.disabled
        shown = screen.screen.find_widget  # raises NoWidget for a widget scrolled out of view
        for widget in (use, screen.query_one("#import-message")):
            region = shown(widget).region
            assert region.height and region.bottom <= 24 - 1, widget  # above the footer
        assert "Fingerprint:" in text_of(screen, "#import-verified")


async def test_once_verified_at_80x24_no_button_says_enter_verifies(
        stations: Workstations) -> None:
    """Walked by hand at 80x24: once verified, the line said "use it (Enter or ctrl+y)" while the
    button beside the focused "Use it" still read "Verify (Enter)"."""
    ws = stations
    prepare_and_export(ws)
    app = ReleaseConsoleApp(Options(repo=ws.offline, offline=True))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_with_key(pilot, "i", BundleImportScreen)
        verify = screen.query_one("#import-verify", Button)
        assert str(verify.label) == "Verify (Enter)"
        field = screen.query_one("#import-file", Input)
        field.value = str(ws.usb / "out.tar")
        await pilot.press("enter")
        await settle(pilot)
        assert "use it (Enter or ctrl+y)" in text_of(screen, "#import-message")
        assert "Enter" not in str(verify.label) and str(verify.label) == "Verify again"
        field.value = str(ws.usb / "other.tar")  # another path: Enter in the field verifies it
        await settle(pilot)
        assert str(verify.label) == "Verify (Enter)"


async def test_a_fresh_offline_clones_example_names_this_project_and_no_version(
        stations: Workstations) -> None:
    """Walked at 80x24: on a fresh offline clone the field's example was a fixed
    "/media/usb/PAI-v1.4.0-to-offline.tar" (another version than the one being released, and
    "PAI" for every project)."""
    ws = stations
    app = ReleaseConsoleApp(Options(repo=ws.offline, offline=True))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_with_key(pilot, "i", BundleImportScreen)
        await settle(pilot)
        field = screen.query_one("#import-file", Input)
        assert field.placeholder == "Bundle file (e.g. /media/usb/PAI-vX.Y.Z-to-offline.tar)"
        assert len(field.placeholder) <= field.content_region.width  # not cut at 80x24
