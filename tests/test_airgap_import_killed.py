"""``bundle import --yes`` killed with SIGKILL after each git command it runs, then run again as
it was: every rerun finishes the import, and the workstation ends as an uninterrupted import
leaves it (same commit, files, session and journal entries; the journal verifies)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from services.bundle.import_ import apply, verify_bundle
from services.session import SessionStore
from tests.airgap_helpers import Workstations, offline_half, prepare_and_export
from tests.conftest import flat
from tests.kill_harness import make_shims


def import_once(ws: Workstations, work: Path, kill_at: int) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "RELEASE_CONSOLE_OFFLINE": "1",
           "PATH": f"{work / 'shims'}{os.pathsep}{os.environ['PATH']}",
           "RC_BOUNDARY_FILE": str(work / "boundaries"), "RC_KILL_AT": str(kill_at)}
    for name in ("boundaries", "boundaries.log"):
        (work / name).unlink(missing_ok=True)
    return subprocess.run([sys.executable, "-m", "console", "bundle", "import",
                           str(ws.usb / "out.tar"), "--yes"], cwd=ws.offline, env=env,
                          capture_output=True, text=True, check=False,
                          start_new_session=True)  # the shim kills this process group only


def outcome(ws: Workstations) -> dict[str, Any]:
    release = ws.offline / ".release" / "v1.3.0"
    session = json.loads((release / "session.json").read_text())
    entries = [json.loads(line) for line in (release / "journal.jsonl").read_text().splitlines()]
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ws.offline, capture_output=True,
                          text=True, check=True).stdout
    build = {p.name: p.read_bytes() for p in sorted((ws.offline / "build").iterdir())}
    return {"head": head, "build": build, "state": session["state"],
            "steps": {k: v["status"] for k, v in session["steps"].items()},
            "journal": [(e["step"], e["action"]) for e in entries],
            "count": session["journal"]["count"]}


def test_an_import_killed_anywhere_is_finished_by_running_it_again(
        stations: Workstations, tmp_path: Path) -> None:
    ws = stations
    prepare_and_export(ws)
    work = tmp_path / "kill"
    make_shims(work / "shims")
    pristine = tmp_path / "pristine"
    shutil.copytree(ws.offline, pristine, symlinks=True)

    def restore() -> None:
        shutil.rmtree(ws.offline)
        shutil.copytree(pristine, ws.offline, symlinks=True)

    reference_run = import_once(ws, work, kill_at=0)
    assert reference_run.returncode == 0, reference_run.stderr
    ran = (work / "boundaries.log").read_text()
    # the checks' git commands, then the fetch and the merge into the clone itself
    assert "bundle verify" in ran and "merge -q --ff-only" in ran, ran
    reference = outcome(ws)
    assert reference["journal"][-1] == ("handoff-out", "bundle-imported")

    killed_after: list[str] = []
    for kill_at in range(1, 200):
        restore()
        killed = import_once(ws, work, kill_at)
        if killed.returncode == 0:  # it ran to its end before boundary kill_at: every one done
            break
        assert killed.returncode in (-9, 137), (kill_at, killed.stdout, killed.stderr)
        killed_after.append((work / "boundaries.log").read_text().splitlines()[-1])
        rerun = ws.cli("offline", "bundle", "import", str(ws.usb / "out.tar"), "--yes", ok=False)
        assert rerun.returncode == 0, (kill_at, killed_after[-1], rerun.stdout, rerun.stderr)
        assert outcome(ws) == reference, killed_after[-1]
        # what the killed import extracted is removed by the next one, not left to fill the disk
        assert not list((ws.offline / ".release").glob("import-*")), killed_after[-1]
        assert "chain intact" in ws.cli("offline", "journal", "verify").stdout
    assert any("bundle verify" in line for line in killed_after), killed_after
    assert any("merge -q --ff-only" in line for line in killed_after), killed_after


class Killed(BaseException):
    """What a SIGKILL leaves: the process stops between two writes."""


def test_a_return_import_killed_before_its_session_says_to_import_it_again(
        stations: Workstations, monkeypatch: pytest.MonkeyPatch) -> None:
    """Found by a kill: online, the signed bundle's journal was written and the session not;
    `status` and `next` said the release waited for the offline side, and `journal verify` said
    to run `next`, which could not help."""
    ws = stations
    prepare_and_export(ws)
    back = offline_half(ws)
    online = ws.ctx("online")
    prepared = verify_bundle(online, back)

    def killed(*_args: object, **_kwargs: object) -> None:
        raise Killed()

    monkeypatch.setattr(SessionStore, "save", killed)
    with pytest.raises(Killed):
        apply(online, prepared)
    monkeypatch.undo()

    said = (f"An import of back.tar (fingerprint {prepared.fingerprint}) was interrupted here: "
            "its journal is written, the session does not record it yet.")
    again = "Run `release-console bundle import back.tar` again with the same bundle"
    status = " ".join(ws.cli("online", "status").stdout.split())  # blockers wrap at 80
    assert said in status and again in status and "Waits for the offline side" not in status
    nxt = ws.cli("online", "next", ok=False)
    assert nxt.returncode != 0 and said in nxt.stderr
    verify = flat(ws.cli("online", "journal", "verify").stdout)  # wrapped at 80 columns
    assert "the later ones: an import of back.tar" in verify and again in verify

    ws.cli("online", "bundle", "import", str(back), "--yes")
    assert "Next: push" in ws.cli("online", "status").stdout


def test_a_killed_verification_is_not_taken_for_an_interrupted_import(
        stations: Workstations) -> None:
    """Found by a kill: the private folder a killed verification left was named as "an import
    of import-mtdtck9v" whose journal was written; nothing had been imported."""
    ws = stations
    scratch = ws.offline / ".release" / "import-mtdtck9v"
    scratch.mkdir(parents=True)
    (scratch / ".held").touch()
    (scratch / "journal.jsonl").write_text("{}\n")
    status = ws.cli("offline", "status").stdout
    assert "import-mtdtck9v" not in status
    assert "This is the air-gapped signing workstation" in status
