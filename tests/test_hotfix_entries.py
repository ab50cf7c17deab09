"""The hotfix's section going into the default branch's CHANGELOG at merge-back: what it shipped
leaves [Unreleased], so the next release does not announce the fix again."""

from __future__ import annotations

from services import changelog
from services.hotfix.entries import insert_release_section

MAIN = """# Changelog

## [Unreleased]

### Added

- Offline maps.

### Fixed

- Unlock no longer corrupts data.

## [1.3.0] - 2026-11-01

- First.

[Unreleased]: https://github.com/a/b/compare/v1.3.0...HEAD
[1.3.0]: https://github.com/a/b/releases/tag/v1.3.0
"""

HOTFIX = """# Changelog

## [Unreleased]

## [1.3.1] - 2026-11-20

### Fixed

- Unlock no longer corrupts data.

## [1.3.0] - 2026-11-01

- First.

[Unreleased]: https://github.com/a/b/compare/v1.3.1...HEAD
[1.3.1]: https://github.com/a/b/compare/v1.3.0...v1.3.1
[1.3.0]: https://github.com/a/b/releases/tag/v1.3.0
"""


def merged(main: str, hotfix: str = HOTFIX) -> str:
    change = insert_release_section(changelog.parse(main.encode(), "CHANGELOG.md"),
                                    changelog.parse(hotfix.encode(), "CHANGELOG.md"), "1.3.1")
    return change.text()


def test_the_fix_it_shipped_leaves_unreleased_with_its_empty_heading() -> None:
    """Walked by hand: a fix that brought its own entry to main was listed in [1.3.1] and still
    under main's [Unreleased], so the 1.4.0 notes announced it again."""
    text = merged(MAIN)
    assert text.startswith("# Changelog\n\n## [Unreleased]\n\n### Added\n\n- Offline maps.\n\n"
                           "## [1.3.1] - 2026-11-20\n\n### Fixed\n\n- Unlock no longer corrupts "
                           "data.\n\n## [1.3.0]")
    assert text.count("Unlock no longer corrupts data.") == 1
    assert "[1.3.1]: https://github.com/a/b/compare/v1.3.0...v1.3.1\n" in text


def test_other_entries_and_an_unreleased_left_empty_stay_well_formed() -> None:
    only_the_fix = MAIN.replace("### Added\n\n- Offline maps.\n\n", "")
    text = merged(only_the_fix)
    assert text.startswith("# Changelog\n\n## [Unreleased]\n\n## [1.3.1] - 2026-11-20\n\n")
    kept = MAIN.replace("- Unlock no longer corrupts data.\n",
                        "- Unlock no longer corrupts data.\n- Wi-Fi reconnects.\n")
    text = merged(kept)
    assert "### Fixed\n\n- Wi-Fi reconnects.\n\n## [1.3.1]" in text
    assert text.count("Unlock no longer corrupts data.") == 1


def test_unreleased_compares_from_the_hotfix_unless_main_has_a_newer_release() -> None:
    """merge-back keeps main's links: [Unreleased] compared from v1.3.0 after v1.3.1 went in
    (tests/test_merge_back.py walks it); a newer line's link (v1.4.0...HEAD) is right as it is."""
    from services.hotfix.entries import compare_from_the_hotfix

    text = compare_from_the_hotfix(changelog.parse(merged(MAIN).encode(), "CHANGELOG.md"),
                                   "v1.3.1", "v{version}").text()
    assert "[Unreleased]: https://github.com/a/b/compare/v1.3.1...HEAD\n" in text
    newer = MAIN.replace("v1.3.0...HEAD", "v1.4.0...HEAD").replace(
        "## [1.3.0]", "## [1.4.0] - 2026-11-15\n\n- Second.\n\n## [1.3.0]", 1)
    kept = compare_from_the_hotfix(changelog.parse(merged(newer).encode(), "CHANGELOG.md"),
                                   "v1.3.1", "v{version}")
    assert not kept.changed and "compare/v1.4.0...HEAD\n" in kept.text()
