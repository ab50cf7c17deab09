"""The push's run against a remote that stops answering (an ssh host dropping packets, a VPN gone
down): its reads of the remote (reconcile's and run's `git ls-remote`, before anything is sent)
hung for minutes, the step "running" with no safe point to cancel at, after the plan had said
the remote did not answer and the captain said yes anyway. They are now bounded
(services.remote.RUN_LOOK_SECONDS): the step stops as for a refused connection, says the remote
did not answer and for how long, sends nothing, leaves no ssh behind, and runs again later.

origin is an ssh URL whose "ssh" (core.sshCommand) writes its pid, then answers the next
connections the test allows (it runs git's upload-pack or receive-pack on the bare remote here)
and never answers the others. The bounds are made short; the tests never sleep themselves.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from console.app import ReleaseConsoleApp
from console.wiring import Options
from screens.prompts import ConfirmScreen
from screens.step import StepScreen
from services import remote
from services.step_protocol import Context
from services.step_status import StepStatus
from services.steps import push
from services.wording import duration
from tests.conftest import git
from tests.test_push_silent_remote import alive, started
from tests.tui_helpers import open_step, settle, text_of

READY_FOR = "push"  # the `ready` fixture finishes every step before push


@dataclass
class FakeSsh:
    pids: Path  # one line per ssh git started
    answers: Path  # how many of the next connections are answered

    def answer(self, n: int) -> None:
        self.answers.write_text(str(n))

    def silent_ones_left(self) -> list[int]:
        """The pids of fake ssh processes still running (only an unanswered one sleeps)."""
        return [pid for pid in started(self.pids) if alive(pid)]


def fake_ssh(project: Path, bare: Path) -> FakeSsh:
    """``project``'s origin, the bare repository ``bare``, reached through a fake ssh that
    answers only the connections the test allows (none until :meth:`FakeSsh.answer`)."""
    fake = FakeSsh(project.parent / "ssh-pids", project.parent / "ssh-answers")
    fake.answer(0)
    script = project.parent / "fake-ssh"
    script.write_text(
        "#!/bin/sh\n"
        f"echo $$ >> '{fake.pids}'\n"
        f"n=$(cat '{fake.answers}')\n"
        "if [ \"$n\" -gt 0 ]; then\n"
        f"  echo $((n - 1)) > '{fake.answers}'\n"
        "  for last; do :; done\n"  # git's command: git-upload-pack '/path/remote.git'
        "  exec sh -c \"$last\"\n"
        "fi\n"
        "exec sleep 600\n")
    script.chmod(0o755)
    git(project, "remote", "set-url", "origin", f"ssh://git@silent.invalid{bare}")
    git(project, "config", "core.sshCommand", str(script))
    git(project, "config", "ssh.variant", "simple")  # no `ssh -G` probe taking a connection
    return fake


@pytest.fixture
def ssh(ready: Context, repo_path: Path) -> Iterator[FakeSsh]:
    """The release's origin behind :func:`fake_ssh`; nothing it started outlives the test."""
    fake = fake_ssh(repo_path, repo_path.parent / "remote.git")
    yield fake
    for pid in fake.silent_ones_left():  # a failing test leaves nothing running either
        os.kill(pid, 9)


