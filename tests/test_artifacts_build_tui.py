"""``b`` on the artifacts step at 80x24: asks with the command and the directory, builds with its
output on the screen, then the step is checked again; a failing build says its exit code and
last lines and leaves the step blocked; Escape stops the build and kills what it started.

Walked with the real clock in the demo: the step refused the images built when the sandbox was
made (older than the release commit) and the TUI had no way to build them.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from console.app import ReleaseConsoleApp
from console.wiring import Options
from screens.prompts import ConfirmScreen
from screens.steps.artifacts import ArtifactsScreen
from services.build import STOPPED
from services.build_record import BUILD_STOPPED, BUILT
from services.session_lifecycle import ReleaseRequest, start_release
from services.step_protocol import Context
from tests.build_helpers import MAKE, NO_SIGNING, alive, with_build
from tests.conftest import git
from tests.signing_keys import POLICY_BASE, advance_to, write_policy
from tests.tui_helpers import footer_words, open_step, settle, text_of

FAILING = "echo compiling; echo 'cc: error: no space left on device' >&2; exit 2"
SLOW = "./make.sh {version} {tag}; sleep 300 & echo $! > child.pid; wait"


@pytest.fixture
def at_artifacts(repo_path: Path, make_ctx: Callable[..., Context]) -> Callable[[str], Path]:
    def make(command: str) -> Path:
        (repo_path / "make.sh").write_text(MAKE)
        (repo_path / "make.sh").chmod(0o755)
        git(repo_path, "add", "make.sh")
        git(repo_path, "commit", "-q", "-m", "Add the build")
        write_policy(repo_path, NO_SIGNING,
                     base=with_build(command) if command else POLICY_BASE)
        ctx = make_ctx()
        start_release(ctx, ReleaseRequest(version="0.2.0"))
        advance_to(ctx, "artifacts")
        return repo_path

    return make


async def until(pilot: Pilot[Any], done: Callable[[], bool], seconds: float = 30) -> None:
    """Pause until ``done()`` (a build running a sleep never lets :func:`settle` settle)."""
    end = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < end, "never happened"
        await pilot.pause(0.02)


async def test_b_asks_builds_shows_the_output_and_the_step_becomes_ready(
        at_artifacts: Callable[[str], Path]) -> None:
    root = at_artifacts("./make.sh {version} {tag}")
    app = ReleaseConsoleApp(Options(repo=root))
    async with app.run_test(size=(80, 24)) as pilot:
        step = await open_step(pilot, "artifacts", ArtifactsScreen)
        assert "blocked" in text_of(step, "#step-status")
        assert footer_words(step)["b"] == "Build…"
        assert "press b here to run `./make.sh 0.2.0 v0.2.0`" in " ".join(
            text_of(step, "#step-blockers").split())
        await pilot.press("b")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConfirmScreen)
        assert dialog.plan.commands == [f"cd {root}", "./make.sh 0.2.0 v0.2.0"]
        assert "y or Enter: yes" in text_of(dialog, "#hint")  # local and reversible, as a commit
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is step and not step.running
        output = text_of(step, "#build-output")
        assert "built build/pai-v0.2.0-arm64.iso" in output, output
        assert step.query_one("#build-output").region.bottom <= 24  # in sight at 80x24
        assert "ready" in text_of(step, "#step-status")
        assert text_of(step, "#step-message").startswith("✔ Built: `./make.sh 0.2.0 v0.2.0` exited")
        assert "b" not in footer_words(step)  # nothing left to build
        await pilot.press("n")  # records the artifacts and moves on
        await settle(pilot)
        assert not isinstance(app.screen, ArtifactsScreen)
    session = next((root / ".release").glob("*/session.json")).read_text()
    assert '"artifacts": {' in session and "pai-v0.2.0-amd64.iso" in session


async def test_a_failing_build_says_its_exit_code_and_last_lines_and_stays_blocked(
        at_artifacts: Callable[[str], Path]) -> None:
    root = at_artifacts(FAILING)
    app = ReleaseConsoleApp(Options(repo=root))
    async with app.run_test(size=(80, 24)) as pilot:
        step = await open_step(pilot, "artifacts", ArtifactsScreen)
        await pilot.press("b")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        said = " ".join(text_of(step, "#step-message").split())
        assert "failed with exit code 2; its last lines: compiling cc: error: no space left on " \
            "device Fix the build, then press b to run it again." in said, said
        assert step.query_one("#step-message").border_title == " Failed "
        assert "blocked" in text_of(step, "#step-status")
        assert "b" in footer_words(step)  # still offered, to run again


async def test_escape_stops_the_build_and_kills_what_it_started(
        at_artifacts: Callable[[str], Path]) -> None:
    root = at_artifacts(SLOW)
    app = ReleaseConsoleApp(Options(repo=root))
    async with app.run_test(size=(80, 24)) as pilot:
        step = await open_step(pilot, "artifacts", ArtifactsScreen)
        await pilot.press("b")
        await settle(pilot)
        await pilot.press("enter")
        pid_file = root / "child.pid"
        await until(pilot, lambda: pid_file.exists() and bool(pid_file.read_text().strip()))
        child = int(pid_file.read_text())
        assert step.running and alive(child)
        assert "Esc or Ctrl+C stops the build" in text_of(step, "#step-message")
        assert "built build/pai-v0.2.0-amd64.iso" in text_of(step, "#build-output")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert text_of(app.screen, "#question") == "Stop the build?"
        await pilot.press("y")
        await until(pilot, lambda: not step.running)
        await settle(pilot)
        said = " ".join(text_of(step, "#step-message").split())
        assert said.startswith("■ The build `./make.sh 0.2.0 v0.2.0; sleep 300 & echo $! > "
                               "child.pid; wait` was stopped: every process it started was "
                               "killed"), said
        assert not alive(child)


async def test_b_off_the_release_commit_says_why_without_asking(
        at_artifacts: Callable[[str], Path]) -> None:
    root = at_artifacts("./make.sh {version} {tag}")
    release = git(root, "rev-parse", "HEAD").strip()
    (root / "later.txt").write_text("after the release commit\n")
    git(root, "add", "later.txt")
    git(root, "commit", "-q", "-m", "A later change")
    app = ReleaseConsoleApp(Options(repo=root))
    async with app.run_test(size=(80, 24)) as pilot:
        step = await open_step(pilot, "artifacts", ArtifactsScreen)
        await pilot.press("b")
        await settle(pilot)
        assert app.screen is step  # no question whose yes would only be refused
        said = " ".join(text_of(step, "#step-message").split())
        assert f"is not the release commit {release[:12]}: a build made here would not be " \
            f"what is tagged. Build it from the release commit {release[:12]}" in said, said
        assert "press b here, then `git switch -` and press n here." in said
        assert step.query_one("#step-message").border_title == " Not run "
    assert not (root / "build").exists()


async def test_no_b_without_a_build_command(at_artifacts: Callable[[str], Path]) -> None:
    root = at_artifacts("")
    app = ReleaseConsoleApp(Options(repo=root))
    async with app.run_test(size=(80, 24)) as pilot:
        step = await open_step(pilot, "artifacts", ArtifactsScreen)
        assert "blocked" in text_of(step, "#step-status")
        assert "b" not in footer_words(step)


async def test_while_it_builds_the_status_and_the_footer_say_the_build(
        at_artifacts: Callable[[str], Path]) -> None:
    """Walked: during the build the status line still said "blocked" and the footer "^c Cancel
    step", as if the step ran; ctrl+c now reads "Stop build", and stops it (asked first)."""
    root = at_artifacts(SLOW)
    app = ReleaseConsoleApp(Options(repo=root))
    async with app.run_test(size=(80, 24)) as pilot:
        step = await open_step(pilot, "artifacts", ArtifactsScreen)
        assert "ctrl+c" not in footer_words(step)
        await pilot.press("b")
        await settle(pilot)
        await pilot.press("enter")
        try:  # a failed assertion stops the build: the app's exit waits for its worker
            pid_file = root / "child.pid"
            await until(pilot, lambda: pid_file.exists() and bool(pid_file.read_text().strip()))
            child = int(pid_file.read_text())
            status = text_of(step, "#step-status")
            assert status == "… building — the step is checked again when the build ends", status
            assert footer_words(step)["ctrl+c"] == "Stop build"
            assert "Cancel step" not in footer_words(step).values()
            step.query_one("#step-status", Static).update("")  # what the load writes is seen
            await pilot.press("f5")  # a load while it builds says the build too, not "running"
            await until(pilot, lambda: bool(text_of(step, "#step-status")))
            status = text_of(step, "#step-status")
            assert status.startswith("… building"), status
            await pilot.press("ctrl+c")
            await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
            assert text_of(app.screen, "#question") == "Stop the build?"
        except BaseException:
            step.stopper.event.set()
            raise
        await pilot.press("y")
        await until(pilot, lambda: not step.running)
        await settle(pilot)
        assert not alive(child)
        assert text_of(step, "#step-status") == "▶ ready"  # the step's own status again (built)
        assert "ctrl+c" not in footer_words(step)
    entry = json.loads((root / ".release" / "v0.2.0" / "journal.jsonl").read_text()
                       .splitlines()[-1])
    assert (entry["action"], entry["outputs"]["reason"]) == (BUILD_STOPPED, STOPPED)



