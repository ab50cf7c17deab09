"""Real changelogs with irregular old sections are still released (issue #9, item 7).

Only what makes *this* release wrong is refused (the [Unreleased] section, the new version, the
footer lines the move edits); a placeholder date or a version heading written twice far below is
reported as a warning and left byte for byte as it was.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_cli

HISTORY = (
    "# Changelog\n\n## [Unreleased]\n### Added\n- A thing.\n\n"
    "## [1.3.0] - 2024-05-01\n### Fixed\n- A bug.\n\n"
    "## [1.2.0] - 0000-00-00\n### Added\n- Dated later, never.\n\n"
    "## [1.1.0] - 2023-01-01\n- First.\n\n"
    "## [1.1.0] - 2023-01-01\n- First, pasted twice.\n\n"
    "[Unreleased]: https://github.com/o/r/compare/v1.3.0...HEAD\n"
    "[1.3.0]: https://github.com/o/r/compare/v1.2.0...v1.3.0\n"
)
OLD = HISTORY[HISTORY.index("## [1.3.0]"):HISTORY.index("[Unreleased]: ")]


@pytest.mark.parametrize(("content", "warning"), [
    (HISTORY, "'0000-00-00' in '## [1.2.0] - 0000-00-00' is not a real date; the line was left"),
    (HISTORY, "has two headings for version 1.1.0 (lines 15 and 18) in its history; they were "
              "left as they are"),
])
def test_old_irregularities_are_warnings_and_left_untouched(tmp_path: Path, content: str,
                                                            warning: str) -> None:
    target = tmp_path / "CHANGELOG.md"
    target.write_text(content)
    result = run_cli("changelog", "move", "1.4.0", "--date", "2024-06-01", "--file",
                     str(target), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert warning in result.stdout + result.stderr
    moved = target.read_text()
    assert "## [1.4.0] - 2024-06-01\n### Added\n- A thing." in moved
    assert "[1.4.0]: https://github.com/o/r/compare/v1.3.0...v1.4.0" in moved
    assert OLD in moved  # every old line byte for byte


def test_the_new_version_or_unreleased_twice_is_still_refused(tmp_path: Path) -> None:
    target = tmp_path / "CHANGELOG.md"
    target.write_text(HISTORY.replace("## [1.1.0] - 2023-01-01\n- First.\n",
                                      "## [Unreleased]\n- Again.\n"))
    before = target.read_bytes()
    result = run_cli("changelog", "move", "1.4.0", "--file", str(target), cwd=tmp_path)
    assert result.returncode == 1 and "two headings for [Unreleased]" in result.stderr
    result = run_cli("changelog", "move", "1.1.0", "--file", str(target), cwd=tmp_path)
    assert result.returncode == 1
    assert target.read_bytes() == before
