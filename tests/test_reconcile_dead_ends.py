"""The four dead ends of issue #9 and the world's bad input, on the demo release.

Each dead end is reproduced (a SIGKILL right after the effect, a redo, or an injected 502) and
then the release is finished with plain ``next --yes``, ending exactly as the uninterrupted
reference. Each piece of bad input (a tag elsewhere, a published asset that differs, a release
commit amended by hand) stops the step with one sentence and changes nothing.
"""

from __future__ import annotations

import hashlib
import json
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from console.demo import DEMO_REPOSITORY
from tests.kill_harness import TAG, Demo, isolated_env, trial

Walked = tuple[Demo, dict[str, Any]]
# One worker walks the reference release once and runs these (./dev.sh uses --dist loadgroup),
# beside the workers of tests/test_kill_everywhere.py's groups.
pytestmark = pytest.mark.xdist_group("kill_demo_reconcile")


@pytest.fixture
def walked(kill_demo: Walked, monkeypatch: pytest.MonkeyPatch) -> Iterator[Walked]:
    isolated_env(monkeypatch, kill_demo[0].work.parent)
    yield kill_demo


def boundary(demo: Demo, step: str, starts: str) -> int:
    return next(b.number for b in demo.boundaries[step] if b.what.startswith(starts))


def journal_actions(demo: Demo) -> list[tuple[str, str]]:
    lines = (demo.project / ".release" / TAG / "journal.jsonl").read_text().splitlines()
    return [(json.loads(line)["step"], json.loads(line)["action"]) for line in lines]


def untouched(demo: Demo) -> tuple[bytes, bytes, str]:
    release = demo.project / ".release" / TAG
    refs = demo.ok("status")  # a read-only command: what the captain sees
    return ((release / "session.json").read_bytes(), (release / "journal.jsonl").read_bytes(),
            refs.split("Next:")[0])


def test_migration_commit_made_not_recorded_is_adopted(walked: Walked) -> None:
    demo, reference = walked
    world, said = trial(demo, "migration", boundary(demo, "migration", "git commit"))
    assert world == reference, said
    assert ("migration", "adopted after an interruption") in journal_actions(demo)


def test_redo_migration_then_run_records_the_existing_commit(walked: Walked) -> None:
    demo, reference = walked
    demo.restore("notes")  # migration done, its commit recorded
    demo.ok("redo", "migration", "--reason", "re-check the notes")
    demo.ok("run", "migration")
    demo.resume()
    assert demo.world() == reference


def test_signed_tag_made_not_recorded_is_adopted(walked: Walked) -> None:
    demo, reference = walked
    n = boundary(demo, "tag", "git -c gpg.format=ssh")
    demo.restore("tag")
    assert demo.cli("next", "--yes", kill_at=n).returncode == -9
    status = demo.ok("status")
    assert "interrupted" in status and "run it again" in status
    demo.resume()
    assert demo.world() == reference
    assert ("tag", "adopted after an interruption") in journal_actions(demo)


def test_pushed_but_not_recorded_is_adopted_from_the_remote(walked: Walked) -> None:
    demo, reference = walked
    pushes = [b for b in demo.boundaries["push"] if b.what.startswith("git push")]
    assert "refs/tags/" in pushes[-1].what  # the tag goes up last
    world, said = trial(demo, "push", pushes[-1].number)
    assert world == reference, said
    assert ("push", "adopted after an interruption") in journal_actions(demo)


def test_published_but_answer_lost_to_a_kill_is_adopted(walked: Walked) -> None:
    demo, reference = walked
    world, said = trial(demo, "publish", boundary(demo, "publish", "PATCH "))
    assert world == reference, said
    assert ("publish", "adopted after an interruption") in journal_actions(demo)


def test_published_but_read_back_502_is_adopted_on_the_rerun(walked: Walked) -> None:
    demo, reference = walked
    demo.restore("publish")
    assert demo.server is not None
    # Every read of the release after the PATCH answers 502 (as many as the client retries).
    patch = boundary(demo, "publish", "PATCH ")
    before = sum(1 for b in demo.boundaries["publish"]
                 if b.number < patch and b.what.startswith("GET ") and "/releases/" in b.what)
    demo.server.faults.fail(before + 1, status=502, method="GET", path_contains="/releases/",
                            times=50)
    failed = demo.cli("next", "--yes")
    assert failed.returncode != 0
    assert demo.server.release_data(DEMO_REPOSITORY)[0]["draft"] is False  # GitHub is right
    demo.server.faults.clear()
    demo.resume()
    assert demo.world() == reference
    assert ("publish", "adopted after an interruption") in journal_actions(demo)


