"""Push's plan against a remote that never answers (an ssh host dropping packets, a dead VPN):
the plan's `git ls-remote` hung until ssh or TCP gave up, minutes, so the push step's screen
showed no plan and `run push --dry-run` hung. It is now bounded (PLAN_WAIT_SECONDS), says so,
counts from this clone's refs, and leaves no ssh behind.

The remote is an ssh URL whose "ssh" (core.sshCommand) writes its pid and then sleeps: no
network, and it never answers. The bound is made short here; the tests never sleep themselves.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from console.app import ReleaseConsoleApp
from console.wiring import Options
from screens.step import StepScreen
from services.step_protocol import Context
from services.steps import push
from tests.conftest import git
from tests.tui_helpers import open_step, text_of

READY_FOR = "push"  # the `ready` fixture finishes every step before push
SILENT = ("(origin did not answer within {}: the run looks at it first and sends only what it "
          "does not have.)")


@pytest.fixture
def silent(ready: Context, repo_path: Path) -> Iterator[Path]:
    """origin is an ssh remote whose ssh never answers; the file its pids are written to."""
    pids = repo_path.parent / "ssh-pids"
    fake = repo_path.parent / "fake-ssh"
    fake.write_text(f"#!/bin/sh\necho $$ >> '{pids}'\nexec sleep 600\n")
    fake.chmod(0o755)
    git(repo_path, "remote", "set-url", "origin", "ssh://git@silent.invalid/pai.git")
    git(repo_path, "config", "core.sshCommand", str(fake))
    yield pids
    for pid in started(pids):  # a failing test leaves nothing running either
        if alive(pid):
            os.kill(pid, 9)


def started(pids: Path) -> list[int]:
    return [int(p) for p in pids.read_text().split()] if pids.exists() else []


def alive(pid: int) -> bool:
    """Still running: it exists and is not a zombie (exited, waiting for init to reap it)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def test_the_plan_stops_waiting_for_a_silent_remote_and_leaves_no_ssh_behind(
        ready: Context, silent: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from services.steps import registry
    from services.wording import duration

    # the wording holds for any bound (the remote never answers); that the fake ssh had started
    # before the bound passed is what makes "no ssh left" mean something, so a machine too
    # loaded to start it in time gets a longer bound instead of a flaky assertion
    for bound in (0.5, 2.0, 8.0, 30.0):
        monkeypatch.setattr(push, "PLAN_WAIT_SECONDS", bound)
        plan = registry()["push"].plan(ready)
        if started(silent):
            break
    assert started(silent), "the fake ssh never started"
    summary = plan.summary
    assert SILENT.format(duration(bound)) in summary, summary
    assert "Remote origin: ssh://silent.invalid/pai.git" in summary
    # counted from this clone's refs, as when the remote refuses the connection
    assert "go up to main (a new branch on origin):" in summary
    assert "Ref refs/tags/v0.2.0 goes up (new on origin)." in summary
    commit = git(ready.repo.root, "rev-parse", "v0.2.0^{commit}").strip()
    assert plan.commands == [f"git push origin {commit}:refs/heads/main",
                             "git push origin refs/tags/v0.2.0"]
    assert [pid for pid in started(silent) if alive(pid)] == []


def test_run_push_dry_run_answers_for_a_silent_remote(
        ready: Context, repo_path: Path, silent: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from console.cli import main

    monkeypatch.setattr(push, "PLAN_WAIT_SECONDS", 0.5)
    code = main(["--repo", str(repo_path), "run", "push", "--dry-run"])
    said = capsys.readouterr()
    assert code == 0, said.err
    assert SILENT.format("0.5 seconds") in " ".join(said.out.split()), said.out
    assert "git push origin refs/tags/v0.2.0" in said.out


async def test_the_push_screen_shows_its_plan_when_the_remote_is_silent(
        ready: Context, repo_path: Path, silent: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(push, "PLAN_WAIT_SECONDS", 0.5)
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(110, 50)) as pilot:
        screen = await open_step(pilot, "push", StepScreen)
        plan = " ".join(text_of(screen, "#step-plan").split())
        assert "Push the release commit and tag v0.2.0 to origin." in plan
        assert SILENT.format("0.5 seconds") in plan, plan
        assert "Ref refs/tags/v0.2.0 goes up (new on origin)." in plan


def test_the_wait_the_docs_and_changelog_name_is_the_plans() -> None:
    from services.wording import duration

    root = Path(__file__).parent.parent
    wait = duration(push.PLAN_WAIT_SECONDS)
    docs = " ".join((root / "docs" / "github.md").read_text().split())
    changelog = " ".join((root / "CHANGELOG.md").read_text().split())
    assert f"The plan waits at most {wait} for the remote" in docs
    assert f"a remote that does not answer within {wait} is said to" in changelog
