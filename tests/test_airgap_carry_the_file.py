"""Once a bundle is written, the waiting steps name the file to carry and where it was written.

Walked by hand at 80x24, two clones: the export's own line named the file, but it went with the
toast; the checklist, `status` and `next` then said only "Carry the hand-off bundle to the
offline workstation and run `release-console bundle import FILE --offline` there" (and, on the
signing workstation, "Carry the signed bundle ... FILE"), so a captain back at the desk had to
guess which of the stick's .tar files was this release's."""

from __future__ import annotations

from services import engine
from services.steps import registry
from tests.airgap_helpers import (
    Workstations,
    hashed_offline,
    offline_half,
    prepare_and_export,
    prepare_online,
)
from tests.conftest import flat


def test_the_online_machine_names_the_bundle_it_wrote_and_where_the_signed_one_goes(
        stations: Workstations) -> None:
    ws = stations
    prepare_and_export(ws)
    status = flat(ws.cli("online", "status").stdout)
    # the whole path in the command: the file name alone, typed elsewhere, found nothing
    assert (f"Carry out.tar to the signing workstation and run `release-console bundle import "
            f"{ws.usb / 'out.tar'} --offline` there (the path it was written to here); when the "
            "signed bundle comes back, run `release-console bundle import "
            f"{ws.usb / 'PAI-v1.3.0-to-online.tar'}` here.") in status
    refused = ws.cli("online", "next", ok=False)
    assert refused.returncode == 1 and "Carry out.tar to the signing" in flat(refused.stderr)
    waiting = engine.own_blockers(ws.ctx("online"), registry()["smoke"])[0]
    assert waiting.tui_remedy.startswith(f"Carry out.tar (written to {ws.usb}) to the signing "
                                         "workstation and import it there (i on its checklist)")


def test_the_signing_workstation_names_the_signed_bundle_it_wrote(
        stations: Workstations) -> None:
    ws = stations
    prepare_and_export(ws)
    offline_half(ws)
    status = flat(ws.cli("offline", "status").stdout)
    assert (f"Carry back.tar to the online machine and run `release-console bundle import "
            f"{ws.usb / 'back.tar'}` there (the path it was written to here).") in status
    waiting = engine.own_blockers(ws.ctx("offline"), registry()["push"])[0]
    assert waiting.tui_remedy == (f"Carry back.tar (written to {ws.usb}) to the online machine "
                                  "and import it there (i on its checklist).")


def test_a_bundle_no_longer_where_it_was_written_is_not_named(stations: Workstations) -> None:
    """Moved off the stick: the old words, no path that sends the captain to no file."""
    ws = stations
    written = prepare_and_export(ws)
    written.rename(ws.base / "elsewhere.tar")
    status = flat(ws.cli("online", "status").stdout)
    assert "out.tar" not in status
    assert "Carry the hand-off bundle to the offline workstation" in status
    (ws.base / "elsewhere.tar").rename(written)
    assert "Carry out.tar" in flat(ws.cli("online", "status").stdout)


def test_once_signed_and_tagged_the_signing_workstation_says_export_now(
        stations: Workstations) -> None:
    """Walked: with smoke, checksums, sign and tag done, `run push` there still said "Once the
    signing steps here are done, export the signed bundle"."""
    ws = stations
    prepare_and_export(ws)
    hashed_offline(ws)
    early = flat(ws.cli("offline", "run", "push", ok=False).stderr)
    assert "Once the signing steps here are done, export the signed bundle" in early
    for step in ("sign", "tag"):
        ws.cli("offline", "run", step, "--yes")
    refused = ws.cli("offline", "run", "push", ok=False)
    assert refused.returncode == 1
    assert ("'Push commit and tag' cannot run yet: pushed on the online machine, once the signed "
            "bundle is back there. Export the signed bundle (`release-console bundle export`), "
            "carry it to the online machine and import it there.") in flat(refused.stderr)
    publish = next(v for v in engine.views(ws.ctx("offline")) if v.step.id == "publish")
    assert publish.blockers[0].tui_remedy.startswith("Write the signed bundle on the hand-off step's "
                                            "screen (ctrl+s)")


def test_a_network_step_run_on_the_signing_workstation_says_which_bundle_goes_back(
        stations: Workstations) -> None:
    """Walked: once the signed bundle was written, `release-console push` (and `run push`) there
    said "this step needs the network and this workstation is offline. Carry the release to the
    online machine and run it there" (exit 3), while `next` named the bundle (exit 1)."""
    ws = stations
    prepare_and_export(ws)
    offline_half(ws)
    for args in (("push",), ("run", "push"), ("next", "--yes")):
        refused = ws.cli("offline", *args, ok=False)
        assert refused.returncode == 1, (args, refused.stderr)
        assert (f"aits for the online side. Carry back.tar to the online machine and run "
                f"`release-console bundle import {ws.usb / 'back.tar'}` there (the path it was "
                "written to here).") in \
            flat(refused.stderr), args


def test_review_on_the_signing_workstation_answers_as_its_step_does(
        stations: Workstations) -> None:
    """Walked: `review` there said "This workstation is the offline one ...: what talks to GitHub
    ... waits for the online side" (exit 3) where `run review`, `draft` and `publish` say the
    step is done on the online machine, once the signed bundle is back there (exit 1)."""
    ws = stations
    prepare_and_export(ws)
    offline_half(ws)
    refused = ws.cli("offline", "review", ok=False)
    assert refused.returncode == 1, refused.stderr
    assert flat(refused.stderr) == flat(ws.cli("offline", "run", "review", ok=False).stderr)
    assert "'Review the draft' cannot run yet: reviewed on the online machine" in \
        flat(refused.stderr)


def test_the_hand_off_to_do_says_where_the_bundle_goes_in_the_next_line(
        stations: Workstations) -> None:
    """Walked: `status` ended "Next: handoff-out — Run `release-console bundle export` (...) and
    carry the bundle there.", the sentence naming "there" left out of that line."""
    ws = stations
    prepare_online(ws)
    status = flat(ws.cli("online", "status").stdout)
    assert "e.g. on the USB stick) and carry the bundle to the air-gapped signing workstation." \
        in status.split("Next: handoff-out")[1]
