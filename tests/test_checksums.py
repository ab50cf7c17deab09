"""Checksums: streamed parallel sha256, sha256sum-compatible files, changed/unreadable files refused."""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

import pytest

from services import checksums
from services.checksums import ChecksumError
from tests.conftest import run_cli


def make(path: Path, size: int, seed: int = 1) -> Path:
    block = hashlib.sha256(str(seed).encode()).digest() * 2048  # 64 KiB of deterministic bytes
    with open(path, "wb") as handle:
        left = size
        while left > 0:
            handle.write(block[:left])
            left -= len(block)
    return path


def test_digests_match_hashlib_and_keep_order_with_parallel_progress(tmp_path: Path) -> None:
    files = [make(tmp_path / f"a{i}.bin", (i + 1) * 3 * 1024 * 1024 + i, seed=i) for i in range(4)]
    calls: list[tuple[str, int, int]] = []
    digests = checksums.hash_files(files, lambda e: calls.append((e.label, e.done, e.total)))
    assert [d.path for d in digests] == files
    for digest, path in zip(digests, files, strict=True):
        assert digest.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
        assert digest.size == path.stat().st_size
    total = sum(p.stat().st_size for p in files)
    assert calls[-1] == ("sha256", total, total)
    dones = [done for _, done, _ in calls]
    assert dones == sorted(dones)  # aggregated progress never goes backwards


def test_per_file_and_combined_files_pass_sha256sum_c(tmp_path: Path) -> None:
    odd = make(tmp_path / "back\\slash name.iso", 1000, seed=2)
    plain = make(tmp_path / "pai-v1.0.0-amd64.iso", 5000, seed=3)
    digests = checksums.hash_files([odd, plain])
    written = [checksums.write_per_file(d, f"{d.path.name}.sha256") for d in digests]
    combined = checksums.write_combined(digests, tmp_path / "SHA256SUMS")
    assert written[1].read_text() == f"{digests[1].sha256}  pai-v1.0.0-amd64.iso\n"
    assert written[0].read_text().startswith("\\")  # GNU escaping for a backslash in the name
    for listing in [*written, combined]:
        proc = subprocess.run(["sha256sum", "-c", listing.name], cwd=tmp_path,
                              capture_output=True, text=True, check=False)
        assert proc.returncode == 0, proc.stdout + proc.stderr
    assert checksums.parse(combined.read_text()) == sorted(
        [(d.sha256, d.path.name) for d in digests], key=lambda e: e[1])


def test_file_changing_while_hashed_is_refused(tmp_path: Path) -> None:
    target = make(tmp_path / "growing.iso", 12 * 1024 * 1024)

    def grow(done: int) -> None:
        if done == checksums.CHUNK:  # after the first chunk, the "build" appends more
            with open(target, "ab") as handle:
                handle.write(b"more")

    with pytest.raises(ChecksumError, match="changed while it was being hashed"):
        checksums.hash_file(target, grow)


def test_unreadable_and_missing_artifacts_are_named(tmp_path: Path) -> None:
    folder = tmp_path / "dir.iso"
    folder.mkdir()
    with pytest.raises(ChecksumError, match=r"dir\.iso is a directory, not a regular file"):
        checksums.hash_files([folder])
    with pytest.raises(ChecksumError, match=r"missing\.iso does not exist"):
        checksums.hash_file(tmp_path / "missing.iso")


def test_cli_writes_and_checks_outside_a_repository(tmp_path: Path) -> None:
    a = make(tmp_path / "a.iso", 70_000, seed=4)
    b = make(tmp_path / "b.iso", 80_000, seed=5)
    done = run_cli("checksums", "a.iso", "b.iso", "--combined", "SHA256SUMS", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "a.iso.sha256").exists() and (tmp_path / "SHA256SUMS").exists()
    assert hashlib.sha256(a.read_bytes()).hexdigest() in done.stdout
    ok = run_cli("checksums", "--check", "a.iso", "b.iso", "SHA256SUMS", cwd=tmp_path)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert ok.stdout.count(": OK") == 4

    with open(b, "r+b") as handle:  # flip one byte
        handle.seek(100)
        handle.write(b"\x00" if handle.read(1) != b"\x00" else b"\x01")
    bad = run_cli("checksums", "--check", "a.iso", "b.iso", cwd=tmp_path)
    assert bad.returncode == 1
    assert "b.iso: FAILED" in bad.stdout and "a.iso: OK" in bad.stdout
    assert "b.iso" in bad.stderr and "Traceback" not in bad.stderr
    sha256sum = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=tmp_path,
                               capture_output=True, text=True, check=False)
    assert sha256sum.returncode == 1  # the plain tool agrees


def test_cli_check_reports_a_file_without_checksum(tmp_path: Path) -> None:
    make(tmp_path / "lonely.iso", 10)
    proc = run_cli("checksums", "--check", "lonely.iso", cwd=tmp_path)
    assert proc.returncode == 1
    assert "lonely.iso: NO CHECKSUM" in proc.stdout


def test_memory_buffer_is_reused_not_grown(tmp_path: Path) -> None:
    """The reader keeps one CHUNK buffer: progress arrives per chunk, never the whole file at once."""
    target = make(tmp_path / "big.bin", 3 * checksums.CHUNK + 7)
    steps: list[int] = []
    checksums.hash_file(target, steps.append)
    assert steps == [checksums.CHUNK, 2 * checksums.CHUNK, 3 * checksums.CHUNK,
                     3 * checksums.CHUNK + 7]
    assert os.path.getsize(target) == steps[-1]


def test_cli_refuses_devices_fifos_and_directories_with_the_right_reason(tmp_path: Path) -> None:
    import sys

    device = tmp_path / "null.iso"
    device.symlink_to("/dev/null")
    fifo = tmp_path / "pipe.iso"
    os.mkfifo(fifo)
    folder = tmp_path / "folder.iso"
    folder.mkdir()
    good = make(tmp_path / "good.iso", 1000)
    cases = {device: "is a character device, not a regular file",
             fifo: "is a named pipe (FIFO), not a regular file",
             folder: "is a directory, not a regular file"}
    for path, reason in cases.items():
        # a timeout, not a hang, if the FIFO were opened for a blocking read
        proc = subprocess.run([sys.executable, "-m", "console", "checksums", path.name, good.name],
                              cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False)
        assert proc.returncode == 1, proc.stdout
        assert reason in proc.stderr and path.name in proc.stderr
        assert "permissions" not in proc.stderr and "Traceback" not in proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder.iso", "good.iso", "null.iso",
                                                          "pipe.iso"]  # nothing written


def test_cli_names_a_file_that_does_not_exist(tmp_path: Path) -> None:
    """Found by a helper: `checksums --check /nonexistent` said "NO CHECKSUM" and "did not
    match: ../../../../nonexistent"."""
    make(tmp_path / "a.iso", 10)
    for args in (("--check", "a.iso", "/nonexistent"), ("a.iso", "/nonexistent")):
        proc = run_cli("checksums", *args, cwd=tmp_path)
        assert proc.returncode == 2 and "Traceback" not in proc.stderr
        assert "/nonexistent does not exist; nothing was" in proc.stderr
        assert "../" not in proc.stderr and "NO CHECKSUM" not in proc.stdout
    assert not (tmp_path / "a.iso.sha256").exists()
