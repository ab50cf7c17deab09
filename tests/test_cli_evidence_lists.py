"""After `run` or `next`, the CLI prints the step's evidence: lists were left out, so merge-back
said nothing of the commits it pushed, nor pre-flight of the checklist items it checked."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import git, run_cli


def test_merge_back_says_the_commits_it_pushed(tmp_path: Path) -> None:
    from tests.hotfix_helpers import pushed_quick_world
    from tests.test_merge_back import hotfix_on_branch

    project = pushed_quick_world(tmp_path)
    hotfix_on_branch(project, "retry=3\n")
    proc = run_cli("run", "merge-back", "--yes", cwd=project)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    pushed = lines.index("  pushed:")
    fix = git(project, "log", "-1", "--format=%H", "--grep=^Unlock: retry", "main").strip()
    assert lines[pushed + 1] == f"    {fix[:7]} Unlock: retry on slow sticks", lines[pushed:]


def test_a_long_list_says_how_many_it_leaves_out_and_warnings_are_not_said_twice() -> None:
    from console.commands.step_lines import LIST_SHOWN, evidence_lines

    items = [f"{n:07x} fix number {n}" for n in range(LIST_SHOWN + 3)]
    said = evidence_lines("picks", items)
    assert said[0] == "  picks:" and said[1] == "    0000000 fix number 0"
    assert len(said) == 1 + LIST_SHOWN + 1 and said[-1] == "    … and 3 more"
    assert evidence_lines("warnings", ["old sections were left as they were"]) == []
