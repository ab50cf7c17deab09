"""A done smoke/checksums/sign step is looked at again: a later failed or void sign-off, a rebuilt
artifact or a replaced signature makes it stale, holds back every later step, and `redo` recovers."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from services import engine, smoke
from services.errors import BlockedError
from services.session_lifecycle import ReleaseRequest, start_release
from services.step_protocol import Context
from services.steps import registry
from tests.conftest import flat, last_said, run_cli, sign_off
from tests.signing_keys import POLICY_BASE, advance_to, build_artifacts, checksummed, write_policy

SIGNING = '[signing]\nbackend = "none"\ntag_format = "none"\n'


@pytest.fixture
def ctx(repo_path: Path, make_ctx: Callable[..., Context]) -> Context:
    """A release whose artifacts, smoke and checksums steps are done."""
    write_policy(repo_path, SIGNING)
    context = checksummed(make_ctx(), repo_path)
    return context


def statuses(ctx: Context) -> dict[str, engine.StepView]:
    return {view.id: view for view in engine.views(ctx)}


def test_failed_sign_off_recorded_after_the_step_blocks_the_release(ctx: Context) -> None:
    sign_off(ctx, arch="amd64", hardware="retest", marks=[
        smoke.Mark("fail", "boots", "kernel panic"), smoke.Mark("pass", "all")])
    views = statuses(ctx)
    assert views["smoke"].status == "stale"
    assert "amd64 smoke sign-off recorded at 2026-11-21T12:00:00Z by Casey Captain failed: " \
           "boots (kernel panic)" in views["smoke"].blockers[0].reason
    assert views["sign"].status == "waiting"  # checksums stays done until the redo reopens it
    for step in ("sign", "tag"):
        with pytest.raises(BlockedError, match=r"release-console redo smoke"):
            engine.run_step(ctx, registry()[step])

    shown = run_cli("status", "--json", cwd=ctx.root)
    data = {s["id"]: s for s in json.loads(shown.stdout)["steps"]}
    assert data["smoke"]["status"] == "stale" and data["sign"]["status"] == "waiting"
    blocked = run_cli("run", "sign", cwd=ctx.root)
    assert blocked.returncode == 1 and 'release-console redo smoke --reason "..."' in blocked.stderr

    # the real command named in the message works, and the failure keeps blocking until retested
    assert run_cli("redo", "smoke", "--reason", "amd64 panics", cwd=ctx.root).returncode == 0
    ctx.session = ctx.store.load("v0.2.0")
    with pytest.raises(BlockedError, match="amd64 failed the smoke check boots"):
        engine.run_step(ctx, registry()["smoke"])
    sign_off(ctx, arch="amd64", hardware="retest 2", marks=[smoke.Mark("pass", "all")])
    for step in ("smoke", "checksums"):
        engine.run_step(ctx, registry()[step])
    assert statuses(ctx)["smoke"].status == "done"


def test_checksums_and_sign_refuse_a_failed_sign_off_even_if_smoke_was_passed_by(
        ctx: Context) -> None:
    sign_off(ctx, arch="arm64", hardware="Pi 5", marks=[
        smoke.Mark("fail", "runs Ollama", "OOM"), smoke.Mark("pass", "all")])
    for step in ("checksums", "sign"):
        reasons = [b.reason for b in registry()[step].check(ctx)]
        assert any("arm64 smoke sign-off" in r and "runs Ollama (OOM)" in r for r in reasons)


def test_rebuilt_artifact_makes_smoke_stale_and_redo_leads_through(ctx: Context) -> None:
    iso = ctx.root / "build" / "pai-v0.2.0-arm64.iso"
    data = bytearray(iso.read_bytes())
    data[100] ^= 0xFF
    iso.write_bytes(bytes(data))
    os.utime(iso, ns=(iso.stat().st_atime_ns, iso.stat().st_mtime_ns + 1_000_000_000))
    views = statuses(ctx)
    assert views["smoke"].status == "stale"
    assert "build/pai-v0.2.0-arm64.iso changed since the smoke step checked it" in \
        views["smoke"].blockers[0].reason
    assert views["sign"].status == "waiting"
    text = run_cli("status", cwd=ctx.root).stdout
    assert re.search(r"smoke .* stale", text) and "release-console redo smoke" in text
    # the last line leads to the redo, not to a run the stale step refuses
    last = last_said(text)  # the last line, wrapped at the width
    assert " ".join(text.split()).endswith(last)
    assert last.startswith("Next: smoke — If it was rebuilt, test it and sign it")
    assert "`release-console redo smoke --reason" in last

    sign_off(ctx, arch="arm64", hardware="bench", marks=[smoke.Mark("pass", "all")])
    assert engine.redo_step(ctx, registry()["smoke"], "arm64 rebuilt") == ["smoke", "checksums"]
    for step in ("smoke", "checksums"):
        engine.run_step(ctx, registry()[step])
    after = statuses(ctx)
    assert after["smoke"].status == "done" and after["checksums"].status == "done"
    assert (ctx.root / "build" / "pai-v0.2.0-arm64.iso.sha256").read_text().startswith(
        __import__("hashlib").sha256(iso.read_bytes()).hexdigest())


def test_void_sign_off_without_a_new_one_keeps_smoke_blocked_after_redo(ctx: Context) -> None:
    iso = ctx.root / "build" / "pai-v0.2.0-amd64.iso"
    with open(iso, "ab") as handle:
        handle.write(b"rebuilt")
    assert statuses(ctx)["smoke"].status == "stale"
    engine.redo_step(ctx, registry()["smoke"], "rebuilt amd64")
    with pytest.raises(BlockedError, match="cannot run yet: the amd64 sign-off is void"):
        engine.run_step(ctx, registry()["smoke"])


def test_a_touched_but_identical_artifact_passes_again_after_redo(ctx: Context) -> None:
    iso = ctx.root / "build" / "pai-v0.2.0-amd64.iso"
    os.utime(iso, ns=(iso.stat().st_atime_ns, iso.stat().st_mtime_ns + 5_000_000_000))
    assert statuses(ctx)["smoke"].status == "stale"
    engine.redo_step(ctx, registry()["smoke"], "copied back from the build host")
    engine.run_step(ctx, registry()["smoke"])  # same bytes: the old sign-off still holds
    views = statuses(ctx)
    assert views["smoke"].status == "done" and views["checksums"].status == "ready"


def test_edited_checksum_list_makes_the_checksums_step_stale(ctx: Context) -> None:
    sums = ctx.root / "build" / "SHA256SUMS"
    sums.write_text(sums.read_text().replace("pai-v0.2.0-arm64.iso", "pai-v0.2.0-arm64.img"))
    views = statuses(ctx)
    assert views["smoke"].status == "done" and views["checksums"].status == "stale"
    assert "build/SHA256SUMS was changed after the checksums step wrote it." in \
        views["checksums"].blockers[0].reason
    engine.redo_step(ctx, registry()["checksums"], "someone edited SHA256SUMS")
    engine.run_step(ctx, registry()["checksums"])
    assert "pai-v0.2.0-arm64.iso" in sums.read_text()


def test_run_smoke_prints_each_sign_off_not_an_empty_line(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    write_policy(repo_path, SIGNING)
    context = make_ctx()
    start_release(context, ReleaseRequest(version="0.2.0"))
    build_artifacts(repo_path)
    for arch in ("amd64", "arm64"):
        sign_off(context, arch=arch, hardware="Framework 13", marks=[
            smoke.Mark("pass", "all")])
    advance_to(context, "artifacts")
    engine.run_step(context, registry()["artifacts"])
    proc = run_cli("run", "smoke", cwd=repo_path)
    assert proc.returncode == 0, proc.stderr
    assert not re.search(r"^\s+\w+: *$", proc.stdout, re.MULTILINE), proc.stdout
    line = flat(proc.stdout.split("signoffs:")[1])  # wrapped at 80 columns
    assert "amd64=Casey Captain on Framework 13 at 2026-11-21T12:00:00Z (sha256 " in line
    assert "arm64=Casey Captain on Framework 13" in line


def test_an_artifact_outside_the_smoke_architectures_never_makes_smoke_stale(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    write_policy(repo_path, SIGNING, base=POLICY_BASE.replace(
        "[smoke]\n", '[smoke]\narchitectures = ["amd64"]\n'))
    context = make_ctx()
    start_release(context, ReleaseRequest(version="0.2.0"))
    build_artifacts(repo_path)
    sign_off(context, arch="amd64", hardware="bench", marks=[smoke.Mark("pass", "all")])
    advance_to(context, "artifacts")
    for step in ("artifacts", "smoke"):
        engine.run_step(context, registry()[step])
    assert statuses(context)["smoke"].status == "done"
