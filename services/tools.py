"""Finding the external tools the console drives (minisign, gpg, ssh-keygen, git, openssl).

A missing tool is the machine's problem, not a bug: the captain gets one sentence naming the tool
and the exact ``apt-get`` line, instead of a ``FileNotFoundError`` traceback from ``subprocess``.
"""

from __future__ import annotations

import shutil

from services.errors import EnvironmentProblem

# Debian/Ubuntu package that provides each tool.
APT_PACKAGES = {
    "minisign": "minisign",
    "gpg": "gnupg",
    "gpg-connect-agent": "gnupg",
    "gpgconf": "gnupg",
    "ssh-keygen": "openssh-client",
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
