"""The hand-off screen, driven with Pilot: contents and sizes, the remembered path, export with
its fingerprint, and an import verified line by line before it is used."""

from __future__ import annotations

import tarfile
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Button, Checkbox, Input, Static

from console.app import ReleaseConsoleApp
from console.wiring import Options
from screens.step_progress import StepProgress
from screens.steps.handoff import HandoffScreen
from services.bundle.export import export_bundle
from services.session import utc_now
from tests.airgap_helpers import (
    Workstations,
    offline_half,
    prepare_and_export,
    prepare_online,
    signed_offline,
)
from tests.tui_helpers import footer_entries, footer_keys, open_step, settle


def text(screen: HandoffScreen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def open_handoff(pilot: Pilot[None], step_id: str) -> HandoffScreen:
    return await open_step(pilot, step_id, HandoffScreen)


async def write_with_ctrl_s(pilot: Pilot[None], screen: HandoffScreen, path: Path) -> None:
    """The bundle written to ``path`` as the captain writes it: the path in its field, ctrl+s."""
    screen.query_one("#handoff-path", Input).value = str(path)
    await pilot.press("ctrl+s")
    await settle(pilot)


async def test_export_then_import_from_the_screen(stations: Workstations) -> None:
    ws = stations
    prepare_online(ws)
    app = ReleaseConsoleApp(Options(repo=ws.online))
    async with app.run_test(size=(120, 50)) as pilot:
        screen = await open_handoff(pilot, "handoff-out")
        contents = text(screen, "#handoff-contents")
        assert "air-gapped signing workstation" in contents
        assert "artifacts/pai-v1.3.0-amd64.iso" in contents and "MiB" in contents
        path = screen.query_one("#handoff-path", Input)
        assert path.value.endswith(".release/v1.3.0/outbox/PAI-v1.3.0-to-offline.tar")
        # Walked by hand: Tab, Tab and Enter ticked "without artifacts" silently. Space ticks it;
        # Enter is the screen's (it looks again at the blocked step), never the box's.
        without = screen.query_one("#handoff-without", Checkbox)
        without.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert not without.value
        await pilot.press("space")
        assert without.value
        await pilot.press("space")
        assert not without.value
        path.value = str(ws.usb / "out.tar")
        path.focus()  # the keys work from the field, where a captain has just typed the path
        await pilot.press("ctrl+s")
        await settle(pilot)
        message = text(screen, "#step-message")
        assert f"Wrote {ws.usb / 'out.tar'}" in message and "Fingerprint:" in message
        assert "Enter: the checklist" in message  # the next step is the other machine's
        await pilot.press("enter")  # the checklist, not the field again ("already exists")
        await settle(pilot)
        assert app.screen is not screen
    assert (ws.usb / "out.tar").is_file()

    offline_half(ws)
    app = ReleaseConsoleApp(Options(repo=ws.online))
    async with app.run_test(size=(120, 50)) as pilot:
        screen = await open_handoff(pilot, "handoff-back")
        incoming = screen.query_one("#handoff-import", Input)
        assert incoming.value == str(ws.usb / "PAI-v1.3.0-to-online.tar")  # the folder used last
        incoming.value = str(ws.usb / "back.tar")
        assert screen.query_one("#handoff-use", Button).disabled
        incoming.focus()
        await pilot.press("enter")  # in the field: verify (ctrl+i is Tab in a terminal)
        await settle(pilot)
        verified = text(screen, "#handoff-verified")
        # walked by hand: "(minisign key 772D965E6C509A95 (minisign.pub))", parentheses nested
        assert "manifest signed by the pinned key: minisign key " in verified
        assert "))" not in verified
        assert "git verify-tag v1.3.0: signed by the pinned key" in verified
        assert "pai-v1.3.0-arm64.iso: sha256" in verified
        # walked by hand: "Hashing pai-v1.3.0-arm64.iso ... 100%" stayed under the lines
        assert not screen.query_one(StepProgress).has_class("active")
        assert not screen.query_one("#handoff-use", Button).disabled
        assert not ws.ctx("online").repo.tag_exists("v1.3.0")  # nothing used before ctrl+y
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert "Imported back.tar" in text(screen, "#step-message")
        assert shown(screen) == set()  # nothing more to take here
        # Walked by hand: o here reopened the step, and the signing workstation's next bundle
        # was refused as diverging for good. Only the machine that writes it redoes it.
        assert "o" not in footer_keys(screen)
        await pilot.press("o")
        await settle(pilot)
        assert app.screen is screen
        assert "git verify-tag v1.3.0" in text(screen, "#handoff-verified")  # the lines stay
    assert ws.ctx("online").repo.tag_exists("v1.3.0")
    assert Path(ws.online / "build" / "pai-v1.3.0-amd64.iso.minisig").is_file()


async def test_export_to_the_outbox_it_proposes_and_the_blocker_names_the_key(
        stations: Workstations) -> None:
    """Walked by hand: exporting to the path the screen proposes said "The folder .../outbox does
    not exist", and the blocker told the captain to type a CLI command."""
    ws = stations
    prepare_online(ws)
    app = ReleaseConsoleApp(Options(repo=ws.online))
    async with app.run_test(size=(120, 50)) as pilot:
        screen = await open_handoff(pilot, "handoff-out")
        assert "Press ctrl+s: it writes the bundle" in text(screen, "#step-blockers")
        proposed = Path(screen.query_one("#handoff-path", Input).value)
        assert not proposed.parent.exists()
        screen.query_one("#handoff-path", Input).focus()
        await pilot.press("enter")  # Enter in the field writes it too
        await settle(pilot)
        assert f"Wrote {proposed}" in text(screen, "#step-message")
    assert proposed.is_file()


async def test_the_list_follows_the_without_artifacts_box_and_the_files(
        stations: Workstations) -> None:
    """Walked by hand at 80x24 and 100x40: ticking "without artifacts" left the artifacts in the
    list and the total (3.1 MiB for a 20 KiB bundle), and after the export the screen still
    listed today's files as what the bundle "holds", artifacts and all."""
    ws = stations
    prepare_online(ws)
    app = ReleaseConsoleApp(Options(repo=ws.online))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_handoff(pilot, "handoff-out")
        with_them = text(screen, "#handoff-contents")
        assert "artifacts/pai-v1.3.0-amd64.iso" in with_them
        assert "total (plus the git bundle)                     3.1 MiB" in with_them
        assert "carry these yourself" not in with_them
        without = screen.query_one("#handoff-without", Checkbox)
        without.focus()
        await pilot.press("space")
        await settle(pilot)
        listed = text(screen, "#handoff-contents")
        assert "Without artifacts: carry these yourself" in listed
        holds, carried = listed.split("Without artifacts: carry these yourself, into build/ on "
                                      "the signing workstation")
        assert "artifacts/" not in holds and "notes.md" in holds
        assert "3.1 MiB" not in holds and "KiB" in holds.split("total (plus the git bundle)")[1]
        assert "pai-v1.3.0-amd64.iso                            1.6 MiB" in carried
        assert "pai-v1.3.0-arm64.iso" in carried

        # A rebuilt artifact: a refresh (f5) shows its new size, the box still ticked.
        iso = ws.online / "build" / "pai-v1.3.0-arm64.iso"
        iso.write_bytes(iso.read_bytes() * 2)
        await pilot.press("f5")
        await settle(pilot)
        carried = text(screen, "#handoff-contents").split("Without artifacts")[1]
        assert "pai-v1.3.0-arm64.iso                            3.1 MiB" in carried
        iso.write_bytes(iso.read_bytes()[:len(iso.read_bytes()) // 2])  # back as it was built
        await pilot.press("f5")
        await settle(pilot)

        await pilot.press("space")  # unticked: the artifacts are in the bundle again
        await settle(pilot)
        assert text(screen, "#handoff-contents") == with_them
        await pilot.press("space")
        await write_with_ctrl_s(pilot, screen, ws.usb / "out.tar")
        message = text(screen, "#step-message")
        assert f"Wrote {ws.usb / 'out.tar'}" in message and "KiB)" in message
        fingerprint = message.split("Fingerprint: ")[1].split("  ")[0].strip()
        written = " ".join(text(screen, "#handoff-contents").split())
        assert written == (f"The bundle for the air-gapped signing workstation is written to "
                           f"{ws.usb / 'out.tar'} (fingerprint {fingerprint}) and was made "
                           "without artifacts: they travel beside it; what it held is in the "
                           "evidence below.")
        # the evidence below records it too (it was not recorded at all)
        assert "artifacts_included: False" in text(screen, "#step-evidence")
    with tarfile.open(ws.usb / "out.tar") as written_bundle:
        assert not [n for n in written_bundle.getnames() if n.startswith("artifacts/")]


async def test_the_bundle_paths_fit_80_columns(stations: Workstations) -> None:
    """Walked by hand at 80x24: the path field shared its row with the box and the button and
    showed "/tmp/walk/ag/usb/PAI-v1.3.1", never the file name; the import field was cut too."""
    ws = stations
    prepare_online(ws)
    app = ReleaseConsoleApp(Options(repo=ws.online))
    async with app.run_test(size=(80, 24)) as pilot:
        # the path field before the export (once written, it goes), the import field after it
        for step_id, field in (("handoff-out", "#handoff-path"),
                               ("handoff-back", "#handoff-import")):
            if step_id == "handoff-back":
                export_bundle(ws.ctx("online", clock=utc_now), ws.usb / "out.tar")
            screen = await open_handoff(pilot, step_id)
            body_width = screen.query_one("#step-body").content_region.width
            typed = screen.query_one(field, Input)
            typed.value = "/media/usb/PAI-v1.3.0-to-offline.tar"
            await pilot.pause()
            # the whole width of the step: a path of 70 characters shows whole
            assert typed.content_region.width >= min(70, body_width - 6)
            await pilot.press("escape")
            await settle(pilot)


def shown(screen: HandoffScreen) -> set[str]:
    """The hand-off screen's export and import parts a captain sees."""
    parts = ("#handoff-path", "#handoff-without", "#handoff-export", "#handoff-import",
             "#handoff-verify", "#handoff-use")
    return {part for part in parts if screen.query_one(part).visible
            and screen.query_one(part).region.area > 0}


EXPORT_PARTS = {"#handoff-path", "#handoff-without", "#handoff-export"}
IMPORT_PARTS = {"#handoff-import", "#handoff-verify", "#handoff-use"}


async def test_each_side_shows_only_its_part_of_the_hand_off(stations: Workstations) -> None:
    """Walked by hand: the exporting side's screen offered "Bundle from the other workstation"
    and Verify under its Export, a field nobody there ever uses."""
    ws = stations
    prepare_online(ws)
    app = ReleaseConsoleApp(Options(repo=ws.online))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_handoff(pilot, "handoff-out")  # written here
        assert shown(screen) == EXPORT_PARTS
        assert "ctrl+s" in footer_keys(screen)
        await write_with_ctrl_s(pilot, screen, ws.usb / "out.tar")
        await pilot.press("escape")
        await settle(pilot)
        screen = await open_handoff(pilot, "handoff-back")  # written there, imported here
        assert shown(screen) == IMPORT_PARTS
        assert "ctrl+s" not in footer_keys(screen)
        await pilot.press("ctrl+s")  # not offered, and does nothing
        await settle(pilot)
        assert "Writing" not in text(screen, "#step-message")
        assert not list((ws.online / ".release" / "v1.3.0" / "outbox").glob("*to-online*"))

    signed_offline(ws)
    app = ReleaseConsoleApp(Options(repo=ws.offline, offline=True))
    async with app.run_test(size=(80, 24)) as pilot:
        assert shown(await open_handoff(pilot, "handoff-back")) == EXPORT_PARTS
        await pilot.press("escape")
        await settle(pilot)
        # imported here already: walked by hand, the field (filled with that very bundle),
        # Verify and "Use it" stayed and led only to "imported here already"
        assert shown(await open_handoff(pilot, "handoff-out")) == set()


async def test_the_way_back_is_written_without_artifacts_unless_unticked(
        stations: Workstations) -> None:
    """The online machine built the artifacts and still has them: the box is ticked on the way
    back, and stays as the captain left it across a refresh."""
    ws = stations
    prepare_and_export(ws)
    signed_offline(ws)
    app = ReleaseConsoleApp(Options(repo=ws.offline, offline=True))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_handoff(pilot, "handoff-back")
        without = screen.query_one("#handoff-without", Checkbox)
        assert without.value
        listed = text(screen, "#handoff-contents")
        holds, left = listed.split("Without artifacts: the online machine's own, in its build/, "
                                   "are checked by the import instead:")
        assert "artifacts/" not in holds and "files/pai-v1.3.0-amd64.iso.minisig" in holds
        assert "pai-v1.3.0-amd64.iso" in left
        without.focus()
        await pilot.press("space")  # unticked: the old way, artifacts and all
        await pilot.press("f5")
        await settle(pilot)
        assert not without.value and "artifacts/pai-v1.3.0-amd64.iso" in text(
            screen, "#handoff-contents")
        await pilot.press("space")
        screen.query_one("#handoff-path", Input).value = str(ws.usb / "back.tar")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert f"Wrote {ws.usb / 'back.tar'}" in text(screen, "#step-message")
    with tarfile.open(ws.usb / "back.tar") as bundle:
        names = bundle.getnames()
    assert not [n for n in names if n.startswith("artifacts/")]
    assert "files/pai-v1.3.0-amd64.iso.minisig" in names


async def test_the_footer_keys_fit_80_columns(stations: Workstations) -> None:
    """Walked by hand at 80x24: the hand-off footer ended "^y Use the verified bund", cut off by
    the palette key; once the bundle is written (o and i join) the captain saw even less."""
    ws = stations
    prepare_online(ws)
    app = ReleaseConsoleApp(Options(repo=ws.online))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_handoff(pilot, "handoff-out")
        await write_with_ctrl_s(pilot, screen, ws.usb / "out.tar")
        assert "Enter: the checklist" in text(screen, "#step-message")
        keys = footer_entries(screen)
        palette = [k for k in keys if k.has_class("-command-palette")]
        shown = [k for k in keys if not k.has_class("-command-palette")]
        edge = palette[0].region.x if palette else screen.size.width
        assert {k.key for k in shown} >= {"ctrl+s", "q"}
        for key in shown:  # every key and its whole label left of the palette key
            assert key.region.right <= edge, (key.key, key.description)


async def test_once_the_signed_bundle_is_written_the_signing_workstation_offers_no_import(
        stations: Workstations) -> None:
    """Walked by hand on the signing workstation: after the signed bundle was written for the
    online machine, the hand-off screen's footer still offered "i Import…", though nothing
    comes back to this machine any more."""
    ws = stations
    prepare_and_export(ws)
    offline_half(ws)
    app = ReleaseConsoleApp(Options(repo=ws.offline, offline=True))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_handoff(pilot, "handoff-back")
        assert footer_keys(screen).get("i", False) is False
        await pilot.press("i")  # not offered, and opens nothing
        await settle(pilot)
        assert app.screen is screen


async def test_the_remedy_is_said_once_in_words_true_on_its_screen(
        stations: Workstations) -> None:
    """Walked at 80x24: under the blocker's "Press ctrl+s on this step's screen: it writes the
    bundle ..." the line at the bottom said "To do:" and the same sentence again, both sending
    the captain to the screen they were on. The blocker says it once, and the line says what
    it does not: n writes the bundle too."""
    ws = stations
    prepare_online(ws)
    app = ReleaseConsoleApp(Options(repo=ws.online))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_handoff(pilot, "handoff-out")
        said = text(screen, "#step-blockers") + text(screen, "#step-message")
        assert said.count("it writes the bundle where the path field says") == 1
        # walked by hand: the field has not the focus, and a path typed at once went to the
        # screen's keys (n, in /mnt, writes the bundle): the key that reaches it is said
        assert "(Tab to the field to change it, e.g. to the USB stick)" in said
        assert "this step's screen" not in said and "To do" not in said
        assert "n writes it too" in text(screen, "#step-message")


async def test_n_writes_the_bundle_and_then_ctrl_s_greys_out(stations: Workstations) -> None:
    """Walked by hand at 100x32: on the hand-off screen n (which runs every other step) only
    repeated "Press ctrl+s on this step's screen", the captain already being there; once the
    bundle was written, the footer still offered "^s Export", which said only "cannot run
    again ... `release-console redo`"."""
    ws = stations
    prepare_online(ws)
    app = ReleaseConsoleApp(Options(repo=ws.online))
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_handoff(pilot, "handoff-out")
        screen.query_one("#handoff-path", Input).value = str(ws.usb / "out.tar")
        screen.set_focus(None)  # as it opens: n is the screen's key, not the field's letter
        assert footer_keys(screen)["ctrl+s"] is True
        await pilot.press("n")
        await settle(pilot)
        message = text(screen, "#step-message")
        assert f"Wrote {ws.usb / 'out.tar'}" in message and "Fingerprint:" in message
        assert app.screen is screen  # it stays: the fingerprint is compared on the other screen
        assert (ws.usb / "out.tar").is_file()
        assert footer_keys(screen)["ctrl+s"] is False  # greyed, as r is, until o reopens it
        # and the path field and Export go: Enter there only said "cannot run again ...
        # `release-console redo handoff-out`", a command line in the TUI
        assert shown(screen) == set()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "cannot run again" not in text(screen, "#step-message")
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is not screen
    assert [p.name for p in ws.usb.iterdir()] == ["out.tar"]


async def test_the_path_it_writes_to_shows_at_80x24(stations: Workstations) -> None:
    """Found by the air-gap captain walk at 80x24: the path field sat under the list of what the
    bundle holds, below the screen's bottom, so ctrl+s and n wrote a bundle to a path the
    captain never saw; and a long path showed its start, never the file name."""
    ws = stations
    prepare_online(ws)

    async def path_in_view(pilot: Pilot[None], step_id: str, name: str) -> None:
        screen = await open_handoff(pilot, step_id)
        await settle(pilot)
        body = screen.query_one("#step-body")
        field = screen.query_one("#handoff-path", Input)
        assert body.scroll_y == 0  # as it opens, nothing scrolled
        assert body.region.contains_region(field.region), (body.region, field.region)
        assert screen.query_one("#handoff-export", Button).region.bottom <= body.region.bottom
        assert len(field.value) > field.content_region.width  # the test's paths are long
        assert field.value.endswith(name) and name in field.render_line(0).text

    app = ReleaseConsoleApp(Options(repo=ws.online))
    async with app.run_test(size=(80, 24)) as pilot:
        await path_in_view(pilot, "handoff-out", "PAI-v1.3.0-to-offline.tar")
    export_bundle(ws.ctx("online", clock=utc_now), ws.usb / "out.tar")
    signed_offline(ws)
    app = ReleaseConsoleApp(Options(repo=ws.offline, offline=True))
    async with app.run_test(size=(80, 24)) as pilot:
        await path_in_view(pilot, "handoff-back", "PAI-v1.3.0-to-online.tar")


async def test_after_the_export_enter_goes_to_the_checklist_that_says_what_comes_next(
        stations: Workstations) -> None:
    """Walked at 80x24 on the online machine: after the hand-off export, "Enter: next step"
    opened the smoke screen, which only says it waits for the offline side. The step to do now
    is the other workstation's: Enter goes to the checklist, which says what that machine does
    next and what to press here when its bundle comes back."""
    from screens.home import HomeScreen

    ws = stations
    prepare_online(ws)
    app = ReleaseConsoleApp(Options(repo=ws.online))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_handoff(pilot, "handoff-out")
        await write_with_ctrl_s(pilot, screen, ws.usb / "out.tar")
        message = " ".join(text(screen, "#step-message").split())
        assert ("Enter: the checklist (Hardware smoke test is next, on the signing "
                "workstation)." in message), message
        assert "Enter: next step" not in message
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen), app.screen
        note = " ".join(str(app.screen.query_one("#message", Static).render()).split())
        # by its title, as the checklist lists it (it said "Next: smoke, on ...")
        assert "Next: Hardware smoke test, on the signing workstation: carry the bundle there" \
            in note, note
        assert "press i here" in note


async def test_reopened_later_the_screen_says_where_the_bundle_was_written(
        stations: Workstations) -> None:
    """Walked at 80x24: the hand-off screen opened again after the export said only "The bundle
    for the air-gapped signing workstation is written (fingerprint ...)"; the path had gone with
    the export's message, and the captain at the stick had to guess which file was this one."""
    ws = stations
    written = prepare_and_export(ws)
    app = ReleaseConsoleApp(Options(repo=ws.online))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_handoff(pilot, "handoff-out")
        said = " ".join(text(screen, "#handoff-contents").split())
        assert (f"The bundle for the air-gapped signing workstation is written to {written} "
                "(fingerprint ") in said, said


async def test_a_step_of_the_other_machine_never_says_n_runs_it(stations: Workstations) -> None:
    """Walked at 80x24 on the online machine, the bundle away: the smoke screen said "To do: what
    the → line above says; then n runs it", and n only said the blocker again. Then "the step is
    done on the signing workstation", read in review as finished already: it runs there."""
    from screens.steps.smoke import SmokeScreen

    ws = stations
    prepare_and_export(ws)
    app = ReleaseConsoleApp(Options(repo=ws.online))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_step(pilot, "smoke", SmokeScreen)
        hint = " ".join(str(screen.query_one("#step-message", Static).render()).split())
        assert hint == ("To do: what the → line above says; this step runs on the signing "
                        "workstation, not here (Esc: the checklist)."), hint
