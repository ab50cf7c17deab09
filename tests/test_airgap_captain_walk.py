"""What a captain meets at the signing workstation's import, walked by hand with the demo's two
machines: the USB stick's folder given instead of the bundle, a copy damaged on the way, the
fresh bundle written after redoing the hand-off, and the same or the replaced bundle imported
again. Each refusal says what is true and a remedy that works (the command line, as a captain
types it)."""

from __future__ import annotations

from tests.airgap_helpers import Workstations, prepare_and_export
from tests.conftest import flat


def test_a_damaged_copy_is_replaced_by_redoing_the_hand_off_and_old_bundles_say_what_they_are(
        stations: Workstations) -> None:
    ws = stations
    good = prepare_and_export(ws)

    # The stick's folder, as `bundle export --output` took it: the import names the bundle in it
    # instead of only saying "does not exist or is not a file".
    folder = ws.cli("offline", "bundle", "import", str(ws.usb), "--yes", ok=False)
    assert folder.returncode == 2
    assert f"{ws.usb} is a folder, not a bundle file" in folder.stderr
    assert f"Give the bundle in it instead: {good}." in folder.stderr

    # The copy on the stick went bad on the way. The remedy must work: "export it again" alone
    # is refused on the online machine (the hand-off step is done), so it names the redo.
    data = bytearray(good.read_bytes())
    data[len(data) // 3] ^= 0xFF
    damaged = ws.base / "damaged.tar"
    damaged.write_bytes(bytes(data))
    refused = ws.cli("offline", "bundle", "import", str(damaged), "--yes", ok=False)
    assert refused.returncode == 1
    said = " ".join(refused.stderr.split())
    assert ('run `release-console redo handoff-out --reason "..." --bundle-lost` on the online '
            "machine (this machine never imported it)") in said
    assert "handoff-back" not in said  # only the machine that wrote it is named
    again = ws.cli("online", "bundle", "export", "--output", str(ws.usb / "again.tar"), ok=False)
    assert "cannot run again: its bundle is written already (out.tar in" in flat(again.stderr)
    assert '--reason "..." --bundle-lost`, then export again.' in flat(again.stderr)
    ws.cli("online", "redo", "handoff-out", "--reason", "the copy on the stick was damaged",
           "--bundle-lost")
    ws.cli("online", "bundle", "export", "--output", str(ws.usb / "again.tar"))
    ws.cli("offline", "bundle", "import", str(ws.usb / "again.tar"), "--yes")

    # The same bundle again: it is in use here, not a bundle to carry afresh.
    twice = ws.cli("offline", "bundle", "import", str(ws.usb / "again.tar"), "--yes", ok=False)
    assert twice.returncode == 1
    assert "was imported here already" in twice.stderr
    assert "`release-console status`" in twice.stderr
    assert "fresh copy" not in twice.stderr

    # The first bundle, never imported here: not "already imported", but replaced.
    first = ws.cli("offline", "bundle", "import", str(good), "--yes", ok=False)
    assert first.returncode == 1
    assert "was replaced: the other workstation wrote a newer one after it" in first.stderr
    assert "imported here already" not in first.stderr and "fresh copy" not in first.stderr
