"""`--yes` answers the question, and the plan is still printed, as every `--help` says.

Walked on the demo: `push --yes` pushed the commit and tag and printed no plan at all (the plan
is what the captain, or a CI log, has to show what went up), while `yank --yes` and `hotfix --yes`
printed theirs.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from services.step_protocol import Context
from tests.conftest import git, run_cli
from tests.github_helpers import cli_env

READY_FOR = "push"  # the `ready` fixture finishes every step before push


@pytest.mark.parametrize("command", [["push", "--yes"], ["run", "push", "--yes"],
                                     ["next", "--yes"]])
def test_yes_prints_the_plan_of_an_irreversible_step_before_doing_it(
        ready: Context, repo_path: Path, command: list[str]) -> None:
    pushed = run_cli(*command, cwd=repo_path, env=cli_env())
    assert pushed.returncode == 0, pushed.stderr
    out = pushed.stdout
    assert "$ git push" in out and "v0.2.0" in out
    assert out.index("$ git push") < out.index("✔ Push commit and tag: done.")
    assert "[y/N]" not in out  # answered by --yes, never asked
    bare = repo_path.parent / "remote.git"
    assert git(bare, "rev-parse", "refs/tags/v0.2.0^{commit}") == git(
        repo_path, "rev-parse", "v0.2.0^{commit}")
