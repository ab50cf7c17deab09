"""Bad input: one clear sentence naming the file, exit 1, and not one byte written."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_cli

GOOD = (
    "# Changelog\n\n## [Unreleased]\n### Added\n- A thing.\n\n"
    "## [1.3.0] - 2024-05-01\n### Fixed\n- A bug.\n\n"
    "[Unreleased]: https://github.com/o/r/compare/v1.3.0...HEAD\n"
    "[1.3.0]: https://github.com/o/r/compare/v1.2.0...v1.3.0\n"
)

CASES: dict[str, tuple[bytes, list[str], str]] = {
    # name: (file content, command after "changelog", words the message must contain)
    "no-unreleased": (GOOD.replace("## [Unreleased]\n### Added\n- A thing.\n\n", "").encode(),
                      ["move", "1.4.0"], "has no [Unreleased] section"),
    "empty-unreleased": (GOOD.replace("### Added\n- A thing.\n", "").encode(),
                         ["move", "1.4.0"], "is empty"),
    "empty-categories-only": (GOOD.replace("- A thing.\n", "### Fixed\n").encode(),
                              ["move", "1.4.0"], "is empty"),
    "version-present": (GOOD.encode(), ["move", "1.3.0"], "already has a section for 1.3.0"),
    "version-lower": (GOOD.encode(), ["move", "1.2.9"], "lower than 1.3.0"),
    "malformed-heading": (GOOD.replace("## [1.3.0] - 2024-05-01", "## [1.3] - 2024-05-01")
                          .encode(), ["move", "1.4.0"], "line 7"),
    "unclosed-bracket": (GOOD.replace("## [1.3.0] - 2024-05-01", "## [1.3.0 - 2024-05-01")
                         .encode(), ["move", "1.4.0"], "is not a version heading"),
    "malformed-footer": (GOOD.replace("[1.3.0]: https", "[1.3.0] https").encode(),
                         ["move", "1.4.0"], "is not a link definition"),
    "empty-footer-link": (GOOD.replace("[1.3.0]: https://github.com/o/r/compare/v1.2.0...v1.3.0",
                                       "[1.3.0]:").encode(), ["move", "1.4.0"],
                          "is not a link definition"),
    "duplicate-link": (GOOD.encode() + b"[1.3.0]: https://example.org/\n", ["move", "1.4.0"],
                       "two footer links"),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), ["move", "1.4.0"],
               "looks like a binary file"),
    "latin-1": (GOOD.replace("A thing", "Caf\u00e9").encode("latin-1"), ["move", "1.4.0"],
                "is not UTF-8"),
    "bad-version": (GOOD.encode(), ["move", "1.4"], "not a SemVer version"),
    "bad-date": (GOOD.encode(), ["move", "1.4.0", "--date", "01/06/2024"], "YYYY-MM-DD"),
    "yank-unknown": (GOOD.encode(), ["yank", "9.9.9", "--reason", "x", "--replacement", "9.9.10"],
                     "has no section for version 9.9.9"),
    "yank-no-reason": (GOOD.encode(), ["yank", "1.3.0", "--reason", "  ", "--replacement",
                                       "1.3.1"], "needs a one-line reason"),
    "reopen-open": (GOOD.encode(), ["reopen"], "already has an [Unreleased] section"),
    "section-unknown": (GOOD.encode(), ["section", "2.0.0"], "has no section for version 2.0.0"),
    "section-bad-version": (GOOD.encode(), ["section", "foo"], "'foo' is not a SemVer version"),
    "stale-version-link": (GOOD.replace("[1.3.0]: ", "[1.4.0]: https://github.com/o/r/compare/"
                                        "v1.3.0...v1.4.0\n[1.3.0]: ").encode(),
                           ["move", "1.4.0"], "already has a footer link [1.4.0] (line 12)"),
    "utf-16": (GOOD.encode("utf-16"), ["move", "1.4.0"], "is not UTF-8 text (it looks like UTF-16)"),
    "utf-16-no-bom": (GOOD.encode("utf-16-le"), ["section", "1.3.0"], "it looks like UTF-16"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_refusal_names_the_file_and_writes_nothing(case: str, tmp_path: Path) -> None:
    content, command, words = CASES[case]
    target = tmp_path / "CHANGES.md"
    target.write_bytes(content)
    before = target.stat().st_mtime_ns
    result = run_cli("changelog", *command, "--file", str(target), cwd=tmp_path)
    # a VERSION that is not one or names no section is a usage error (docs/cli.md's table)
    names_nothing = {"bad-version", "yank-unknown", "section-unknown", "section-bad-version"}
    assert result.returncode == (2 if case in names_nothing else 1), result.stderr
    message = result.stderr.strip()
    assert "Traceback" not in message
    assert message.startswith("error: ")
    assert words in message
    assert str(target) in message
    assert target.read_bytes() == content
    assert target.stat().st_mtime_ns == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["CHANGES.md"]  # no temp files left


def test_missing_file(tmp_path: Path) -> None:
    result = run_cli("changelog", "move", "1.0.0", "--file", "nope.md", cwd=tmp_path)
    assert result.returncode == 1
    assert "nope.md does not exist" in result.stderr
    assert not (tmp_path / "nope.md").exists()


def test_directory_instead_of_file(tmp_path: Path) -> None:
    result = run_cli("changelog", "section", "1.0.0", "--file", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 1
    assert "is not a regular file" in result.stderr


def test_read_only_file(tmp_path: Path) -> None:
    target = tmp_path / "CHANGELOG.md"
    target.write_text(GOOD)
    target.chmod(0o444)
    result = run_cli("changelog", "move", "1.4.0", "--file", str(target), cwd=tmp_path)
    assert result.returncode == 1
    assert f"{target} is read-only" in result.stderr
    assert target.read_text() == GOOD
    # a dry run still works on a read-only file
    dry = run_cli("changelog", "move", "1.4.0", "--file", str(target), "--dry-run", cwd=tmp_path)
    assert dry.returncode == 0 and "+## [1.4.0]" in dry.stdout


def test_without_file_outside_a_repository(tmp_path: Path) -> None:
    result = run_cli("changelog", "bump", cwd=tmp_path)
    assert result.returncode == 1
    assert "is not a git repository" in result.stderr
