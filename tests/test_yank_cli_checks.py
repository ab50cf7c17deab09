"""`release-console yank` has the wizard's checks (a replacement that parses, newer unless
--allow-older) and --json / --dry-run output that says what GitHub will show before it does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.github_helpers import (
    REPO,
    Sandbox,
    cli_env,
    git,
    release_json,
    sandbox,  # noqa: F401 - fixture
    write_policy,
)

CHANGELOG = ("# Changelog\n\n## [Unreleased]\n\n## [0.2.0] — 2026-11-21\n\n### Added\n\n"
             "- Unlock.\n\n## [0.1.0] — 2026-10-01\n\n- First.\n")


@pytest.fixture
def project(repo_path: Path, sandbox: Sandbox) -> Path:  # noqa: F811
    (repo_path / "CHANGELOG.md").write_text(CHANGELOG)
    git(repo_path, "add", "CHANGELOG.md")
    git(repo_path, "commit", "-q", "-m", "changelog")
    write_policy(repo_path, sandbox.api_url)
    gh = sandbox.github().get_repo(REPO)
    gh.create_git_release("v0.1.0", "PAI v0.1.0", "- First.\n", draft=False)
    gh.create_git_release("v0.2.0", "PAI v0.2.0", "- Unlock.\n", draft=False)
    return repo_path


def yank(project: Path, *extra: str, replacement: str = "0.2.1") -> tuple[int, str, str]:
    result = run_cli("yank", "0.2.0", "--reason", "Unlock corrupts data", "--replacement",
                     replacement, *extra, cwd=project, env=cli_env())
    assert "Traceback" not in result.stderr
    return result.returncode, result.stdout, result.stderr


def untouched(project: Path, sandbox: Sandbox) -> None:  # noqa: F811
    assert (project / "CHANGELOG.md").read_text() == CHANGELOG
    assert git(project, "log", "-1", "--format=%s").strip() == "Add release policy"
    assert not (project / ".release" / "v0.2.0").exists()
    assert release_json(sandbox, "v0.2.0")["prerelease"] is False


def test_dry_run_json_says_what_github_will_show_and_changes_nothing(
        project: Path, sandbox: Sandbox) -> None:  # noqa: F811
    code, out, _ = yank(project, "--dry-run", "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["tag"] == "v0.2.0" and doc["replacement_tag"] == "v0.2.1" and doc["dry_run"]
    assert doc["github"]["latest_before"] == "v0.2.0"
    assert doc["github"]["latest_after"] == "v0.1.0"
    assert doc["github"]["banner"].startswith("> **⚠️ YANKED** — Unlock corrupts data")
    assert "+**This release has been yanked.**" in doc["changelog_diff"]
    untouched(project, sandbox)


def test_json_with_yes_yanks_and_reports(project: Path, sandbox: Sandbox) -> None:  # noqa: F811
    code, out, _ = yank(project, "--json", "--yes")
    assert code == 0
    doc = json.loads(out)
    assert doc["dry_run"] is False and doc["github_result"]["prerelease"] is True
    assert doc["github_result"]["latest_after"] == "v0.1.0"
    assert release_json(sandbox, "v0.2.0")["prerelease"] is True
    assert "— YANKED" in git(project, "show", "HEAD:CHANGELOG.md")


def test_json_without_yes_or_dry_run_is_a_usage_error(project: Path,
                                                       sandbox: Sandbox) -> None:  # noqa: F811
    code, out, _ = yank(project, "--json")  # refused in the one JSON document (docs/cli.md)
    refused = json.loads(out)
    assert code == 2 and refused["ok"] is False
    assert "yank --json cannot ask for confirmation" in refused["error"]["message"]
    untouched(project, sandbox)


def test_a_replacement_that_does_not_parse_is_refused(project: Path,
                                                      sandbox: Sandbox) -> None:  # noqa: F811
    code, _, err = yank(project, "--yes", replacement="soon")
    assert code == 2  # a malformed value, as docs/cli.md's table says (it was 1)
    assert "The replacement 'soon' is not a version (MAJOR.MINOR.PATCH" in err
    untouched(project, sandbox)


def test_an_older_replacement_needs_allow_older(project: Path,
                                                sandbox: Sandbox) -> None:  # noqa: F811
    code, _, err = yank(project, "--yes", replacement="0.1.0")
    assert code == 1 and "The replacement 0.1.0 is older than 0.2.0" in err
    assert "--allow-older" in err
    untouched(project, sandbox)
    code, _, _ = yank(project, "--yes", "--allow-older", replacement="0.1.0")
    assert code == 0
    assert release_json(sandbox, "v0.2.0")["body"].startswith(
        "> **⚠️ YANKED** — Unlock corrupts data\n> Use **v0.1.0** instead.")
    # the note said users "should upgrade to 0.1.0", an older release
    assert ("**This release has been yanked.** Reason: Unlock corrupts data. Users on this "
            "version should downgrade to 0.1.0 immediately. See [MIGRATION.md](./MIGRATION.md)."
            ) in git(project, "show", "HEAD:CHANGELOG.md")


def test_a_newer_replacement_keeps_the_upgrade_note(project: Path,
                                                     sandbox: Sandbox) -> None:  # noqa: F811
    code, _, _ = yank(project, "--yes")
    assert code == 0
    assert ("**This release has been yanked.** Reason: Unlock corrupts data. Users on this "
            "version should upgrade to 0.2.1 immediately. See [MIGRATION.md](./MIGRATION.md)."
            ) in git(project, "show", "HEAD:CHANGELOG.md")


def test_a_version_never_published_is_named_before_the_replacement_is_judged(
        project: Path, sandbox: Sandbox) -> None:  # noqa: F811
    """Walked by hand: `yank 9.9.9 --replacement 1.3.1` said the replacement is older and to
    pass --allow-older; followed literally, the next run said 9.9.9 was never published."""
    result = run_cli("yank", "9.9.9", "--reason", "typo", "--replacement", "0.2.1", "--yes",
                     cwd=project, env=cli_env())
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "has no published release v9.9.9 on GitHub" in result.stderr
    assert "--allow-older" not in result.stderr and "older than" not in result.stderr
    untouched(project, sandbox)


def test_a_downgrade_to_a_version_never_released_is_refused(
        project: Path, sandbox: Sandbox) -> None:  # noqa: F811
    """--allow-older says users should go back to an older release: one that never existed
    (0.1.5: no tag, nothing on GitHub) would send them to nothing."""
    code, _, err = yank(project, "--yes", "--allow-older", replacement="0.1.5")
    assert code == 1
    assert "Users cannot go back to v0.1.5: it was never released" in err
    untouched(project, sandbox)


def test_a_replacement_not_released_yet_is_said_and_a_far_one_looks_like_a_typo(
        project: Path, sandbox: Sandbox) -> None:  # noqa: F811
    code, out, _ = yank(project, "--dry-run")
    assert code == 0
    assert "Note: v0.2.1 is not released yet: release it next." in out
    assert "typo" not in out
    code, out, _ = yank(project, "--dry-run", replacement="9.9.9")
    assert code == 0
    assert "v9.9.9 is not released yet, nor a next version (0.2.1, 0.3.0, 1.0.0)" in out
    untouched(project, sandbox)


def test_a_replacement_that_is_yanked_itself_is_refused(
        project: Path, sandbox: Sandbox) -> None:  # noqa: F811
    """Walked by hand: yanking v1.3.1 with "downgrade to 1.3.0" was accepted, though v1.3.0 was
    the release yanked for corrupting data: the banner sent users back to it."""
    from services.github.yank import banner

    older = sandbox.github().get_repo(REPO).get_release("v0.1.0")
    older.update_release(name=older.name, prerelease=True,
                         message=banner("Bricks the stick", "v0.2.0") + "- First.\n")
    code, _, err = yank(project, "--yes", "--allow-older", replacement="0.1.0")
    assert code == 1
    assert "v0.1.0 is yanked itself, so users cannot be sent to it" in err
    untouched(project, sandbox)
