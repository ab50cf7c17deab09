"""Finding the external tools the console drives (minisign, gpg, ssh-keygen, git, openssl).

A missing tool is the machine's problem, not a bug: the captain gets one sentence naming the tool
and the exact ``apt-get`` line, instead of a ``FileNotFoundError`` traceback from ``subprocess``.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Mapping
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


class ToolMissing(EnvironmentProblem):
    """A required program is not on PATH (exit 3)."""


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
        cwd: str | Path | None = None, timeout: float | None = None
        ) -> subprocess.CompletedProcess[bytes]:
    """Run ``tool`` (found with :func:`require`) without a shell; output captured unless redirected.

    ``stdin`` defaults to /dev/null so a tool never waits on the captain's terminal by accident.
    """
    path = require(tool)
    if input_bytes is None and stdin is None:
        stdin = subprocess.DEVNULL
    try:
        return subprocess.run(
            [path, *args], input=input_bytes, stdin=stdin if input_bytes is None else None,
            stdout=stdout if stdout is not None else subprocess.PIPE, stderr=subprocess.PIPE,
            env=dict(env) if env is not None else None, cwd=cwd, timeout=timeout, check=False,
        )
    except subprocess.TimeoutExpired:
        raise EnvironmentProblem(f"{tool} did not answer within {timeout:.0f} seconds.",
                                 remedy="Check the token is plugged in and not waiting for a touch, "
                                 "then try again.") from None


def last_line(output: bytes) -> str:
    """The last non-empty line of a tool's stderr, for one-sentence errors."""
    lines = [line.strip() for line in output.decode("utf-8", "replace").splitlines() if line.strip()]
    return lines[-1] if lines else "no output"
