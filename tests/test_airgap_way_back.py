"""The bundle going back to the online machine leaves the artifacts out by default: the online
machine built them and still has them, and its import checks its own against the digests it
sent. When they are gone or changed there, the refusal says to export again with them."""

from __future__ import annotations

import tarfile
from pathlib import Path

from tests.airgap_helpers import Workstations, prepare_and_export, signed_offline

ISO = "pai-v1.3.0-amd64.iso"
AGAIN = ("import a bundle the signing workstation exports again with the artifacts (there: "
         "`release-console redo handoff-back --reason \"...\" --bundle-lost`, as this machine "
         "never imported it, then `release-console bundle export --with-artifacts`)")


def artifacts_in(bundle: Path) -> list[str]:
    with tarfile.open(bundle) as tar:
        return sorted(n for n in tar.getnames() if n.startswith("artifacts/"))


def test_the_way_back_leaves_the_artifacts_out_and_a_missing_one_says_export_them(
        stations: Workstations) -> None:
    ws = stations
    prepare_and_export(ws)
    assert artifacts_in(ws.usb / "out.tar") == [f"artifacts/{ISO}",
                                                "artifacts/pai-v1.3.0-arm64.iso"]  # way out
    signed_offline(ws)
    said = ws.cli("offline", "bundle", "export", "--output", str(ws.usb / "back.tar")).stdout
    assert "Fingerprint:" in said
    back = ws.usb / "back.tar"
    assert artifacts_in(back) == []  # the signatures and checksums come back, no ISOs
    with tarfile.open(back) as tar:
        assert f"files/{ISO}.minisig" in tar.getnames()

    # The online machine lost one of its artifacts: refused, and told how to get them.
    kept = (ws.online / "build" / ISO).read_bytes()
    (ws.online / "build" / ISO).unlink()
    refused = ws.cli("online", "bundle", "import", str(back), "--yes", ok=False)
    assert refused.returncode != 0
    assert (f"Artifact {ISO} is missing from {ws.online / 'build'}: the bundle was made without "
            "artifacts, so this machine's own are checked; nothing was changed.") in \
        refused.stderr
    assert f"Put it back as it was sent, or {AGAIN}." in " ".join(refused.stderr.split())
    assert not ws.ctx("online").repo.tag_exists("v1.3.0")

    # Exactly what it says, on the signing workstation: the old behaviour, asked for.
    ws.cli("offline", "redo", "handoff-back", "--reason", "the online build lost an ISO",
           "--bundle-lost")
    ws.cli("offline", "bundle", "export", "--with-artifacts", "--output",
           str(ws.usb / "again.tar"))
    assert artifacts_in(ws.usb / "again.tar") == [f"artifacts/{ISO}",
                                                  "artifacts/pai-v1.3.0-arm64.iso"]
    ws.cli("online", "bundle", "import", str(ws.usb / "again.tar"), "--yes")
    assert (ws.online / "build" / ISO).read_bytes() == kept
    assert ws.ctx("online").repo.tag_exists("v1.3.0")


def test_a_changed_online_artifact_is_named_and_the_way_back_still_imports_once_restored(
        stations: Workstations) -> None:
    ws = stations
    prepare_and_export(ws)
    signed_offline(ws)
    ws.cli("offline", "bundle", "export", "--output", str(ws.usb / "back.tar"))
    iso = ws.online / "build" / ISO
    kept = iso.read_bytes()
    iso.write_bytes(b"rebuilt" + kept)
    refused = ws.cli("online", "bundle", "import", str(ws.usb / "back.tar"), "--yes", ok=False)
    assert refused.returncode != 0
    said = " ".join(refused.stderr.split())
    assert (f"Artifact {ISO} here no longer matches the sha256 this machine sent to be signed "
            "(it changed since;") in said
    assert f"Put back the file that was sent (its sha256 is in the hand-off step's evidence), " \
        f"or move it aside and {AGAIN}." in said
    assert not ws.ctx("online").repo.tag_exists("v1.3.0")
    iso.write_bytes(kept)
    done = ws.cli("online", "bundle", "import", str(ws.usb / "back.tar"), "--yes").stdout
    assert f"{ISO}: sha256" in done and "matches the build host's" in done
    assert ws.ctx("online").repo.tag_exists("v1.3.0")


def test_a_file_left_here_that_differs_from_the_bundles_says_to_move_it_aside(
        stations: Workstations) -> None:
    """Review: a file beside the artifacts that differs from the one the bundle brings (an
    earlier release's signature in a shared build folder) was refused with nothing to do."""
    ws = stations
    prepare_and_export(ws)
    signed_offline(ws)
    ws.cli("offline", "bundle", "export", "--output", str(ws.usb / "back.tar"))
    stale = ws.online / "build" / f"{ISO}.minisig"
    stale.write_text("untrusted comment: not this release's\n")
    refused = ws.cli("online", "bundle", "import", str(ws.usb / "back.tar"), "--yes", ok=False)
    assert refused.returncode != 0
    said = " ".join(refused.stderr.split())
    assert (f"build/{ISO}.minisig already exists here and differs from the bundle's; nothing "
            "was changed.") in said
    assert "Move that file aside (another release's, or edited here: nothing of this release " \
        "wrote it), then import again." in said
    stale.unlink()
    ws.cli("online", "bundle", "import", str(ws.usb / "back.tar"), "--yes")
    assert ws.ctx("online").repo.tag_exists("v1.3.0")
