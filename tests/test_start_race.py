"""Two `start`s at once: exactly one wins, the other names the release in progress."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import run_cli


def active_sessions(repo: Path) -> list[str]:
    found = []
    for path in (repo / ".release").glob("*/session.json"):
        data = json.loads(path.read_text())
        if data["state"] == "active":
            found.append(data["tag"])
    return found


def test_concurrent_pairs_never_make_two_active_sessions(repo_path: Path) -> None:
    env = {**os.environ}
    for pair in range(8):  # each pair is a race of two starting processes; 20 took 16 s
        versions = (f"0.{2 * pair + 2}.0", f"0.{2 * pair + 3}.0")
        procs = [subprocess.Popen([sys.executable, "-m", "console", "start", v], cwd=repo_path,
                                  env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True) for v in versions]
        results = [(p.wait(), *p.communicate()) for p in procs]
        winners = [r for r in results if r[0] == 0]
        losers = [r for r in results if r[0] != 0]
        assert len(winners) == 1 and len(losers) == 1, (pair, results)
        active = active_sessions(repo_path)
        assert len(active) == 1, (pair, active)
        assert f"A release session for {active[0]} is already in progress" in losers[0][2]
        abandoned = run_cli("abandon", active[0], "--reason", "race test", cwd=repo_path)
        assert abandoned.returncode == 0, abandoned.stderr


def test_versions_with_spaces_or_too_long_are_refused(repo_path: Path) -> None:
    for version, words in ((" 0.2.0", "was given with spaces around it"),
                           ("0.2.0\t", "was given with spaces around it"),
                           ("0.2.0-" + "a" * 150, "is 156 characters long; a version is at "
                                                  "most 100")):
        result = run_cli("start", version, cwd=repo_path)
        assert result.returncode == 2  # malformed, docs/cli.md's 2
        assert words in result.stderr
        assert "a" * 100 not in result.stderr
        assert not (repo_path / ".release").exists()


def test_repo_option_naming_nothing_says_so(repo_path: Path) -> None:
    """Walked by hand: `--repo /nonexistent` said "is not a git repository. ... or pass --repo
    PATH", to a captain who had passed one."""
    result = run_cli("--repo", str(repo_path / "typo"), "status", cwd=repo_path)
    assert result.returncode == 2  # a value that names nothing (docs/cli.md), as --config's
    assert f"error: {repo_path / 'typo'} does not exist; --repo names the project's checkout." \
        in result.stderr
    assert "pass --repo" not in result.stderr


def test_repo_option_naming_a_file_is_refused(repo_path: Path) -> None:
    result = run_cli("--repo", str(repo_path / "README.md"), "status", cwd=repo_path)
    assert result.returncode != 0
    assert "README.md is a file, not a directory" in result.stderr
