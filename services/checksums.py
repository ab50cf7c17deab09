"""sha256 of release artifacts: streamed, parallel, with progress, in ``sha256sum -c`` format.

ISO images are gigabytes, so a file is read in fixed chunks into one reused buffer (memory stays flat
whatever the size) and several files are hashed at once on a thread pool: ``hashlib`` releases the
GIL while it digests a large buffer, so threads use every core without extra processes. A file that
changes while it is read (a build still writing it) would give a digest of nothing that exists; the
size and modification time before and after are compared and such a file is refused.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import stat
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from services.atomic import write_bytes_atomic
from services.errors import ConsoleError
from services.evidence import ChecksumsEvidence
from services.progress import ProgressEvent
from services.session import Session
from services.step_protocol import ProgressCallback

CHUNK = 4 * 1024 * 1024  # big enough that hashlib drops the GIL and syscalls are few
COMBINED_NAMES = ("SHA256SUMS", "checksums.txt", "sha256sums.txt")
_GNU_LINE = re.compile(r"^(\\?)([0-9a-fA-F]{64}) [ *](.+)$")
_BSD_LINE = re.compile(r"^SHA256 \((.+)\) = ([0-9a-fA-F]{64})$")

NameFor = Callable[[str], "str | None"]
"""An artifact's name -> its per-file checksum file's name, or None (``Policy.checksum_file_for``)."""


class ChecksumError(ConsoleError):
    """An artifact could not be hashed, or a checksum file could not be read."""


@dataclass(frozen=True)
class Digest:
    path: Path
    size: int
    sha256: str
    mtime_ns: int = 0  # modification time when hashed: later a cheap "has it changed?" check


def _fingerprint(info: os.stat_result) -> tuple[int, int, int]:
    return (info.st_size, info.st_mtime_ns, info.st_ino)


KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
)


def not_regular(path: Path, info: os.stat_result) -> ChecksumError:
    """Only regular files are artifacts: a device never ends, a FIFO blocks, a directory has no bytes."""
    kind = next((name for test, name in KINDS if test(info.st_mode)), "not a regular file")
    return ChecksumError(f"{path} is {kind}, not a regular file; only files are hashed and "
                         "nothing was written.", remedy="Name the artifact files themselves.")


def _open_regular(path: Path) -> tuple[int, os.stat_result]:
    """Open ``path`` for reading, refusing anything but a regular file *before* reading it.

    ``O_NONBLOCK`` makes opening a FIFO return at once instead of waiting for a writer; the type
    is then checked on the open descriptor, so a path swapped between a check and the open
    cannot slip through.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise ChecksumError(f"{path} does not exist.", remedy="Build it or fix the name.") from None
    except PermissionError:
        raise ChecksumError(f"Cannot read {path}: permission denied.",
                            remedy="Fix its permissions (it must be readable) and try again."
                            ) from None
    except OSError as exc:
        raise ChecksumError(f"Cannot read {path}: {exc.strerror}.",
                            remedy="Check the disk and the file, then try again.") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise not_regular(path, info)
    if hasattr(os, "set_blocking"):
        os.set_blocking(fd, True)
    return fd, info


def _read(path: Path, handle: io.FileIO, view: memoryview) -> int:
    try:
        return handle.readinto(view) or 0
    except OSError as exc:
        raise ChecksumError(f"Cannot read {path}: {exc.strerror}.",
                            remedy="Check the disk and the file, then try again.") from None


def hash_file(path: Path, progress: Callable[[int], None] | None = None, *,
              chunk: int = CHUNK) -> Digest:
    """sha256 of ``path``; ``progress(bytes_done)`` after each chunk. Refuses a file that changes."""
    fd, before = _open_regular(path)
    handle = open(fd, "rb", buffering=0)  # noqa: SIM115 - closed below; no double buffering
    digest = hashlib.sha256()
    buffer = bytearray(chunk)
    view = memoryview(buffer)
    done = 0
    try:
        if hasattr(os, "posix_fadvise"):
            os.posix_fadvise(handle.fileno(), 0, 0, os.POSIX_FADV_SEQUENTIAL)
        while True:
            count = _read(path, handle, view)
            if not count:
                break
            digest.update(view[:count])
            done += count
            if progress is not None:  # outside the read's error handling: a failing progress
                progress(done)        # display (a closed pipe) is not an unreadable file
        after = os.fstat(handle.fileno())
    finally:
        view.release()
        handle.close()
    if _fingerprint(before) != _fingerprint(after) or done != before.st_size:
        raise ChecksumError(
            f"{path} changed while it was being hashed (its size or modification time differs "
            "before and after); nothing was written.",
            remedy="Wait until whatever writes it (a build, a copy) has finished, then run again.",
        )
    return Digest(Path(path), done, digest.hexdigest(), before.st_mtime_ns)


