"""A yank of a release with its own, finished session, stopped between its halves (the CHANGELOG
note committed, GitHub not edited): `status` names it and the command that finishes it, the TUI
home's message says the same, and plain `next` finishes it: the note is not made again, GitHub
is edited once, the journal verifies."""

from __future__ import annotations

import json
import signal
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from services import engine
from services.completion import finish_if_complete
from services.overview import overview
from services.session import Session
from services.session_lifecycle import open_session
from services.step_protocol import Context
from services.step_status import StepStatus
from services.yank import YankRequest, yank_release
from tests.conftest import last_said, run_cli
from tests.github_helpers import Sandbox, cli_env, git, release_json, release_patches, yank_project
from tests.hotfix_helpers import killed_after

Factory = Callable[..., Context]
REASON = "Unlock corrupts data"
YANK = ("yank", "0.2.0", "--reason", REASON, "--replacement", "0.2.1", "--yes")
NOTE = "Yank v0.2.0: changelog note"
COMMAND = "release-console yank 0.2.0 --reason 'Unlock corrupts data' --replacement 0.2.1"


class Killed(BaseException):
    """What a SIGKILL leaves: the process stops between two writes."""


@pytest.fixture
def project(repo_path: Path, sandbox: Sandbox, make_ctx: Factory) -> Path:
    """v0.2.0 published on GitHub, and released with this console: its session is completed."""
    project = yank_project(repo_path, sandbox, published_body="## [0.2.0]\n\n- Unlock.\n")
    ctx = make_ctx()
    open_session(ctx, Session(version="0.2.0", tag="v0.2.0", kind="release",
                              created_at=ctx.now_iso(), base_commit=ctx.repo.head_sha(),
                              branch=ctx.repo.branch()),
                 inputs={"version": "0.2.0", "tag": "v0.2.0", "kind": "release"})

    for step in engine.flow(ctx, "release"):  # each journaled, as the console finishes it
        def done(session: Session, step_id: str = step.id) -> None:
            session.step(step_id).status = StepStatus.DONE

        ctx.record(step.id, "done", update=done)
    assert finish_if_complete(ctx)
    return project


def stop_in_process(make_ctx: Factory, monkeypatch: pytest.MonkeyPatch) -> None:
    """The yank stops as GitHub's half begins (its step records the failure)."""

    def killed(*_args: object, **_kwargs: object) -> None:
        raise Killed()

    monkeypatch.setattr("services.steps.yank_github.yank", killed)
    with pytest.raises(Killed):
        yank_release(make_ctx(assume_yes=True), YankRequest("0.2.0", REASON, "0.2.1"))
    monkeypatch.undo()


def kill_the_process(project: Path, sandbox: Sandbox) -> None:
    """A real SIGKILL at GitHub's first answer once the note is committed: the step is left
    running, as a captain's kill -9 leaves it."""

    def note_committed(_method: str, _path: str) -> bool:
        return NOTE in git(project, "log", "--format=%s")

    result = killed_after(project, "", *YANK, env=cli_env(), server=sandbox.server,
                          http=note_committed)
    assert result.returncode == -signal.SIGKILL, result.stderr


