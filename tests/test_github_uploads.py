"""Uploads survive dropped connections and 5xx answers without duplicates or broken assets."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest

from services.step_protocol import Context, StepFailed
from tests.github_helpers import (
    REPO,
    Sandbox,
    complete_steps_before,
    prepare_release,
    run,
)

Factory = Callable[..., Context]
ISO = "pai-v0.2.0-amd64.iso"
ARM = "pai-v0.2.0-arm64.iso"


@pytest.fixture
def ready(make_ctx: Factory, repo_path: Path, sandbox: Sandbox) -> Context:
    ctx = prepare_release(make_ctx, repo_path, sandbox)
    complete_steps_before(ctx, "draft")
    return ctx


def attached(sandbox: Sandbox) -> list[dict[str, object]]:
    [rel] = sandbox.server.release_data(REPO)
    repo = sandbox.server.state.data["repos"][REPO]
    return [repo["assets"][str(i)] for i in rel["asset_ids"]]


def assert_complete_and_identical(sandbox: Sandbox, repo_path: Path) -> None:
    assets = attached(sandbox)
    names = [str(a["name"]) for a in assets]
    assert sorted(names) == sorted(p.name for p in (repo_path / "build").iterdir())
    assert len(names) == len(set(names)), "duplicate assets"
    assert {a["state"] for a in assets} == {"uploaded"}
    for name in names:
        assert sandbox.server.asset_bytes(REPO, str(name)) == \
            (repo_path / "build" / str(name)).read_bytes()


def test_connection_dropped_mid_upload_is_retried_after_looking(
        ready: Context, sandbox: Sandbox, repo_path: Path) -> None:
    # uploads go: amd64 ISO, .sha256, .minisig, then the arm64 ISO (4th)
    sandbox.server.faults.drop_mid_upload(nth=4, after_bytes=5_000)
    evidence = run(ready, "draft")
    assert_complete_and_identical(sandbox, repo_path)
    arm = next(a for a in evidence["assets"] if a["name"] == ARM)
    assert arm["attempts"] == 2
    # the half-uploaded asset was found in state "open" and removed before the retry
    assert len(sandbox.requests("DELETE", "/releases/assets/")) == 1
    assert sandbox.server.requests[-1].status in (200, 201)


def test_interrupted_draft_resumes_without_duplicates(ready: Context, sandbox: Sandbox,
                                                      repo_path: Path) -> None:
    # three uploads go through, the fourth (arm64 ISO) is cut half-way, every retry is dropped
    sandbox.server.faults.drop_mid_upload(nth=4, after_bytes=5_000)
    sandbox.server.faults.drop(nth=5, method="POST", path_contains="/api/uploads/", times=99)
    with pytest.raises(StepFailed, match="failed: nothing answers at"):
        run(ready, "draft")
    states = {a["name"]: a["state"] for a in attached(sandbox)}
    assert states[ISO] == "uploaded"
    assert ARM not in states or states[ARM] == "open"
    posts_before = len(sandbox.requests("POST", "/api/uploads/"))

    sandbox.server.faults.clear()
    ready.session = ready.store.load("v0.2.0")
    evidence = run(ready, "draft")
    assert evidence["created"] is False
    actions = {a["name"]: a["action"] for a in evidence["assets"]}
    assert [actions[n] for n in (ISO, f"{ISO}.sha256", f"{ISO}.minisig")] == ["kept"] * 3
    assert actions[ARM] in ("uploaded", "replaced")
    assert_complete_and_identical(sandbox, repo_path)
    assert len(sandbox.requests("POST", "/api/uploads/")) - posts_before == 3
    assert len([r for r in sandbox.server.release_data(REPO)]) == 1


def test_5xx_after_the_upload_landed_is_not_uploaded_twice(
        ready: Context, sandbox: Sandbox, repo_path: Path) -> None:
    sandbox.server.faults.fail_after_upload(nth=1, status=502)
    evidence = run(ready, "draft")
    first = evidence["assets"][0]
    assert first["name"] == ISO and first["attempts"] == 1
    assert len(sandbox.requests("POST", "/api/uploads/")) == 6  # one POST per file
    assert not [r for r in sandbox.server.requests if r.status == 422]
    assert_complete_and_identical(sandbox, repo_path)


def test_5xx_on_creating_the_draft_is_retried_once(ready: Context, sandbox: Sandbox) -> None:
    sandbox.server.faults.fail(nth=1, status=503, method="POST", path_contains="/releases")
    run(ready, "draft")
    assert len(sandbox.server.release_data(REPO)) == 1


def test_a_changed_local_file_replaces_the_asset_on_the_draft(
        ready: Context, sandbox: Sandbox, repo_path: Path) -> None:
    run(ready, "draft")
    rebuilt = b"rebuilt" * 1000  # rebuilt and checksummed again (before the tag, in real life)
    (repo_path / "build" / ARM).write_bytes(rebuilt)
    (repo_path / "build" / f"{ARM}.sha256").write_text(
        f"{hashlib.sha256(rebuilt).hexdigest()}  {ARM}\n")
    ready.record("test", "rerun", update=lambda s: s.steps.pop("draft"))
    ready.session = ready.store.load("v0.2.0")
    evidence = run(ready, "draft")
    actions = {a["name"]: a["action"] for a in evidence["assets"]}
    assert actions[ARM] == actions[f"{ARM}.sha256"] == "replaced"
    assert list(actions.values()).count("kept") == 4
    assert_complete_and_identical(sandbox, repo_path)


def test_progress_is_reported_per_asset(ready: Context, sandbox: Sandbox) -> None:
    seen: dict[str, tuple[int, int]] = {}
    ready.progress = lambda e: seen.__setitem__(e.label, (e.done, e.total))
    run(ready, "draft")
    assert seen[f"upload {ISO}"] == (40_000, 40_000)
    assert seen[f"hash {ARM}"] == (40_000, 40_000)


def test_a_retried_upload_is_announced_and_journaled(ready: Context,
                                                     sandbox: Sandbox) -> None:
    notices: list[str] = []
    ready.progress = lambda e: notices.append(e.notice()) if e.retry else None
    sandbox.server.faults.drop_mid_upload(nth=4, after_bytes=5_000)
    run(ready, "draft")
    assert notices == [f"retrying {ARM} (attempt 2): the connection was lost"]
    entries = (ready.store.directory("v0.2.0") / "journal.jsonl").read_text()
    assert '"action": "upload retried"' in entries
