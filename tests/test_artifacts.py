"""Artifacts: the policy's expected files per architecture versus what is in the build directory."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from services import artifacts, engine
from services.errors import BlockedError
from services.session_lifecycle import ReleaseRequest, start_release
from services.step_protocol import Context
from services.steps import registry
from tests.conftest import flat, last_said, run_cli
from tests.signing_keys import advance_to, build_artifacts, write_policy


@pytest.fixture
def ctx(repo_path: Path, make_ctx: Callable[..., Context]) -> Context:
    write_policy(repo_path, '[signing]\nbackend = "none"\ntag_format = "none"\n')
    context = make_ctx()
    start_release(context, ReleaseRequest(version="0.2.0"))
    advance_to(context, "artifacts")
    return context


def test_expected_names_come_from_the_policy_with_sizes(ctx: Context) -> None:
    build_artifacts(ctx.root, size=64_000)
    found = artifacts.expected(ctx.policy, ctx.root, tag="v0.2.0", version="0.2.0")
    assert [(a.arch, a.name, a.size, a.ok) for a in found] == [
        ("amd64", "pai-v0.2.0-amd64.iso", 64_000, True),
        ("arm64", "pai-v0.2.0-arm64.iso", 64_000, True),
    ]
    evidence = engine.run_step(ctx, registry()["artifacts"])
    modified = artifacts.utc_stamp((ctx.root / "build" / "pai-v0.2.0-amd64.iso").stat().st_mtime)
    assert evidence["artifacts"][0] == {"arch": "amd64", "name": "pai-v0.2.0-amd64.iso",
                                        "path": "build/pai-v0.2.0-amd64.iso", "size": 64_000,
                                        "modified": modified}


def test_missing_and_empty_artifacts_block_with_their_names(ctx: Context) -> None:
    build = ctx.root / "build"
    build.mkdir()
    (build / "pai-v0.2.0-amd64.iso").write_bytes(b"")
    blockers = registry()["artifacts"].check(ctx)
    assert [b.reason for b in blockers] == [
        "Artifact build/pai-v0.2.0-amd64.iso (amd64) is empty (0 bytes).",
        "Artifact build/pai-v0.2.0-arm64.iso (arm64) is missing.",
    ]
    with pytest.raises(BlockedError, match="empty"):
        engine.run_step(ctx, registry()["artifacts"])
    assert ctx.store.load("v0.2.0").steps.get("artifacts") is None or \
        ctx.store.load("v0.2.0").steps["artifacts"].status == "pending"


def test_the_next_line_names_the_directory_to_build_into(ctx: Context) -> None:
    """Found rehearsing the console's own release: `next` and `status` end with the remedy
    alone, "Next: artifacts — Build it into that directory …", and no directory was named."""
    status = run_cli("status", cwd=ctx.root)
    assert last_said(status.stdout) == (
        "Next: artifacts — Build it into build/ with the project's own build, then run the step "
        "again.")


def test_a_build_script_is_named_with_the_directory_to_run_it_in(ctx: Context) -> None:
    """Walked by hand in the demo's TUI: "run `./build.sh 1.3.0-rc.1` in the project", and the
    TUI had covered the line that said where the demo project is."""
    (ctx.root / "build.sh").write_text("#!/bin/sh\n")
    blockers = registry()["artifacts"].check(ctx)
    assert blockers[0].remedy == f"Build it: run `./build.sh 0.2.0` in {ctx.root}."


def test_a_directory_in_place_of_an_artifact_blocks(ctx: Context) -> None:
    build_artifacts(ctx.root)
    iso = ctx.root / "build" / "pai-v0.2.0-arm64.iso"
    iso.unlink()
    iso.mkdir()
    reasons = [b.reason for b in registry()["artifacts"].check(ctx)]
    assert reasons == ["Artifact build/pai-v0.2.0-arm64.iso (arm64) is not a regular file."]


def test_run_prints_each_artifact_it_recorded_with_its_size(ctx: Context) -> None:
    """Walked by hand: `next` on the artifacts step printed only `dir: build`, not the files and
    sizes it had just recorded."""
    build_artifacts(ctx.root, size=64_000)
    result = run_cli("run", "artifacts", cwd=ctx.root)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    shown = lines.index("  artifacts: 2 files")
    modified = artifacts.utc_stamp((ctx.root / "build" / "pai-v0.2.0-amd64.iso").stat().st_mtime)
    listed = flat("\n".join(lines[shown + 1:]))  # wrapped at 80 columns, continued under it
    assert listed.startswith(f"amd64: build/pai-v0.2.0-amd64.iso (62.5 KiB, modified {modified}) "
                             "arm64: build/pai-v0.2.0-arm64.iso (62.5 KiB, modified "), listed
    assert lines[shown + 2] == "      UTC)"  # the continuation, under the line it continues
    assert "  dir: build" in lines


def test_the_tuis_remedy_says_press_n_once(ctx: Context) -> None:
    """Walked in the TUI on the console's own release (no build.sh): the step screen said
    "Build it into dist/ with the project's own build, then run the step again. Then press n
    here." The TUI's words replace the command line's; `status` keeps its own."""
    from screens.step_render import render_blockers

    shown = render_blockers(registry()["artifacts"].check(ctx), tui=True).plain
    assert shown.endswith("  → Build it into build/ with the project's own build, then press n "
                          "here.\n"), shown
    assert "run the step again" not in shown
    (ctx.root / "build.sh").write_text("#!/bin/sh\n")
    shown = render_blockers(registry()["artifacts"].check(ctx), tui=True).plain
    assert shown.endswith(f"  → Build it: run `./build.sh 0.2.0` in {ctx.root}. Then press n "
                          "here.\n"), shown
