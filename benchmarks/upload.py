"""Upload a large asset to the loopback GitHub and report the console's peak RSS and throughput.

The sandbox runs in a separate process (``python -m console.sandbox``), so the peak RSS printed is
the console's alone: hashing and uploading are streamed and must stay flat (target: < 120 MB for
1 GiB). Usage: ``python benchmarks/upload.py [--size-mib 1024] [--keep]``.
"""

from __future__ import annotations

import argparse
import os
import resource
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from services.checksums import hash_file  # noqa: E402
from services.github.client import connect  # noqa: E402
from services.github.expected import ExpectedFile  # noqa: E402
from services.github.releases import DraftSpec, find_or_create_draft  # noqa: E402
from services.github.uploads import upload_one  # noqa: E402
from services.policy import Policy, ProjectPolicy  # noqa: E402
from services.progress import ProgressEvent  # noqa: E402

REPO = "bench/upload"


def make_file(path: Path, size: int) -> None:
    block = os.urandom(1 << 20)
    with open(path, "wb") as out:
        for _ in range(size >> 20):
            out.write(block)


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--keep", action="store_true", help="keep the temp directory")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="rc-upload-bench-"))
    token = "bench-" + secrets.token_hex(16)
    env = {**os.environ, "SANDBOX_TOKEN": token, "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen(
        [sys.executable, "-m", "console.sandbox", "--state", str(work / "state"), "--repo", REPO],
        stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    try:
        assert server.stdout is not None
        api = server.stdout.readline().split(" on ", 1)[1].split(" ", 1)[0]
        asset = work / "pai-v9.9.9-amd64.iso"
        size = args.size_mib << 20
        make_file(asset, size)
        rss_before = peak_rss_mib()
        policy = Policy(project=ProjectPolicy(repository=REPO), github_api_url=api)
        client = connect(policy, token=token, timeout=120)

        started = time.perf_counter()
        digest = hash_file(asset).sha256  # the console's one sha256 (services.checksums)
        hashed = time.perf_counter() - started
        rel = find_or_create_draft(client, DraftSpec(
            tag="v9.9.9", title="bench", body="bench", commit="0" * 40, prerelease=False)).release
        shown = {"at": 0.0}

        def progress(event: ProgressEvent) -> None:
            now = time.perf_counter()
            if event.retry:
                print(f"  {event.label}: attempt {event.attempt} ({event.reason})", flush=True)
            elif now - shown["at"] > 2 or event.done == event.total:
                shown["at"] = now
                print(f"  {event.label}: {event.done >> 20} / {event.total >> 20} MiB",
                      flush=True)

        started = time.perf_counter()
        outcome = upload_one(client, rel, ExpectedFile(asset.name, asset, "artifact"), digest,
                             None, progress)
        uploaded = time.perf_counter() - started
        peak = peak_rss_mib()
        mib = size / (1 << 20)
        print(f"asset:       {asset.name}, {mib:.0f} MiB, sha256 {digest[:16]}…")
        print(f"hash:        {hashed:.2f} s ({mib / hashed:.0f} MiB/s)")
        print(f"upload:      {uploaded:.2f} s ({mib / uploaded:.0f} MiB/s), "
              f"{outcome.action}, digest verified by the server's sha256")
        print(f"peak RSS:    {peak:.1f} MiB (before hashing/uploading: {rss_before:.1f} MiB)")
        verdict = "OK" if peak < 120 else "OVER the 120 MB budget"
        print(f"budget:      peak RSS < 120 MB: {verdict}")
        return 0 if peak < 120 else 1
    finally:
        server.terminate()
        server.wait(timeout=30)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
