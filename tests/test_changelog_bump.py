"""The bump the [Unreleased] entries call for (PAI rules), and why."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from services import changelog
from tests.conftest import run_cli


def doc_with(unreleased: str, newest: str = "1.3.0") -> changelog.Changelog:
    text = (f"# Changelog\n\n## [Unreleased]\n{unreleased}\n"
            f"## [{newest}] - 2024-05-01\n### Fixed\n- Old fix.\n")
    return changelog.parse(text.encode(), "CHANGELOG.md")


@pytest.mark.parametrize(("entries", "bump", "next_version", "why"), [
    ("### Removed\n- The legacy backend.\n", "major", "2.0.0", "### Removed has 1 entry"),
    ("### Changed\n- **Breaking**: the config file moved.\n", "major", "2.0.0", "marked breaking"),
    ("### Changed\n- BREAKING: drop Python 3.8.\n", "major", "2.0.0", "marked breaking"),
    ("### Breaking Changes\n- New disk format.\n", "major", "2.0.0", "### Breaking Changes"),
    ("### Added\n- A flag.\n### Fixed\n- A crash.\n", "minor", "1.4.0", "### Added has 1 entry"),
    ("### Deprecated\n- The old flag.\n", "minor", "1.4.0", "### Deprecated"),
    ("### Fixed\n- A.\n- B.\n### Security\n- CVE.\n### Changed\n- Faster.\n", "patch", "1.3.1",
     "### Fixed has 2 entries"),
    ("### Fixed\n- Fix line breaking in long titles.\n", "patch", "1.3.1", "### Fixed"),
    ("### Performance\n- Faster start-up.\n", "minor", "1.4.0",
     "### Performance is not a Keep a Changelog category"),
    ("- An entry under no category.\n", "minor", "1.4.0", "under no category"),
])
def test_bump_rules(entries: str, bump: str, next_version: str, why: str) -> None:
    decision = changelog.compute_bump(doc_with(entries))
    assert decision.bump == bump
    assert decision.next_version == next_version
    assert any(why in reason for reason in decision.reasons), decision.reasons


def test_unknown_category_is_patch_when_the_policy_does_not_prefer_higher() -> None:
    decision = changelog.compute_bump(doc_with("### Performance\n- Faster.\n"),
                                      prefer_higher=False)
    assert decision.bump == "patch"


def test_breaking_before_one_zero_bumps_minor() -> None:
    decision = changelog.compute_bump(doc_with("### Removed\n- Old API.\n", newest="0.4.2"))
    assert (decision.bump, decision.next_version) == ("minor", "0.5.0")
    assert "before 1.0.0" in decision.reasons[-1]


def test_newest_heading_a_pre_release_is_finished_not_skipped() -> None:
    decision = changelog.compute_bump(doc_with("### Fixed\n- X.\n", newest="2.0.0-rc.1"))
    assert (decision.bump, decision.current, decision.next_version) == \
        ("patch", "2.0.0-rc.1", "2.0.0")
    assert "2.0.0-rc.1 is a pre-release of 2.0.0" in decision.reasons[-1]
    assert decision.render().endswith("Next version: 2.0.0 (from 2.0.0-rc.1).")
    # a bigger bump than the pre-release is on its way to still counts up
    minor = changelog.compute_bump(doc_with("### Added\n- Y.\n", newest="1.2.1-rc.1"))
    assert minor.next_version == "1.3.0"


def test_current_version_can_come_from_the_tags() -> None:
    decision = changelog.compute_bump(doc_with("### Fixed\n- X.\n"), current="1.3.4")
    assert decision.next_version == "1.3.5"


def test_empty_or_missing_unreleased_is_refused() -> None:
    with pytest.raises(changelog.ChangelogError, match="is empty"):
        changelog.compute_bump(doc_with("### Added\n\n### Fixed\n"))
    no_unreleased = changelog.parse(b"# Changelog\n\n## [1.0.0] - 2024-01-01\n- x\n", "C.md")
    with pytest.raises(changelog.ChangelogError, match=r"C\.md has no"):
        changelog.compute_bump(no_unreleased)


def test_bump_command(tmp_path: Path) -> None:
    target = tmp_path / "CHANGELOG.md"
    target.write_text("# Changelog\n\n## [Unreleased]\n### Removed\n- The v1 API.\n\n"
                      "## [1.3.0] - 2024-05-01\n- x\n")
    result = run_cli("changelog", "bump", "--file", str(target), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "major"
    assert "### Removed has 1 entry (major)" in result.stdout
    assert "Next version: 2.0.0 (from 1.3.0)." in result.stdout
    as_json = run_cli("changelog", "bump", "--json", "--file", str(target), cwd=tmp_path)
    assert json.loads(as_json.stdout) == {"bump": "major", "current": "1.3.0", "next": "2.0.0",
                                          "reasons": ["### Removed has 1 entry (major)"]}
