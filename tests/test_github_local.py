"""What the GitHub steps do without GitHub: status stays local, the review re-reads no ISO that the
checksums step vouches for, and a policy without per-file checksums can still be drafted."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from services import engine
from services.github import wiring
from services.session import Session, StepRecord
from services.step_protocol import Context, StepFailed
from services.step_status import StepStatus
from services.steps import registry
from tests.github_helpers import (
    REPO,
    Sandbox,
    complete_steps_before,
    prepare_release,
    run,
)
from tests.journal_helpers import record_finished

Factory = Callable[..., Context]
ISO = "pai-v0.2.0-amd64.iso"


def view(ctx: Context, step_id: str) -> engine.StepView:
    return next(v for v in engine.views(ctx) if v.id == step_id)


# --- status and reloads make no GitHub calls (review item f) ------------------------------------

def test_status_with_draft_next_asks_neither_github_nor_the_keyring(
        ready: Context, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_TOKEN")  # a token lookup would find nothing and block
    sandbox.server.clear_log()
    assert view(ready, "draft").status == "ready"
    assert sandbox.server.requests == []


def test_status_with_push_next_defers_the_ci_check_to_the_run(
        make_ctx: Factory, repo_path: Path, sandbox: Sandbox) -> None:
    ctx = prepare_release(make_ctx, repo_path, sandbox)
    complete_steps_before(ctx, "push")

    def deferred(session: Session) -> None:
        rec = session.step("preflight")
        rec.status, rec.evidence = StepStatus.DONE, {"commit": "b" * 40,
                                            "ci": {"status": "deferred", "reason": "offline"}}

    record_finished(ctx, "pre-flight deferred CI", deferred)
    sandbox.server.add_status(REPO, "b" * 40, "ci/build", "failure")
    sandbox.server.clear_log()
    assert view(ctx, "push").status == "ready"
    assert sandbox.server.requests == []
    plan = registry()["push"].plan(ctx)  # the plan says CI is asked first
    assert any("bbbbbbbbbbbb/status" in call for call in plan.api_calls)
    assert sandbox.server.requests == []


# --- the review hashes only what the checksums record does not vouch for (review item a) -------

def checksummed(ctx: Context) -> None:
    """Run the real checksums step (the fixture marked it skipped)."""
    ctx.record("test", "checksums reopened",
               update=lambda s: s.steps.__setitem__("checksums", StepRecord()))
    run(ctx, "checksums")


def test_review_takes_the_checksums_record_for_unchanged_artifacts(
        ready: Context, sandbox: Sandbox, repo_path: Path) -> None:
    checksummed(ready)
    run(ready, "draft")
    hashed: list[str] = []
    ready.progress = lambda event: hashed.append(event.label)
    review = wiring.review_now(ready, wiring.client_for(ready))
    assert review.clean, review.problems
    labels = set(hashed)
    assert f"hash {ISO}.sha256" in labels  # small files are read every time
    assert f"hash {ISO}" not in labels and "hash pai-v0.2.0-arm64.iso" not in labels

    # Rewritten with other bytes (a new modification time): hashed again, and caught.
    path = repo_path / "build" / ISO
    data = bytearray(path.read_bytes())
    data[100:104] = b"EVIL"
    path.write_bytes(bytes(data))
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))
    hashed.clear()
    review = wiring.review_now(ready, wiring.client_for(ready))
    assert f"hash {ISO}" in set(hashed)
    assert review.problems[0].startswith(f"{ISO} changed after it was checksummed")


# --- [checksums] per_file = "" means no per-file checksum files (review item b) ---------------

def test_a_policy_without_per_file_checksums_drafts_with_the_combined_list(
        make_ctx: Factory, repo_path: Path, sandbox: Sandbox) -> None:
    ctx = prepare_release(make_ctx, repo_path, sandbox,
                          checksums='per_file = ""\ncombined = "SHA256SUMS"')
    build = repo_path / "build"
    lines = []
    for sums in sorted(build.glob("*.sha256")):
        lines.append(sums.read_text())
        sums.unlink()
    (build / "SHA256SUMS").write_text("".join(lines))
    complete_steps_before(ctx, "draft")

    names = [f.name for f in wiring.expected_files(ctx)]
    assert names == [ISO, f"{ISO}.minisig", "pai-v0.2.0-arm64.iso",
                     "pai-v0.2.0-arm64.iso.minisig", "SHA256SUMS"]
    assert view(ctx, "draft").status == "ready"
    evidence = run(ctx, "draft")
    assert sorted(a["name"] for a in evidence["assets"]) == sorted(names)
    review = wiring.review_now(ctx, wiring.client_for(ctx))
    assert review.clean, review.problems

    # The combined list is still the record an artifact is checked against.
    ctx.record("test", "redo draft", update=lambda s: s.steps.__setitem__("draft", StepRecord()))
    path = build / ISO
    path.write_bytes(path.read_bytes()[:-4] + b"EVIL")
    with pytest.raises(StepFailed, match=f"{ISO} changed after it was checksummed"):
        run(ctx, "draft")
