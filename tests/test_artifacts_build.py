"""``[artifacts] build``: the policy says what the project's build is, and the missing-artifact
remedy shows it. Found rehearsing the console's own release: the remedy said "Build it into
dist/ with the project's own build", and the captain had to know that meant `python -m build`.
The artifacts step's remedy offers to run it (b in the TUI, `run artifacts --build`: those runs
are tested in test_artifacts_build_run.py); `run artifacts` alone never runs it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from screens.step_render import render_blockers
from services import artifacts
from services.policy import PolicyError, load_policy
from services.session_lifecycle import ReleaseRequest, start_release
from services.step_protocol import Context
from services.steps import registry
from tests.conftest import last_said, run_cli
from tests.signing_keys import POLICY_BASE, advance_to, write_policy

ROOT = Path(__file__).resolve().parent.parent
WITH_BUILD = POLICY_BASE.replace('dir = "build"\n', 'dir = "build"\nbuild = "make images"\n')
NO_SIGNING = '[signing]\nbackend = "none"\ntag_format = "none"\n'


@pytest.fixture
def ctx(repo_path: Path, make_ctx: Callable[..., Context]) -> Context:
    write_policy(repo_path, NO_SIGNING, base=WITH_BUILD)
    context = make_ctx()
    start_release(context, ReleaseRequest(version="0.2.0"))
    advance_to(context, "artifacts")
    return context


def test_the_cli_remedy_names_the_policys_build(ctx: Context) -> None:
    assert ctx.policy.artifacts_build == "make images"
    status = run_cli("status", cwd=ctx.root)
    assert last_said(status.stdout) == (
        f"Next: artifacts — Build it into build/: `release-console run artifacts --build` runs "
        f"`make images` in {ctx.root} (release.toml's [artifacts] build), then the step.")
    refused = run_cli("run", "artifacts", cwd=ctx.root)
    assert refused.returncode != 0
    assert "`make images`" in " ".join(refused.stdout.split() + refused.stderr.split())
    assert not (ctx.root / "build").exists()  # shown, never run without --build


def test_the_tui_remedy_names_it_and_says_press_b(ctx: Context) -> None:
    shown = render_blockers(registry()["artifacts"].check(ctx), tui=True).plain
    assert shown.endswith(f"  → Build it into build/: press b here to run `make images` in "
                          f"{ctx.root} (release.toml's [artifacts] build), then n.\n"), shown
    (ctx.root / "build.sh").write_text("#!/bin/sh\n")  # the policy's word wins over a guess
    shown = render_blockers(registry()["artifacts"].check(ctx), tui=True).plain
    assert "`make images`" in shown and "build.sh" not in shown


def test_a_build_from_the_release_commit_names_it_too(ctx: Context) -> None:
    found = artifacts.for_session(ctx)
    (blocker, _) = artifacts.blockers(found, ctx.root, "0.2.0", release_commit="a" * 40,
                                      head="b" * 40, build=ctx.policy.artifacts_build)
    assert blocker.remedy == (
        f"Build it from the release commit {'a' * 12}, not HEAD ({'b' * 12}): `git switch "
        f"--detach {'a' * 12}`, `make images` in {ctx.root} (release.toml's [artifacts] build), "
        "then `git switch -` and run the step again.")


def test_without_it_the_remedy_is_as_before(repo_path: Path,
                                            make_ctx: Callable[..., Context]) -> None:
    write_policy(repo_path, NO_SIGNING)
    ctx = make_ctx()
    start_release(ctx, ReleaseRequest(version="0.2.0"))
    advance_to(ctx, "artifacts")
    assert ctx.policy.artifacts_build == ""
    (blocker, _) = registry()["artifacts"].check(ctx)
    assert blocker.remedy == ("Build it into build/ with the project's own build, then run the "
                              "step again.")


@pytest.mark.parametrize(("value", "kind"), [('["python", "-m", "build"]', "a list"),
                                             ("1", "a number"), ("true", "a boolean")])
def test_a_build_that_is_not_a_string_is_a_policy_error_naming_the_file(
        repo_path: Path, value: str, kind: str) -> None:
    path = repo_path / "release.toml"
    path.write_text(f"[artifacts]\nbuild = {value}\n")
    with pytest.raises(PolicyError) as info:
        load_policy(path)
    assert str(info.value) == (f"{path}: key 'artifacts.build' must be a string, but it is "
                               f"{kind}.")
    said = run_cli("status", cwd=repo_path)
    assert said.returncode == 1 and "Traceback" not in said.stderr
    assert f"{path}: key 'artifacts.build' must be a string" in " ".join(said.stderr.split())


def test_the_consoles_own_policy_names_its_build() -> None:
    policy = load_policy(ROOT / "release.toml")
    assert policy.artifacts_build == "python -m build"


def test_the_later_steps_that_find_an_artifact_gone_name_the_build_too(ctx: Context) -> None:
    """Signing, and the checksums step before it, read the artifacts again: one gone by then
    said "the project's own build" where the artifacts step named the policy's."""
    advance_to(ctx, "sign")
    remedies = [b.remedy for b in registry()["sign"].check(ctx)]
    assert remedies and all("`make images`" in r for r in remedies), remedies
