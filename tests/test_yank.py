"""Yank on GitHub: pre-release, not latest, one banner; nothing deleted, ever."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from services.errors import ConsoleError
from services.github.client import connect
from services.github.yank import MARK, yank
from services.step_protocol import Context
from tests.github_helpers import (
    REPO,
    Sandbox,
    complete_steps_before,
    prepare_release,
    release_json,
    run,
)

Factory = Callable[..., Context]


@pytest.fixture
def published(make_ctx: Factory, repo_path: Path, sandbox: Sandbox) -> Context:
    sandbox.github().get_repo(REPO).create_git_release("v0.1.0", "PAI v0.1.0", "first",
                                                       draft=False)
    ctx = prepare_release(make_ctx, repo_path, sandbox)
    complete_steps_before(ctx, "draft")
    run(ctx, "draft")
    run(ctx, "review")
    run(ctx, "publish")
    sandbox.server.clear_log()
    return ctx


def test_yank_sets_prerelease_and_one_banner_and_deletes_nothing(
        published: Context, sandbox: Sandbox) -> None:
    client = connect(published.policy)
    first = yank(client, tag="v0.2.0", reason="Persistence unlock corrupts data",
                 replacement="v0.2.1")
    assert first.changed and first.prerelease
    assert first.latest_before == "v0.2.0" and first.latest_after == "v0.1.0"
    second = yank(client, tag="v0.2.0", reason="Persistence unlock corrupts data",
                  replacement="v0.2.1")
    assert second.changed is False
    rel = release_json(sandbox, "v0.2.0")
    assert rel["prerelease"] is True and rel["draft"] is False
    assert rel["body"].count(MARK) == 1
    assert rel["body"].startswith("> **⚠️ YANKED** — Persistence unlock corrupts data\n"
                                  "> Use **v0.2.1** instead.\n\n## [0.2.0]")
    assert len(rel["asset_ids"]) == 6
    assert not sandbox.requests("DELETE")
    assert len(sandbox.requests("PATCH")) == 1
    gh_repo = sandbox.github().get_repo(REPO)
    assert gh_repo.get_release("v0.2.0").tag_name == "v0.2.0"
    assert gh_repo.get_latest_release().tag_name == "v0.1.0"


def test_a_new_reason_replaces_the_banner_instead_of_stacking(
        published: Context, sandbox: Sandbox) -> None:
    client = connect(published.policy)
    yank(client, tag="v0.2.0", reason="first reason", replacement="v0.2.1")
    yank(client, tag="v0.2.0", reason="better reason", replacement="v0.2.2")
    body = release_json(sandbox, "v0.2.0")["body"]
    assert body.count(MARK) == 1 and "better reason" in body and "first reason" not in body


def test_immutable_release_still_gets_the_banner_and_the_refusal_is_reported(
        make_ctx: Factory, repo_path: Path, sandbox: Sandbox) -> None:
    sandbox.server.set_immutable_releases(REPO)
    ctx = prepare_release(make_ctx, repo_path, sandbox)
    complete_steps_before(ctx, "draft")
    for step in ("draft", "review", "publish"):
        run(ctx, step)
    result = yank(connect(ctx.policy), tag="v0.2.0", reason="bad ISO", replacement="v0.2.1")
    assert result.refused and "pre-release" in result.refused[0]
    assert "immutable" in result.refused[0]
    rel = release_json(sandbox, "v0.2.0")
    assert rel["body"].startswith("> **⚠️ YANKED** — bad ISO")
    assert rel["prerelease"] is False
    assert not sandbox.requests("DELETE")


def test_yank_refuses_a_draft_and_a_missing_release(make_ctx: Factory, repo_path: Path,
                                                    sandbox: Sandbox) -> None:
    ctx = prepare_release(make_ctx, repo_path, sandbox)
    complete_steps_before(ctx, "draft")
    run(ctx, "draft")
    client = connect(ctx.policy)
    with pytest.raises(ConsoleError, match="still a draft"):
        yank(client, tag="v0.2.0", reason="x", replacement="v0.2.1")
    with pytest.raises(ConsoleError, match=r"no published release v9\.9\.9"):
        yank(client, tag="v9.9.9", reason="x", replacement="v0.2.1")
    assert release_json(sandbox, "v0.2.0")["draft"] is True
