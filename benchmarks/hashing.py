"""Hashing benchmark: the console's sha256 next to ``openssl dgst -sha256``, parallel vs sequential.

Run: ``.venv/bin/python benchmarks/hashing.py [--dir DIR] [--size-mib 1024]``

It creates a 1 GiB file and four 256 MiB files in a temporary directory (deleted afterwards), reads
each once so every contender hashes from the page cache, then prints:

- throughput of ``services.checksums.hash_file`` and of ``openssl dgst -sha256`` on the 1 GiB file
  (best of three), and their ratio (aim: >= 0.9x);
- the time to hash the four files one after another and in parallel (aim: >= 1.6x on 2 cores);
- the peak RSS of this process (aim: < 100 MB, whatever the file sizes).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from services import checksums

MIB = 1024 * 1024


def make_file(path: Path, size: int, seed: int) -> None:
    block = os.urandom(MIB - 1) + bytes([seed])  # 1 MiB, differs per file
    with open(path, "wb") as handle:
        for _ in range(size // MIB):
            handle.write(block)


def warm(path: Path) -> None:
    with open(path, "rb", buffering=0) as handle:
        while handle.read(8 * MIB):
            pass


def best_of(runs: int, action: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - start)
    return best


def openssl(path: Path) -> None:
    subprocess.run(["openssl", "dgst", "-sha256", str(path)], check=True, capture_output=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=None, help="where to create the test files")
    parser.add_argument("--size-mib", type=int, default=1024, help="size of the big file")
    args = parser.parse_args()
    if shutil.which("openssl") is None:
        print("openssl is not installed. Install it with: sudo apt-get install openssl")
        return 3
    work = Path(tempfile.mkdtemp(prefix="rc-hash-bench-", dir=args.dir))
    try:
        big = work / "big.iso"
        make_file(big, args.size_mib * MIB, 0)
        small = [work / f"part{i}.iso" for i in range(4)]
        for i, path in enumerate(small, start=1):
            make_file(path, args.size_mib // 4 * MIB, i)
        for path in [big, *small]:
            warm(path)

        size_mib = big.stat().st_size / MIB
        ours = best_of(3, lambda: checksums.hash_file(big))
        theirs = best_of(3, lambda: openssl(big))
        sequential = best_of(2, lambda: [checksums.hash_file(p) for p in small])
        parallel = best_of(2, lambda: checksums.hash_files(small))
        assert checksums.hash_files([big])[0].sha256 == subprocess.run(
            ["openssl", "dgst", "-sha256", "-r", str(big)], check=True, capture_output=True,
            text=True).stdout.split()[0]
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux

        print(f"cores: {os.cpu_count()}   chunk: {checksums.CHUNK // MIB} MiB   files in {work}")
        print(f"one {size_mib:.0f} MiB file:")
        print(f"  release-console sha256   {size_mib / ours:8.0f} MiB/s   ({ours:.2f} s)")
        print(f"  openssl dgst -sha256     {size_mib / theirs:8.0f} MiB/s   ({theirs:.2f} s)")
        print(f"  ratio                    {theirs / ours:8.2f}x   (aim >= 0.90x)")
        print(f"four {size_mib / 4:.0f} MiB files:")
        print(f"  one after another        {sequential:8.2f} s")
        print(f"  in parallel              {parallel:8.2f} s")
        print(f"  speed-up                 {sequential / parallel:8.2f}x   (aim >= 1.6x on 2 cores)")
        print(f"peak RSS                   {peak_mb:8.1f} MB     (aim < 100 MB)")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
