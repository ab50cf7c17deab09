"""Push: the release commit and the tag reach a real (bare) remote; a pushed tag is never moved."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from services.runbook import Context, StepFailed
from tests.github_helpers import (
    Sandbox,
    complete_steps_before,
    git,
    prepare_release,
    run,
    sandbox,  # noqa: F401 - fixture
)

Factory = Callable[..., Context]


@pytest.fixture
def ready(make_ctx: Factory, repo_path: Path, sandbox: Sandbox) -> Context:  # noqa: F811
    ctx = prepare_release(make_ctx, repo_path, sandbox.api_url)
    complete_steps_before(ctx, "push")
    return ctx


def test_push_sends_commit_and_tag_to_the_remote(ready: Context, repo_path: Path) -> None:
    evidence = run(ready, "push")
    bare = repo_path.parent / "remote.git"
    commit = git(repo_path, "rev-parse", "v0.2.0^{commit}").strip()
    assert git(bare, "rev-parse", "refs/heads/main").strip() == commit
    assert git(bare, "rev-parse", "refs/tags/v0.2.0").strip() == evidence["tag_object"]
    assert evidence["tag_already_there"] is False
    assert evidence["url"].endswith("remote.git")


def test_push_accepts_the_same_tag_already_on_the_remote(ready: Context,
                                                         repo_path: Path) -> None:
    git(repo_path, "push", "-q", "origin", "refs/tags/v0.2.0")
    evidence = run(ready, "push")
    assert evidence["tag_already_there"] is True


def test_push_refuses_a_different_tag_on_the_remote(ready: Context, repo_path: Path) -> None:
    other = repo_path.parent / "other"
    git(repo_path.parent, "clone", "-q", str(repo_path.parent / "remote.git"), "other")
    git(repo_path, "push", "-q", "origin", "main")
    git(other, "pull", "-q", "origin", "main")
    git(other, "tag", "-a", "v0.2.0", "-m", "someone else's tag")
    git(other, "push", "-q", "origin", "refs/tags/v0.2.0")
    before = git(repo_path.parent / "remote.git", "rev-parse", "refs/tags/v0.2.0")
    with pytest.raises(StepFailed, match=r"already has a different tag v0\.2\.0"):
        run(ready, "push")
    assert git(repo_path.parent / "remote.git", "rev-parse", "refs/tags/v0.2.0") == before


def test_push_is_blocked_without_the_tag(make_ctx: Factory, repo_path: Path,
                                         sandbox: Sandbox) -> None:  # noqa: F811
    from services.errors import BlockedError

    ctx = prepare_release(make_ctx, repo_path, sandbox.api_url)
    git(repo_path, "tag", "-d", "v0.2.0")
    complete_steps_before(ctx, "push")
    with pytest.raises(BlockedError, match=r"Tag v0\.2\.0 does not exist"):
        run(ctx, "push")
