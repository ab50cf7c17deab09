"""Running the project's own build (release.toml's ``[artifacts] build``) for the release.

The artifacts step refuses missing artifacts and ones older than the release commit, and a release
captain expects the console that says so to build them as well, from the same screen or command,
instead of switching to another terminal. Both UIs call :func:`run_build`: the command runs with
``/bin/sh -c`` in the repository root (so ``make images && ./pack.sh`` works as the policy writes
it), ``{version}`` and ``{tag}`` filled in, output streamed line by line to a callback.

Safety, in the console's terms: it is local and reversible (it writes the build folder only),
refused when HEAD is not the release commit (a build made there is not what is tagged: the
artifacts remedy says the same), never reads the captain's terminal (stdin is /dev/null), runs in
a process group of its own so a cancel or Ctrl+C stops everything it started, is handed no
secret the console holds (``GITHUB_TOKEN`` and any registered value are left out of its
environment) and every line it prints passes through :func:`services.secrets.scrub` as it reads
without its escape codes (:func:`shown`). Every run
is journaled, as it ended (:mod:`services.build_record`); so it is refused while the journal
cannot be written to.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from services import secrets, tools
from services.build_record import BUILD_FAILED, BUILD_STOPPED, BUILT, BuildRun, last_lines, produced
from services.errors import BlockedError, ConsoleError, StepCancelled
from services.step_protocol import Context

TAIL = 3  # lines of output a failed build's error quotes
# escape codes: colours and cursor moves (CSI), titles and links (OSC), and the two-character
# ones such as the ``\x1b(B`` that ``tput sgr0`` prints before its reset
ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[ -/]*[0-~])")
SECRET_ENV = ("GITHUB_TOKEN", "GH_TOKEN", "GITHUB_API_URL")  # the console's, not the build's
STOPPED = "stopped by the captain (every process it started was killed)"
INTERRUPTED = "interrupted by Ctrl+C (every process it started was killed)"


@dataclass(frozen=True)
class Build:
    """The build as it will run: the policy's command with the release's version and tag filled
    in, and the directory it runs in (the repository root): what the confirmation shows."""

    command: str
    directory: Path


class BuildFailed(ConsoleError):
    """The build exited non-zero: its exit code and its last lines (exit 1, a check failed)."""


def fill(command: str, *, version: str, tag: str) -> str:
    """``command`` with ``{version}`` and ``{tag}`` replaced, each quoted for the shell (a
    SemVer version and a tag need no quotes, so what is shown is what was written). Only those
    two: other braces (``${HOME}``, ``{a,b}``) are the shell's."""
    return command.replace("{version}", shlex.quote(version)).replace("{tag}", shlex.quote(tag))


def planned(ctx: Context) -> Build | None:
    """The release's build, or None when the policy sets no ``[artifacts] build``."""
    if not ctx.policy.artifacts_build:
        return None
    session = ctx.require_session()
    return Build(fill(ctx.policy.artifacts_build, version=session.version, tag=session.tag),
                 ctx.root)


def refusal(ctx: Context) -> BlockedError | None:
    """Why the build may not run now, or None: no build command, a journal its record could
    not be appended to (it fails verification, or the session file was edited), no release
    commit yet, a step before artifacts not finished (it may still commit: the build would be
    of a commit that is not the release's), the artifacts step already done (a new build would not be what was
    smoke-tested), or HEAD not the release commit (the artifacts remedy's "build from the
    release commit, not HEAD")."""
    from services import engine
    from services.artifacts import from_release_commit
    from services.session_lifecycle import release_commit
    from services.wording import mid_sentence

    session = ctx.require_session()
    if not ctx.policy.artifacts_build:
        return BlockedError("release.toml sets no [artifacts] build command, so there is "
                            "nothing to run.", remedy="Add one (e.g. build = \"make images\", "
                            "see docs/policy.md) or build the artifacts yourself.")
    problem = ctx.journal_problem(session)
    if problem:  # its record could not be written: a build the journal cannot vouch for
        return BlockedError(f"The build cannot run: {problem}",
                            remedy=ctx.journal_remedy(session))
    if session.done("artifacts"):
        return BlockedError(f"The artifacts of {session.tag} are already recorded: a new build "
                            "now would not be what the later steps checked.",
                            remedy='Redo the artifacts step first: `release-console redo '
                            'artifacts --reason "..."`.', tui="Redo it first with o.")
    commit = release_commit(session)
    if not commit:
        return BlockedError(f"{session.tag} has no release commit yet, so there is nothing to "
                            "build from.", remedy="Finish the steps before artifacts first.")
    waiting = engine.blockers_for(ctx, engine.find_step(ctx, "artifacts"), own=False)
    if waiting:  # a step before it may still commit: the release commit is not final yet
        return BlockedError(f"The build waits for the steps before artifacts: "
                            f"{mid_sentence(waiting[0].reason)}", remedy=waiting[0].remedy,
                            tui=waiting[0].tui_remedy)
    head = ctx.repo.head_sha()
    if head != commit:
        build = planned(ctx)
        assert build is not None
        return BlockedError(f"HEAD ({head[:12]}) is not the release commit {commit[:12]}: a "
                            "build made here would not be what is tagged.",
                            remedy=from_release_commit(commit, head, f"`{build.command}` in "
                                                       f"{build.directory}") + "run the step.",
                            tui=from_release_commit(commit, head, "press b here")
                            + "press n here.")
    return None


