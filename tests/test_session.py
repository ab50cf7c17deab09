"""The durable session: round trip, damaged files reported and left alone, crash safety."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from services.errors import EnvironmentProblem
from services.session import Session, SessionError, SessionStore, StepRecord
from services.session_lifecycle import ReleaseRequest, start_release
from services.step_protocol import Context
from services.step_status import StepStatus
from tests.conftest import git, run_cli


def test_round_trip_keeps_every_field(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    session = Session(version="1.4.0", tag="v1.4.0", channel="rc", kind="hotfix",
                      created_at="2026-11-21T12:00:00Z", previous_tag="v1.3.0",
                      base_commit="abc", branch="hotfix/v1.4.0",
                      data={"smoke": {"amd64": {"tester": "Ana"}}})
    session.steps["changelog"] = StepRecord(status=StepStatus.DONE, evidence={"commit": "def"},
                                            started_at="s", finished_at="f")
    session.steps["skipme"] = StepRecord(status=StepStatus.SKIPPED, reason="not applicable")
    store.save(session)
    loaded = store.load("v1.4.0")
    assert loaded.to_json() == session.to_json()
    assert json.loads(store.path("v1.4.0").read_text())["schema"] == 1


def test_steps_are_keyed_by_id_not_position(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    session = Session(version="1.0.0", tag="v1.0.0")
    session.step("tag").status = StepStatus.DONE
    store.save(session)
    data = json.loads(store.path("v1.0.0").read_text())
    assert data["steps"] == {"tag": {"status": "done"}}


@pytest.mark.parametrize("damage", [
    lambda raw: raw[: len(raw) // 2],            # truncated mid-write by something else
    lambda raw: b"\x00\x01garbage" + raw,         # corrupted
    lambda raw: b"[1, 2, 3]\n",                   # valid JSON, wrong shape
    lambda raw: raw.replace(b'"version"', b'"versoin"'),  # a required field lost
])
def test_damaged_session_is_reported_and_not_overwritten(
        repo_path: Path, make_ctx: Callable[..., Context],
        damage: Callable[[bytes], bytes]) -> None:
    start_release(make_ctx(), ReleaseRequest(version="0.2.0"))
    path = repo_path / ".release" / "v0.2.0" / "session.json"
    broken = damage(path.read_bytes())
    path.write_bytes(broken)
    result = run_cli("status", cwd=repo_path)
    assert result.returncode == 1
    assert "session.json is damaged" in result.stderr
    assert "Traceback" not in result.stderr
    assert path.read_bytes() == broken


def test_newer_schema_is_refused(repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    start_release(make_ctx(), ReleaseRequest(version="0.2.0"))
    path = repo_path / ".release" / "v0.2.0" / "session.json"
    data = json.loads(path.read_text())
    data["schema"] = 99
    path.write_text(json.dumps(data))
    with pytest.raises(SessionError, match="newer Release Console"):
        SessionStore(repo_path).load("v0.2.0")


def test_unwritable_release_dir_changes_nothing(repo_path: Path,
                                               make_ctx: Callable[..., Context]) -> None:
    # Root ignores permission bits, so make .release a file: the directory cannot be created.
    (repo_path / ".release").write_text("not a directory")
    git(repo_path, "add", ".release")
    git(repo_path, "commit", "-q", "-m", "odd file")
    with pytest.raises(EnvironmentProblem, match=r"\.release is a file"):
        start_release(make_ctx(), ReleaseRequest(version="0.2.0"))
    exclude = repo_path / ".git" / "info" / "exclude"
    before = exclude.read_bytes() if exclude.exists() else b""
    result = run_cli("start", "0.2.0", cwd=repo_path)
    assert result.returncode == 3
    assert (repo_path / ".release").read_text() == "not a directory"
    assert (exclude.read_bytes() if exclude.exists() else b"") == before


WRITER = """
import sys
from pathlib import Path
from services.session import Session, SessionStore
store = SessionStore(Path(sys.argv[1]))
print("ready", flush=True)
i = 0
while True:
    i += 1
    s = Session(version="1.0.0", tag="v1.0.0", data={"i": i, "pad": "x" * (4096 * (1 + i % 7))})
    store.save(s)
    print(i, flush=True)
