"""Abandoning a hotfix names its branch and how to set it aside, the way a new attempt at the
same version asks for it (nothing is deleted)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.conftest import git, run_cli
from tests.hotfix_helpers import commit, pushed_quick_world


def test_abandoning_a_hotfix_names_its_branch_and_sets_it_aside(tmp_path: Path) -> None:
    project = pushed_quick_world(tmp_path)
    fix = commit(project, "src/unlock.sh", "retry=2\n", "Unlock: two retries")
    assert run_cli("hotfix", "1.3.1", "--yes", "--pick", fix, cwd=project).returncode == 0
    branch = git(project, "log", "--format=%h %s", "v1.3.0..hotfix/v1.3.1").splitlines()

    said = run_cli("abandon", "v1.3.1", "--reason", "wrong fix", cwd=project)
    assert said.returncode == 0, said.stderr
    assert f"{len(branch)} commits of this release on hotfix/v1.3.1, never pushed" in said.stdout
    for line in branch:
        assert line[:7] in said.stdout
    command = "git switch main && git branch -m hotfix/v1.3.1 hotfix/v1.3.1-abandoned"
    assert f"To set the branch aside: `{command}`" in said.stdout

    subprocess.run(command, shell=True, cwd=project, check=True, capture_output=True)
    again = run_cli("hotfix", "1.3.1", "--yes", "--pick", fix, cwd=project)  # as the sentence promised
    assert again.returncode == 0, again.stderr
    assert git(project, "rev-parse", "hotfix/v1.3.1-abandoned").strip()  # kept, not deleted


async def test_the_abandon_toast_shows_the_whole_command_at_80x24(tmp_path: Path) -> None:
    """Walked at 80x24 (the demo): abandoning a hotfix said how to set its branch aside in a
    toast whose last row was never drawn; it ended "`git switch main && git branch -m
    hotfix/v1.3.1", the new name cut off (Textual's toast rack keeps a scrollbar's two columns
    the toasts are not drawn in, so a toast's height was worked out for a wider one). Every word
    of the toast is on the screen now."""
    from console.app import ReleaseConsoleApp
    from console.wiring import Options
    from tests.test_confirm_layout import screen_lines
    from tests.tui_helpers import settle

    project = pushed_quick_world(tmp_path)
    fix = commit(project, "src/unlock.sh", "retry=2\n", "Unlock: two retries")
    assert run_cli("hotfix", "1.3.1", "--yes", "--pick", fix, cwd=project).returncode == 0
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        await pilot.press(*"wrong fix", "enter")
        await settle(pilot)
        toasts = list(app.screen.query("Toast"))
        assert len(toasts) == 1
        said = " ".join(str(toasts[0].render()).split())
        assert said.endswith("`git switch main && git branch -m hotfix/v1.3.1 "
                             "hotfix/v1.3.1-abandoned`)."), said
        box = toasts[0].region  # the words drawn inside it, its border and padding aside
        rows = [row[box.x + 2:box.right] for row in screen_lines(app)[box.y:box.bottom]]
        assert " ".join(" ".join(rows).split()) == said, rows
