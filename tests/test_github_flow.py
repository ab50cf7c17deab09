"""Draft -> upload -> review -> publish through PyGithub against the loopback GitHub, over HTTP."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from services.errors import BlockedError, ConsoleError
from services.step_protocol import Context, StepFailed
from tests.github_helpers import (
    REPO,
    Sandbox,
    complete_steps_before,
    prepare_release,
    release_json,
    release_patches,
    run,
)

Factory = Callable[..., Context]



def test_full_flow_draft_upload_review_publish(ready: Context, sandbox: Sandbox,
                                               repo_path: Path) -> None:
    evidence = run(ready, "draft")
    assert evidence["created"] is True
    assert evidence["uploaded"] == 6
    rel = release_json(sandbox, "v0.2.0")
    assert rel["draft"] is True and rel["name"] == "PAI v0.2.0"
    commit = ready.repo.git("rev-parse", "v0.2.0^{commit}").strip()
    assert rel["target_commitish"] == commit
    for name in ("pai-v0.2.0-amd64.iso", "pai-v0.2.0-arm64.iso.minisig"):
        assert sandbox.server.asset_bytes(REPO, name) == (repo_path / "build" / name).read_bytes()

    review = run(ready, "review")
    assert review["clean"] is True
    assert [a["ok"] for a in review["assets"]] == [True] * 6

    published = run(ready, "publish")
    assert published["latest"] == "v0.2.0"
    rel = release_json(sandbox, "v0.2.0")
    assert rel["draft"] is False and rel["published_at"]
    assert rel["prerelease"] is False
    patch = sandbox.requests("PATCH", "/releases/")
    assert len(patch) == 1
    assert release_patches(sandbox) == patch  # the check assert_publish_refused relies on
    gh_rel = sandbox.github().get_repo(REPO).get_release("v0.2.0")
    assert gh_rel.draft is False
    assert not sandbox.requests("DELETE")


def test_second_draft_reuses_the_existing_draft(ready: Context, sandbox: Sandbox) -> None:
    run(ready, "draft")
    ready.record("test", "rerun", update=lambda s: s.steps.pop("draft"))
    ready.session = ready.store.load("v0.2.0")
    evidence = run(ready, "draft")
    assert evidence["created"] is False
    assert evidence["kept"] == 6 and evidence["uploaded"] == 0
    assert len(sandbox.requests("POST", "/releases")) - len(sandbox.requests("POST", "/assets")) == 1
    assert len([r for r in sandbox.server.release_data(REPO) if r["tag_name"] == "v0.2.0"]) == 1


def test_draft_refused_when_the_tag_is_already_published(ready: Context,
                                                         sandbox: Sandbox) -> None:
    sandbox.github().get_repo(REPO).create_git_release("v0.2.0", "PAI v0.2.0", "old", draft=False)
    with pytest.raises(StepFailed, match=r"v0\.2\.0 is already published"):
        run(ready, "draft")
    assert len(sandbox.server.release_data(REPO)) == 1


def test_publish_is_blocked_before_review(ready: Context, sandbox: Sandbox) -> None:
    run(ready, "draft")
    with pytest.raises(BlockedError):
        run(ready, "publish")
    assert release_json(sandbox, "v0.2.0")["draft"] is True


def test_rc_is_a_prerelease_and_never_latest(make_ctx: Factory, repo_path: Path,
                                             sandbox: Sandbox) -> None:
    gh = sandbox.github().get_repo(REPO)
    gh.create_git_release("v0.1.0", "PAI v0.1.0", "first", draft=False)
    ctx = prepare_release(make_ctx, repo_path, sandbox, version="0.2.0", channel="rc")
    complete_steps_before(ctx, "draft")
    run(ctx, "draft")
    run(ctx, "review")
    evidence = run(ctx, "publish")
    tag = ctx.require_session().tag
    rel = release_json(sandbox, tag)
    assert rel["prerelease"] is True and rel["draft"] is False
    assert evidence["latest"] == "v0.1.0"
    assert gh.get_latest_release().tag_name == "v0.1.0"


def test_missing_notes_block_the_draft(ready: Context, sandbox: Sandbox) -> None:
    (ready.store.directory("v0.2.0") / "notes.md").unlink()
    with pytest.raises(ConsoleError, match="notes step"):
        run(ready, "draft")
    assert sandbox.server.release_data(REPO) == []
