"""ssh asking on the terminal during a push from the TUI: a key with a passphrase not in
ssh-agent, or a host ssh had not seen, made ssh open /dev/tty and ask there, over Textual's
screen, with the push step's worker waiting on an answer the captain could not type. Under the
TUI every git that talks to the remote now runs in a session of its own (no terminal for ssh to
ask on): ssh refuses, and the captain reads why and that ssh-agent is the way. The CLI's push
stays on the captain's terminal, where ssh asks as it does for their own `git push`.

origin is an ssh URL whose "ssh" (core.sshCommand) records, for each connection, what git ran
through it, its session id and whether it could open /dev/tty; it answers the reads (git's
upload-pack on the bare remote here) and refuses every push as ssh refuses a key it could not
unlock: "Permission denied (publickey).", exit 255.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from console.app import ReleaseConsoleApp
from console.wiring import Options
from screens.prompts import ConfirmScreen
from screens.step import StepScreen
from services.errors import ConsoleError
from services.step_protocol import Context, NonInteractive
from services.step_status import StepStatus
from tests.conftest import git
from tests.tui_helpers import open_step, settle, text_of

READY_FOR = "push"  # the `ready` fixture finishes every step before push
REMEDY = ("Add the key to ssh-agent (`ssh-add`) and, for a host ssh has not seen before, "
          "connect to it once with `ssh -T`, then try again")


def refusing_ssh(project: Path, bare: Path) -> Path:
    """``project``'s origin, the bare repository ``bare``, through a fake ssh that answers reads
    and refuses pushes; the file it records each connection in (one JSON object a line)."""
    log = project.parent / "ssh-log"
    script = project.parent / "fake-ssh"
    script.write_text(
        f"#!{sys.executable}\n"
        "import json, os, sys\n"
        "command = sys.argv[-1]\n"  # git's: git-receive-pack '/path/remote.git'
        "try:\n"
        "    os.close(os.open('/dev/tty', os.O_RDWR))\n"
        "    tty = True\n"
        "except OSError:\n"
        "    tty = False\n"
        f"with open({str(log)!r}, 'a') as out:\n"
        "    out.write(json.dumps({'command': command.split()[0], 'sid': os.getsid(0),\n"
        "                          'tty': tty}) + '\\n')\n"
        "if 'receive-pack' in command:\n"
        "    sys.stderr.write('git@example.invalid: Permission denied (publickey).\\n')\n"
        "    sys.exit(255)\n"
        "os.execvp('sh', ['sh', '-c', command])\n")
    script.chmod(0o755)
    git(project, "remote", "set-url", "origin", f"ssh://git@example.invalid{bare}")
    git(project, "config", "core.sshCommand", str(script))
    git(project, "config", "ssh.variant", "simple")  # no `ssh -G` probe taking a connection
    return log


def pushes(log: Path) -> list[dict[str, object]]:
    """The connections git made to push (receive-pack), as the fake ssh recorded them."""
    seen = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    return [entry for entry in seen if entry["command"] == "git-receive-pack"]


def have_terminal() -> bool:
    """This test process has a controlling terminal (pytest run in one, not under CI)."""
    try:
        os.close(os.open("/dev/tty", os.O_RDWR))
    except OSError:
        return False
    return True


def on_remote(repo_path: Path) -> str:
    return git(repo_path.parent / "remote.git", "for-each-ref", "--format=%(refname)")


async def test_the_push_screen_runs_the_push_away_from_the_terminal_and_names_ssh_agent(
        ready: Context, repo_path: Path) -> None:
    """The captain says yes on the push step's screen: the push's ssh has no terminal (a session
    of its own), so it refuses instead of asking over the screen, and the step says why."""
    log = refusing_ssh(repo_path, repo_path.parent / "remote.git")
    before = on_remote(repo_path)
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(110, 50)) as pilot:
        screen = await open_step(pilot, "push", StepScreen)
        await pilot.press("r")
        for _ in range(1000):
            await pilot.pause(0.02)
            if isinstance(app.screen, ConfirmScreen):
                break
        assert isinstance(app.screen, ConfirmScreen), text_of(screen, "#step-message")
        await pilot.press("y")
        await settle(pilot)
        message = " ".join(text_of(screen, "#step-message").split())
    [push] = pushes(log)
    assert push["sid"] != os.getsid(0), "the push's ssh was in the console's session"
    assert push["tty"] is False, "the push's ssh could open the terminal"
    assert "'Push commit and tag' failed: git push to the remote origin (" in message, message
    assert "Permission denied (publickey)" in message
    assert "away from the terminal its screen is on, where ssh cannot ask for a key's " \
           "passphrase" in message
    assert REMEDY in message, message
    assert "looks unreachable" not in message
    assert ready.store.load("v0.2.0").steps["push"].status == StepStatus.FAILED
    assert on_remote(repo_path) == before


def test_the_cli_push_stays_on_the_terminal_and_says_what_ssh_refused(
        ready: Context, repo_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`run push` leaves the terminal to ssh (it may ask there, as for the captain's own push):
    the push's ssh is in the console's session. Refused all the same, it is not "unreachable"."""
    from console.cli import main

    log = refusing_ssh(repo_path, repo_path.parent / "remote.git")
    before = on_remote(repo_path)
    code = main(["--repo", str(repo_path), "run", "push", "--yes"])
    text = " ".join(capsys.readouterr().err.split())
    assert code == 3, text
    [push] = pushes(log)
    assert push["sid"] == os.getsid(0), "the CLI's push was taken off the captain's terminal"
    assert push["tty"] is have_terminal()  # ssh could ask there, had it a key to ask about
    assert "git push to the remote origin (ssh://example.invalid" in text, text
    assert "\"git@example.invalid: Permission denied (publickey)" in text
    assert "ssh has no key the remote accepts, or cannot trust the host" in text
    assert REMEDY in text
    assert "looks unreachable" not in text
    assert on_remote(repo_path) == before


class OwnsTheTerminal(NonInteractive):
    """A prompter whose screen is on the terminal, as the TUI's is, saying yes to the push."""

    owns_terminal = True


def test_merge_back_under_the_tui_pushes_away_from_the_terminal(tmp_path: Path) -> None:
    """merge-back's push of the default branch (its screen is the TUI's too) runs away from the
    terminal as the push step's does: refused, main is not on the remote, ssh-agent named."""
    from console.wiring import build_context
    from services import engine
    from services.steps import registry
    from tests.hotfix_helpers import pushed_quick_world
    from tests.test_merge_back import hotfix_on_branch

    project = pushed_quick_world(tmp_path)
    hotfix_on_branch(project, "retry=3\n")
    origin = project.parent / "origin.git"
    there = git(origin, "rev-parse", "main")
    log = refusing_ssh(project, origin)
    ctx = build_context(Options(repo=project), OwnsTheTerminal(assume_yes=True))
    with pytest.raises(ConsoleError) as refused:
        engine.run_step(ctx, registry()["merge-back"], confirmed=True)
    [push] = pushes(log)
    assert push["sid"] != os.getsid(0) and push["tty"] is False
    said = " ".join(str(refused.value).split())
    assert "git push to the remote origin (" in said and "Permission denied" in said, said
    assert REMEDY in " ".join(refused.value.remedy.split())
    assert git(origin, "rev-parse", "main") == there
