"""How long ``changelog move`` takes inside the process on 1, 2 and 4 MB changelogs.

Run: ``.venv/bin/python benchmarks/changelog_move.py``. Prints the best of several runs of
read-and-parse + move + render (what the CLI does between reading and writing the file) per size,
and the time per MB, which stays flat when the cost grows linearly with the file.
"""

from __future__ import annotations

import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from services import changelog


def make_changelog(target_bytes: int) -> bytes:
    """A Keep a Changelog file of about ``target_bytes``: many versions, a footer link each."""
    head = ["# Changelog", "", "## [Unreleased]", "### Added", "- Something new.", ""]
    sections: list[str] = []
    links: list[str] = []
    size = 0
    n = 0
    while size < target_bytes:
        major, minor = divmod(100000 - n, 100)
        version = f"{major}.{minor}.0"
        block = [f"## [{version}] - 2024-05-01", "### Fixed",
                 *(f"- Fix number {i} in the parser, the writer and the docs (#{n * 10 + i})."
                   for i in range(6)), ""]
        sections += block
        prev_major, prev_minor = divmod(100000 - n - 1, 100)
        links.append(f"[{version}]: https://github.com/acme/big/compare/"
                     f"v{prev_major}.{prev_minor}.0...v{version}")
        size += sum(len(x) + 1 for x in block) + len(links[-1]) + 1
        n += 1
    top = sections[0].split("]")[0][4:]
    unreleased = f"[Unreleased]: https://github.com/acme/big/compare/v{top}...HEAD"
    return ("\n".join([*head, *sections, unreleased, *links]) + "\n").encode()


def time_move(data: bytes, runs: int = 5) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        doc = changelog.parse(data, "CHANGELOG.md")
        change = changelog.move(doc, "200000.0.0", date(2024, 6, 1))
        change.data()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> int:
    print(f"{'size':>8}  {'lines':>7}  {'move (best of 5)':>17}  {'per MB':>9}")
    for megabytes in (1, 2, 4):
        data = make_changelog(megabytes * 1024 * 1024)
        seconds = time_move(data)
        lines = data.count(b"\n")
        print(f"{len(data) / 1048576:7.2f}M  {lines:7d}  {seconds * 1000:14.1f} ms  "
              f"{seconds * 1000 / (len(data) / 1048576):6.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
