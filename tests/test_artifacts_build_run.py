"""``[artifacts] build`` run by the console: :mod:`services.build`, and ``run artifacts --build``.

Found walking the demo with the real clock: the artifacts step refuses images older than the
release commit, and the demo's were built when the sandbox was made, so a captain in the TUI
alone was stopped at "Artifacts present" until they ran ./build.sh in another terminal. The
console now runs the policy's build itself, from the release commit, output line by line.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable

import pytest

from services import build, engine, secrets
from services.errors import BlockedError, StepCancelled
from services.step_protocol import Context
from services.steps import registry
from tests.build_helpers import alive, started_child
from tests.conftest import commit_file, flat, git, run_cli


def test_the_build_runs_with_version_and_tag_and_streams_its_lines(
        build_project: Callable[[str], Context]) -> None:
    ctx = build_project("./make.sh {version} {tag}")
    assert registry()["artifacts"].check(ctx)  # missing before
    lines: list[str] = []
    done = build.run_build(ctx, lines.append)
    assert done == build.Build("./make.sh 0.2.0 v0.2.0", ctx.root)
    assert lines == ["building 0.2.0 for v0.2.0", "token: none", "built build/pai-v0.2.0-amd64.iso",
                     "built build/pai-v0.2.0-arm64.iso"]
    assert registry()["artifacts"].check(ctx) == []
    evidence = engine.run_step(ctx, registry()["artifacts"])
    assert [a["name"] for a in evidence["artifacts"]] == ["pai-v0.2.0-amd64.iso",
                                                          "pai-v0.2.0-arm64.iso"]


def test_a_failing_build_says_its_exit_code_and_last_lines(
        build_project: Callable[[str], Context]) -> None:
    ctx = build_project("./make.sh {version} {tag} && echo one && echo two && echo three && exit 7")
    with pytest.raises(build.BuildFailed) as failed:
        build.run_build(ctx, lambda line: None)
    assert failed.value.message == (
        f"The build `./make.sh 0.2.0 v0.2.0 && echo one && echo two && echo three && exit 7` in "
        f"{ctx.root} failed with exit code 7; its last lines:\n  one\n  two\n  three")
    assert failed.value.exit_code == 1
    assert ctx.store.load("v0.2.0").step("artifacts").status != "done"


def test_the_build_is_handed_no_token_and_prints_no_secret(
        build_project: Callable[[str], Context], monkeypatch: pytest.MonkeyPatch) -> None:
    token = "ghp_" + "s3cr3t" * 6
    monkeypatch.setenv("GITHUB_TOKEN", token)
    secrets.register(token)
    passphrase = "correct horse battery staple"
    secrets.register(passphrase)
    monkeypatch.setenv("SIGNING_PASSPHRASE", passphrase)  # a registered value, any name
    ctx = build_project(f"./make.sh {{version}} {{tag}} && echo \"${{SIGNING_PASSPHRASE:-gone}}\" "
                  f"&& echo {token}")
    lines: list[str] = []
    build.run_build(ctx, lines.append)
    assert "token: none" in lines and "gone" in lines  # neither reached the build
    assert lines[-1] == secrets.MASK  # what it printed anyway is masked
    assert all(token not in line for line in lines)


def test_refused_when_head_is_not_the_release_commit(build_project: Callable[[str], Context]) -> None:
    ctx = build_project("./make.sh {version} {tag}")
    release = ctx.repo.head_sha()
    commit_file(ctx.root, "later.txt", "after the release commit\n", "A later change")
    head = ctx.repo.head_sha()
    with pytest.raises(BlockedError) as refused:
        build.run_build(ctx, lambda line: None)
    assert str(refused.value) == (
        f"HEAD ({head[:12]}) is not the release commit {release[:12]}: a build made here would "
        f"not be what is tagged. Build it from the release commit {release[:12]}, not HEAD "
        f"({head[:12]}): `git switch --detach {release[:12]}`, `./make.sh 0.2.0 v0.2.0` in "
        f"{ctx.root}, then `git switch -` and run the step.")
    assert "press b here" in refused.value.tui_text
    assert not (ctx.root / "build").exists()
    git(ctx.root, "switch", "-q", "--detach", release)  # as the refusal says
    build.run_build(ctx, lambda line: None)
    assert (ctx.root / "build" / "pai-v0.2.0-amd64.iso").is_file()


def test_a_cancel_kills_the_whole_build(build_project: Callable[[str], Context]) -> None:
    ctx = build_project("./make.sh {version} {tag}; sleep 300 & echo $! > child.pid; wait")
    stop = threading.Event()
    seen = threading.Event()

    def line(text: str) -> None:
        if text.startswith("built build/pai-v0.2.0-arm64"):
            seen.set()

    result: list[BaseException] = []

    def worker() -> None:
        try:
            build.run_build(ctx, line, stop)
        except BaseException as err:
            result.append(err)

    thread = threading.Thread(target=worker)
    thread.start()
    assert seen.wait(30)
    child = started_child(ctx.root)
    stop.set()
    thread.join(30)
    assert not thread.is_alive()
    assert isinstance(result[0], StepCancelled)
    assert str(result[0]).startswith("The build `./make.sh 0.2.0 v0.2.0; sleep 300 & echo $! > "
                                     "child.pid; wait` was stopped: every process it started "
                                     "was killed")
    end = time.monotonic() + 10
    while alive(child):  # the sleep its shell started is gone too (killed, then reaped)
        assert time.monotonic() < end, f"the build's child {child} is still running"
        time.sleep(0.01)


def test_cli_run_artifacts_build_prints_the_build_on_stderr_then_runs_the_step(
        build_project: Callable[[str], Context]) -> None:
    ctx = build_project("./make.sh {version} {tag}")
    done = run_cli("run", "artifacts", "--build", cwd=ctx.root)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stderr.splitlines() == [
        f"Building: `./make.sh 0.2.0 v0.2.0` in {ctx.root}", "building 0.2.0 for v0.2.0",
        "token: none", "built build/pai-v0.2.0-amd64.iso", "built build/pai-v0.2.0-arm64.iso",
        "Built: `./make.sh 0.2.0 v0.2.0` exited 0."]
    assert "✔ Artifacts present: done." in done.stdout
    assert ctx.store.load("v0.2.0").step("artifacts").status == "done"
    again = run_cli("run", "artifacts", "--build", cwd=ctx.root)  # recorded: not rebuilt
    assert again.returncode == 1
    assert "The artifacts of v0.2.0 are already recorded" in flat(again.stderr)


def test_cli_build_failure_and_misuse(build_project: Callable[[str], Context]) -> None:
    ctx = build_project("echo compiling; echo 'cc: error: no space' >&2; exit 2")
    failed = run_cli("run", "artifacts", "--build", cwd=ctx.root)
    assert failed.returncode == 1
    said = flat(failed.stderr)
    assert "failed with exit code 2; its last lines: compiling cc: error: no space" in said, said
    assert "Traceback" not in failed.stderr and "✔" not in failed.stdout
    wrong = run_cli("run", "notes", "--build", cwd=ctx.root)
    assert wrong.returncode == 2
    assert "--build runs release.toml's [artifacts] build before the artifacts step, not " \
        "before notes." in flat(wrong.stderr)
    dry = run_cli("run", "artifacts", "--build", "--dry-run", cwd=ctx.root)
    assert f"Would build first: `echo compiling; echo 'cc: error: no space' >&2; exit 2` in " \
        f"{ctx.root}." in flat(dry.stderr)
    assert "compiling" not in dry.stderr.replace("echo compiling", "")


def test_cli_build_with_json_keeps_stdout_one_document(build_project: Callable[[str], Context]) -> None:
    ctx = build_project("./make.sh {version} {tag}")
    done = run_cli("run", "artifacts", "--build", "--json", cwd=ctx.root)
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)  # the build's lines went to stderr
    assert document["ok"] is True and "✔ Artifacts present: done." in document["output"]
    assert "built build/pai-v0.2.0-arm64.iso" in done.stderr.splitlines()
