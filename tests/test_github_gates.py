"""What must hold before anything goes to GitHub: CI on the right commits, and artifacts that are
still the files that were checksummed (review issue 5, items 1 and 4)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from services.github import wiring
from services.session import Session
from services.step_protocol import Context, StepFailed
from services.step_status import StepStatus
from tests.github_helpers import (
    REPO,
    Sandbox,
    complete_steps_before,
    git,
    prepare_release,
    release_json,
    run,
)
from tests.journal_helpers import record_finished

Factory = Callable[..., Context]
ISO = "pai-v0.2.0-amd64.iso"
EARLIER = "b" * 40  # the commit pre-flight looked at, before the changelog commits


def tamper(repo_path: Path, name: str = ISO) -> None:
    """Change bytes in the middle of an artifact, keeping its size (the reviewer's `dd`)."""
    path = repo_path / "build" / name
    data = bytearray(path.read_bytes())
    data[1000:1004] = b"EVIL"
    path.write_bytes(bytes(data))


def set_step(ctx: Context, step_id: str, evidence: dict[str, Any]) -> None:
    def update(session: Session) -> None:
        record = session.step(step_id)
        record.status, record.evidence = StepStatus.DONE, evidence

    record_finished(ctx, f"{step_id} recorded", update)


def uploads(sandbox: Sandbox) -> list[Any]:
    return [r for r in sandbox.server.requests if r.method == "POST" and "/api/uploads/" in r.path]


# --- item 1: an artifact changed after it was checksummed ---------------------------------------

def test_draft_refuses_an_artifact_changed_after_checksumming(
        make_ctx: Factory, repo_path: Path, sandbox: Sandbox) -> None:
    ctx = prepare_release(make_ctx, repo_path, sandbox)
    complete_steps_before(ctx, "draft")
    tamper(repo_path)
    with pytest.raises(StepFailed) as caught:
        run(ctx, "draft")
    text = str(caught.value)
    assert f"{ISO} changed after it was checksummed" in text
    assert f"{ISO}.sha256 says" in text and "nothing was uploaded" in text
    assert sandbox.server.release_data(REPO) == [] and uploads(sandbox) == []


def test_draft_refuses_an_artifact_whose_checksum_file_was_rewritten_too(
        make_ctx: Factory, repo_path: Path, sandbox: Sandbox) -> None:
    ctx = prepare_release(make_ctx, repo_path, sandbox)
    complete_steps_before(ctx, "draft")
    original = hashlib.sha256((repo_path / "build" / ISO).read_bytes()).hexdigest()
    set_step(ctx, "checksums", {"artifacts": [{"name": ISO, "sha256": original}]})
    tamper(repo_path)
    forged = hashlib.sha256((repo_path / "build" / ISO).read_bytes()).hexdigest()
    (repo_path / "build" / f"{ISO}.sha256").write_text(f"{forged}  {ISO}\n")
    with pytest.raises(StepFailed, match="the checksums step's record says"):
        run(ctx, "draft")
    assert uploads(sandbox) == []


def test_review_and_publish_refuse_an_artifact_changed_after_the_upload(
        make_ctx: Factory, repo_path: Path, sandbox: Sandbox) -> None:
    ctx = prepare_release(make_ctx, repo_path, sandbox)
    complete_steps_before(ctx, "draft")
    run(ctx, "draft")
    run(ctx, "review")
    tamper(repo_path)
    review = wiring.review_now(ctx, wiring.client_for(ctx))
    assert review.problems[0].startswith(f"{ISO} changed after it was checksummed")
    assert "LOCAL FILE CHANGED" in review.table()
    with pytest.raises(StepFailed, match="changed after it was checksummed") as caught:
        run(ctx, "publish")
    assert "Put back the exact file that was checksummed" in str(caught.value)
    assert release_json(sandbox, "v0.2.0")["draft"] is True


# --- item 4: CI on the commit pre-flight deferred, and on the release commit ---------------------

@pytest.fixture
def deferred(make_ctx: Factory, repo_path: Path, sandbox: Sandbox) -> Context:
    """Pre-flight ran on the offline workstation (CI deferred) on an earlier commit."""
    ctx = prepare_release(make_ctx, repo_path, sandbox)
    complete_steps_before(ctx, "push")
    set_step(ctx, "preflight", {"commit": EARLIER, "ci": {"status": "deferred",
                                                          "reason": "offline workstation"}})
    return ctx


def remote_tags(repo_path: Path) -> str:
    return git(repo_path.parent / "remote.git", "tag", "--list")


def test_push_runs_the_deferred_ci_check_and_refuses_red(
        deferred: Context, sandbox: Sandbox, repo_path: Path) -> None:
    sandbox.server.add_check_run(REPO, EARLIER, "build-iso", conclusion="failure")
    with pytest.raises(StepFailed) as caught:
        run(deferred, "push")
    assert "CI failed on bbbbbbbbbbbb (pre-flight deferred this check while offline): " \
           "build-iso (check): failure." in str(caught.value)
    assert remote_tags(repo_path) == ""


def test_push_refuses_while_the_deferred_ci_is_still_running(
        deferred: Context, sandbox: Sandbox, repo_path: Path) -> None:
    sandbox.server.add_status(REPO, EARLIER, "ci/build", "pending")
    with pytest.raises(StepFailed, match="CI has not finished on bbbbbbbbbbbb"):
        run(deferred, "push")
    assert remote_tags(repo_path) == ""


def test_push_records_the_deferred_ci_check_when_green(
        deferred: Context, sandbox: Sandbox, repo_path: Path) -> None:
    sandbox.server.add_status(REPO, EARLIER, "ci/build", "success")
    evidence = run(deferred, "push")
    assert evidence["ci"]["status"] == "green" and evidence["ci"]["commit"] == EARLIER
    assert remote_tags(repo_path).split() == ["v0.2.0"]


def test_a_push_adopted_after_a_kill_still_records_the_deferred_ci_check(
        deferred: Context, sandbox: Sandbox, repo_path: Path) -> None:
    sandbox.server.add_status(REPO, EARLIER, "ci/build", "success")
    branch = deferred.repo.branch()
    commit = deferred.repo.git("rev-parse", "v0.2.0^{commit}").strip()
    # what a kill between the push and its record leaves: branch and tag on the remote
    git(repo_path, "push", "--quiet", "origin", f"{commit}:refs/heads/{branch}",
        "refs/tags/v0.2.0")
    evidence = run(deferred, "push")
    assert evidence["tag_already_there"] is True
    assert evidence["ci"]["status"] == "green" and evidence["ci"]["commit"] == EARLIER


@pytest.fixture
def pushed(make_ctx: Factory, repo_path: Path, sandbox: Sandbox) -> Context:
    ctx = prepare_release(make_ctx, repo_path, sandbox, ci=None)
    complete_steps_before(ctx, "draft")
    return ctx


def release_commit(ctx: Context) -> str:
    return ctx.repo.git("rev-parse", "v0.2.0^{commit}").strip()


def test_draft_is_blocked_by_red_ci_on_the_release_commit(
        pushed: Context, sandbox: Sandbox) -> None:
    sandbox.server.add_status(REPO, release_commit(pushed), "ci/smoke-arm64", "failure")
    with pytest.raises(StepFailed) as caught:
        run(pushed, "draft")
    assert f"CI failed on the release commit {release_commit(pushed)[:12]}: ci/smoke-arm64 " \
           "(status): failure." in str(caught.value)
    assert sandbox.server.release_data(REPO) == []


def test_draft_waits_for_pending_ci_on_the_release_commit(
        pushed: Context, sandbox: Sandbox) -> None:
    sandbox.server.add_check_run(REPO, release_commit(pushed), "lint", status="in_progress")
    with pytest.raises(StepFailed) as caught:
        run(pushed, "draft")
    assert f"CI has not finished on {release_commit(pushed)[:12]}" in str(caught.value)
    assert "Run draft again when it is green." in str(caught.value)
    assert sandbox.server.release_data(REPO) == []


def test_draft_waits_when_ci_ran_on_the_earlier_commit_but_not_on_the_release_commit(
        pushed: Context, sandbox: Sandbox) -> None:
    set_step(pushed, "preflight", {"commit": EARLIER, "ci": {"status": "green"}})
    sandbox.server.add_status(REPO, EARLIER, "ci/build", "success")
    with pytest.raises(StepFailed, match="nothing has reported on the release commit yet, "
                       "though CI ran on bbbbbbbbbbbb"):
        run(pushed, "draft")
    assert sandbox.server.release_data(REPO) == []


def test_a_project_without_any_ci_can_still_draft_and_is_told_so(
        pushed: Context, sandbox: Sandbox) -> None:
    set_step(pushed, "preflight", {"commit": EARLIER, "ci": {"status": "none"}})
    evidence = run(pushed, "draft")
    assert evidence["ci"]["status"] == "none"
    assert evidence["ci"]["note"] == (
        f"no CI has reported on the release commit {release_commit(pushed)[:12]} nor on "
        "bbbbbbbbbbbb: this project is taken to have no CI")


def test_draft_passes_green_ci_on_the_release_commit(
        pushed: Context, sandbox: Sandbox) -> None:
    sandbox.server.add_status(REPO, release_commit(pushed), "ci/build", "success")
    evidence = run(pushed, "draft")
    assert evidence["ci"]["status"] == "green"
    assert evidence["ci"]["commit"] == release_commit(pushed)
