"""``python -m console`` for the tests, forked from an interpreter that has already imported the
libraries the console uses, instead of a new interpreter each time.

Why: the suite starts the console about 1,300 times, and a fresh interpreter spends most of each
start importing PyGithub, GitPython, semver and the standard library again (the starts were
about a third of the suite's CPU time, and the suite is CPU-bound on CI's two cores).

What a test still gets is a console process of its own: its own working directory, environment,
stdin, stdout and stderr, exit code. The server has also imported the product's command-line
modules (every ``services`` module, ``console.commands``, ``console.sandbox``, ``console.cli``):
they were about 110 ms of each start's 170, most of it building dataclasses and compiling
patterns, and no product module does anything at import but define things (no environment,
working directory or clock is read there), so a child forked after the import starts as a fresh
one would. What this gives up: a module that fails to import is left out of the server and is
imported again in each child, so the mistake still fails the tests that use it; but an import
order that only one command meets is no longer met here. The tests that kill the console, time
its start or look at what it imports start a new interpreter as before (``kill_harness``,
``test_layering``, ``test_tmux_demo``), and they meet the real import order.

One server per pytest worker: a child of the worker, listening on a socket pair; it forks a
child per request, runs ``console`` as ``__main__`` in it and reports the exit status.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import json
import locale
import os
import select
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

# Imported once by the server: third-party and standard library, then the product's own command
# line (PRELOAD_PRODUCT, each package with every module below it). Never the TUI: a command that
# needs no UI must still start without Textual in the child.
PRELOAD = (
    "github", "git", "gnupg", "keyring", "semver", "requests", "urllib3",
    "argparse", "ast", "concurrent.futures", "dataclasses", "datetime", "email.utils", "enum",
    "fcntl", "hashlib", "http.client", "inspect", "json", "pathlib", "re", "shlex", "shutil",
    "signal", "socket", "subprocess", "tarfile", "tempfile", "textwrap", "threading", "tomllib",
    "typing", "urllib.parse", "urllib.request", "uuid", "zipfile",
)
PRELOAD_PRODUCT = ("services", "console.commands", "console.sandbox", "console.cli",
                   "console.wiring")
_MAX_MESSAGE = 1 << 20
_SERVER_PYTHONPATH = os.environ.get("PYTHONPATH", "")  # read before any child changes it


# --- the client (in the pytest worker) ---------------------------------------------------------

class _Server:
    """The worker's one fork server, started on first use and gone when the worker exits (it
    reads its stdin, a pipe from the worker, to notice)."""

    def __init__(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.process = subprocess.Popen(
            [sys.executable, __file__, str(theirs.fileno())], stdin=subprocess.PIPE,
            pass_fds=[theirs.fileno()])
        theirs.close()
        self.socket = ours
        self.lock = threading.Lock()

    def run(self, request: dict[str, Any], fds: Sequence[int]) -> int:
        """Send one request with its three descriptors; return the console's exit code."""
        with self.lock:  # one request at a time on the shared socket
            socket.send_fds(self.socket, [json.dumps(request).encode()], list(fds))
            code: int = json.loads(self.socket.recv(_MAX_MESSAGE))["code"]
            return code


_server: _Server | None = None
_server_lock = threading.Lock()


def _the_server() -> _Server:
    global _server
    with _server_lock:
        if _server is None or _server.process.poll() is not None:
            _server = _Server()
        return _server


def _text(data: bytes) -> str:
    """What ``subprocess.run(text=True)`` makes of a child's bytes (universal newlines)."""
    text = data.decode(locale.getpreferredencoding(False))
    return text.replace("\r\n", "\n").replace("\r", "\n")


