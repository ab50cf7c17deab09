"""A build the console runs is journaled, whether it works, fails or is stopped.

Found auditing a walked release: `b` on the artifacts step (and `run artifacts --build`) built
the images, and the journal said nothing of it: not who ran it, what ran, on which commit, nor
what it made. Now each build is one entry of the artifacts step when it ends, through the
recorder, so `journal verify` still passes and `journal show` says it at 80 columns.
"""

from __future__ import annotations

import hashlib
import json
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from services import build, secrets
from services.build_record import BUILD_FAILED, BUILD_STOPPED, BUILT
from services.errors import BlockedError, StepCancelled
from services.session import iso
from services.step_protocol import Context
from tests.build_helpers import alive, started_child
from tests.conftest import FIXED_NOW, flat, run_cli

SLOW = "./make.sh {version} {tag}; sleep 300 & echo $! > child.pid; wait"


def last_entry(ctx: Context) -> dict[str, Any]:
    return list(ctx.journal.entries())[-1]


def verifies(root: Path) -> None:
    """`journal verify` passes: the chain and the count the session keeps."""
    checked = run_cli("journal", "verify", cwd=root)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "chain intact" in checked.stdout


def test_a_good_build_is_journaled_with_what_it_made_and_the_chain_verifies(
        build_project: Callable[..., Context]) -> None:
    ctx = build_project("./make.sh {version} {tag}")
    release = ctx.repo.head_sha()
    build.run_build(ctx, lambda line: None)
    entry = last_entry(ctx)
    assert (entry["step"], entry["action"], entry["actor"]) == ("artifacts", BUILT, ctx.actor)
    assert entry["time"] == iso(FIXED_NOW)
    assert entry["inputs"] == {"command": "./make.sh 0.2.0 v0.2.0", "commit": release}
    outputs = entry["outputs"]
    assert outputs["exit_code"] == 0 and outputs["started"] == iso(FIXED_NOW)
    assert isinstance(outputs["seconds"], float) and 0 <= outputs["seconds"] < 60
    made = ctx.root / "build"
    assert outputs["artifacts"] == [
        {"arch": arch, "name": f"pai-v0.2.0-{arch}.iso", "path": f"build/pai-v0.2.0-{arch}.iso",
         "size": (made / f"pai-v0.2.0-{arch}.iso").stat().st_size,
         "sha256": hashlib.sha256((made / f"pai-v0.2.0-{arch}.iso").read_bytes()).hexdigest()}
        for arch in ("amd64", "arm64")]
    verifies(ctx.root)
    # the step then runs on the same journal: the build entry is part of its chain
    assert run_cli("run", "artifacts", cwd=ctx.root).returncode == 0
    verifies(ctx.root)


def test_the_duration_is_the_builds_not_the_hashing_after_it(
        build_project: Callable[..., Context], monkeypatch: pytest.MonkeyPatch) -> None:
    """Walked: a build that made a 3 GiB image was journaled as 17.5 seconds, 6 of them the
    console hashing the image for the entry. Here the hashing is made 1.5 seconds slower."""
    from services import checksums

    real = checksums.hash_files

    def slow(*args: Any, **kwargs: Any) -> list[checksums.Digest]:
        time.sleep(1.5)  # gigabytes to read, in effect
        return real(*args, **kwargs)

    monkeypatch.setattr(checksums, "hash_files", slow)
    ctx = build_project("./make.sh {version} {tag}")
    began = time.monotonic()
    build.run_build(ctx, lambda line: None)
    assert time.monotonic() - began >= 1.5
    assert last_entry(ctx)["outputs"]["seconds"] < 1.5


