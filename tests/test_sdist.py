"""The source distribution the project releases holds what its own smoke check needs.

release.toml's smoke check for the sdist is "./dev.sh test passes": without MANIFEST.in the sdist
held the test modules (setuptools' default) but not conftest.py, the helpers, the fixtures, the
snapshots, dev.sh or constraints.txt, nor CHANGELOG.md, MIGRATION.md and release.toml.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def source_files() -> list[str]:
    """What is committed, as a release builds it; in an unpacked sdist (no git), its files."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=False)
    if listed.returncode == 0 and listed.stdout:
        return [rel for rel in listed.stdout.decode().split("\0") if rel]
    skip = {".venv", "__pycache__", "dist", "build", ".git"}
    return [str(p.relative_to(ROOT)) for p in ROOT.rglob("*")
            if p.is_file() and not skip & set(p.relative_to(ROOT).parts)
            and not p.relative_to(ROOT).parts[0].endswith(".egg-info")]


def test_the_sdist_can_run_its_own_tests(tmp_path: Path) -> None:
    source = tmp_path / "source"
    for rel in source_files():
        if (ROOT / rel).is_file():
            (source / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / rel, source / rel)
    built = subprocess.run(
        [sys.executable, "-c", "import sys; from setuptools import build_meta; "
         "print(build_meta.build_sdist(sys.argv[1]))", str(tmp_path / "dist")],
        cwd=source, capture_output=True, text=True, check=False)
    assert built.returncode == 0, built.stderr[-2000:]
    with tarfile.open(tmp_path / "dist" / built.stdout.split()[-1]) as sdist:
        members = {m.name.split("/", 1)[1]: m for m in sdist.getmembers() if "/" in m.name}
    for rel in ("LICENSE", "CHANGELOG.md", "MIGRATION.md", "release.toml", "constraints.txt", "dev.sh",
                "docs/policy.md", "tests/conftest.py", "tests/github_helpers.py",
                "tests/fixtures/pai-release.toml", "benchmarks/review_body.py"):
        assert rel in members, f"{rel} is not in the sdist"
    assert members["dev.sh"].mode & 0o111, "dev.sh lost its executable bit"
    assert any(name.startswith("tests/__snapshots__/") for name in members)
    assert not [name for name in members if "__pycache__" in name or name.endswith(".pyc")]
