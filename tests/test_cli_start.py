"""Starting a release from the command line, and every way it is refused without changes."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest

from console.cli import COMMAND_MODULES, build_parser
from tests.conftest import commit_file, git, last_said, run_cli


def release_dir(repo: Path) -> Path:
    return repo / ".release"


def test_start_creates_session_and_excludes_it(repo_path: Path) -> None:
    result = run_cli("start", "v0.2.0", cwd=repo_path)
    assert result.returncode == 0, result.stderr
    assert "Started release v0.2.0" in result.stdout
    session = json.loads((release_dir(repo_path) / "v0.2.0" / "session.json").read_text())
    assert session["previous_tag"] == "v0.1.0" and session["kind"] == "release"
    assert ".release/" in (repo_path / ".git" / "info" / "exclude").read_text()
    assert git(repo_path, "status", "--porcelain") == ""
    assert not (repo_path / ".gitignore").exists()


def test_start_with_bump(repo_path: Path) -> None:
    assert run_cli("start", "--bump", "minor", cwd=repo_path).returncode == 0
    assert (release_dir(repo_path) / "v0.2.0" / "session.json").exists()


def test_rc_channel_numbers_candidates(repo_path: Path) -> None:
    git(repo_path, "tag", "v0.2.0-rc.1")
    result = run_cli("start", "0.2.0", "--channel", "rc", cwd=repo_path)
    assert result.returncode == 0, result.stderr
    session = json.loads((release_dir(repo_path) / "v0.2.0-rc.2" / "session.json").read_text())
    assert session["version"] == "0.2.0-rc.2" and session["kind"] == "rc"


@pytest.mark.parametrize(("args", "message", "code"), [
    (["start", "1.2"], "'1.2' is not a SemVer version", 2),  # malformed: docs/cli.md's 2
    (["start", "0.1.0"], "Version 0.1.0 is not greater than the last release v0.1.0", 1),
    (["start", "0.0.9"], "is not greater than the last release", 1),
    (["start", "0.2.0", "--channel", "nightly"], "Unknown channel 'nightly'", 2),
    (["start"], "Give either a version or a bump", 2),
    (["start", "0.2.0", "--bump", "minor"], "not both", 2),
])
def test_bad_versions_are_refused_and_nothing_is_written(repo_path: Path, args: list[str],
                                                         message: str, code: int) -> None:
    result = run_cli(*args, cwd=repo_path)
    assert result.returncode == code
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert not release_dir(repo_path).exists()


def test_dirty_tree_is_refused(repo_path: Path) -> None:
    (repo_path / "notes.txt").write_text("wip\n")
    result = run_cli("start", "0.2.0", cwd=repo_path)
    assert result.returncode == 1
    assert "uncommitted changes (notes.txt)" in result.stderr
    assert not release_dir(repo_path).exists()


def test_not_a_git_repository(tmp_path: Path) -> None:
    result = run_cli("status", cwd=tmp_path)
    assert result.returncode == 1
    assert f"{tmp_path} is not a git repository" in result.stderr


def test_repository_with_no_commits(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    result = run_cli("start", "1.0.0", cwd=tmp_path)
    assert result.returncode == 1
    assert "has no commits yet" in result.stderr
    assert not release_dir(tmp_path).exists()


def test_second_release_names_the_one_in_progress(repo_path: Path) -> None:
    assert run_cli("start", "0.2.0", cwd=repo_path).returncode == 0
    before = (release_dir(repo_path) / "v0.2.0" / "session.json").read_bytes()
    result = run_cli("start", "0.3.0", cwd=repo_path)
    assert result.returncode == 1
    assert "A release session for v0.2.0 is already in progress" in result.stderr
    assert not (release_dir(repo_path) / "v0.3.0").exists()
    assert (release_dir(repo_path) / "v0.2.0" / "session.json").read_bytes() == before
    # Walked by hand: the remedy named `release-console abandon v0.2.0`, which argparse refuses
    # (exit 2, --reason is required). The command it names runs as it is written.
    named = re.search(r"`release-console (abandon [^`]*)`", result.stderr)
    assert named, result.stderr
    abandoned = run_cli(*shlex.split(named.group(1)), cwd=repo_path)
    assert abandoned.returncode == 0, abandoned.stderr
    assert run_cli("start", "0.3.0", cwd=repo_path).returncode == 0


def test_abandon_then_start_another(repo_path: Path) -> None:
    assert run_cli("start", "0.2.0", cwd=repo_path).returncode == 0
    assert run_cli("abandon", "v0.2.0", "--reason", "wrong", cwd=repo_path).returncode == 0
    assert run_cli("start", "0.3.0", cwd=repo_path).returncode == 0


def test_abandon_of_a_session_not_in_progress_names_the_one_that_is(repo_path: Path) -> None:
    """Walked by hand: `abandon 1.5.0` (the version for the tag) said "Start one with
    `release-console start VERSION`", and a finished tag said only that it was finished."""
    assert run_cli("start", "0.2.0", cwd=repo_path).returncode == 0
    for word in ("0.2.0", "v0.9.0"):
        refused = run_cli("abandon", word, "--reason", "wrong", cwd=repo_path)
        said = " ".join(refused.stderr.split())
        assert refused.returncode == 2 and "Traceback" not in said  # a TAG naming nothing
        assert f"There is no release session for {word} here; the release in progress is " \
            "v0.2.0 (`release-console abandon v0.2.0 --reason \"...\"`)." in said
        assert "start" not in said
    assert run_cli("abandon", "v0.2.0", "--reason", "wrong", cwd=repo_path).returncode == 0
    again = run_cli("abandon", "v0.2.0", "--reason", "wrong", cwd=repo_path)
    assert again.returncode == 1
    assert ("The session for v0.2.0 is abandoned, not in progress, and there is no release in "
            "progress to abandon.") in " ".join(again.stderr.split())