def cli(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    done = run_cli(*args, cwd=project, env=cli_env())
    assert done.returncode == 0, done.stderr
    return done


@pytest.mark.parametrize("stop", ["exception", "sigkill"])
def test_an_interrupted_yank_is_named_by_status_and_finished_by_next(
        project: Path, sandbox: Sandbox, make_ctx: Factory, monkeypatch: pytest.MonkeyPatch,
        stop: str) -> None:
    if stop == "exception":
        stop_in_process(make_ctx, monkeypatch)
    else:
        kill_the_process(project, sandbox)
    assert git(project, "log", "--format=%s").count(NOTE) == 1  # the first half is done
    assert release_patches(sandbox) == []  # GitHub's half is not
    assert release_json(sandbox, "v0.2.0")["prerelease"] is False

    status = " ".join(cli(project, "status").stdout.split())  # wrapped at 80 columns
    assert ("The yank of v0.2.0 was interrupted: the CHANGELOG note is committed, the GitHub "
            "edit is not recorded yet.") in status
    assert f"Finish it with `release-console next` (or the same yank again: `{COMMAND}`)" in status
    home = overview(make_ctx())
    assert home.idle.startswith("The yank of v0.2.0 was interrupted")
    assert ("Press y to open the yank wizard and yank 0.2.0 again with the reason "
            f"\"{REASON}\" and the replacement 0.2.1") in home.idle

    asked = run_cli("next", cwd=project, env=cli_env())  # no terminal to confirm on
    assert asked.returncode != 0 and "Re-run with --yes" in asked.stderr
    assert release_patches(sandbox) == []

    done = cli(project, "next", "--yes").stdout
    assert "Finishing the interrupted yank of v0.2.0" in done
    assert "✔ Yank note in CHANGELOG.md: already there." in done
    assert "✔ Yank on GitHub: v0.2.0 is a pre-release" in done
    assert len(release_patches(sandbox)) == 1
    body = release_json(sandbox, "v0.2.0")
    assert body["prerelease"] is True and body["body"].count("YANKED") == 1
    assert git(project, "log", "--format=%s").count(NOTE) == 1
    assert (project / "CHANGELOG.md").read_text().count("has been yanked") == 1
    assert git(project, "status", "--porcelain") == ""
    cli(project, "journal", "verify", "--tag", "v0.2.0")

    after = cli(project, "status").stdout
    assert "interrupted" not in after and "No release in progress" in after
    assert "Nothing to run" in cli(project, "next", "--yes").stdout
    assert len(release_patches(sandbox)) == 1


def test_a_finished_yank_in_the_releases_session_leaves_nothing_to_finish(
        project: Path, sandbox: Sandbox, make_ctx: Factory) -> None:
    origin = project.parent / "origin.git"  # the release pushed; the yank's note is not yet
    git(project.parent, "init", "-q", "--bare", str(origin))
    git(project, "remote", "add", "origin", str(origin))
    git(project, "push", "-q", "origin", "HEAD:refs/heads/main")
    git(project, "fetch", "-q", "origin")
    yank_release(make_ctx(assume_yes=True), YankRequest("0.2.0", REASON, "0.2.1"))
    status = cli(project, "status").stdout
    assert "interrupted" not in status
    # Walked by hand: it said "the last session: v0.2.0 released" and counted the yank's note
    # as "the reopen commit" still to push.
    assert "the last session: v0.2.0 released, then yanked." in status
    assert "reopen commit" not in status
    assert "Press s to start one." in overview(make_ctx()).idle
    after = cli(project, "next").stdout
    assert "Nothing to run" in after
    # Walked by hand: `next` still called the yank's note "the reopen commit" to push.
    assert "left after the release (the yank's note): `release-console push --rest`" in \
        " ".join(after.split())
    assert "reopen commit" not in after


def test_an_interrupted_yank_stays_named_while_a_later_release_is_in_progress(
        project: Path, sandbox: Sandbox, make_ctx: Factory,
        monkeypatch: pytest.MonkeyPatch) -> None:
    stop_in_process(make_ctx, monkeypatch)
    cli(project, "start", "0.2.1")

    monkeypatch.delenv("COLUMNS", raising=False)  # not a terminal: 80 columns
    status = cli(project, "status").stdout
    # wrapped under its text at 80 columns, as Next: is (it ran to 190, cut mid-word)
    assert last_said(status, "Also: ") == (
        "Also: The yank of v0.2.0 was interrupted: the CHANGELOG note is committed, the "
        "GitHub edit is not recorded yet. Once v0.2.1 is finished or abandoned, "
        "`release-console next` finishes the yank.")
    assert all(len(line) <= 80 for line in status.splitlines()), status
    told = json.loads(cli(project, "status", "--json").stdout)
    assert told["session"]["tag"] == "v0.2.1"
    assert told["unfinished_yank"]["command"] == COMMAND
