"""A 1 MB changelog is moved correctly through the real command line.

Its speed (linear in the file's size) is measured by ``benchmarks/changelog_move.py``, not asserted
here: timed assertions fail on a loaded machine and prove nothing on a fast one.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_cli


def big_changelog(target: int) -> bytes:
    lines = ["# Changelog", "", "## [Unreleased]", "### Added", "- Something new.", ""]
    links: list[str] = []
    n = 0
    size = 0
    while size < target:
        version, previous = f"{9999 - n}.0.0", f"{9998 - n}.0.0"
        block = [f"## [{version}] - 2020-01-01", "### Fixed",
                 *(f"- Fix {i} in the reader, the writer and the docs (#{n}{i}) — ünïcode."
                   for i in range(5)), ""]
        lines += block
        links.append(f"[{version}]: https://gitlab.com/acme/big/-/compare/v{previous}...v{version}")
        size += sum(len(x.encode()) + 1 for x in block) + len(links[-1]) + 1
        n += 1
    unreleased = "[Unreleased]: https://gitlab.com/acme/big/-/compare/v9999.0.0...HEAD"
    return ("\n".join([*lines, unreleased, *links]) + "\n").encode()


def test_one_megabyte_changelog_moves_correctly(tmp_path: Path) -> None:
    data = big_changelog(1024 * 1024)
    assert len(data) >= 1024 * 1024
    target = tmp_path / "CHANGELOG.md"
    target.write_bytes(data)
    result = run_cli("changelog", "move", "10000.0.0", "--date", "2024-06-01", "--file",
                     str(target), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    after = target.read_bytes()
    expected = data.replace(b"## [Unreleased]\n", b"## [10000.0.0] - 2024-06-01\n", 1).replace(
        b"[Unreleased]: https://gitlab.com/acme/big/-/compare/v9999.0.0...HEAD\n",
        b"[10000.0.0]: https://gitlab.com/acme/big/-/compare/v9999.0.0...v10000.0.0\n", 1)
    assert after == expected