def test_an_abandoned_version_starts_again_and_its_record_is_kept(repo_path: Path) -> None:
    """Walked by hand: after `abandon v0.2.0`, `start 0.2.0` was refused for good ("pick another
    version or move that directory aside"); a hotfix has no other version to pick."""
    from services.journal import Journal

    for attempt in (1, 2):
        assert run_cli("start", "0.2.0", cwd=repo_path).returncode == 0
        assert run_cli("abandon", "v0.2.0", "--reason", f"try {attempt}",
                       cwd=repo_path).returncode == 0
    again = run_cli("start", "0.2.0", cwd=repo_path)
    assert again.returncode == 0, again.stderr
    assert "The abandoned attempt at v0.2.0 is kept, as it was, in .release/abandoned/v0.2.0-2/" \
        in " ".join(again.stdout.split())  # wrapped at 80 columns
    for attempt in (1, 2):  # each attempt's record whole: its session and an intact journal
        kept = release_dir(repo_path) / "abandoned" / f"v0.2.0-{attempt}"
        session = json.loads((kept / "session.json").read_text())
        assert session["state"] == "abandoned"
        assert Journal(kept / "journal.jsonl").verify(
            expected_head=session["journal"]["head"],
            expected_count=session["journal"]["count"]) == []
    status = run_cli("status", cwd=repo_path).stdout
    assert "v0.2.0" in status and "preflight" in status
    assert run_cli("journal", "verify", cwd=repo_path).returncode == 0


def test_usage_errors_exit_2(repo_path: Path) -> None:
    result = run_cli("frobnicate", cwd=repo_path)
    assert result.returncode == 2
    assert run_cli("run", cwd=repo_path).returncode == 2


def test_version_flag(repo_path: Path) -> None:
    result = run_cli("--version", cwd=repo_path)
    assert result.returncode == 0 and result.stdout.startswith("release-console ")


