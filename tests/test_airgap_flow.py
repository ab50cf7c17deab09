"""The whole release across two workstations, carried in verified bundles.

Online prepares and exports; the offline workstation imports with the network guard on, smoke
tests, hashes, signs with minisign, tags with its ssh key and exports the signed return bundle;
online imports it, pushes to the bare origin, drafts, reviews and publishes on the loopback
GitHub. What users download verifies with ``minisign -V`` and ``sha256sum -c``; the tag with
``git verify-tag``; both journals verify.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import urllib.request
from pathlib import Path

import pytest

from services import netguard, smoke
from services.bundle import crossing
from services.bundle.export import export_bundle
from services.bundle.import_ import apply, verify_bundle
from tests.airgap_helpers import (
    Workstations,
    offline_half,
    prepare_and_export,
    prepare_online,
    run,
)
from tests.conftest import git, sign_off


def test_release_across_the_air_gap(stations: Workstations, tmp_path: Path) -> None:
    ws = stations
    prepare_online(ws, by_cli=True)
    status = ws.cli("online", "status").stdout
    assert "handoff-out" in status and "bundle export" in status
    nxt = ws.cli("online", "next", ok=False)
    assert nxt.returncode == 1 and "release-console bundle export" in nxt.stderr

    out = ws.cli("online", "bundle", "export", "--output", str(ws.usb / "out.tar")).stdout
    fingerprint = out.split("Fingerprint: ")[1].splitlines()[0]
    waiting = ws.cli("online", "status").stdout
    assert "Waits for the offline side." in waiting
    assert ws.cli("online", "next", ok=False).returncode == 1

    # The offline half, in this process, with the network guard on: not one connection attempt.
    with netguard.guarded() as guard:
        offline = ws.ctx("offline")
        prepared = verify_bundle(offline, ws.usb / "out.tar")
        assert prepared.fingerprint == fingerprint
        assert any("matches the build host's" in line for line in prepared.checks)
        apply(offline, prepared)
        offline = ws.ctx("offline")
        assert offline.repo.head_sha() == ws.ctx("online").repo.head_sha()
        for arch, hardware in (("amd64", "ThinkPad X1"), ("arm64", "MacBook Air M2")):
            sign_off(offline, arch=arch, hardware=hardware, tester="Ana",
                           marks=[smoke.Mark("pass", "all")])
        for step in ("smoke", "checksums", "sign", "tag"):
            run(offline, step)
        returned = export_bundle(offline, ws.usb / "back.tar")
        assert guard.attempts == []
    assert "Waits for the online side." in ws.cli("offline", "status").stdout

    imported = json.loads(ws.cli("online", "bundle", "import", str(ws.usb / "back.tar"),
                                 "--yes", "--json").stdout)
    assert imported["imported"] is True and imported["fingerprint"] == returned.fingerprint
    assert imported["sha256"] == returned.sha256 and imported["direction"] == "to-online"
    verified = "\n".join(imported["verified"])
    signed = next(line for line in verified.splitlines() if "manifest signed by" in line)
    key_id = signed.split("minisign key ", 1)[1].split()[0]
    assert signed.count(key_id) == 1, signed  # the key named once, not twice
    assert "git verify-tag v1.3.0: signed by the pinned key" in verified
    ws.cli("online", "run", "push", "--yes")
    for step in ("draft", "review"):
        ws.cli("online", "run", step)
    ws.cli("online", "run", "publish", "--yes")
    ws.cli("online", "run", "post-release")

    request = urllib.request.Request(
        ws.server.api_url + "/repos/example-org/pai/releases/tags/v1.3.0",
        headers={"Authorization": f"token {ws.env['GITHUB_TOKEN']}"})
    with urllib.request.urlopen(request, timeout=5) as response:
        release = json.loads(response.read())
    assert release["draft"] is False
    download = tmp_path / "download"
    download.mkdir()
    names = [a["name"] for a in release["assets"]]
    assert len(names) == 8  # and the keys the demo publishes: users verify with the downloads
    assert {"minisign.pub", "allowed_signers"} <= set(names)
    for name in names:
        (download / name).write_bytes(ws.server.asset_bytes("example-org/pai", name,
                                                            tag="v1.3.0"))
    for arch in ("amd64", "arm64"):
        iso = f"pai-v1.3.0-{arch}.iso"
        subprocess.run(["sha256sum", "-c", f"{iso}.sha256"], cwd=download, check=True,
                       capture_output=True)
        subprocess.run(["minisign", "-Vm", iso, "-p", "minisign.pub"],
                       cwd=download, check=True, capture_output=True)
    origin = ws.base / "origin.git"
    assert "v1.3.0" in git(origin, "tag", "--list").split()
    signers = download / "allowed_signers"
    tag = subprocess.run(["git", "-c", f"gpg.ssh.allowedSignersFile={signers}",
                          "verify-tag", "v1.3.0"], cwd=ws.online, capture_output=True,
                         text=True, check=False)
    assert tag.returncode == 0, tag.stderr
    for side in ("online", "offline"):
        assert "chain intact" in ws.cli(side, "journal", "verify", "--tag", "v1.3.0").stdout
    online_lines = (ws.online / ".release/v1.3.0/journal.jsonl").read_bytes().splitlines()
    offline_lines = (ws.offline / ".release/v1.3.0/journal.jsonl").read_bytes().splitlines()
    assert online_lines[:len(offline_lines)] == offline_lines  # one chain across the gap
    actions = [json.loads(line)["action"] for line in online_lines]
    assert actions.count("bundle-exported") == 2 and actions.count("bundle-imported") == 2
    assert json.loads(ws.cli("online", "status", "--json").stdout)["session"] is None

    # The next release crosses to the same signing workstation. Found by hand: importing it
    # closed v1.3.0 there in a state the session check refused, so every command on the
    # signing workstation stopped with "session.json is damaged".
    ws.cli("online", "push", "--rest", "--yes")
    changelog = ws.online / "CHANGELOG.md"
    changelog.write_text(changelog.read_text().replace(
        "## [Unreleased]\n", "## [Unreleased]\n\n### Added\n\n- Offline maps.\n", 1))
    git(ws.online, "commit", "-qam", "Offline maps")
    git(ws.online, "push", "-q", "origin", "HEAD")
    subprocess.run(["./build.sh", "1.4.0"], cwd=ws.online, check=True, capture_output=True)
    ws.cli("online", "start", "--bump", "minor")
    ws.cli("online", "checklist", "tick", "preflight", "all")
    ws.cli("online", "run", "preflight")
    ws.cli("online", "run", "changelog", "--yes")
    ws.cli("online", "migration", "none", "v1.3.0", "v1.4.0")
    for step in ("migration", "notes", "artifacts"):
        ws.cli("online", "run", step)
    ws.cli("online", "bundle", "export", "--output", str(ws.usb / "next.tar"))
    # Walked by hand: v1.3.0's returned bundle, still on the stick, imported again while the
    # next release is in progress, said "Finish or abandon v1.4.0 first", which would throw the
    # new release away for a bundle that has nothing left to do.
    old = ws.cli("online", "bundle", "import", str(ws.usb / "back.tar"), "--yes", ok=False)
    assert old.returncode == 1 and old.stderr == (
        "error: This bundle is for v1.3.0, and v1.4.0 is in progress here; it was refused. "
        "v1.3.0 is completed here: nothing more to do with this bundle. Import the v1.4.0 bundle "
        "from the other workstation instead (its file name has v1.4.0).\n")
    ws.cli("offline", "bundle", "import", str(ws.usb / "next.tar"), "--yes")
    status = ws.cli("offline", "status").stdout
    assert "v1.4.0" in status and "Next: smoke" in status
    assert "chain intact" in ws.cli("offline", "journal", "verify", "--tag", "v1.3.0").stdout
    journal = (ws.offline / ".release/v1.3.0/journal.jsonl").read_text().splitlines()
    assert json.loads(journal[-1])["action"] == "handed-off"


def test_status_names_what_the_waiting_step_needs_not_a_run_it_refuses(
        stations: Workstations) -> None:
    """Walked by hand: after the export the online status said "Next: smoke — `release-console
    run smoke`", and that run answered "cannot run yet: Waits for the offline side"."""
    ws = stations
    prepare_and_export(ws)
    status = ws.cli("online", "status").stdout
    assert "Next: smoke — Carry out.tar to the signing workstation" in status
    assert "release-console run smoke" not in status


def test_export_to_a_folder_writes_the_bundle_in_it_and_clears_a_killed_export(
        stations: Workstations) -> None:
    """Walked by hand: `--output /media/usb` (the stick) said "/media/usb already exists; a
    bundle is never overwritten"."""
    ws = stations
    prepare_online(ws)
    stale = ws.usb / ".PAI-v1.3.0-to-offline.tar.k1ll3d.partial"  # a killed export's leftover
    stale.write_bytes(b"half a bundle")
    # and its scratch folder in the session's directory (walked: one stayed per killed export)
    scratch = ws.online / ".release" / "v1.3.0" / "export-k1ll3d"
    (scratch / "git-check").mkdir(parents=True)
    (scratch / "repo.bundle").write_bytes(b"half a git bundle")
    out = ws.cli("online", "bundle", "export", "--output", str(ws.usb)).stdout
    written = ws.usb / "PAI-v1.3.0-to-offline.tar"
    assert written.is_file() and str(written) in out
    assert not stale.exists()
    assert not scratch.exists()
    assert not list((ws.online / ".release" / "v1.3.0").glob("export-*"))


def test_the_bundle_going_back_defaults_to_the_stick_the_first_came_on(
        stations: Workstations) -> None:
    """Walked by hand: the signing workstation proposed its own .release/.../outbox/ for the
    return bundle, though the outbound one had just been imported from the USB stick."""
    from services.bundle.paths import default_output

    ws = stations
    prepare_and_export(ws)
    ws.cli("offline", "bundle", "import", str(ws.usb / "out.tar"), "--yes")
    assert default_output(ws.ctx("offline"), "to-online") == \
        ws.usb.resolve() / "PAI-v1.3.0-to-online.tar"


class Killed(BaseException):
    """What a SIGKILL leaves: the process stops between two writes."""


def test_an_export_killed_before_its_record_is_adopted_not_written_twice(
        stations: Workstations, monkeypatch: pytest.MonkeyPatch) -> None:
    """Found by a kill: the bundle was renamed into place, the export not journaled. `export`
    again refused the name ("already exists", suggesting the same name); a second bundle made
    under another name left two on the stick, and carrying the first one made the signed
    bundle coming back unimportable. Now the bundle there is recorded as it is."""
    ws = stations
    prepare_online(ws)
    # Any other file under the name is never overwritten, and the name suggested is free.
    other = ws.usb / "other.tar"
    other.write_bytes(b"not this export")
    taken = ws.cli("online", "bundle", "export", "--output", str(other), ok=False)
    assert taken.returncode == 1 and f"(e.g. {ws.usb / 'other-2.tar'})" in taken.stderr
    assert other.read_bytes() == b"not this export"
    other.unlink()
    stick = ws.usb / "out.tar"

    def killed(*_args: object, **_kwargs: object) -> None:
        raise Killed()

    monkeypatch.setattr(crossing, "record_export", killed)
    with pytest.raises(Killed):
        export_bundle(ws.ctx("online"), stick)
    monkeypatch.undo()
    assert stick.is_file()
    written = hashlib.sha256(stick.read_bytes()).hexdigest()
    assert "Waits for the offline side." not in ws.cli("online", "status").stdout

    again = json.loads(ws.cli("online", "bundle", "export", "--output", str(stick),
                              "--json").stdout)
    assert again["adopted"] is True and again["sha256"] == written
    assert sorted(p.name for p in ws.usb.iterdir()) == ["out.tar"]  # one bundle, the first
    assert "Waits for the offline side." in ws.cli("online", "status").stdout

    back = offline_half(ws)
    ws.cli("online", "bundle", "import", str(back), "--yes")
    assert ws.ctx("online").repo.tag_exists("v1.3.0")


def test_an_abandoned_attempts_bundle_on_the_stick_is_named_and_not_sidestepped(
        stations: Workstations) -> None:
    """Walked by hand: abandon after the export, start the version again, export: refused with
    "another state of the release" and the advice to write ...-2.tar beside it, which leaves two
    bundles of one tag on the stick for the signing workstation to mix up."""
    ws = stations
    prepare_online(ws)
    ws.cli("online", "bundle", "export", "--output", str(ws.usb))
    first = ws.usb / "PAI-v1.3.0-to-offline.tar"
    before = first.read_bytes()
    ws.cli("online", "abandon", "v1.3.0", "--reason", "the build was wrong")
    changelog_commit = git(ws.online, "log", "--format=%H", "--grep=Release v1.3.0: changelog",
                           "-1").strip()
    git(ws.online, "reset", "-q", "--keep", f"{changelog_commit}^")  # as abandon said
    prepare_online(ws)
    refused = ws.cli("online", "bundle", "export", "--output", str(ws.usb), ok=False)
    said = " ".join(refused.stderr.split())
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert "it is the bundle of an earlier, abandoned attempt at v1.3.0" in said
    assert "Delete it from the stick, then export again." in said
    assert "-2.tar" not in said
    assert first.read_bytes() == before and sorted(p.name for p in ws.usb.iterdir()) == [first.name]
    first.unlink()
    ws.cli("online", "bundle", "export", "--output", str(ws.usb))
    assert first.is_file() and first.read_bytes() != before


def test_a_bundle_this_release_wrote_before_a_redo_is_named_and_not_sidestepped(
        stations: Workstations) -> None:
    """Walked by hand: `redo handoff-out --bundle-lost` (a damaged copy), then the export that
    `next` names was refused for the old bundle still on the stick, with the advice to write a
    -2 beside it: two bundles of one tag for the signing workstation."""
    ws = stations
    prepare_online(ws)
    ws.cli("online", "bundle", "export", "--output", str(ws.usb))
    first = ws.usb / "PAI-v1.3.0-to-offline.tar"
    ws.cli("online", "redo", "handoff-out", "--reason", "the copy was damaged", "--bundle-lost")
    refused = ws.cli("online", "bundle", "export", "--output", str(ws.usb), ok=False)
    said = " ".join(refused.stderr.split())
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert "it is a bundle this release wrote earlier" in said and "-2.tar" not in said
    assert "Delete it from the stick, then export again." in said
    first.unlink()
    ws.cli("online", "bundle", "export", "--output", str(ws.usb))
    assert first.is_file()


def test_the_signed_bundle_written_before_a_redo_is_not_called_an_abandoned_attempt(
        stations: Workstations) -> None:
    """Told apart by the clocks: the signing workstation's (behind here) wrote the bundle, the
    online machine's started the session, so an earlier time read as "an earlier, abandoned
    attempt" and the advice said `abandon` had said to delete it, though nothing was abandoned."""
    ws = stations
    prepare_and_export(ws)
    back = offline_half(ws)
    ws.cli("offline", "redo", "handoff-back", "--reason", "the copy was damaged", "--bundle-lost")
    refused = ws.cli("offline", "bundle", "export", "--output", str(back), ok=False)
    said = " ".join(refused.stderr.split())
    assert "it is a bundle this release wrote earlier" in said, said
    assert "abandoned" not in said


def test_a_bundle_written_in_the_second_the_session_started_is_still_this_releases(
        stations: Workstations) -> None:
    """Seen as a flaky failure of the test above under load: exported within the second the
    session started, the old bundle was called "an earlier, abandoned attempt ... before this
    session started" (times are to the second). The journal proves whose it is, so it is asked
    first."""
    ws = stations
    prepare_online(ws)
    started = crossing.parse_time(ws.ctx("online").require_session().created_at)
    export_bundle(ws.ctx("online", clock=lambda: started), ws.usb / "PAI-v1.3.0-to-offline.tar")
    ws.cli("online", "redo", "handoff-out", "--reason", "the copy was damaged", "--bundle-lost")
    refused = ws.cli("online", "bundle", "export", "--output", str(ws.usb), ok=False)
    said = " ".join(refused.stderr.split())
    assert refused.returncode == 1  # refused for what is on the stick, not a usage error
    assert "it is a bundle this release wrote earlier" in said and "abandoned" not in said
