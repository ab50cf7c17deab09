"""A hand-off bundle imported into a repository that lacks its commits: another project with
the same name (a second demo), or a clone with other history. Walked by hand: git's raw "Repository
lacks these prerequisite commits:; error: 6601…" came through, with a remedy (`git fetch --tags`)
that cannot help there."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.airgap_helpers import Workstations, prepare_and_export
from tests.bundle_forge import snapshot
from tests.conftest import run_cli


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                          check=True).stdout.strip()


def other_history(ws: Workstations, where: Path, *, tag: bool) -> Path:
    """The offline clone's files (its release.toml: the same project) in a repository of its
    own, with the previous release tag on a commit of its own when ``tag``."""
    shutil.copytree(ws.offline, where, ignore=shutil.ignore_patterns(".git", ".release"))
    git(where, "init", "-q", "-b", "main")
    git(where, "add", "-A")
    git(where, "commit", "-q", "-m", "Another project's history")
    if tag:
        git(where, "tag", "v1.2.0")
    return where


def test_a_bundle_from_another_repository_says_its_commits_are_not_here(
        stations: Workstations, tmp_path: Path) -> None:
    ws = stations
    bundle = prepare_and_export(ws)
    base = git(ws.online, "rev-parse", "v1.2.0^{commit}")
    other = other_history(ws, tmp_path / "other", tag=True)
    before = snapshot(other)
    proc = run_cli("bundle", "import", str(bundle), "--yes", "--offline", cwd=other)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "prerequisite" not in proc.stderr and "fetch --tags`)." not in proc.stderr
    here = git(other, "rev-parse", "v1.2.0")
    assert (f"error: The bundle's commits build on v1.2.0 (commit {base[:12]}), a commit not "
            f"in this repository (v1.2.0 here is commit {here[:12]}): it was written from "
            "another project, or from a clone with history this one lacks; nothing was "
            "imported.") in proc.stderr
    assert "Import it in a clone of the project it was written from" in proc.stderr
    assert f"that has commit {base[:12]}" in proc.stderr
    assert snapshot(other) == before


def test_a_clone_without_the_previous_tag_is_told_to_fetch_it(
        stations: Workstations, tmp_path: Path) -> None:
    ws = stations
    bundle = prepare_and_export(ws)
    base = git(ws.online, "rev-parse", "v1.2.0^{commit}")
    other = other_history(ws, tmp_path / "other", tag=False)
    proc = run_cli("bundle", "import", str(bundle), "--yes", "--offline", cwd=other)
    assert proc.returncode == 1 and "prerequisite" not in proc.stderr
    assert (f"error: The bundle's commits build on v1.2.0 (commit {base[:12]}), and this clone "
            "has no tag v1.2.0; nothing was imported.") in proc.stderr
    assert "Fetch the tags into this clone (`git fetch --tags`" in proc.stderr