def test_every_command_has_help() -> None:
    parser = build_parser()
    subparsers = next(a for a in parser._actions if a.dest == "command")
    assert subparsers.choices is not None
    names = sorted(subparsers.choices)
    assert {"status", "start", "run", "next", "journal", "skip"} <= set(names)
    assert len(COMMAND_MODULES) >= 5
    for name in names:
        with pytest.raises(SystemExit) as info:
            parser.parse_args([name, "--help"])
        assert info.value.code == 0


def test_hotfix_is_a_patch_of_a_shipped_release_even_after_a_newer_minor(repo_path: Path) -> None:
    git(repo_path, "tag", "v0.2.0")
    refused = run_cli("start", "0.1.2", "--kind", "hotfix", cwd=repo_path)
    assert refused.returncode == 1 and "not the next patch of a shipped release" in refused.stderr
    result = run_cli("start", "0.1.1", "--kind", "hotfix", cwd=repo_path)
    assert result.returncode == 0, result.stderr
    status = run_cli("status", cwd=repo_path)
    assert "hotfix-branch" in status.stdout


def test_linked_worktree_keeps_its_tree_clean(repo_path: Path, tmp_path: Path) -> None:
    worktree = tmp_path / "wt"
    git(repo_path, "worktree", "add", "-q", str(worktree), "-b", "rel")
    (worktree / "release.toml").write_text('[project]\ndefault_branch = "rel"\n')
    git(worktree, "add", "release.toml")
    git(worktree, "commit", "-q", "-m", "policy")
    assert run_cli("start", "0.2.0", cwd=worktree).returncode == 0
    assert git(worktree, "status", "--porcelain") == ""
    assert run_cli("run", "preflight", cwd=worktree).returncode == 0


def test_tag_format_with_a_slash_keeps_one_session(repo_path: Path) -> None:
    (repo_path / "release.toml").write_text('[versioning]\ntag = "release/{version}"\n')
    git(repo_path, "add", "release.toml")
    git(repo_path, "commit", "-q", "-m", "policy")
    assert run_cli("start", "0.2.0", cwd=repo_path).returncode == 0
    status = run_cli("status", cwd=repo_path)
    assert "release/0.2.0" in status.stdout
    second = run_cli("start", "0.3.0", cwd=repo_path)
    assert second.returncode == 1 and "release/0.2.0 is already in progress" in second.stderr
    assert [p.name for p in (repo_path / ".release").iterdir()] == ["release%2F0.2.0"]