"""


def test_sigkill_mid_write_leaves_old_or_new_session(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    store.save(Session(version="1.0.0", tag="v1.0.0", data={"i": 0}))
    seen = set()
    for round_number in range(25):
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path)],
                                stdout=subprocess.PIPE, text=True,
                                cwd=Path(__file__).resolve().parent.parent)
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
        # Let it finish a varying number of writes, then kill it without warning while it is
        # in the middle of later ones.
        for _ in range(round_number % 7 + 1):
            proc.stdout.readline()
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        loaded = store.load("v1.0.0")  # must parse: old or new, never a torn file
        seen.add(loaded.data["i"])
        leftovers = [p for p in store.directory("v1.0.0").iterdir() if p.suffix == ".tmp"]
        for leftover in leftovers:  # an orphaned temp file is harmless; the session is whole
            leftover.unlink()
    assert len(seen) > 3  # the writer really was killed at different points


def test_atomic_write_refuses_a_read_only_file(tmp_path: Path) -> None:
    from services.atomic import write_text_atomic
    from services.errors import ConsoleError

    target = tmp_path / "CHANGELOG.md"
    target.write_text("original\n")
    target.chmod(0o444)
    with pytest.raises(ConsoleError, match="is read-only"):
        write_text_atomic(target, "new\n")
    assert target.read_text() == "original\n"
    assert [p.name for p in tmp_path.iterdir()] == ["CHANGELOG.md"]


def test_atomic_write_keeps_symlinks_and_owner_and_refuses_hard_links(tmp_path: Path) -> None:
    from services.atomic import write_text_atomic
    from services.errors import ConsoleError

    target = tmp_path / "CHANGELOG.md"
    target.write_text("old\n")
    link = tmp_path / "docs-CHANGELOG.md"
    link.symlink_to(target.name)
    write_text_atomic(link, "new\n")
    assert link.is_symlink() and target.read_text() == "new\n"

    if os.getuid() == 0:  # only root can give a file to someone else; as root, check it stays
        os.chown(target, 1234, 1234)
        write_text_atomic(target, "newer\n")
        assert (target.stat().st_uid, target.stat().st_gid) == (1234, 1234)

    twin = tmp_path / "twin.md"
    os.link(target, twin)
    with pytest.raises(ConsoleError, match="2 hard links"):
        write_text_atomic(target, "lost?\n")
    assert twin.read_text() == target.read_text()


@pytest.mark.parametrize("shape", [{"steps": {"preflight": "done"}}, {"steps": [1]},
                                   {"journal": "x"}, {"data": 3}])
def test_session_of_the_wrong_shape_is_reported(repo_path: Path,
                                               make_ctx: Callable[..., Context],
                                               shape: dict[str, object]) -> None:
    start_release(make_ctx(), ReleaseRequest(version="0.2.0"))
    path = repo_path / ".release" / "v0.2.0" / "session.json"
    data = json.loads(path.read_text())
    data.update(shape)
    path.write_text(json.dumps(data))
    before = path.read_bytes()
    result = run_cli("status", cwd=repo_path)
    assert result.returncode == 1, result.stderr
    assert "is damaged" in result.stderr and "Traceback" not in result.stderr
    assert path.read_bytes() == before


def test_a_damaged_old_session_does_not_block_commands_about_others(repo_path: Path) -> None:
    assert run_cli("start", "0.2.0", cwd=repo_path).returncode == 0
    assert run_cli("abandon", "v0.2.0", "--reason", "wrong", cwd=repo_path).returncode == 0
    assert run_cli("start", "0.3.0", cwd=repo_path).returncode == 0
    (repo_path / ".release" / "v0.2.0" / "session.json").write_text('{"schema": 1,')
    assert run_cli("journal", "verify", "--tag", "v0.3.0", cwd=repo_path).returncode == 0
    # the release in progress goes on (only one can be in progress, and v0.3.0 is), and status
    # names the damaged file of the old one with how to look into it
    status = run_cli("status", cwd=repo_path)
    assert status.returncode == 0, status.stderr
    said = " ".join(status.stdout.split())
    assert "v0.3.0" in said and "Next: preflight" in said
    assert ("Also: The session file " in said and "v0.2.0/session.json is damaged (not valid "
            "JSON); it was left as it is. It is not the release in progress, which goes on."
            in said and "`release-console journal show --tag v0.2.0`" in said)
    shown = json.loads(run_cli("status", "--json", cwd=repo_path).stdout)
    assert [d["tag"] for d in shown["damaged_sessions"]] == ["v0.2.0"]
    assert run_cli("next", "--dry-run", cwd=repo_path).returncode == 0
    assert (repo_path / ".release" / "v0.2.0" / "session.json").read_text() == '{"schema": 1,'
    # with no release in progress the damaged one may be it: refused, as before
    assert run_cli("abandon", "v0.3.0", "--reason", "done", cwd=repo_path).returncode == 0
    refused = run_cli("status", cwd=repo_path)
    assert refused.returncode == 1 and "v0.2.0/session.json is damaged" in refused.stderr


def test_a_tag_that_names_no_session_lists_the_sessions_there(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    """Walked by hand: `provenance --tag v9` (a typo) said "Start one with `release-console start
    VERSION`" beside a release that was in progress."""
    start_release(make_ctx(), ReleaseRequest(version="0.2.0"))
    refused = run_cli("provenance", "--tag", "v9", cwd=repo_path)
    said = " ".join(refused.stderr.split())
    assert refused.returncode == 1 and "Traceback" not in said
    assert "No release session for v9" in said and "The sessions here: v0.2.0." in said
    assert "start" not in said.split("does not exist)")[1]
