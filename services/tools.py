"""Finding the external tools the console drives (minisign, gpg, ssh-keygen, git, openssl).

A missing tool is the machine's problem, not a bug: the captain gets one sentence naming the tool
and the exact ``apt-get`` line, instead of a ``FileNotFoundError`` traceback from ``subprocess``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import IO

from services.errors import EnvironmentProblem

# Debian/Ubuntu package that provides each tool.
APT_PACKAGES = {
    "minisign": "minisign",
    "gpg": "gnupg",
    "gpg-connect-agent": "gnupg",
    "gpgconf": "gnupg",
    "ssh-keygen": "openssh-client",
    "ssh-add": "openssh-client",
    "git": "git",
    "openssl": "openssl",
    "sha256sum": "coreutils",
}


# How long a killed process group may take to let go of its output pipes (every process in it
# holds them until it has exited), so a timeout returns with the group gone, not still dying.
KILL_GRACE_SECONDS = 5


class ToolMissing(EnvironmentProblem):
    """A required program is not on PATH (exit 3)."""


class TimedOut(EnvironmentProblem):
    """A tool given a ``timeout`` did not finish within it and was killed (exit 3); ``seconds``
    is the bound, for callers that word the wait in their own terms (git's remote)."""

    def __init__(self, tool: str, seconds: float) -> None:
        self.tool, self.seconds = tool, seconds
        super().__init__(f"{tool} did not answer within {seconds:.0f} seconds.",
                         remedy="Check the token is plugged in and not waiting for a touch, "
                         "then try again.")


def find(tool: str) -> str | None:
    """The absolute path of ``tool`` on PATH, or None."""
    return shutil.which(tool)


def require(tool: str) -> str:
    """The absolute path of ``tool``; a missing one raises :class:`ToolMissing` with the apt line."""
    path = shutil.which(tool)
    if path is None:
        package = APT_PACKAGES.get(tool, tool)
        raise ToolMissing(f"{tool} is not installed.",
                          remedy=f"Install it with: sudo apt-get install {package}")
    return path


def run(tool: str, *args: str, input_bytes: bytes | None = None, stdin: int | IO[bytes] | None = None,
        stdout: int | IO[bytes] | None = None, env: Mapping[str, str] | None = None,
        cwd: str | Path | None = None, timeout: float | None = None, whole_group: bool = False
        ) -> subprocess.CompletedProcess[bytes]:
    """Run ``tool`` (found with :func:`require`) without a shell; output captured unless redirected.

    ``stdin`` defaults to /dev/null so a tool never waits on the captain's terminal by accident.
    ``timeout`` raises :class:`TimedOut` once it has passed. ``whole_group`` runs the tool in a
    session of its own and, when the timeout passes (or the caller is interrupted), kills every
    process in it: ``subprocess.run`` kills only the tool, and git talking to a remote that never
    answers leaves its ssh behind, waiting minutes for TCP to give up.
    """
    path = require(tool)
    if input_bytes is None and stdin is None:
        stdin = subprocess.DEVNULL
    argv = [path, *args]
    out = stdout if stdout is not None else subprocess.PIPE
    environ = dict(env) if env is not None else None
    try:
        if whole_group:
            return _in_own_group(argv, input_bytes, stdin, out, environ, cwd, timeout)
        return subprocess.run(
            argv, input=input_bytes, stdin=stdin if input_bytes is None else None,
            stdout=out, stderr=subprocess.PIPE, env=environ, cwd=cwd, timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise TimedOut(tool, timeout or 0) from None


def _in_own_group(argv: list[str], input_bytes: bytes | None, stdin: int | IO[bytes] | None,
                  stdout: int | IO[bytes], env: dict[str, str] | None, cwd: str | Path | None,
                  timeout: float | None) -> subprocess.CompletedProcess[bytes]:
    """``subprocess.run`` for :func:`run`'s ``whole_group``: the tool leads a new session (no
    controlling terminal: nothing it starts can prompt on the captain's screen), and on a
    timeout or an interruption the whole process group is killed. Its output pipes are then
    read to their end, which comes once every process holding them has exited (bounded by
    :data:`KILL_GRACE_SECONDS` for one that left the group and kept them), so nothing it started
    is still running when this returns."""
    with subprocess.Popen(argv, stdin=subprocess.PIPE if input_bytes is not None else stdin,
                          stdout=stdout, stderr=subprocess.PIPE, env=env, cwd=cwd,
                          start_new_session=True) as proc:
        try:
            output, errors = proc.communicate(input_bytes, timeout=timeout)
        except BaseException:
            with contextlib.suppress(ProcessLookupError):  # the tool is not reaped yet: its
                os.killpg(proc.pid, signal.SIGKILL)  # group id cannot have been reused
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.communicate(timeout=KILL_GRACE_SECONDS)
            raise
    return subprocess.CompletedProcess(argv, proc.returncode, output, errors)


def stream_shell(command: str, *, cwd: Path, env: Mapping[str, str],
                 on_line: Callable[[bytes], None], stop: threading.Event | None = None
                 ) -> tuple[int, bool]:
    """Run ``command`` with ``/bin/sh -c`` in ``cwd`` (the project's own build, as its policy
    writes it), stdout and stderr together handed to ``on_line`` a line at a time as they come,
    stdin /dev/null. It leads a session of its own: ``stop`` set kills its whole process group,
    and so does whatever interrupts the caller (Ctrl+C), so nothing it started is left running.
    Returns (exit code, whether ``stop`` killed it); OSError when it cannot start."""
    proc = subprocess.Popen(["/bin/sh", "-c", command], cwd=cwd, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=dict(env),
                            start_new_session=True)
    done = threading.Event()
    killed = threading.Event()
    watcher = threading.Thread(target=_watch, args=(proc, stop, done, killed), daemon=True)
    try:
        # in the try: start() waits for the thread, and a Ctrl+C landing there (a loaded
        # machine) left the build running while the console said every process was killed
        watcher.start()
        assert proc.stdout is not None
        for raw in proc.stdout:
            on_line(raw)
        code = proc.wait()
    except BaseException:
        _kill_group(proc)
        raise
    finally:
        done.set()
        if watcher.ident is not None:  # started
            watcher.join()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.communicate(timeout=KILL_GRACE_SECONDS)
    return code, killed.is_set()


def _watch(proc: subprocess.Popen[bytes], stop: threading.Event | None, done: threading.Event,
           killed: threading.Event) -> None:
    """Until the command ends, kill its group as soon as ``stop`` is set (the reading loop is
    blocked on the pipe meanwhile: it ends when every process holding it has died)."""
    if stop is None:
        return
    while not done.is_set():
        if stop.wait(0.05):
            killed.set()
            _kill_group(proc)
            return


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """Kill the command's process group (its id is the shell's pid, not reused until reaped)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)


def last_line(output: bytes) -> str:
    """The last non-empty line of a tool's stderr, for one-sentence errors."""
    lines = [line.strip() for line in output.decode("utf-8", "replace").splitlines() if line.strip()]
    return lines[-1] if lines else "no output"
