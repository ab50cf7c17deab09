"""The project a build test starts from: a committed shell build (``make.sh``), the policy
naming it, and a release 0.2.0 walked to its artifacts step (or the step asked for).

A plugin (tests/conftest.py's ``pytest_plugins``): the run, journal and secret tests of the
console's build share it rather than copying the fixture.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from services.session_lifecycle import ReleaseRequest, start_release
from services.step_protocol import Context
from tests.conftest import git
from tests.signing_keys import POLICY_BASE, advance_to, write_policy

NO_SIGNING = '[signing]\nbackend = "none"\ntag_format = "none"\n'
# the project's build: the images for {tag}, a line per image, the token's value if it had one
MAKE = """#!/bin/sh
set -eu
echo "building $1 for $2"
echo "token: ${GITHUB_TOKEN:-none}"
mkdir -p build
for arch in amd64 arm64; do
  printf 'image %s %s\\n' "$arch" "$1" > "build/pai-$2-$arch.iso"
  echo "built build/pai-$2-$arch.iso"
done
"""


def with_build(command: str) -> str:
    return POLICY_BASE.replace('dir = "build"\n', f'dir = "build"\nbuild = {command!r}\n')


@pytest.fixture
def build_project(repo_path: Path, make_ctx: Callable[..., Context]) -> Callable[..., Context]:
    """Release 0.2.0 at its artifacts step (or ``at``), its policy's build ``command`` (make.sh
    committed)."""

    def make(command: str, at: str = "artifacts") -> Context:
        (repo_path / "make.sh").write_text(MAKE)
        (repo_path / "make.sh").chmod(0o755)
        git(repo_path, "add", "make.sh")
        git(repo_path, "commit", "-q", "-m", "Add the build")
        write_policy(repo_path, NO_SIGNING, base=with_build(command))
        ctx = make_ctx()
        start_release(ctx, ReleaseRequest(version="0.2.0"))
        advance_to(ctx, at)
        return ctx

    return make


def alive(pid: int) -> bool:
    """Whether ``pid`` runs: a killed process not yet reaped (a zombie) does not."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def started_child(root: Path) -> int:
    """The pid of the sleep a slow build started, once it wrote it."""
    pid_file = root / "child.pid"
    end = time.monotonic() + 30
    while not (pid_file.exists() and pid_file.read_text().strip()):
        assert time.monotonic() < end, "the build never started its sleep"
        time.sleep(0.01)  # polling a file another process writes
    child = int(pid_file.read_text())
    assert alive(child)
    return child
