"""A build folder from before the release's changes is refused by the artifacts step.

The step used to check only names and sizes: a project whose version stays 0.1.0 while it changes
(or a captain who built, then let the console move the changelog) kept matching names in a stale
``build/``, which passed and would have been tested, signed and published. Now each artifact must
have been written no earlier than the release commit (the changelog/migration commit) was made:
the file's modification time against the commit's committer time, both said in the refusal.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from screens.step_render import render_blockers
from services import engine
from services.errors import BlockedError
from services.session_lifecycle import ReleaseRequest, start_release
from services.step_protocol import Context
from services.steps import registry
from tests.conftest import commit_file, flat, git, last_said, run_cli
from tests.signing_keys import (
    POLICY_BASE,
    advance_to,
    build_artifacts,
    checksummed,
    minisign_project,
    write_policy,
)

WITH_BUILD = POLICY_BASE.replace('dir = "build"\n', 'dir = "build"\nbuild = "make images"\n')
NO_SIGNING = '[signing]\nbackend = "none"\ntag_format = "none"\n'
CHANGELOG = ("# Changelog\n\n## [Unreleased]\n\n### Added\n\n- Dark mode.\n\n"
             "## [0.1.0] — 2026-10-01\n\n### Added\n\n- First release.\n")
# conftest makes every commit at 2026-11-21 12:00:00 UTC: the changelog commit is made then
MORNING = datetime(2026, 11, 21, 9, 30, tzinfo=UTC).timestamp()  # the build, before it


def _built_at(paths: list[Path], when: float) -> None:
    for path in paths:
        os.utime(path, (when, when))


@pytest.fixture
def built_then_committed(repo_path: Path, make_ctx: Callable[..., Context]) -> Context:
    """The captain built the images in the morning, then the console committed the changelog
    (the release commit): the names match, the bytes predate the release's changes."""
    commit_file(repo_path, "CHANGELOG.md", CHANGELOG, "Add changelog")
    write_policy(repo_path, NO_SIGNING, base=WITH_BUILD)
    ctx = make_ctx()
    start_release(ctx, ReleaseRequest(version="0.2.0"))
    engine.run_step(ctx, registry()["preflight"])
    _built_at(build_artifacts(repo_path), MORNING)
    engine.run_step(ctx, registry()["changelog"])
    assert git(repo_path, "log", "-1", "--format=%s").strip() == "Release v0.2.0: changelog"
    advance_to(ctx, "artifacts")  # migration and notes are not under test
    return ctx


def test_a_build_from_before_the_changelog_commit_is_refused_until_rebuilt(
        built_then_committed: Context) -> None:
    ctx = built_then_committed
    commit = git(ctx.root, "rev-parse", "HEAD").strip()
    refused = run_cli("next", cwd=ctx.root)
    assert refused.returncode == 1
    said = flat(refused.stdout + refused.stderr)
    assert (f"Artifact build/pai-v0.2.0-amd64.iso (amd64) is older than the release commit "
            f"{commit[:12]}: the file was modified 2026-11-21 09:30:00 UTC and the commit made "
            "2026-11-21 12:00:00 UTC (as the clocks then said), so it is a build from before "
            "the release's changes.") in said, said
    assert "Traceback" not in said
    status = run_cli("status", cwd=ctx.root)
    assert last_said(status.stdout) == (
        f"Next: artifacts — Rebuild it into build/: `release-console run artifacts --build` runs "
        f"`make images` in {ctx.root} (release.toml's [artifacts] build), then the step.")
    record = ctx.store.load("v0.2.0").steps.get("artifacts")
    assert record is None or record.status != "done"

    build_artifacts(ctx.root)  # rebuilt now, after the commit
    done = run_cli("next", cwd=ctx.root)
    assert done.returncode == 0, done.stdout + done.stderr
    said = flat(done.stdout)
    assert f"built_after: {commit} (2026-11-21 12:00:00 UTC)" in said, said
    assert "amd64: build/pai-v0.2.0-amd64.iso (293.0 KiB, modified 2026-" in said, said


def test_the_tui_says_the_same_and_press_b(built_then_committed: Context) -> None:
    shown = render_blockers(registry()["artifacts"].check(built_then_committed), tui=True).plain
    assert "is older than the release commit" in shown
    assert "modified 2026-11-21 09:30:00 UTC and the commit made 2026-11-21 12:00:00 UTC" in shown
    assert "Rebuild it into build/: press b here to run `make images`" in shown
    assert shown.rstrip().endswith("then n."), shown


