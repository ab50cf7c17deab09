"""A missing or odd CHANGELOG.md or MIGRATION.md is said for where it is shown.

The changelog step blocked with "CHANGELOG.md does not exist; create the changelog or pass --file
PATH.", and the migration step with "MIGRATION.md is not a regular file; pass the migration notes
with --file.": ``--file`` is an option of the ``changelog`` and ``migration`` commands only, which
the step, ``run``, ``status`` and the TUI do not have. A step names the policy's path in
release.toml; a command names ``--file`` (and, when it read the policy's path, release.toml too).
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

from services.step_protocol import Context
from tests.conftest import git, run_cli
from tests.signing_keys import advance_to
from tests.test_changelog_screen import at_the_changelog_step

POLICY_CHANGELOG = "point [documents] changelog in release.toml at the changelog"


def _blockers(repo: Path, step: str) -> list[str]:
    shown = run_cli("status", "--json", cwd=repo)
    assert shown.returncode == 0, shown.stderr
    view = next(s for s in json.loads(shown.stdout)["steps"] if s["id"] == step)
    assert view["status"] == "blocked", view
    return [b["reason"] + " " + b["remedy"] for b in view["blockers"]]


def test_the_changelog_step_names_the_policy_path_not_an_option_it_lacks(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    at_the_changelog_step(repo_path, make_ctx)
    git(repo_path, "rm", "-q", "CHANGELOG.md")
    subprocess.run(["git", "commit", "-qm", "Drop the changelog"], cwd=repo_path, check=True)
    said = " ".join(_blockers(repo_path, "changelog"))
    assert f"CHANGELOG.md does not exist; create it, or {POLICY_CHANGELOG}." in said, said
    assert "--file" not in said, said
    dry = run_cli("run", "changelog", "--dry-run", cwd=repo_path)
    assert "--file" not in dry.stdout + dry.stderr
    assert POLICY_CHANGELOG in " ".join((dry.stdout + dry.stderr).split())


def test_the_migration_step_names_the_policy_path_not_an_option_it_lacks(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    at_the_changelog_step(repo_path, make_ctx)
    advance_to(make_ctx(), "migration")
    (repo_path / "MIGRATION.md").mkdir()
    said = " ".join(_blockers(repo_path, "migration"))
    assert ("MIGRATION.md is not a regular file; point [documents] migration in release.toml at "
            "the migration notes." in said), said
    assert "--file" not in said, said


def test_the_commands_name_their_file_option(repo_path: Path, tmp_path: Path) -> None:
    named = run_cli("changelog", "move", "1.0.0", "--file", "nope.md", cwd=tmp_path)
    assert named.returncode == 1
    assert ("nope.md does not exist; create it, or pass the path of the changelog with --file."
            in " ".join(named.stderr.split()))
    policy = run_cli("changelog", "section", "0.1.0", cwd=repo_path)
    assert policy.returncode == 1
    assert (f"CHANGELOG.md does not exist; create it, or {POLICY_CHANGELOG}, or pass --file "
            "PATH." in " ".join(policy.stderr.split())), policy.stderr
    folder = run_cli("migration", "check", "0.1.0", "0.2.0", "--file", str(tmp_path),
                     cwd=repo_path)
    assert folder.returncode == 1
    assert "is not a regular file; pass the path of the migration notes with --file." in \
        " ".join(folder.stderr.split()), folder.stderr