def usable_cores() -> int:
    """Cores this process may run on: a container or ``taskset`` often allows fewer than the
    machine has, and a thread per unusable core only adds switching."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def hash_files(paths: Sequence[Path], progress: ProgressCallback | None = None, *,
               per_file: bool = False, phase: str = "sha256",
               workers: int | None = None) -> list[Digest]:
    """Hash ``paths`` in parallel (results in the same order).

    ``progress`` gets a :class:`ProgressEvent` from worker threads, one call at a time: with
    ``per_file`` one per file (``item`` its name, ``total`` its size), otherwise one for the whole
    batch (``item`` "", ``total`` every file's bytes).
    The first failure is raised after the other files finish, so no thread is left running.
    """
    if not paths:
        return []
    sizes = []
    for path in paths:
        try:
            sizes.append(os.stat(path).st_size)
        except OSError:
            sizes.append(0)  # hash_file raises the proper error
    total = sum(sizes)
    lock = threading.Lock()
    done_by_file = [0] * len(paths)

    def reporter(index: int) -> Callable[[int], None] | None:
        if progress is None:
            return None

        def report(done: int) -> None:
            with lock:
                done_by_file[index] = done
                if per_file:
                    progress(ProgressEvent(phase, Path(paths[index]).name, done, sizes[index]))
                else:
                    progress(ProgressEvent(phase, "", sum(done_by_file), total))

        return report

    count = workers or min(len(paths), usable_cores())
    with ThreadPoolExecutor(max_workers=max(1, count), thread_name_prefix="sha256") as pool:
        futures = [pool.submit(hash_file, Path(p), reporter(i)) for i, p in enumerate(paths)]
        results: list[Digest] = []
        first_error: BaseException | None = None
        for future in futures:
            try:
                results.append(future.result())
            except BaseException as exc:
                first_error = first_error or exc
    if first_error is not None:
        raise first_error
    return results


# --- sha256sum format --------------------------------------------------------------------------

def line_for(sha256: str, name: str) -> str:
    """One ``sha256sum`` line; names with a backslash or newline are escaped as GNU does."""
    if "\\" in name or "\n" in name or "\r" in name:
        escaped = name.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")
        return f"\\{sha256}  {escaped}\n"
    return f"{sha256}  {name}\n"


def _unescape(name: str) -> str:
    out, i = [], 0
    while i < len(name):
        if name[i] == "\\" and i + 1 < len(name):
            out.append({"\\": "\\", "n": "\n", "r": "\r"}.get(name[i + 1], name[i + 1]))
            i += 2
        else:
            out.append(name[i])
            i += 1
    return "".join(out)


def parse(text: str) -> list[tuple[str, str]] | None:
    """``[(sha256, name)]`` from a checksum list (GNU or BSD style), or None if it is not one."""
    entries = []
    for raw in text.splitlines():
        line = raw.rstrip("\r")
        if not line.strip() or line.startswith("#"):
            continue
        gnu = _GNU_LINE.match(line)
        if gnu:
            name = _unescape(gnu.group(3)) if gnu.group(1) else gnu.group(3)
            entries.append((gnu.group(2).lower(), name))
            continue
        bsd = _BSD_LINE.match(line)
        if bsd:
            entries.append((bsd.group(2).lower(), bsd.group(1)))
            continue
        return None
    return entries or None


def read_list(path: Path) -> list[tuple[str, str]] | None:
    """Parse ``path`` as a checksum list; None when it is not one (e.g. it is an artifact)."""
    try:
        if path.stat().st_size > 1024 * 1024:
            return None
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return parse(text)


def relative_name(artifact: Path, checksum_file: Path) -> str:
    """The name to write in ``checksum_file`` so ``sha256sum -c`` run beside it finds the file."""
    return os.path.relpath(os.path.abspath(artifact), os.path.abspath(checksum_file.parent))


def render(digests: Iterable[Digest], checksum_file: Path) -> str:
    return "".join(line_for(d.sha256, relative_name(d.path, checksum_file)) for d in digests)


def write_per_file(digest: Digest, name: str) -> Path:
    """Write the checksum file ``name`` (``Policy.checksum_file_for``) beside the artifact."""
    target = digest.path.parent / name
    write_bytes_atomic(target, render([digest], target).encode("utf-8"))
    return target


def write_combined(digests: Sequence[Digest], target: Path) -> Path:
    ordered = sorted(digests, key=lambda d: relative_name(d.path, target))
    write_bytes_atomic(target, render(ordered, target).encode("utf-8"))
    return target


# --- what the release recorded -----------------------------------------------------------------

def recorded_digests(session: Session) -> dict[str, str]:
    """``{artifact name: sha256}`` as the checksums step recorded them (empty before it ran)."""
    recorded = session.evidence(ChecksumsEvidence)
    return recorded.digests() if recorded is not None else {}


def changed_since_recorded(digests: Iterable[Digest], recorded: dict[str, str]) -> list[str]:
    """Names of the artifacts whose digest now differs from ``recorded`` (e.g.
    :func:`recorded_digests`, or the smoke sign-offs'); an artifact never recorded is not one."""
    return [d.path.name for d in digests
            if d.path.name in recorded and recorded[d.path.name] != d.sha256]