def said(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    return " ".join(err.split())


def push_status(ctx: Context) -> StepStatus | None:
    """The push step's recorded status (None: never started)."""
    record = ctx.store.load("v0.2.0").steps.get("push")
    return None if record is None else record.status


def on_remote(repo_path: Path) -> str:
    return git(repo_path.parent / "remote.git", "for-each-ref", "--format=%(refname)")


def run_until_ssh_started(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                          ssh: FakeSsh, argv: list[str]) -> tuple[int, str, float]:
    """The console run with a growing bound until the fake ssh had started before the bound
    passed: that is what makes "no ssh left" mean something, and a machine too loaded to start
    it in time gets a longer bound, not a flaky test. Exit code, output and the bound used."""
    from console.cli import main

    for bound in (0.5, 2.0, 8.0, 30.0):
        monkeypatch.setattr(remote, "RUN_LOOK_SECONDS", bound)
        code = main(argv)
        text = said(capsys)
        if started(ssh.pids):
            break
    return code, text, bound


def test_run_push_stops_when_the_remote_does_not_answer_before_anything_is_sent(
        ready: Context, repo_path: Path, ssh: FakeSsh, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Silent from the first question: reconcile's read gives up, the step is not done."""
    before = on_remote(repo_path)
    code, text, bound = run_until_ssh_started(monkeypatch, capsys, ssh,
                                              ["--repo", str(repo_path), "run", "push", "--yes"])
    assert code == 3, text
    url = f"ssh://silent.invalid{repo_path.parent / 'remote.git'}"
    wait = duration(bound)
    assert (f"Cannot reach the remote origin ({url}): it did not answer within {wait}"
            in text), text
    assert "nothing was pushed that is not on the remote already" in text
    assert "git says" not in text  # not worded as a refusal
    assert "Traceback" not in text
    assert push_status(ready) is None  # not started: it stopped before the question
    assert on_remote(repo_path) == before
    assert ssh.silent_ones_left() == []


def test_a_remote_that_stops_answering_after_reconcile_fails_the_step_and_a_later_run_finishes(
        ready: Context, repo_path: Path, ssh: FakeSsh, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Reconcile's read answered (nothing there yet), the run's own read before pushing does
    not: the step is failed, nothing went up; with the remote back, `run push` sends it all."""
    from console.cli import main

    before = on_remote(repo_path)
    # reconcile's answered read must come back within the bound too: a loaded machine that
    # makes it late gets a longer one (the first attempt then changed nothing)
    for bound in (1.0, 4.0, 16.0, 60.0):
        monkeypatch.setattr(remote, "RUN_LOOK_SECONDS", bound)
        ssh.answer(1)
        code = main(["--repo", str(repo_path), "run", "push", "--yes"])
        text = said(capsys)
        if push_status(ready) == StepStatus.FAILED:
            break
    record = ready.store.load("v0.2.0").steps["push"]
    assert record.status == StepStatus.FAILED, text
    assert code == 3, text
    wait = duration(bound)
    assert "'Push commit and tag' failed: cannot reach the remote origin (" in text, text
    assert f"it did not answer within {wait}" in text and f"within {wait}" in record.reason
    assert "nothing was pushed that is not on the remote already" in text
    assert on_remote(repo_path) == before
    assert ssh.silent_ones_left() == []

    ssh.answer(10)  # the remote is back
    code = main(["--repo", str(repo_path), "run", "push", "--yes"])
    assert code == 0, said(capsys)
    assert push_status(ready) == StepStatus.DONE
    assert "refs/tags/v0.2.0" in on_remote(repo_path)


async def test_the_push_screen_says_the_remote_did_not_answer_after_the_captain_said_yes(
        ready: Context, repo_path: Path, ssh: FakeSsh, monkeypatch: pytest.MonkeyPatch) -> None:
    """The plan says the remote did not answer, the captain says yes anyway: the run's read
    gives up and the screen says why, instead of "running" for minutes."""
    monkeypatch.setattr(push, "PLAN_WAIT_SECONDS", 0.5)
    # reconcile's answered read must be back within it on a loaded machine; the run's unanswered
    # one takes it whole
    monkeypatch.setattr(remote, "RUN_LOOK_SECONDS", 4.0)
    before = on_remote(repo_path)
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(110, 50)) as pilot:
        screen = await open_step(pilot, "push", StepScreen)
        ssh.answer(1)  # reconcile's read, when r is pressed; the confirmation's plan: silent
        await pilot.press("r")
        for _ in range(1000):
            await pilot.pause(0.02)
            if isinstance(app.screen, ConfirmScreen):
                break
        confirm = app.screen
        assert isinstance(confirm, ConfirmScreen), text_of(screen, "#step-message")
        asked = " ".join(str(confirm.plan.summary).split())
        assert "(origin did not answer within 0.5 seconds" in asked, asked
        await pilot.press("y")
        await settle(pilot)
        message = " ".join(text_of(screen, "#step-message").split())
        assert "Push commit and tag' failed: cannot reach the remote origin (" in message, message
        assert "it did not answer within 4 seconds" in message, message
    assert push_status(ready) == StepStatus.FAILED
    assert on_remote(repo_path) == before
    assert ssh.silent_ones_left() == []


def test_merge_back_stops_when_the_remote_does_not_answer_and_merges_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """merge-back reads the default branch's tip on the remote before it merges or pushes (the
    same bounded read): a silent remote stops it there, main neither merged nor pushed."""
    from tests.hotfix_helpers import pushed_quick_world
    from tests.test_merge_back import hotfix_on_branch

    project = pushed_quick_world(tmp_path)
    hotfix_on_branch(project, "retry=3\n")
    origin = project.parent / "origin.git"
    here, there = git(project, "rev-parse", "main"), git(origin, "for-each-ref")
    ssh = fake_ssh(project, origin)
    try:
        code, text, bound = run_until_ssh_started(
            monkeypatch, capsys, ssh, ["--repo", str(project), "run", "merge-back", "--yes"])
        assert code == 3, text
        assert f"cannot reach the remote origin (ssh://silent.invalid{origin}): it did not " \
               f"answer within {duration(bound)}" in text, text
        assert "run push" not in text  # its remedy fits merge-back too: "then try again"
        assert git(project, "rev-parse", "main") == here
        assert git(origin, "for-each-ref") == there
        assert ssh.silent_ones_left() == []
    finally:
        for pid in ssh.silent_ones_left():
            os.kill(pid, 9)


def test_a_key_ssh_would_ask_a_passphrase_for_is_named_not_called_unreachable(
        ready: Context, repo_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The run's reads are away from the terminal now, like the plan's: ssh cannot ask for a
    passphrase there and refuses. That is said as what it is, with ssh-agent as the way."""
    from console.cli import main

    before = on_remote(repo_path)
    script = repo_path.parent / "fake-ssh"
    script.write_text("#!/bin/sh\necho 'git@silent.invalid: Permission denied (publickey).' >&2\n"
                      "exit 255\n")
    script.chmod(0o755)
    git(repo_path, "remote", "set-url", "origin", "ssh://git@silent.invalid/pai.git")
    git(repo_path, "config", "core.sshCommand", str(script))
    git(repo_path, "config", "ssh.variant", "simple")
    code = main(["--repo", str(repo_path), "run", "push", "--yes"])
    text = said(capsys)
    assert code == 3, text
    assert ("The remote origin (ssh://silent.invalid/pai.git) was not read: git says "
            "\"git@silent.invalid: Permission denied (publickey)") in text, text
    assert "where ssh cannot ask for a key's passphrase" in text
    assert "Add the key to ssh-agent (`ssh-add`)" in text
    assert "looks unreachable" not in text
    assert on_remote(repo_path) == before


def test_the_wait_the_docs_and_changelog_name_is_the_runs() -> None:
    root = Path(__file__).parent.parent
    wait = duration(remote.RUN_LOOK_SECONDS)
    docs = " ".join((root / "docs" / "github.md").read_text().split())
    changelog = " ".join((root / "CHANGELOG.md").read_text().split())
    migration = " ".join((root / "MIGRATION.md").read_text().split())
    assert f"waiting at most {wait} each time" in docs
    assert f"it did not answer within {wait}\")" in docs
    assert f"before sending anything, for at most {wait}, then stops" in changelog
    assert f"the same way (for at most {wait})" in migration
