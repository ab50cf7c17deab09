"""The review gate catches what would make a broken release, and publish refuses each time."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from services import engine
from services.step_protocol import Context, StepFailed
from tests.github_helpers import (
    REPO,
    Sandbox,
    release_json,
    release_patches,
    run,
)

Factory = Callable[..., Context]


@pytest.fixture
def drafted(ready: Context) -> Context:
    run(ready, "draft")
    return ready


def draft(sandbox: Sandbox) -> Any:
    repo = sandbox.github().get_repo(REPO)
    return next(r for r in repo.get_releases() if r.tag_name.startswith("v0.2.0") or r.draft)


def assert_publish_refused(ctx: Context, sandbox: Sandbox, match: str) -> None:
    since = len(sandbox.server.requests)
    with pytest.raises(StepFailed, match=match):
        run(ctx, "publish")
    assert all(r["draft"] for r in sandbox.server.release_data(REPO))
    assert release_patches(sandbox, since) == [], "publish sent a PATCH to the release"


def review_problems(ctx: Context) -> list[str]:
    from services.github import wiring

    return wiring.review_now(ctx, wiring.client_for(ctx)).problems


def test_review_catches_a_missing_asset(drafted: Context, sandbox: Sandbox) -> None:
    run(drafted, "review")  # clean now; publish must still re-check right before
    rel = draft(sandbox)
    asset = next(a for a in rel.get_assets() if a.name == "pai-v0.2.0-arm64.iso.minisig")
    asset.delete_asset()
    assert "pai-v0.2.0-arm64.iso.minisig is not attached to the draft." in review_problems(drafted)
    assert_publish_refused(drafted, sandbox, "not attached")


def test_review_catches_a_wrong_digest(drafted: Context, sandbox: Sandbox,
                                       tmp_path: Path) -> None:
    run(drafted, "review")
    rel = draft(sandbox)
    name = "pai-v0.2.0-amd64.iso"
    original = next(a for a in rel.get_assets() if a.name == name)
    forged = tmp_path / name
    forged.write_bytes(b"X" * original.size)  # same size, different bytes
    original.delete_asset()
    rel.upload_asset(str(forged), content_type="application/octet-stream")
    problems = review_problems(drafted)
    assert any(name in p and "sha256" in p for p in problems)
    assert_publish_refused(drafted, sandbox, "sha256")


def test_review_hashes_downloads_when_github_gives_no_digest(drafted: Context,
                                                            sandbox: Sandbox) -> None:
    sandbox.server.faults.hide_digests = True
    evidence = run(drafted, "review")
    assert {a["verified_by"] for a in evidence["assets"]} == {"download"}
    assert len(sandbox.requests("GET", "/api/downloads/")) == 6


def test_review_catches_an_edited_body(drafted: Context, sandbox: Sandbox) -> None:
    rel = draft(sandbox)
    rel.update_release(rel.name, rel.body + "\nSneaky line.\n", draft=True)
    with pytest.raises(StepFailed, match="body differs"):
        run(drafted, "review")
    assert release_json(sandbox, "v0.2.0")["draft"] is True


def test_review_catches_a_wrong_tag(drafted: Context, sandbox: Sandbox) -> None:
    run(drafted, "review")
    rel = draft(sandbox)
    rel.update_release(rel.name, rel.body, draft=True, tag_name="v0.2.1")
    assert "The draft's tag is v0.2.1; expected v0.2.0." in review_problems(drafted)
    assert_publish_refused(drafted, sandbox, "tag is v0.2.1")


def test_review_catches_an_unexpected_extra_asset(drafted: Context, sandbox: Sandbox,
                                                  tmp_path: Path) -> None:
    extra = tmp_path / "debug.log"
    extra.write_text("oops")
    draft(sandbox).upload_asset(str(extra), content_type="text/plain")
    assert any("debug.log is attached but not expected" in p for p in review_problems(drafted))


def test_draft_edited_between_review_and_publish_is_refused(drafted: Context,
                                                           sandbox: Sandbox) -> None:
    run(drafted, "review")
    rel = draft(sandbox)
    rel.update_release("PAI v0.2.0 (edited)", rel.body, draft=True)
    with pytest.raises(StepFailed, match="title") as caught:
        run(drafted, "publish")
    assert "PAI v0.2.0 (edited)" in str(caught.value)
    assert release_json(sandbox, "v0.2.0")["draft"] is True
    assert drafted.store.load("v0.2.0").steps["review"].status == "failed"


def test_a_change_that_leaves_the_draft_right_needs_only_a_fresh_review(
        drafted: Context, sandbox: Sandbox, repo_path: Path) -> None:
    run(drafted, "review")
    name = "pai-v0.2.0-amd64.iso.sha256"
    rel = draft(sandbox)
    next(a for a in rel.get_assets() if a.name == name).delete_asset()
    rel.upload_asset(str(repo_path / "build" / name), content_type="text/plain")  # same bytes
    with pytest.raises(StepFailed, match="changed on GitHub after it was reviewed") as caught:
        run(drafted, "publish")
    assert f"asset {name} was replaced or changed" in str(caught.value)
    assert "run `release-console review` to review it as it is now" in str(caught.value)
    assert "redo draft" not in str(caught.value)
    assert release_json(sandbox, "v0.2.0")["draft"] is True
    run(drafted, "review")  # clean: the old publish refusal must not linger in the status
    publish = next(v for v in engine.views(drafted) if v.id == "publish")
    assert (publish.status, publish.record.reason) == ("ready", "")
    run(drafted, "publish")
    assert release_json(sandbox, "v0.2.0")["draft"] is False


def test_review_table_marks_each_asset(drafted: Context, sandbox: Sandbox) -> None:
    from services.github import wiring

    review = wiring.review_now(drafted, wiring.client_for(drafted))
    table = review.table()
    assert "✔ Title   PAI v0.2.0" in table
    assert table.count("matches (digest)") == 6
    assert "Nothing blocks publishing." in table


def test_body_edited_by_someone_else_after_review_is_refused_with_the_diff(
        drafted: Context, sandbox: Sandbox) -> None:
    run(drafted, "review")
    rel = draft(sandbox)
    rel.update_release(rel.name, rel.body + "Sneaky line.\n", draft=True)
    with pytest.raises(StepFailed, match="the body was edited") as caught:
        run(drafted, "publish")
    assert "+Sneaky line." in str(caught.value)
    assert release_json(sandbox, "v0.2.0")["draft"] is True