def test_a_build_that_leaves_an_artifact_missing_says_which(
        build_project: Callable[..., Context]) -> None:
    ctx = build_project("./make.sh {version} {tag} && rm build/pai-{tag}-arm64.iso")
    build.run_build(ctx, lambda line: None)
    made = last_entry(ctx)["outputs"]["artifacts"]
    assert made[1] == {"arch": "arm64", "name": "pai-v0.2.0-arm64.iso",
                       "path": "build/pai-v0.2.0-arm64.iso", "problem": "missing"}
    assert len(made[0]["sha256"]) == 64


def test_a_failed_build_is_journaled_with_its_exit_code_and_last_lines(
        build_project: Callable[..., Context]) -> None:
    ctx = build_project("./make.sh {version} {tag} && echo one && echo two && echo three && exit 7")
    with pytest.raises(build.BuildFailed):
        build.run_build(ctx, lambda line: None)
    entry = last_entry(ctx)
    assert entry["action"] == BUILD_FAILED
    assert entry["inputs"]["command"].startswith("./make.sh 0.2.0 v0.2.0 && echo one")
    assert entry["outputs"]["exit_code"] == 7
    assert entry["outputs"]["last_lines"] == ["one", "two", "three"]
    assert "artifacts" not in entry["outputs"]
    verifies(ctx.root)


def test_a_stopped_build_is_journaled_as_stopped(build_project: Callable[..., Context]) -> None:
    ctx = build_project(SLOW)
    stop = threading.Event()
    result: list[BaseException] = []

    def worker() -> None:
        try:
            build.run_build(ctx, lambda line: None, stop)
        except BaseException as err:
            result.append(err)

    thread = threading.Thread(target=worker)
    thread.start()
    child = started_child(ctx.root)
    stop.set()
    thread.join(30)
    assert isinstance(result[0], StepCancelled)
    entry = last_entry(ctx)
    assert entry["action"] == BUILD_STOPPED
    assert entry["outputs"]["reason"] == build.STOPPED
    assert "exit_code" not in entry["outputs"]
    gone(child)
    verifies(ctx.root)


