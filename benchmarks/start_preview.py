"""What one keystroke in the start dialog costs: its version preview, with a long CHANGELOG.md.

Run: ``.venv/bin/python benchmarks/start_preview.py``. For 0.1, 1, 2 and 4 MB changelogs in a
scratch git repository, it times the preview worker's work for one keystroke (a fresh context,
the tags, the version resolved, the note on what the [Unreleased] entries call for), median of
15 runs each, two ways, interleaved: reading and parsing CHANGELOG.md again (as every keystroke
did), and reusing what the dialog's suggestion read when it opened (one stat of the file).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from console.wiring import Options, build_context
from services.bump_note import EntriesCall, read_entries_call, reread_if_changed, version_note
from services.session_lifecycle import ReleaseRequest, resolve_version


def make_changelog(target_bytes: int) -> bytes:
    """A Keep a Changelog file of about ``target_bytes``: one [Unreleased] entry over many
    released versions of six entries each (as benchmarks/changelog_move.py makes them)."""
    lines = ["# Changelog", "", "## [Unreleased]", "### Added", "- Something new.", ""]
    n = size = 0
    while size < target_bytes:
        major, minor = divmod(100000 - n, 100)
        block = [f"## [{major}.{minor}.0] - 2024-05-01", "### Fixed",
                 *(f"- Fix number {i} in the parser, the writer and the docs (#{n * 10 + i})."
                   for i in range(6)), ""]
        lines += block
        size += sum(len(line) + 1 for line in block)
        n += 1
    return ("\n".join(lines) + "\n").encode()


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


def keystroke(repo: Path, request: ReleaseRequest, reuse: bool,
              read: EntriesCall | None) -> float:
    start = time.perf_counter()
    ctx = build_context(Options(repo=repo))
    tags = ctx.repo.tags()
    version, _tag = resolve_version(ctx.policy, tags, request)
    fresh = reread_if_changed(ctx, tags, read) if reuse else None
    version_note(ctx, version, tags, kind=request.kind, read=fresh)
    return time.perf_counter() - start


def main() -> int:
    print(f"{'size':>7}  {'read again':>11}  {'reused':>9}  {'saved':>8}")
    for megabytes in (0.1, 1, 2, 4):
        with tempfile.TemporaryDirectory() as tmp:
            repo = Path(tmp)
            git(repo, "init", "-q", "-b", "main")
            git(repo, "config", "user.email", "bench@example.com")
            git(repo, "config", "user.name", "Bench")
            data = make_changelog(int(megabytes * 1024 * 1024))
            (repo / "CHANGELOG.md").write_bytes(data)
            git(repo, "add", "CHANGELOG.md")
            git(repo, "commit", "-q", "-m", "changelog")
            top = data.split(b"\n## [", 2)[2].split(b"]")[0].decode()  # the last release
            git(repo, "tag", f"v{top}")
            ctx = build_context(Options(repo=repo))
            read = read_entries_call(ctx, top)  # as the suggestion reads it when the dialog opens
            assert read is not None and read.decision is not None
            request = ReleaseRequest(version=read.decision.next_version)
            again, reused = [], []
            for _ in range(15):
                again.append(keystroke(repo, request, False, None))
                reused.append(keystroke(repo, request, True, read))
            a, r = statistics.median(again) * 1000, statistics.median(reused) * 1000
            print(f"{len(data) / 1048576:6.2f}M  {a:8.1f} ms  {r:6.1f} ms  {a - r:5.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