def test_tag_pointing_elsewhere_is_one_sentence_and_nothing_changes(walked: Walked) -> None:
    demo, _ = walked
    demo.restore("tag")
    demo.ok("status")
    import subprocess

    subprocess.run(["git", "tag", "-a", "-m", "someone else", TAG, "HEAD~1"], cwd=demo.project,
                   check=True, capture_output=True)
    before = untouched(demo)
    result = demo.cli("next", "--yes")
    assert result.returncode == 1
    assert f"Tag {TAG} already exists but points at " in result.stderr
    assert "not the release commit" in result.stderr and "A tag is never moved" in result.stderr
    assert "Traceback" not in result.stderr
    assert untouched(demo) == before
    head = subprocess.run(["git", "rev-parse", f"{TAG}^{{commit}}", "HEAD~1"], cwd=demo.project,
                          capture_output=True, text=True, check=True).stdout.split()
    assert head[0] == head[1]


def test_published_asset_with_other_bytes_is_one_sentence_and_nothing_changes(
        walked: Walked) -> None:
    demo, _ = walked
    demo.restore("publish")
    assert demo.server is not None
    state = demo.server.state
    with state.lock:
        repo = state.data["repos"][DEMO_REPOSITORY]
        asset = next(a for a in repo["assets"].values() if a["name"].endswith("amd64.iso"))
        path = state.asset_path(int(asset["id"]))
        data = bytearray(path.read_bytes())
        data[0] ^= 0xFF  # same size, other bytes
        path.write_bytes(bytes(data))
        asset["digest"] = f"sha256:{hashlib.sha256(bytes(data)).hexdigest()}"
        state.save()
    release_id = demo.server.release_data(DEMO_REPOSITORY)[0]["id"]
    request = urllib.request.Request(
        f"{demo.server.api_url}/repos/{DEMO_REPOSITORY}/releases/{release_id}",
        data=json.dumps({"draft": False}).encode(), method="PATCH",
        headers={"Authorization": f"token {demo.token}", "Content-Type": "application/json"})
    urllib.request.urlopen(request, timeout=5).close()  # someone publishes it by hand
    before = untouched(demo)
    demo.server.clear_log()
    result = demo.cli("next", "--yes")
    assert result.returncode == 1
    assert f"{TAG} is already published on GitHub" in result.stderr
    assert "pai-v1.3.0-amd64.iso on GitHub has sha256" in result.stderr
    assert "nothing was changed" in result.stderr and "Traceback" not in result.stderr
    assert untouched(demo) == before
    assert [r.method for r in demo.server.requests if r.method != "GET"] == []
    assert path.read_bytes() == bytes(data)


def test_release_commit_amended_by_hand_is_one_sentence_and_nothing_changes(
        walked: Walked) -> None:
    demo, _ = walked
    demo.restore("tag")
    import subprocess

    migration = demo.project / "MIGRATION.md"
    migration.write_text(migration.read_text() + "\nEdited after the fact.\n")
    subprocess.run(["git", "commit", "-q", "--amend", "--no-edit", "-a"], cwd=demo.project,
                   check=True, capture_output=True)
    before = untouched(demo)
    result = demo.cli("next", "--yes")
    assert result.returncode == 1
    assert "was amended by hand after it was recorded" in result.stderr
    assert "Nothing was changed" in result.stderr and "Traceback" not in result.stderr
    assert untouched(demo) == before
    tags = subprocess.run(["git", "tag", "--list", TAG], cwd=demo.project, capture_output=True,
                          text=True, check=True).stdout
    assert tags == ""


def test_signing_scratch_left_by_a_kill_is_in_the_session_and_removed(walked: Walked) -> None:
    demo, reference = walked
    demo.restore("sign")
    assert demo.cli("next", "--yes", kill_at=boundary(demo, "sign", "minisign -S")).returncode == -9
    session_dir = demo.project / ".release" / TAG
    assert list(session_dir.glob("release-console-sign-*"))
    demo.resume()
    assert not list(session_dir.glob("release-console-sign-*"))
    assert demo.world() == reference
    assert ("session", "leftovers removed") in journal_actions(demo)