def test_a_bump_with_no_release_tag_yet_asks_for_the_first_version(repo_path: Path) -> None:
    """Found by a helper cutting the console's own first release: `start --bump patch` with no
    tag started v0.0.1 silently, while pyproject.toml and MIGRATION.md said 0.1.0."""
    git(repo_path, "tag", "-d", "v0.1.0")
    result = run_cli("start", "--bump", "patch", cwd=repo_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "There is no release tag yet (v{version}), so there is nothing to bump patch." in \
        result.stderr
    assert "`release-console start 0.1.0`" in result.stderr
    assert not release_dir(repo_path).exists()
    assert run_cli("start", "0.1.0", cwd=repo_path).returncode == 0


def test_pre_flight_names_a_pinned_public_key_that_is_not_committed(repo_path: Path) -> None:
    """Found the same way: the console's own release.toml pins minisign.pub, which was not in
    the repository; nothing said so until the sign step, after build, smoke and checksums."""
    git(repo_path, "rm", "-q", "minisign.pub")
    git(repo_path, "commit", "-q", "-m", "No key")
    assert run_cli("start", "0.2.0", cwd=repo_path).returncode == 0
    status = " ".join(run_cli("status", cwd=repo_path).stdout.split())  # wrapped at 80
    assert ("The pinned public key minisign.pub ([signing] public_key in the default policy) "
            "does not exist; the sign step checks every signature against it.") in status


@pytest.mark.parametrize(("args", "version"), [
    (["start", "0.2.0-rc"], "0.2.0-rc"),
    (["start", "0.2.0-rc.1"], "0.2.0-rc.1"),
    (["start", "v0.2.0-beta.2", "--channel", "stable"], "0.2.0-beta.2"),
])
def test_a_pre_release_version_on_the_stable_channel_is_refused(
        repo_path: Path, args: list[str], version: str) -> None:
    """Found walking the clear-errors standard: `start 1.3.0-rc` started a stable release of a
    pre-release version, published later as the latest release."""
    result = run_cli(*args, cwd=repo_path)
    assert result.returncode == 1
    assert result.stderr == (
        f"error: {version} is a pre-release version, and the stable channel releases final "
        "versions only. To start a candidate, give the final version on the rc channel, "
        "`release-console start 0.2.0 --channel rc`: it numbers them 0.2.0-rc.1, 0.2.0-rc.2, "
        "…\n")
    assert not release_dir(repo_path).exists()
    assert git(repo_path, "status", "--porcelain", "--ignored") == ""


def test_the_rc_channel_takes_its_own_numbering_and_refuses_another(repo_path: Path) -> None:
    refused = run_cli("start", "0.2.0-rc", "--channel", "rc", cwd=repo_path)
    assert refused.returncode == 1
    assert refused.stderr.startswith("error: 0.2.0-rc is a pre-release version, and the rc "
                                     "channel numbers its candidates itself. To start a "
                                     "candidate, give the final version on the rc channel, "
                                     "`release-console start 0.2.0 --channel rc`")
    assert not release_dir(repo_path).exists()
    started = run_cli("start", "0.2.0-rc.1", "--channel", "rc", cwd=repo_path)
    assert started.returncode == 0, started.stderr
    assert "Started rc v0.2.0-rc.1 (version 0.2.0-rc.1, channel rc)" in started.stdout


ADDED = "# Changelog\n\n## [Unreleased]\n\n### Added\n- Resume an interrupted upload.\n"


@pytest.mark.parametrize(("version", "note"), [
    ("0.3.0", "0.3.0 is a larger step, taken as you asked."),
    ("0.1.1", "0.1.1 is a smaller step, and the changelog step will stop on it"),
    ("0.2.0", ""),
])
def test_a_version_other_than_the_entries_call_for_starts_with_one_note(
        repo_path: Path, version: str, note: str) -> None:
    """Walked by hand: `start 1.4.0` with [Unreleased] entries calling for 1.3.0 was taken
    without a word. It may be deliberate, so it starts; the captain is told, once."""
    commit_file(repo_path, "CHANGELOG.md", ADDED)
    result = run_cli("start", version, cwd=repo_path)
    assert result.returncode == 0, result.stderr
    assert f"Started release v{version}" in result.stdout
    notes = [line for line in result.stdout.splitlines() if line.startswith("Note:")]
    if note:
        assert len(notes) == 1 and notes[0].startswith(
            "Note: the [Unreleased] entries call for 0.2.0 (a minor release")
        assert note in last_said(result.stdout, "Note: ")  # wrapped at 80 columns
    else:
        assert notes == []


def test_with_no_release_tag_status_suggests_the_first_version(repo_path: Path) -> None:
    """Walked by hand: status on a project with no release tag suggested `start --bump ...`,
    which is then refused (nothing to bump from). It names `start VERSION` only, which works."""
    git(repo_path, "tag", "-d", "v0.1.0")
    status = run_cli("status", cwd=repo_path)
    assert status.returncode == 0
    assert "--bump" not in status.stdout
    assert "Start the first release with `release-console start VERSION` (there is no release " \
        "tag like vX.Y.Z yet to bump from)." in " ".join(status.stdout.split())
    assert "--bump" not in run_cli("checklist", "show", cwd=repo_path).stderr
    assert run_cli("start", "0.1.0", cwd=repo_path).returncode == 0


def test_with_a_release_tag_status_still_suggests_a_bump(repo_path: Path) -> None:
    status = run_cli("status", cwd=repo_path)
    assert "`release-console start --bump patch|minor|major`" in status.stdout  # kept whole