def run_console(args: Sequence[str], *, cwd: Path, env: Mapping[str, str],
                input_text: str | None = None) -> subprocess.CompletedProcess[str]:
    """``subprocess.run([python, -m, console, *args], capture_output=True, text=True)``, with
    ``env`` as the whole environment, in a process forked from the worker's server."""
    with tempfile.TemporaryFile() as stdin, tempfile.TemporaryFile() as stdout, \
            tempfile.TemporaryFile() as stderr:
        if input_text is not None:
            stdin.write(input_text.encode(locale.getpreferredencoding(False)))
            stdin.flush()
            stdin.seek(0)
        request = {"argv": list(args), "cwd": str(cwd), "env": dict(env)}
        code = _the_server().run(request, [stdin.fileno(), stdout.fileno(), stderr.fileno()])
        stdout.seek(0)
        stderr.seek(0)
        return subprocess.CompletedProcess([sys.executable, "-m", "console", *args], code,
                                           _text(stdout.read()), _text(stderr.read()))


# --- the server (its own process) --------------------------------------------------------------

def _console_in_this_child(request: dict[str, Any], fds: list[int], keep_closed: list[int]) -> None:
    """Become ``python -m console ARGS`` run in ``cwd`` with ``env``; never returns."""
    code = 70
    try:
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
        for fd in [*fds, *keep_closed]:
            os.close(fd)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        import time
        time.tzset()
        tempfile.tempdir = None
        sys.argv = ["-m", *request["argv"]]
        _search_path_for(request["cwd"], request["env"].get("PYTHONPATH", ""))
        code = _run_console_main()
    finally:
        os._exit(code)


def _search_path_for(cwd: str, pythonpath: str) -> None:
    """``sys.path`` as ``python -m`` would start it: the working directory, then the request's
    PYTHONPATH (a test's own keyring backend comes that way) instead of the server's."""
    started_with = [entry for entry in _SERVER_PYTHONPATH.split(os.pathsep) if entry]
    rest = [entry for entry in sys.path[1:] if entry not in started_with]
    sys.path[:] = [cwd, *[entry for entry in pythonpath.split(os.pathsep) if entry], *rest]


def _run_console_main() -> int:
    """What the interpreter does around ``-m console``: run it, turn ``SystemExit`` into the exit
    code, print an uncaught exception, join threads and run ``atexit`` before leaving."""
    import atexit
    import runpy
    import traceback
    code = 0
    try:
        runpy.run_module("console", run_name="__main__", alter_sys=True)
    except SystemExit as stop:
        if stop.code is None:
            code = 0
        elif isinstance(stop.code, int):
            code = stop.code
        else:
            print(stop.code, file=sys.stderr)
            code = 1
    except BaseException:
        traceback.print_exc()
        code = 1
    shutdown = getattr(threading, "_shutdown", None)
    if shutdown is not None:
        shutdown()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    return code


def _preload_product() -> None:
    """Import the product's command line ahead; a module that fails is left for each child to
    import (and fail) again, as a fresh start would."""
    import pkgutil
    for name in PRELOAD_PRODUCT:
        try:
            module = importlib.import_module(name)
        except Exception:
            continue
        for info in pkgutil.walk_packages(getattr(module, "__path__", []), name + "."):
            with contextlib.suppress(Exception):
                importlib.import_module(info.name)
    if "textual" in sys.modules:
        raise SystemExit("forked_console: preloading the command line imported Textual")


def serve(channel_fd: int) -> None:
    """Import the libraries once, then run each request in a forked child, one at a time."""
    for name in PRELOAD:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    _preload_product()
    gc.freeze()  # what it imported stays shared with every child, and their collections skip it
    channel = socket.socket(fileno=channel_fd)
    # The worker's pipe moves off descriptor 0, which each child's stdin takes.
    parent = os.dup(0)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    while True:
        ready, _, _ = select.select([channel.fileno(), parent], [], [])
        if parent in ready and not os.read(parent, 1):
            return  # the worker is gone
        if channel.fileno() not in ready:
            continue
        message, fds, _, _ = socket.recv_fds(channel, _MAX_MESSAGE, 3)
        if not message:
            return
        request = json.loads(message)
        pid = os.fork()
        if pid == 0:
            _console_in_this_child(request, fds, [channel.fileno(), parent])
        for fd in fds:
            os.close(fd)
        _, status = os.waitpid(pid, 0)
        channel.send(json.dumps({"code": os.waitstatus_to_exitcode(status)}).encode())


if __name__ == "__main__":
    serve(int(sys.argv[1]))
