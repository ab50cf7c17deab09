"""Using a verified bundle loses nothing: a failure in the middle of ``apply`` leaves the clone
as it was, or in a state a plain rerun of ``release-console bundle import`` finishes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from services.bundle.import_ import apply, verify_bundle
from services.bundle.workdir import Workdir
from services.errors import ConsoleError
from services.journal import Journal
from services.session import SessionStore
from tests.airgap_helpers import Workstations, prepare_and_export
from tests.bundle_forge import snapshot
from tests.conftest import flat


def state(root: Path) -> dict[str, tuple[int, int]]:
    """The clone's files, without the empty run-lock file the import holds while it works."""
    return {k: v for k, v in snapshot(root).items() if not k.endswith(".run.lock")}


def test_an_artifacts_folder_in_the_way_changes_nothing(stations: Workstations) -> None:
    ws = stations
    prepare_and_export(ws)
    (ws.offline / "build").write_text("not a folder\n")  # what the import must write into
    offline = ws.ctx("offline")
    head = offline.repo.head_sha()
    before = state(ws.offline)
    prepared = verify_bundle(offline, ws.usb / "out.tar")
    with pytest.raises(ConsoleError) as refused:
        apply(offline, prepared)
    assert refused.value.message == ("Cannot create the artifacts folder build (it is a file); "
                                     "nothing was changed.")
    assert state(ws.offline) == before
    assert offline.repo.head_sha() == head
    assert not list((ws.offline / ".release").glob("import-*"))
    failed = ws.cli("offline", "bundle", "import", str(ws.usb / "out.tar"), "--yes", ok=False)
    assert failed.returncode != 0 and "Traceback" not in failed.stderr
    assert "Cannot create the artifacts folder build" in failed.stderr
    assert state(ws.offline) == before


@pytest.mark.parametrize("stop_at", ["journal", "session"])
def test_a_kill_before_the_session_record_is_finished_by_a_rerun(
        stations: Workstations, monkeypatch: pytest.MonkeyPatch, stop_at: str) -> None:
    ws = stations
    prepare_and_export(ws)
    offline = ws.ctx("offline")
    prepared = verify_bundle(offline, ws.usb / "out.tar")

    class Killed(BaseException):
        """What a SIGKILL leaves: the process stops between two writes."""

    def killed(*_args: object, **_kwargs: object) -> None:
        raise Killed()

    if stop_at == "journal":  # files placed and the commit fetched, journal not yet replaced
        import services.bundle.import_ as import_module

        real = import_module.write_bytes_atomic

        def write(path: Path, data: bytes, **kwargs: object) -> None:
            if path.name == "journal.jsonl":
                raise Killed()
            real(path, data)

        monkeypatch.setattr(import_module, "write_bytes_atomic", write)
    else:  # the journal written, the session record (last) not
        monkeypatch.setattr(SessionStore, "save", killed)
    with pytest.raises(Killed):
        apply(offline, prepared)
    monkeypatch.undo()
    assert not (ws.offline / ".release" / "v1.3.0" / "session.json").exists()
    status = ws.cli("offline", "status").stdout
    # Not "start one": the signing workstation imports; a journal without its session is an
    # import to finish with the same bundle (a start there would mix two journals).
    said = ("An import of v1.3.0 was interrupted here" if stop_at == "session" else
            "This is the air-gapped signing workstation: a release starts on the online machine")
    assert said in flat(status) and "`release-console bundle import FILE`" in status
    assert "release-console start" not in status
    started = ws.cli("offline", "start", "1.3.0", ok=False)
    assert started.returncode != 0 and f"{said}" in started.stderr
    assert "Nothing was started" in started.stderr
    assert not (ws.offline / ".release" / "v1.3.0" / "session.json").exists()

    rerun = ws.cli("offline", "bundle", "import", str(ws.usb / "out.tar"), "--yes")
    assert "Imported" in rerun.stdout
    if stop_at == "session":
        assert "an earlier import of this bundle stopped before it finished" in rerun.stdout
    status = ws.cli("offline", "status").stdout
    assert "v1.3.0" in status and "smoke" in status
    session = json.loads((ws.offline / ".release/v1.3.0/session.json").read_text())
    journal = Journal(ws.offline / ".release/v1.3.0/journal.jsonl")
    assert journal.verify(expected_head=session["journal"]["head"],
                          expected_count=session["journal"]["count"]) == []
    actions = [e["action"] for e in journal.entries()]
    assert actions.count("bundle-imported") == 1 and actions[-1] == "bundle-imported"
    assert ws.cli("offline", "journal", "verify").returncode == 0
    for name in ("pai-v1.3.0-amd64.iso", "pai-v1.3.0-arm64.iso"):
        assert (ws.offline / "build" / name).read_bytes() == \
            (ws.online / "build" / name).read_bytes()
    # ... and it is used once: a third import is a replay.
    again = ws.cli("offline", "bundle", "import", str(ws.usb / "out.tar"), "--yes", ok=False)
    assert "was imported here already" in again.stderr


def test_folders_of_a_killed_import_are_removed_and_one_in_use_is_kept(
        stations: Workstations) -> None:
    ws = stations
    prepare_and_export(ws)
    base = ws.offline / ".release"
    base.mkdir()
    stale = base / "import-killed"  # a verification killed halfway: its lock died with it
    (stale / "members" / "artifacts").mkdir(parents=True)
    (stale / ".held").write_text("")
    (stale / "members" / "artifacts" / "pai.iso").write_bytes(b"x" * 4096)
    in_use = Workdir(base)  # another terminal (or the TUI) holding a verified bundle
    try:
        prepared = verify_bundle(ws.ctx("offline"), ws.usb / "out.tar")
        assert not stale.exists()
        assert in_use.path.is_dir()
        prepared.discard()
        assert not prepared.work.exists() and in_use.path.is_dir()
    finally:
        in_use.release()
    assert not list(base.glob("import-*"))
