"""On a blocked step, ``n`` looks at the world again: the captain fixed it outside the console.

Walked by hand: a hotfix of the demo has no images; the artifacts step said to run
``./build.sh 1.2.1``; after building them in another terminal, ``n`` still said they were
missing (only ``r`` saw them). Toasts are plain text: "Move [Unreleased] in CHANGELOG.md" lost
its "[Unreleased]" to Rich markup.
"""

from __future__ import annotations

import fcntl
import subprocess
from pathlib import Path

from textual import events
from textual.worker import WorkerState

from console.app import ReleaseConsoleApp
from console.demo import build_sandbox
from console.wiring import Options
from screens.step import StepScreen
from tests.conftest import run_cli
from tests.tui_helpers import settle

OFFLINE = {"RELEASE_CONSOLE_OFFLINE": "1"}


def _release_up_to_artifacts_without_images(project: Path) -> None:
    for image in (project / "build").iterdir():
        image.unlink()
    for args in (("start", "--bump", "minor"), ("checklist", "tick", "preflight", "1"),
                 ("run", "preflight", "--yes"), ("run", "changelog", "--yes")):
        done = run_cli(*args, cwd=project, env=OFFLINE)
        assert done.returncode == 0, done.stderr
    migration = project / "MIGRATION.md"
    migration.write_text(migration.read_text().replace(
        "# Migration guide\n", "# Migration guide\n\n## v1.2.0 -> v1.3.0\n\n"
        "No migration required.\n", 1))
    for args in (("run", "migration", "--yes"), ("run", "notes", "--yes")):
        done = run_cli(*args, cwd=project, env=OFFLINE)
        assert done.returncode == 0, done.stderr


def _toasts(app: ReleaseConsoleApp) -> list[str]:
    return [str(n.message) for n in app.messages]


async def test_n_on_a_blocked_step_sees_what_was_fixed_outside(tmp_path: Path) -> None:
    project = build_sandbox(tmp_path / "demo", built="1.3.0")
    _release_up_to_artifacts_without_images(project)
    app = ReleaseConsoleApp(Options(repo=project, offline=True))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n")  # opens the step to do: artifacts, blocked
        await settle(pilot)
        assert isinstance(app.screen, StepScreen) and app.screen.step.id == "artifacts"
        await pilot.press("n")
        await settle(pilot)
        assert app.screen.step.id == "artifacts"
        assert any("pai-v1.3.0-amd64.iso" in t and "./build.sh 1.3.0" in t for t in _toasts(app))

        subprocess.run(["./build.sh", "1.3.0"], cwd=project, check=True, capture_output=True)
        await pilot.press("n")  # looks again, runs it, opens the next step
        await settle(pilot)
        assert isinstance(app.screen, StepScreen) and app.screen.step.id == "smoke"
    status = run_cli("status", cwd=project, env=OFFLINE).stdout
    assert any(line.split()[1:2] == ["artifacts"] and line.rstrip().endswith("done")
               for line in status.splitlines() if line.split()), status


async def test_a_toast_keeps_the_brackets_of_a_step_title(tmp_path: Path) -> None:
    project = build_sandbox(tmp_path / "demo", built="1.3.0")
    for args in (("start", "--bump", "minor"), ("checklist", "tick", "preflight", "1"),
                 ("run", "preflight", "--yes")):
        assert run_cli(*args, cwd=project, env=OFFLINE).returncode == 0
    app = ReleaseConsoleApp(Options(repo=project, offline=True))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("n")  # the changelog step
        await settle(pilot)
        await pilot.press("n", "y")  # asks, commits, opens the next step
        await settle(pilot)
        shown = [str(toast.render()) for toast in app.screen.query("Toast")]  # on screen
    assert "✔ Move [Unreleased] in CHANGELOG.md: done." in shown


async def test_n_pressed_while_a_tick_is_written_acts_on_the_tick(tmp_path: Path) -> None:
    """Walked in a real terminal: space then n at once left pre-flight "ready" and unrun.

    ``n`` read the blockers from before the tick (the list had not yet reported it, or it was
    still being journaled), said the item was not ticked, and the tick landed a moment later.
    Both keys are queued together, and the session lock is held so the tick is still being
    written when ``n`` is handled, every time.
    """
    project = build_sandbox(tmp_path / "demo", built="1.3.0")
    assert run_cli("start", "--bump", "minor", cwd=project, env=OFFLINE).returncode == 0
    app = ReleaseConsoleApp(Options(repo=project, offline=True))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n")  # pre-flight, blocked on the unticked item
        await settle(pilot)
        assert isinstance(app.screen, StepScreen) and app.screen.step.id == "preflight"
        (lock_file,) = (project / ".release").glob("*/.lock")
        with open(lock_file, "a+") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # another writer holds the session for a moment
            # both keys queued before either is handled, as a terminal delivers a quick pair
            app.post_message(events.Key("space", " "))
            app.post_message(events.Key("n", "n"))
            for _ in range(500):  # until only the waiting tick is left working
                await pilot.pause()
                if all(w.group == "preflight-tick" for w in app.workers
                       if w.state in (WorkerState.PENDING, WorkerState.RUNNING)):
                    break
            assert app.screen.step.id == "preflight"
            fcntl.flock(lock, fcntl.LOCK_UN)
        await settle(pilot)
        assert isinstance(app.screen, StepScreen) and app.screen.step.id == "changelog"
        assert not any("not ticked" in t for t in _toasts(app)), _toasts(app)


def test_a_remedy_shared_by_blockers_in_a_row_is_said_once_after_them() -> None:
    """Walked by hand: a hotfix with no images listed "Build it: run ./build.sh 1.3.1" under
    each missing architecture."""
    from screens.step_render import render_blockers
    from services.blocker import Blocker

    build = "Build it: run `./build.sh 1.3.1` in the project. Then press n here."
    shown = render_blockers([Blocker("amd64 is missing.", "cli", build),
                             Blocker("arm64 is missing.", "cli", build),
                             Blocker("No smoke sign-off.", "cli", "Record it below.")],
                            tui=True).plain
    assert shown == ("Blocked because:\n• amd64 is missing.\n• arm64 is missing.\n"
                     f"  → {build}\n• No smoke sign-off.\n  → Record it below.\n")