def test_the_plan_states_the_rule_with_the_commits_time(built_then_committed: Context) -> None:
    commit = git(built_then_committed.root, "rev-parse", "HEAD").strip()
    plan = registry()["artifacts"].plan(built_then_committed)
    assert "amd64: build/pai-v0.2.0-amd64.iso (293.0 KiB, modified 2026-11-21 09:30:00 UTC)" \
        in plan.notes
    assert (f"Each must be modified no earlier than the release commit {commit[:12]} was made "
            "(2026-11-21 12:00:00 UTC): an older file is a build from before the release's "
            "changes, and is refused.") in plan.notes


def test_a_file_written_in_the_commits_own_second_passes_one_second_before_does_not(
        built_then_committed: Context) -> None:
    """A commit's time is to the second: a build finished in that second cannot be told apart
    from one made just after it, so it passes; a second earlier is a build from before."""
    ctx = built_then_committed
    committed = datetime(2026, 11, 21, 12, 0, tzinfo=UTC).timestamp()
    isos = sorted((ctx.root / "build").iterdir())
    _built_at(isos, committed + 0.75)
    assert registry()["artifacts"].check(ctx) == []
    _built_at(isos[:1], committed - 1)
    reasons = [b.reason for b in registry()["artifacts"].check(ctx)]
    assert len(reasons) == 1 and reasons[0].startswith(
        "Artifact build/pai-v0.2.0-amd64.iso (amd64) is older than the release commit")
    with pytest.raises(BlockedError, match="older than the release commit"):
        engine.run_step(ctx, registry()["artifacts"])


def test_a_rebuild_after_signing_is_caught_before_the_tag(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    """What the later steps already do (no new check): from the smoke sign-off on, each step
    compares sha256s with the one before, and a done step whose files moved goes stale (the
    earliest, smoke, is named), so a rebuild after signing stops the tag until it is tested and
    signed again."""
    minisign_project(repo_path)
    ctx = checksummed(make_ctx(), repo_path)
    engine.run_step(ctx, registry()["sign"])
    build_artifacts(repo_path, size=64_000)  # a rebuild: other bytes under the same names
    status = run_cli("status", cwd=repo_path)
    said = flat(status.stdout)
    assert ("smoke Hardware smoke test stale - build/pai-v0.2.0-amd64.iso changed since the "
            "smoke step checked it") in said, said
    assert last_said(status.stdout).startswith("Next: smoke — If it was rebuilt, test it")
    with pytest.raises(BlockedError):
        engine.run_step(ctx, registry()["tag"])
    assert git(repo_path, "tag", "--list", "v0.2.0").strip() == ""



def test_an_old_build_copied_in_after_the_step_makes_it_stale(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    """The file-time rule holds once the step is done too. Before: a build from before the
    release's changes copied over the recorded one with its time kept (`cp -p`, `rsync -a`)
    passed every later step, since they compare sha256s only from the smoke sign-off on (which
    would name the old bytes), so it would have been tested, signed and published."""
    commit_file(repo_path, "CHANGELOG.md", CHANGELOG, "Add changelog")
    write_policy(repo_path, NO_SIGNING, base=WITH_BUILD)
    ctx = make_ctx()
    start_release(ctx, ReleaseRequest(version="0.2.0"))
    advance_to(ctx, "artifacts")
    build_artifacts(repo_path)  # built now: after the release commit
    engine.run_step(ctx, registry()["artifacts"])
    image = repo_path / "build" / "pai-v0.2.0-amd64.iso"
    image.write_bytes(b"an image from before the release's changes\n")
    _built_at([image], MORNING)  # its time kept by the copy
    status = run_cli("status", cwd=repo_path)
    said = flat(status.stdout)
    assert "artifacts Artifacts present stale - Artifact build/pai-v0.2.0-amd64.iso (amd64) is " \
        "older than the release commit" in said, said
    assert last_said(status.stdout) == (
        'Next: artifacts — Redo the step (the steps after it run again): `release-console redo '
        'artifacts --reason "..."`, then `release-console run artifacts --build`.')
    with pytest.raises(BlockedError, match="Artifacts present"):
        engine.run_step(ctx, registry()["smoke"])
    view = next(v for v in engine.views(ctx) if v.id == "artifacts")
    assert "Press o to redo this step (the steps after it run again), then b to build and n." \
        in flat(str(render_blockers(view.blockers, tui=True)))
    engine.redo_step(ctx, registry()["artifacts"], "an old build was copied in")
    build_artifacts(repo_path)  # built again, now
    engine.run_step(ctx, registry()["artifacts"])
    assert next(v for v in engine.views(ctx) if v.id == "artifacts").status == "done"
