"""The one git runner: every git command goes through ``Repository``, and a failure keeps git's
own ``fatal:``/``error:`` lines in the console's error."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.changelog import unreleased_from_history
from services.repo import GitFailed, RepoError, Repository
from tests.conftest import commit_file, git, run_cli


def test_a_failing_git_command_keeps_its_fatal_line(repo_path: Path) -> None:
    repo = Repository(repo_path)
    with pytest.raises(GitFailed) as caught:
        repo.git("rev-parse", "--verify", "refs/tags/v9.9.9")
    assert caught.value.message.startswith("git rev-parse --verify refs/tags/v9.9.9 failed: fatal:")
    assert caught.value.reason.startswith("fatal:")
    assert isinstance(caught.value, RepoError)  # callers catching RepoError still do


def test_error_lines_are_kept_even_when_git_ends_with_another_line(repo_path: Path) -> None:
    hook = repo_path / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'error: the style check fails' >&2\necho 'see the docs' >&2\n"
                    "exit 1\n")
    hook.chmod(0o755)
    (repo_path / "README.md").write_text("# Changed\n")
    repo = Repository(repo_path)
    with pytest.raises(GitFailed) as caught:
        repo.git("commit", "-q", "-m", "x", "--", "README.md")
    assert caught.value.reason == "error: the style check fails"
    assert "see the docs" in caught.value.output


def test_environment_reaches_git_and_its_children(repo_path: Path) -> None:
    repo = Repository(repo_path)
    # GIT_AUTHOR_NAME set only for this command shows in the commit it makes.
    (repo_path / "README.md").write_text("# Changed\n")
    repo.git("commit", "-q", "-m", "by env", "--", "README.md",
             env={"GIT_AUTHOR_NAME": "Env Author"})
    assert git(repo_path, "log", "-1", "--format=%an").strip() == "Env Author"


def test_show_returns_committed_bytes_exactly(repo_path: Path) -> None:
    data = bytes(range(256)) * 4
    (repo_path / "blob.bin").write_bytes(data)
    git(repo_path, "add", "blob.bin")
    git(repo_path, "commit", "-q", "-m", "binary")
    repo = Repository(repo_path)
    assert repo.show("HEAD", "blob.bin") == data
    assert repo.head_file("blob.bin") == data
    assert repo.show("HEAD~1", "blob.bin") is None
    assert repo.head_message() == "binary\n"


def test_around_finds_the_work_tree_or_none(repo_path: Path, tmp_path: Path) -> None:
    (repo_path / "docs").mkdir()
    found = Repository.around(repo_path / "docs" / "CHANGELOG.md")
    assert found is not None and found.root == repo_path
    outside = tmp_path / "loose"
    outside.mkdir()
    assert Repository.around(outside / "CHANGELOG.md") is None


def test_changelog_history_is_read_from_a_subfolder(repo_path: Path) -> None:
    commit_file(repo_path, "docs/CHANGELOG.md",
                "# Changelog\n\n## [unreleased]\n\n## [0.1.0] - 2026-01-01\n\n- First.\n\n"
                "[unreleased]: https://example.org/compare/v0.1.0...main\n"
                "[0.1.0]: https://example.org/releases/tag/v0.1.0\n")
    facts = unreleased_from_history(repo_path / "docs" / "CHANGELOG.md")
    assert facts["unreleased_heading"] == "## [unreleased]"
    assert facts["unreleased_url"] == "https://example.org/compare/v0.1.0...main"
    assert unreleased_from_history(repo_path.parent / "nowhere" / "CHANGELOG.md") == {}


def test_not_a_repository_is_one_sentence_not_a_traceback(tmp_path: Path) -> None:
    proc = run_cli("status", cwd=tmp_path)
    assert proc.returncode != 0
    assert "is not a git repository" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_repository_git_cannot_open_says_gits_reason_and_what_to_run(tmp_path: Path) -> None:
    """Not "not a git repository" for every refusal: git names what is wrong (here a broken
    .git file; on a shared machine, "detected dubious ownership")."""
    (tmp_path / ".git").write_text("garbage\n")
    proc = run_cli("status", cwd=tmp_path)
    assert proc.returncode == 1
    assert f"git cannot open {tmp_path}: fatal: invalid gitfile format" in proc.stderr
    assert f"Run `git -C {tmp_path} status` to read git's whole message" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_git_is_reached_only_through_repository() -> None:
    """No service starts git itself: GitPython is imported by services/repo.py alone, only
    services/tools.py (gpg, minisign, ssh-keygen) runs subprocesses, and only services/repo.py
    runs git through it."""
    import re

    root = Path(__file__).resolve().parent.parent / "services"
    offenders = []
    for path in sorted(root.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(root.parent).as_posix()
        if rel != "services/repo.py" and re.search(r"^\s*(import git\b|from git\b)", text, re.M):
            offenders.append(f"{rel} imports GitPython")
        if rel != "services/tools.py" and re.search(r"^\s*import subprocess\b", text, re.M):
            offenders.append(f"{rel} imports subprocess")
        if rel != "services/repo.py" and re.search(r"tools\.run\(\s*\"git\"", text):
            offenders.append(f"{rel} runs git through tools.run")
        if rel != "services/repo.py" and re.search(r"\.repo\.repo\b", text):
            offenders.append(f"{rel} reaches into GitPython objects")
    assert offenders == []


def test_gitpython_is_imported_only_when_a_repository_is_opened(tmp_path: Path) -> None:
    from tests.test_layering import imported_after

    loaded = imported_after("import services.repo, services.changelog, services.migration")
    assert "git" not in loaded
    changelog = tmp_path / "CHANGELOG.md"
    changelog.write_text("# Changelog\n\n## [Unreleased]\n\n- Added a thing.\n")
    loaded = imported_after("from console.cli import main\n"
                            f"rc = main(['changelog', 'section', 'unreleased', '--file', "
                            f"{str(changelog)!r}])\nassert rc == 0, rc\n")
    assert "git" not in loaded


def test_status_asks_git_for_the_tags_once(repo_path: Path, tmp_path: Path) -> None:
    """`status` with a release in progress ran `git for-each-ref refs/tags` twice: pre-flight's
    version check and again for its version references' plan; the check passes its tags on
    (``GIT_TRACE`` lists every git command run, as a captain timing it would see)."""
    assert run_cli("start", "0.2.0", cwd=repo_path).returncode == 0
    trace = tmp_path / "git-trace.log"
    shown = run_cli("status", cwd=repo_path, env={"GIT_TRACE": str(trace)})
    assert shown.returncode == 0, shown.stderr
    assert "preflight" in shown.stdout
    ran = [line for line in trace.read_text().splitlines() if "trace: built-in: git " in line]
    assert sum("for-each-ref" in line and "refs/tags" in line for line in ran) == 1, ran