def build_env() -> dict[str, str]:
    """The console's environment without its secrets: the GitHub token (and its API address,
    which may carry ``user:TOKEN@``) and any variable whose value is a registered secret."""
    return {key: value for key, value in os.environ.items()
            if key not in SECRET_ENV and secrets.scrub(value) == value}


def shown(line: str) -> str:
    """``line`` with every registered secret masked as a reader sees it: the scrub masks a short
    secret only where no letter or digit touches it, and an escape code ends in a letter
    (``\x1b[1mhunter2\x1b[0m``), so it is looked for in the text without its escape codes. A
    line that shows one is handed on masked and without them; any other keeps its colours (the
    TUI's panel shows them), scrubbed as it is too."""
    plain = ANSI.sub("", line)
    masked = secrets.scrub(plain)
    return secrets.scrub(line) if masked == plain else masked


def run_build(ctx: Context, on_line: Callable[[str], None],
              stop: threading.Event | None = None,
              on_built: Callable[[], None] | None = None) -> Build:
    """Run the release's build, each line of its output (stdout and stderr, as printed, secrets
    masked) handed to ``on_line`` as it comes. Refused first as :func:`refusal` says.

    ``stop`` set (the captain's cancel) kills the build's whole process group and raises
    :class:`StepCancelled`; a non-zero exit raises :class:`BuildFailed` with the code and the last
    lines. Whatever interrupts the caller (Ctrl+C) kills the group too: nothing it started is
    left running. Each way it ends is journaled (:mod:`services.build_record`), a good build
    with the sha256 of each artifact it left: ``on_built`` is called before they are read
    (gigabytes, seconds), when nothing is left to stop."""
    refused = refusal(ctx)
    if refused is not None:
        raise refused
    build = planned(ctx)
    assert build is not None  # refusal said so
    run = BuildRun.start(ctx, build.command)
    tail: deque[str] = deque(maxlen=TAIL)

    def said(raw: bytes) -> None:
        # a progress line redrawn with \r: what a terminal would show is its last form
        line = shown(raw.decode("utf-8", "replace").rstrip("\r\n").split("\r")[-1])
        tail.append(line)
        on_line(line)

    try:
        code, killed = tools.stream_shell(build.command, cwd=build.directory, env=build_env(),
                                          on_line=said, stop=stop)
        run.ended()
    except OSError as exc:
        run.record(ctx, BUILD_FAILED, reason=f"it could not start: {exc.strerror}")
        raise BuildFailed(f"The build `{build.command}` could not start in {build.directory}: "
                          f"{exc.strerror}.") from None
    except BaseException as exc:  # Ctrl+C (or a bug) while it ran: its group is killed already
        with contextlib.suppress(Exception):  # what interrupted is what the caller must see
            run.record(ctx, BUILD_STOPPED, reason=INTERRUPTED if isinstance(
                exc, KeyboardInterrupt) else f"the console stopped it ({type(exc).__name__})")
        raise
    if killed:
        run.record(ctx, BUILD_STOPPED, reason=STOPPED)
        raise StepCancelled(f"The build `{build.command}` was stopped: every process it started "
                            "was killed, and what it wrote so far is left in place.",
                            remedy="Build again when ready; the artifacts step checks what it "
                            "finds.", tui="Press b to build again when ready.")
    if code != 0:
        clean = [ANSI.sub("", line) for line in tail]
        run.record(ctx, BUILD_FAILED, exit_code=code, last_lines=last_lines(clean))
        last = "\n".join(f"  {line}" for line in clean if line.strip()) or "  (no output)"
        raise BuildFailed(f"The build `{build.command}` in {build.directory} failed with exit "
                          f"code {code}; its last lines:\n{last}",
                          remedy="Fix the build, then run `release-console run artifacts --build` "
                          "again.",
                          tui="Fix the build, then press b to run it again.")
    if on_built is not None:
        on_built()
    run.record(ctx, BUILT, exit_code=0, artifacts=produced(ctx))
    return build
