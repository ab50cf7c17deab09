"""Hand-off bundle benchmark: the console's export + import next to ``tar cf`` + ``sha256sum``.

Run: ``.venv/bin/python benchmarks/bundle.py [--dir DIR] [--size-mib 1024] [--count 2]``

It writes ``--count`` artifacts of ``--size-mib`` each (default: two 1 GiB files, as the issue
asks) in a temporary directory (deleted afterwards), then times, in the same run:

- the bundle's data path on both sides: export (``TarWriter``: one read of each artifact, hashed
  while written into the tar, which is hashed too) and import (``scan`` of the headers, then
  ``extract``: one read of the tar, every member and the whole file hashed while copied out);
- the shell doing the same work: ``tar cf`` + ``sha256sum`` of the artifacts (export), and
  ``tar xf`` + ``sha256sum`` of the tar and of the extracted files (import);

and prints both times, their ratio (goal: <= 1.3) and this process's peak RSS (goal: < 150 MB).
The git bundle, session and journal add a small constant and are left out.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from services.bundle.manifest import Manifest
from services.bundle.tarstream import TarWriter, check_against, extract, scan

MIB = 1024 * 1024


def make_files(directory: Path, count: int, size_mib: int) -> list[Path]:
    paths = []
    block = hashlib.sha256(b"seed").digest() * (MIB // 32)
    for index in range(count):
        path = directory / f"artifact-{index}.iso"
        with path.open("wb") as out:
            for _ in range(size_mib):
                out.write(block)
        paths.append(path)
    return paths


def console(files: list[Path], work: Path) -> float:
    started = time.perf_counter()
    bundle = work / "console.tar"
    with bundle.open("wb") as out:
        writer = TarWriter(out, mtime=0)
        for path in files:
            writer.add_file(f"artifacts/{path.name}", path)
        manifest = Manifest(project="p", repository="o/p", tag="v1", version="1",
                            direction="to-offline", creator="bench", created="2026-01-01T00:00:00Z",
                            session_sha256="0" * 64, journal_head="0" * 64, journal_count=1,
                            commit="0" * 40, branch="main", members=list(writer.members))
        writer.add_bytes("manifest.json", manifest.to_bytes(), listed=False)
        writer.close()
    found = scan(bundle)
    check_against(found, manifest)
    extract(bundle, found, manifest, work / "console-out")
    return time.perf_counter() - started


def shell(files: list[Path], work: Path) -> float:
    started = time.perf_counter()
    bundle = work / "shell.tar"
    names = [p.name for p in files]
    subprocess.run(["tar", "cf", str(bundle), *names], cwd=files[0].parent, check=True)
    subprocess.run(["sha256sum", *names], cwd=files[0].parent, check=True, capture_output=True)
    out = work / "shell-out"
    out.mkdir()
    subprocess.run(["tar", "xf", str(bundle), "-C", str(out)], check=True)
    subprocess.run(["sha256sum", str(bundle), *names], cwd=out, check=False, capture_output=True)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=None, help="where to put the test files")
    parser.add_argument("--size-mib", type=int, default=1024, help="size of each artifact")
    parser.add_argument("--count", type=int, default=2, help="number of artifacts")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bundle-bench-", dir=args.dir))
    try:
        source = root / "src"
        source.mkdir()
        files = make_files(source, args.count, args.size_mib)
        for name in ("console", "shell"):
            (root / name).mkdir()
        ours = console(files, root / "console")
        shutil.rmtree(root / "console")
        theirs = shell(files, root / "shell")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        total = args.count * args.size_mib
        print(f"artifacts: {args.count} x {args.size_mib} MiB ({total} MiB)")
        print(f"console export + import:                 {ours:7.2f} s")
        print(f"tar cf + sha256sum, tar xf + sha256sum:   {theirs:7.2f} s")
        print(f"ratio console / shell: {ours / theirs:.2f}  (goal <= 1.3)")
        print(f"peak RSS of the console side: {peak:.0f} MB  (goal < 150 MB)")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    os.sync()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
