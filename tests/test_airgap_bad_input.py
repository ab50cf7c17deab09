"""Bad input around the hand-off: one plain sentence, a non-zero exit, nothing changed."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from services.bundle import tarstream
from services.bundle.import_ import apply, verify_bundle
from services.errors import ConsoleError
from services.session_lifecycle import ReleaseRequest, start_release
from tests.airgap_helpers import (
    Workstations,
    offline_half,
    prepare_and_export,
    prepare_online,
)
from tests.bundle_forge import snapshot
from tests.conftest import flat, run_cli


def test_export_refuses_a_folder_it_cannot_write(stations: Workstations) -> None:
    ws = stations
    prepare_online(ws)
    before = snapshot(ws.online)
    missing = ws.cli("online", "bundle", "export", "--output", str(ws.base / "nousb" / "x.tar"),
                     ok=False)
    assert missing.returncode == 3
    assert "The folder" in missing.stderr and "does not exist; no bundle was written" in \
        missing.stderr
    unwritable = ws.cli("online", "bundle", "export", "--output", "/proc/out.tar", ok=False)
    assert unwritable.returncode == 3 and "/proc is not writable" in unwritable.stderr
    assert "Traceback" not in missing.stderr + unwritable.stderr
    assert snapshot(ws.online) == before


def test_exporting_the_hand_off_twice_says_again_not_yet(stations: Workstations,
                                                          tmp_path: Path) -> None:
    """Found walking the clear-errors standard: a second export said "cannot run yet: it is
    already done", two answers at once; a step run says "again" there. Walking the air gap: it
    then said to reopen the step with `redo`, which is refused while the bundle is away (without
    --bundle-lost), and named no bundle: it names the one written, to carry instead."""
    ws = stations
    written = prepare_and_export(ws)
    fingerprint = ws.ctx("online").require_session().steps["handoff-out"].evidence["fingerprint"]
    before = snapshot(ws.online)
    again = ws.cli("online", "bundle", "export", "--output", str(tmp_path / "again.tar"),
                   ok=False)
    assert again.returncode == 1
    assert flat(again.stderr) == (
        "error: 'Hand-off to the signing workstation' cannot run again: its bundle is written "
        f"already (out.tar in {written.parent}, fingerprint {fingerprint}); nothing was written. "
        "Carry that bundle to the air-gapped signing workstation: a second one of this hand-off "
        "would be refused there. Only if it was lost or damaged before it was imported there: "
        '`release-console redo handoff-out --reason "..." --bundle-lost`, then export again.')
    assert not (tmp_path / "again.tar").exists() and snapshot(ws.online) == before
    offline_half(ws)  # the signing workstation likewise, for its signed bundle
    back = flat(ws.cli("offline", "bundle", "export", ok=False).stderr)
    assert "'Hand-off back to the online machine' cannot run again: its bundle is written " \
        f"already (back.tar in {ws.usb}, fingerprint " in back
    assert "Carry that bundle to the online machine" in back


def test_import_bad_input(stations: Workstations, tmp_path: Path,
                          monkeypatch: pytest.MonkeyPatch) -> None:
    ws = stations
    prepare_online(ws)
    out = ws.cli("online", "bundle", "export", "--without-artifacts", "--output",
                 str(ws.usb / "out.tar")).stdout
    assert "Fingerprint:" in out
    stick = ws.usb / "artifacts"
    stick.mkdir()
    for path in (ws.online / "build").glob("*.iso"):
        shutil.copy2(path, stick / path.name)
    (stick / "pai-v1.3.0-arm64.iso").unlink()
    before = snapshot(ws.offline)

    partial = ws.cli("offline", "bundle", "import", str(ws.usb / "out.tar"), "--artifacts",
                     str(stick), "--yes", ok=False)
    assert partial.returncode == 1
    assert f"Artifact pai-v1.3.0-arm64.iso is missing from {stick}" in partial.stderr

    wrong_side = ws.cli("online", "bundle", "import", str(ws.usb / "out.tar"), "--yes", ok=False)
    assert wrong_side.returncode == 1
    # walked: it said "If this is that workstation, mark it so (`offline = true` ...)", on the
    # online machine that had just written the bundle
    assert wrong_side.stderr == (
        "error: This is the bundle this machine wrote for the air-gapped signing workstation "
        "(v1.3.0); it was refused here. Carry it to the signing workstation and import it there; "
        "the bundle to import here is the signed one it writes back (its name ends in "
        "-to-online.tar).\n")

    # The signing workstation's clone not marked offline: that one is told how to mark it.
    unmarked = run_cli("bundle", "import", str(ws.usb / "out.tar"), "--yes", cwd=ws.offline,
                       env={})
    assert unmarked.returncode == 1
    assert "goes to the air-gapped signing workstation, and this machine is online" in \
        unmarked.stderr and "mark it so (`offline = true`" in unmarked.stderr

    no_file = ws.cli("offline", "bundle", "import", str(ws.usb / "nope.tar"), ok=False)
    assert no_file.returncode == 2 and "does not exist" in no_file.stderr

    monkeypatch.setattr(tarstream, "free_bytes", lambda directory: 1024 * 1024)
    with pytest.raises(ConsoleError, match=r"Not enough disk space .* it needs [\d.]+ MiB and "
                       r"1\.0 MiB is free"):
        verify_bundle(ws.ctx("offline"), ws.usb / "out.tar", artifacts_from=stick)
    monkeypatch.undo()
    assert snapshot(ws.offline) == before

    # Without --yes and no terminal: it shows what it verified and asks, and changes nothing.
    shutil.copy2(ws.online / "build" / "pai-v1.3.0-arm64.iso", stick)
    asked = ws.cli("offline", "bundle", "import", str(ws.usb / "out.tar"), "--artifacts",
                   str(stick), ok=False)
    assert asked.returncode == 2 and "This needs a yes and there is no terminal to ask on" in asked.stderr
    assert "matches the build host's" in asked.stdout
    assert snapshot(ws.offline) == before

    # A session for another version in progress on the offline workstation (as one imported
    # earlier leaves it; `start` itself is refused there, so it is made as on the online side).
    other = ws.ctx("offline")
    other.offline = False
    start_release(other, ReleaseRequest(version="1.4.0"))
    with pytest.raises(ConsoleError, match=re.escape(
            "This bundle is for v1.3.0, and v1.4.0 is in progress here; it was refused. Import "
            "the v1.4.0 bundle from the other workstation instead (its file name has v1.4.0); to "
            "take the v1.3.0 bundle, finish or abandon v1.4.0 first.")):
        verify_bundle(ws.ctx("offline"), ws.usb / "out.tar", artifacts_from=stick)
    assert not (ws.offline / ".release" / "v1.3.0").exists()


def test_without_artifacts_the_stick_is_checked_file_by_file(stations: Workstations) -> None:
    ws = stations
    prepare_online(ws)
    ws.cli("online", "bundle", "export", "--without-artifacts", "--output",
           str(ws.usb / "out.tar"))
    stick = ws.usb / "artifacts"
    stick.mkdir()
    for path in (ws.online / "build").glob("*.iso"):
        shutil.copy2(path, stick / path.name)
    data = bytearray((stick / "pai-v1.3.0-amd64.iso").read_bytes())
    data[0] ^= 1
    (stick / "pai-v1.3.0-amd64.iso").write_bytes(bytes(data))
    offline = ws.ctx("offline")
    with pytest.raises(ConsoleError, match=re.escape(
            "Artifact pai-v1.3.0-amd64.iso does not match the build host's sha256")):
        verify_bundle(offline, ws.usb / "out.tar", artifacts_from=stick)
    shutil.copy2(ws.online / "build" / "pai-v1.3.0-amd64.iso", stick)
    apply(offline, verify_bundle(offline, ws.usb / "out.tar", artifacts_from=stick))
    for name in ("pai-v1.3.0-amd64.iso", "pai-v1.3.0-arm64.iso"):
        assert (ws.offline / "build" / name).read_bytes() == (ws.online / "build" /
                                                              name).read_bytes()
    status = ws.cli("offline", "status").stdout
    assert "smoke" in status and "OFFLINE" in status


def test_a_bundle_for_a_session_abandoned_here_says_how_to_take_it(
        stations: Workstations) -> None:
    """Walked by hand: after `abandon` on the signing workstation the bundle was refused with no
    way forward (and `start` is refused there)."""
    ws = stations
    prepare_and_export(ws)
    ws.cli("offline", "bundle", "import", str(ws.usb / "out.tar"), "--yes")
    ws.cli("offline", "abandon", "v1.3.0", "--reason", "wrong stick")
    refused = ws.cli("offline", "bundle", "import", str(ws.usb / "out.tar"), "--yes", ok=False)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert "The session for v1.3.0 here is abandoned" in refused.stderr
    assert "move .release/v1.3.0/ aside first" in refused.stderr
    # ... but not a bundle the online machine abandoned too: as `abandon` there says, its signed
    # return would be refused (tests/test_airgap_abandon.py).
    assert ("but not the bundle of an attempt abandoned on the online machine too: a signed "
            "bundle of v1.3.0 coming back is refused there.") in refused.stderr


def test_a_smoke_sign_off_on_the_online_machine_is_refused_so_the_signed_bundle_still_fits(
        stations: Workstations) -> None:
    """Found by hand: the online machine's smoke screen offered its form (focused) while the
    bundle was out. A sign-off recorded there was not in the signing workstation's journal, so
    the signed bundle coming back was refused as diverging, for good. Before the export, a
    sign-off made online travels in the bundle (docs/handoff.md)."""
    ws = stations
    prepare_online(ws)
    ws.cli("online", "smoke", "sign", "--arch", "amd64", "--hardware", "X1", "--pass", "all")
    ws.cli("online", "bundle", "export", "--output", str(ws.usb / "out.tar"))
    before = snapshot(ws.online)
    refused = ws.cli("online", "smoke", "sign", "--arch", "amd64", "--hardware", "X1",
                     "--pass", "all", ok=False)
    assert refused.returncode != 0 and "Traceback" not in refused.stderr
    assert ("The v1.3.0 bundle is with the signing workstation: a smoke sign-off recorded here "
            "would not be in its journal, and the signed bundle coming back would be refused. "
            "Nothing was recorded.") in refused.stderr
    assert "Record it on the signing workstation, which has the bundle." in \
        " ".join(refused.stderr.split())
    assert snapshot(ws.online) == before

    back = offline_half(ws)
    ws.cli("online", "bundle", "import", str(back), "--yes")
    assert ws.ctx("online").repo.tag_exists("v1.3.0")


def test_export_refuses_a_session_file_edited_to_mark_a_step_done(
        stations: Workstations) -> None:
    """Nothing runs on an edited session: the hand-off would carry it across as if true."""
    import json

    ws = stations
    prepare_online(ws)
    path = next((ws.online / ".release").glob("v*/session.json"))
    session = json.loads(path.read_text())
    session["steps"]["smoke"] = {"status": "done", "evidence": {"checked": ["boots"]}}
    path.write_text(json.dumps(session))
    before = snapshot(ws.online)
    said = ws.cli("online", "bundle", "export", "--output", str(ws.usb / "out.tar"), ok=False)
    assert said.returncode == 1 and "Traceback" not in said.stderr
    assert "records smoke as finished, but no journal entry finished it" in said.stderr
    assert "release-console redo smoke" in said.stderr
    assert not (ws.usb / "out.tar").exists()
    assert snapshot(ws.online) == before


def _paths(root: Path) -> list[str]:
    """Every file and folder outside .git: a refusal must not even leave an empty folder."""
    return sorted(str(p.relative_to(root)) for p in root.rglob("*")
                  if ".git" not in p.relative_to(root).parts)


def test_a_bundle_refused_or_not_used_leaves_no_release_folder(stations: Workstations) -> None:
    """Walked: every refusal of `bundle import` on a clone with no release yet left an empty
    .release/ behind, made before the bundle was even read."""
    ws = stations
    bundle = prepare_and_export(ws)
    (ws.usb / "cut.tar").write_bytes(bundle.read_bytes()[:-1024])
    before = _paths(ws.offline)
    assert ".release" not in before
    refused = [
        # the headers: cut off; the manifest: the wrong side of the gap (not marked offline)
        run_cli("bundle", "import", str(ws.usb / "cut.tar"), "--yes", cwd=ws.offline, env={}),
        run_cli("bundle", "import", str(bundle), "--yes", cwd=ws.offline, env={}),
        # after the members are extracted and checked: an artifacts folder without them
        ws.cli("offline", "bundle", "import", str(bundle), "--artifacts", str(ws.usb), "--yes",
               ok=False),
        # verified, then not used: no --yes and no terminal to ask on
        ws.cli("offline", "bundle", "import", str(bundle), ok=False),
    ]
    said = [r.stderr for r in refused]
    assert [r.returncode for r in refused] == [1, 1, 1, 2], said
    assert "cut off at its end" in said[0] and "this machine is online" in said[1]
    assert "is missing from" in said[2] and "there is no terminal to ask on" in said[3]
    assert _paths(ws.offline) == before
    imported = ws.cli("offline", "bundle", "import", str(bundle), "--yes")
    assert "Imported" in imported.stdout and (ws.offline / ".release").is_dir()