def test_ctrl_c_in_the_command_line_journals_the_build_as_interrupted(
        build_project: Callable[..., Context]) -> None:
    ctx = build_project(SLOW)
    proc = subprocess.Popen([sys.executable, "-m", "console", "run", "artifacts", "--build"],
                            cwd=ctx.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        child = started_child(ctx.root)
        proc.send_signal(signal.SIGINT)  # Ctrl+C reaches the console; the build has its group
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, err
    entry = last_entry(ctx)
    assert (entry["action"], entry["outputs"]["reason"]) == (BUILD_STOPPED, build.INTERRUPTED)
    gone(child)
    verifies(ctx.root)


def test_the_journaled_command_masks_a_secret_as_the_output_does(
        build_project: Callable[..., Context]) -> None:
    token = "ghp_" + "s3cr3t" * 6
    secrets.register(token)
    ctx = build_project(f"./make.sh {{version}} {{tag}} --upload-key {token} || true")
    lines: list[str] = []
    build.run_build(ctx, lines.append)
    assert last_entry(ctx)["inputs"]["command"] == \
        f"./make.sh 0.2.0 v0.2.0 --upload-key {secrets.MASK} || true"
    assert token not in ctx.journal.path.read_text()


def test_refused_while_the_journal_fails_verification(build_project: Callable[..., Context]) -> None:
    ctx = build_project("./make.sh {version} {tag}")
    journal = ctx.journal.path
    entries = journal.read_text().splitlines()
    first = json.loads(entries[0])
    first["actor"] = "Mallory <m@example.org>"  # edited after the fact
    journal.write_text("\n".join([json.dumps(first), *entries[1:]]) + "\n")
    before = journal.read_bytes()
    with pytest.raises(BlockedError) as refused:
        build.run_build(ctx, lambda line: None)
    assert str(refused.value).startswith("The build cannot run: the journal ")
    assert "fails verification at line 2" in str(refused.value)  # its prev: line 1 edited
    assert not (ctx.root / "build").exists()  # nothing ran that the journal could not record
    assert journal.read_bytes() == before
    cli = run_cli("run", "artifacts", "--build", cwd=ctx.root)
    assert cli.returncode == 1 and "The build cannot run" in flat(cli.stderr)


def test_refused_while_a_step_before_artifacts_is_not_finished(
        build_project: Callable[..., Context]) -> None:
    """Walked: `run artifacts --build` built (and now journaled a build on a commit) while the
    migration step, which commits, was still to do; the TUI offers no b there."""
    ctx = build_project("./make.sh {version} {tag}", at="notes")
    before = ctx.journal.path.read_bytes()
    cli = run_cli("run", "artifacts", "--build", cwd=ctx.root)
    assert cli.returncode == 1
    assert "The build waits for the steps before artifacts: waiting for 'Release notes' " \
        "(notes). Steps run in runbook order." in flat(cli.stderr), cli.stderr
    assert not (ctx.root / "build").exists()
    assert ctx.journal.path.read_bytes() == before


def test_journal_show_says_a_build_at_80_columns(build_project: Callable[..., Context]) -> None:
    ctx = build_project("./make.sh {version} {tag}")
    build.run_build(ctx, lambda line: None)
    ctx.policy = replace(ctx.policy, artifacts_build="./make.sh {version} {tag} && echo 'cc: "
                         "error: no space left on device' >&2; exit 2")  # the next build fails
    with pytest.raises(build.BuildFailed):
        build.run_build(ctx, lambda line: None)
    shown = run_cli("journal", "show", cwd=ctx.root, env={"COLUMNS": "80"})
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80, shown.stdout
    image = (ctx.root / "build/pai-v0.2.0-amd64.iso").read_bytes()
    digest = hashlib.sha256(image).hexdigest()
    built = lines.index(next(line for line in lines if line.endswith(" artifacts      built")))
    said = "\n".join(lines[built:built + 8])
    assert "command=./make.sh 0.2.0 v0.2.0" in flat(said)
    assert f"build/pai-v0.2.0-amd64.iso (amd64): {len(image)} B, sha256\n         {digest}" in said, said
    failed = "\n".join(lines[lines.index(next(line for line in lines if line.endswith(
        " artifacts      build failed"))):])
    assert "exit_code=2" in flat(failed)
    assert failed.endswith("\n       its last lines:\n         built build/pai-v0.2.0-amd64.iso"
                           "\n         built build/pai-v0.2.0-arm64.iso"
                           "\n         cc: error: no space left on device"), failed
    as_json = [json.loads(line) for line in run_cli("journal", "show", "--json",
                                                    cwd=ctx.root).stdout.splitlines()]
    assert [e["action"] for e in as_json if e["step"] == "artifacts"][-2:] == [BUILT, BUILD_FAILED]


def gone(pid: int) -> None:
    end = time.monotonic() + 10
    while alive(pid):
        assert time.monotonic() < end, f"the build's child {pid} is still running"
        time.sleep(0.01)



def test_ctrl_c_while_the_build_is_being_set_up_still_kills_it(
        build_project: Callable[..., Context], monkeypatch: pytest.MonkeyPatch) -> None:
    """CI: Ctrl+C reached the console while it started the thread that watches the build (the
    build's shell already running its sleep), outside the part that kills the build's group; the
    journal said every process was killed and the sleep ran on."""
    from services import tools

    ctx = build_project(SLOW)

    class InterruptedAtStart(threading.Thread):
        def start(self) -> None:
            started_child(ctx.root)
            raise KeyboardInterrupt

    monkeypatch.setattr(tools.threading, "Thread", InterruptedAtStart)
    pid_file = ctx.root / "child.pid"
    with pytest.raises(KeyboardInterrupt):
        build.run_build(ctx, lambda _line: None)
    gone(int(pid_file.read_text()))
    entry = last_entry(ctx)
    assert (entry["action"], entry["outputs"]["reason"]) == (BUILD_STOPPED, build.INTERRUPTED)