async def test_once_it_exited_nothing_offers_to_stop_it_while_its_files_are_read(
        at_artifacts: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """Walked with a 3 GiB image: after the build exited, its artifacts were read for the
    journal's sha256 for seconds under "Building… (Esc or Ctrl+C stops the build)" and
    "^c Stop build", whose yes then stopped nothing and said "Built"."""
    from services import checksums

    real, reading, go_on = checksums.hash_files, threading.Event(), threading.Event()

    def held(*args: Any, **kwargs: Any) -> list[checksums.Digest]:
        reading.set()
        go_on.wait(30)  # gigabytes to read, in effect, until the test has looked
        return real(*args, **kwargs)

    monkeypatch.setattr(checksums, "hash_files", held)
    root = at_artifacts("./make.sh {version} {tag}")
    app = ReleaseConsoleApp(Options(repo=root))
    async with app.run_test(size=(80, 24)) as pilot:
        step = await open_step(pilot, "artifacts", ArtifactsScreen)
        await pilot.press("b")
        await settle(pilot)
        await pilot.press("enter")
        try:
            await until(pilot, reading.is_set)  # what the worker posted first has come by
            await pilot.pause()                     # the frames after it
            assert text_of(step, "#step-message") == "Built; reading the artifacts for their " \
                "sha256, for the journal…"
            assert "ctrl+c" not in footer_words(step)
            await pilot.press("ctrl+c")
            await pilot.pause()
            assert app.screen is step  # no "Stop the build?" for what has ended
        finally:
            go_on.set()
        await until(pilot, lambda: not step.running)
        await settle(pilot)
        assert text_of(step, "#step-message").startswith("✔ Built: `./make.sh 0.2.0 v0.2.0`")
    entry = json.loads((root / ".release" / "v0.2.0" / "journal.jsonl").read_text()
                       .splitlines()[-1])
    assert entry["action"] == BUILT and len(entry["outputs"]["artifacts"][0]["sha256"]) == 64
