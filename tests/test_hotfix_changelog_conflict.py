"""A pick whose only conflict is the CHANGELOG resolves itself; any other conflict still stops.

Walked by hand: every fix in the demo carries its own [Unreleased] line next to other work, so
every demo hotfix stopped on a CHANGELOG conflict that is resolved the same way each time.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from console.demo import build_sandbox
from tests.conftest import git, last_said, run_cli

OFFLINE = {"RELEASE_CONSOLE_OFFLINE": "1"}


def _sha(project: Path, grep: str) -> str:
    return git(project, "log", "--format=%H", f"--grep={grep}", "-1", "main").strip()


def test_a_pick_conflicting_only_in_the_changelog_keeps_its_entry(tmp_path: Path) -> None:
    project = build_sandbox(tmp_path / "demo", built="1.3.0")
    fix = _sha(project, "slow USB")
    done = run_cli("hotfix", "1.2.1", "--yes", "--pick", fix, cwd=project, env=OFFLINE)
    assert done.returncode == 0, done.stderr
    assert f"CHANGELOG.md conflicted in 1 pick: {fix[:12]}" in done.stdout
    assert git(project, "status", "--porcelain") == ""
    log = git(project, "log", "--format=%B", "v1.2.0..HEAD")
    assert f"(cherry picked from commit {fix})" in log
    changelog = (project / "CHANGELOG.md").read_text()
    unreleased = changelog.split("## [Unreleased]", 1)[1].split("## [1.2.0]", 1)[0]
    # the fix's own line, under the heading it had; none of the other work on main
    assert unreleased.strip() == ("### Fixed\n\n"
                                  "- Persistence unlock no longer hangs on slow USB 2 sticks.")
    assert "[Unreleased]: https://github.com/example-org/pai/compare/v1.2.0...HEAD" in changelog
    status = run_cli("status", cwd=project, env=OFFLINE)
    assert "hotfix-branch  Hotfix branch" in status.stdout and "done" in status.stdout

    # the push will list what the new branch brings, not the history origin already has
    from console.wiring import Options, build_context
    from services.steps.push import going_up

    ctx = build_context(Options(repo=project, offline=True))
    lines = going_up(ctx, "origin", git(project, "rev-parse", "HEAD").strip(), "v1.2.1")
    assert "1 commit goes up to hotfix/v1.2.1 (a new branch on origin):" in lines
    assert not any("Release v1.2.0" in line for line in lines)


def test_a_conflict_in_another_file_still_stops_and_names_both(tmp_path: Path) -> None:
    project = build_sandbox(tmp_path / "demo", built="1.3.0")
    changelog = project / "CHANGELOG.md"
    changelog.write_text(changelog.read_text().replace(
        "### Fixed\n\n", "### Fixed\n\n- The model list names the right model.\n", 1))
    (project / "models.txt").write_text("a different model\n")
    git(project, "commit", "-qam", "Models: name the right one")
    fix = git(project, "rev-parse", "HEAD").strip()
    stopped = run_cli("hotfix", "1.2.1", "--yes", "--pick", fix, cwd=project, env=OFFLINE)
    assert stopped.returncode == 1
    assert "conflicts in: CHANGELOG.md, models.txt" in stopped.stderr
    assert "release-console hotfix --continue" in stopped.stderr


def stopped_on_code(tmp_path: Path) -> tuple[Path, str, subprocess.CompletedProcess[str]]:
    """Two picks: the first ("slow USB") conflicts only in the CHANGELOG and resolves itself, the
    second in code, where the pick stops. The project, the first pick and the stopped run."""
    project = build_sandbox(tmp_path / "demo", built="1.3.0")
    fix = _sha(project, "slow USB")
    unlock = project / "persistence" / "unlock.txt"
    unlock.write_text(unlock.read_text().replace("timeout", "timeout_seconds"))
    git(project, "commit", "-qam", "Persistence: rename the timeout")
    unlock.write_text(unlock.read_text().replace("120", "30"))
    git(project, "commit", "-qam", "Persistence: a shorter timeout")
    shorter = git(project, "rev-parse", "HEAD").strip()
    return project, fix, run_cli("hotfix", "1.2.1", "--yes", "--pick", fix, "--pick", shorter,
                                 cwd=project, env=OFFLINE)


def test_a_changelog_conflict_resolved_before_a_code_conflict_is_still_reported(
        tmp_path: Path) -> None:
    """Walked by hand: two picks, the first conflicting only in the CHANGELOG (resolved), the
    second in code (stopped). After `hotfix --continue` the output and the step's evidence said
    no CHANGELOG conflict was resolved: the run that resolved it had stopped."""
    project, fix, stopped = stopped_on_code(tmp_path)
    assert stopped.returncode == 1 and "conflicts in: persistence/unlock.txt" in stopped.stderr
    (project / "persistence" / "unlock.txt").write_text("timeout = 30\n")
    git(project, "add", "persistence/unlock.txt")
    done = run_cli("hotfix", "--continue", cwd=project, env=OFFLINE)
    assert done.returncode == 0, done.stderr
    assert f"CHANGELOG.md conflicted in 1 pick: {fix[:12]}" in done.stdout
    status = json.loads(run_cli("status", "--json", cwd=project, env=OFFLINE).stdout)
    branch = next(s for s in status["steps"] if s["id"] == "hotfix-branch")
    assert branch["evidence"]["changelog_conflicts_resolved"] == [fix]


def test_an_aborted_picks_resolved_changelog_is_not_reported_for_the_next_picks(
        tmp_path: Path) -> None:
    """Review: after `hotfix --abort`, new picks reported the aborted pick's resolved CHANGELOG
    conflict ("CHANGELOG.md conflicted in 1 pick: <a commit not on the branch>")."""
    project, fix, stopped = stopped_on_code(tmp_path)
    assert stopped.returncode == 1
    assert run_cli("hotfix", "--abort", cwd=project, env=OFFLINE).returncode == 0
    git(project, "switch", "-q", "main")  # a fix that picks cleanly, made on main
    (project / "SECURITY.txt").write_text("Report flaws to the maintainers.\n")
    git(project, "add", "SECURITY.txt")
    git(project, "commit", "-qm", "Security contact")
    clean = git(project, "rev-parse", "HEAD").strip()
    git(project, "switch", "-q", "hotfix/v1.2.1")
    again = run_cli("hotfix", "1.2.1", "--yes", "--pick", clean, cwd=project, env=OFFLINE)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "CHANGELOG.md conflicted" not in again.stdout + again.stderr
    status = json.loads(run_cli("status", "--json", cwd=project, env=OFFLINE).stdout)
    branch = next(s for s in status["steps"] if s["id"] == "hotfix-branch")
    assert fix not in (branch["evidence"] or {}).get("changelog_conflicts_resolved", [])


def test_status_says_a_stopped_pick_once_and_next_is_its_remedy(tmp_path: Path) -> None:
    """Walked: `status` printed the stopped pick's long sentence twice (as the failure and as a
    blocker) and ended "Next: hotfix-branch — `release-console run hotfix-branch`", a run that
    refuses while git is mid-pick."""
    project, _fix, stopped = stopped_on_code(tmp_path)
    assert stopped.returncode == 1
    status = run_cli("status", cwd=project, env=OFFLINE).stdout
    assert status.count("stopped on conflicts in: persistence/unlock.txt") == 1
    last = last_said(status)  # the last line, wrapped at the width
    assert " ".join(status.split()).endswith(last)
    assert last.startswith("Next: hotfix-branch — Resolve them in your editor")
    assert "release-console hotfix --continue" in last
