"""The changelog of release candidates: rc.1 moves [Unreleased] to the final [X.Y.Z]; a later rc
folds what landed in [Unreleased] since into that section under the same sub-headings."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from services import changelog, engine
from services.session_lifecycle import ReleaseRequest, start_release
from services.step_protocol import Context
from tests.conftest import commit_file, git

AFTER_RC1 = (
    "# Changelog\n\n## [Unreleased]\n\n### Fixed\n\n- Late fix.\n\n### Security\n\n- CVE patch.\n\n"
    "## [1.3.0] — 2026-11-01\n\n### Added\n\n- Flash app.\n\n### Fixed\n\n- Unlock.\n\n"
    "## [1.2.0] — 2026-10-02\n\n- ARM64.\n\n"
    "[Unreleased]: https://github.com/o/p/compare/v1.3.0-rc.1...HEAD\n"
    "[1.3.0]: https://github.com/o/p/compare/v1.2.0...v1.3.0\n"
    "[1.2.0]: https://github.com/o/p/releases/tag/v1.2.0\n"
)


def change(text: str, day: date = date(2026, 11, 20)) -> changelog.Change:
    doc = changelog.parse(text.encode(), "CHANGELOG.md")
    return changelog.rc_change(doc, "1.3.0", day, tag="v1.3.0", previous_tag="v1.2.0",
                               tag_format="v{version}")


def test_rc1_moves_unreleased_to_the_final_version() -> None:
    text = AFTER_RC1.split("## [1.3.0]")[0].replace("- Late fix.", "- Unlock.") + (
        "## [1.2.0] — 2026-10-02\n\n- ARM64.\n\n"
        "[Unreleased]: https://github.com/o/p/compare/v1.2.0...HEAD\n"
        "[1.2.0]: https://github.com/o/p/releases/tag/v1.2.0\n")
    result = change(text).text()
    assert "## [1.3.0] — 2026-11-20\n\n### Fixed\n\n- Unlock." in result
    assert "[Unreleased]" not in result
    assert "[1.3.0]: https://github.com/o/p/compare/v1.2.0...v1.3.0" in result


def test_a_later_rc_folds_new_entries_into_the_same_subsections() -> None:
    folded = change(AFTER_RC1)
    assert folded.facts["folded"] == 2
    assert folded.text() == (
        "# Changelog\n\n"
        "## [1.3.0] — 2026-11-20\n\n### Added\n\n- Flash app.\n\n### Fixed\n\n- Unlock.\n"
        "- Late fix.\n\n### Security\n\n- CVE patch.\n\n"
        "## [1.2.0] — 2026-10-02\n\n- ARM64.\n\n"
        "[1.3.0]: https://github.com/o/p/compare/v1.2.0...v1.3.0\n"
        "[1.2.0]: https://github.com/o/p/releases/tag/v1.2.0\n")
    assert "-## [Unreleased]" in folded.diff() and "+- Late fix." in folded.diff()


def test_nothing_new_changes_nothing_or_only_the_date() -> None:
    empty = AFTER_RC1.replace("### Fixed\n\n- Late fix.\n\n### Security\n\n- CVE patch.\n\n", "")
    assert not change(empty, date(2026, 11, 1)).changed
    redated = change(empty, date(2026, 11, 21))
    assert [e.new for e in redated.edits] == [("## [1.3.0] — 2026-11-21\n",)]


def test_the_changelog_step_of_rc2_folds_and_commits(repo_path: Path,
                                                     make_ctx: Callable[..., Context]) -> None:
    commit_file(repo_path, "CHANGELOG.md", AFTER_RC1.replace("## [1.2.0]", "## [0.1.0]")
                .replace("[1.2.0]: https://github.com/o/p/releases/tag/v1.2.0",
                         "[0.1.0]: https://github.com/o/p/releases/tag/v0.1.0")
                .replace("v1.2.0...v1.3.0", "v0.1.0...v1.3.0"))
    commit_file(repo_path, "MIGRATION.md", "# Migration\n\n## v0.1.0 -> v1.3.0\n\nNone.\n")
    git(repo_path, "tag", "v1.3.0-rc.1", "HEAD~2")
    ctx = make_ctx()
    session = start_release(ctx, ReleaseRequest(version="1.3.0", channel="rc"))
    assert (session.tag, session.version) == ("v1.3.0-rc.2", "1.3.0-rc.2")
    for step in ("preflight", "changelog"):
        engine.run_step(ctx, engine.find_step(ctx, step))
    text = (repo_path / "CHANGELOG.md").read_text()
    assert "## [Unreleased]" not in text and "- Unlock.\n- Late fix.\n" in text
    assert "[1.3.0]: https://github.com/o/p/compare/v0.1.0...v1.3.0" in text
    assert git(repo_path, "log", "-1", "--format=%s").strip() == "Release v1.3.0-rc.2: changelog"
    assert git(repo_path, "status", "--porcelain") == ""
