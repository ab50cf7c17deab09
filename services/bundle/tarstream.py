"""Writing a bundle tar while hashing it, and reading one safely.

Writing: headers and data go straight to the output through one sha256 (the bundle digest) while
each member's own sha256 is taken from the same chunks, so an artifact is read once.

Reading is two passes over the file and reads each byte once: the first walks the tar headers
only (seeking over the data) and refuses anything unsafe before a byte is extracted -- absolute
paths, ``..``, links, devices, duplicates, names the manifest does not list, sizes it does not
say, a cut-off file; tarfile's own ``data`` filter runs on every member too. The second pass
reads the file start to end, hashing everything for the bundle digest and copying each member
into a private temporary folder while hashing it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from services.bundle.manifest import (
    MANIFEST,
    MAX_MANIFEST,
    BundleError,
    BundleRefused,
    Manifest,
    Member,
    short,
)
from services.errors import EnvironmentProblem
from services.progress import ProgressEvent, ProgressSink, no_progress

CHUNK = 4 * 1024 * 1024
BLOCK = tarfile.BLOCKSIZE
SIGNATURE_SUFFIXES = (".minisig", ".asc", ".sig")


class TarWriter:
    """An uncompressed POSIX (pax) tar written to ``out``, hashed as it goes."""

    def __init__(self, out: IO[bytes], *, mtime: int,
                 progress: ProgressSink = no_progress) -> None:
        self.out = out
        self.mtime = mtime
        self.progress = progress
        self.digest = hashlib.sha256()
        self.written = 0
        self.members: list[Member] = []

    def _write(self, data: bytes | memoryview) -> None:
        self.out.write(data)
        self.digest.update(data)
        self.written += len(data)

    def _header(self, name: str, size: int) -> None:
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode, info.type = size, self.mtime, 0o644, tarfile.REGTYPE
        self._write(info.tobuf(tarfile.PAX_FORMAT, "utf-8", "strict"))

    def _pad(self, size: int) -> None:
        if size % BLOCK:
            self._write(b"\0" * (BLOCK - size % BLOCK))

    def add_bytes(self, name: str, data: bytes, *, listed: bool = True) -> Member:
        self._header(name, len(data))
        self._write(data)
        self._pad(len(data))
        member = Member(name, len(data), hashlib.sha256(data).hexdigest())
        if listed:
            self.members.append(member)
        return member

    def add_file(self, name: str, path: Path) -> Member:
        """Copy a regular file in; it must not change size while it is read."""
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        except OSError as exc:
            raise BundleError(f"Cannot read {path}: {exc.strerror}; no bundle was written.") \
                from None
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise BundleError(f"{path} is not a regular file; no bundle was written.")
            size = info.st_size
            self._header(name, size)
            digest = hashlib.sha256()
            done = 0
            buffer = bytearray(CHUNK)
            view = memoryview(buffer)
            while done < size:
                count = handle.readinto(buffer)
                if not count:
                    break
                count = min(count, size - done)
                digest.update(view[:count])
                self._write(view[:count])
                done += count
                self.progress(ProgressEvent("bundle", name, done, size))
            if done != size or handle.read(1):
                raise BundleError(f"{path} changed size while it was being bundled; no bundle "
                                  "was written.", remedy="Wait for the build to finish, then "
                                  "export again.")
        self._pad(size)
        member = Member(name, size, digest.hexdigest())
        self.members.append(member)
        return member

    def close(self) -> None:
        self._write(b"\0" * (2 * BLOCK))
        record = tarfile.RECORDSIZE
        if self.written % record:
            self._write(b"\0" * (record - self.written % record))


@dataclass(frozen=True)
class Entry:
    name: str
    size: int
    offset: int  # where its data starts in the file


@dataclass
class Scan:
    entries: list[Entry]
    manifest_raw: bytes
    signature_name: str
    signature_raw: bytes


def _refuse(name: str, why: str) -> BundleRefused:
    return BundleRefused(f"The bundle was refused: member {name!r} {why}; nothing was extracted.")


def _member_problem(member: tarfile.TarInfo) -> str:
    name = member.name
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return "has an absolute path"
    if ".." in Path(name).parts or "\\" in name:
        return "climbs out of the bundle (path traversal with '..')"
    if member.issym():
        return f"is a symbolic link (to {member.linkname!r})"
    if member.islnk():
        return f"is a hard link (to {member.linkname!r})"
    if member.ischr() or member.isblk() or member.isfifo():
        return "is a device or a pipe"
    if not member.isreg():
        return "is not a regular file"
    return ""


def _tar_header(block: bytes) -> bool:
    """The first block of a tar: a header whose checksum is right (tarfile's own check)."""
    try:
        tarfile.TarInfo.frombuf(block, "utf-8", "surrogateescape")
    except tarfile.HeaderError:
        return False
    return True


_NUMERIC = frozenset(b"01234567 \0")  # the octal fields after the name (mode ... checksum)


def _tar_start(fragment: bytes) -> bool:
    """Could ``fragment`` (under one block) be the start of a tar header, cut off? Its name field
    is text with no control character, padded with NULs; the numeric fields after it, as far as
    they go, are octal; the ``ustar`` magic, if reached, is there. A text file or a photo fails
    within its first bytes (a line break, a byte that is not octal)."""
    name, _, padding = fragment[:100].partition(b"\0")
    if not name or any(byte < 32 or byte == 127 for byte in name) or padding.strip(b"\0"):
        return False
    if not set(fragment[100:156]) <= _NUMERIC:
        return False
    return len(fragment) < 262 or fragment[257:262] == b"ustar"


def scan(path: Path) -> Scan:
    """Pass one: headers only. Refuses anything unsafe before anything is extracted."""
    try:
        file_size = path.stat().st_size
        with path.open("rb") as tail:  # the end-of-archive marker: two zero blocks
            start = tail.read(BLOCK)
            tail.seek(max(0, file_size - 2 * BLOCK))
            ending = tail.read()
    except OSError as exc:
        raise BundleError(f"Cannot read the bundle {path}: {exc.strerror}.") from None
    if not file_size:  # it was called "cut off at its end": nothing of it was copied
        raise BundleRefused(f"The bundle {path.name} is empty (0 bytes); nothing was extracted.",
                            remedy="Copy the bundle again and compare its fingerprint.")
    if start and not (_tar_header(start) if len(start) == BLOCK else _tar_start(start)):
        # Checked before the ending: another file picked by mistake is not a copy cut short.
        raise BundleRefused(f"{path.name} is not a release bundle (it is not a tar archive); "
                            "nothing was extracted.",
                            remedy="Check the path: import the .tar file `bundle export` wrote.")
    if file_size % tarfile.RECORDSIZE or ending != bytes(2 * BLOCK):
        # Every bundle is written whole, padded to full tar records. A copy cut short in its
        # padding still reads, but it is not the bundle whose fingerprint the export showed,
        # and the journals of the two workstations would no longer agree on it.
        raise BundleRefused(f"The bundle {path.name} is cut off at its end (a copy that stopped "
                            "short); nothing was extracted.",
                            remedy="Copy the bundle again and compare its fingerprint.")
    entries: list[Entry] = []
    seen: set[str] = set()
    manifest_raw = signature_raw = b""
    signature_name = ""
    try:
        with tarfile.open(path, "r:") as archive:
            for member in archive:
                problem = _member_problem(member)
                if problem:
                    raise _refuse(member.name, problem)
                try:
                    tarfile.data_filter(member, "/nonexistent-bundle-root")
                except tarfile.FilterError as exc:
                    raise _refuse(member.name, f"is refused by tarfile's data filter ({exc})") \
                        from None
                if member.name in seen:
                    raise _refuse(member.name, "appears twice")
                seen.add(member.name)
                if member.offset_data + member.size > file_size:
                    raise BundleRefused(f"The bundle {path.name} is cut off inside {member.name!r} "
                                        "(a truncated copy); nothing was extracted.",
                                        remedy="Copy the bundle again and compare its fingerprint.")
                if member.name in {MANIFEST} or (member.name.startswith(MANIFEST) and
                                                 member.name[len(MANIFEST):] in SIGNATURE_SUFFIXES):
                    if member.size > MAX_MANIFEST:
                        raise _refuse(member.name, "is far too large for a manifest")
                    handle = archive.extractfile(member)
                    raw = handle.read() if handle else b""
                    if member.name == MANIFEST:
                        manifest_raw = raw
                    else:
                        signature_name, signature_raw = member.name, raw
                    continue
                entries.append(Entry(member.name, member.size, member.offset_data))
    except tarfile.TarError as exc:
        raise BundleRefused(f"The bundle {path.name} is not a readable tar ({exc}); it may be "
                            "truncated or damaged, and nothing was extracted.",
                            remedy="Copy the bundle again and compare its fingerprint.") from None
    if not manifest_raw:
        raise BundleRefused(f"The bundle {path.name} has no manifest.json (a truncated copy, or "
                            "not a hand-off bundle); nothing was extracted.",
                            remedy="Copy the bundle again and compare its fingerprint.")
    return Scan(entries, manifest_raw, signature_name, signature_raw)


def check_against(scan_result: Scan, manifest: Manifest) -> None:
    """Every member listed, none unlisted, and every size exactly what the manifest says."""
    listed = {m.name: m for m in manifest.members}
    for entry in scan_result.entries:
        member = listed.get(entry.name)
        if member is None:
            raise _refuse(entry.name, "is not listed in the manifest")
        if entry.size != member.size:
            raise _refuse(entry.name, f"is {entry.size} bytes but the manifest says "
                          f"{member.size}")
    present = {e.name for e in scan_result.entries}
    missing = [name for name in listed if name not in present]
    if missing:
        raise BundleRefused(f"The bundle was refused: the manifest lists {missing[0]!r} but the "
                            "bundle does not hold it (a truncated or edited bundle).")


def free_bytes(directory: Path) -> int:
    return shutil.disk_usage(directory).free


def require_space(directory: Path, needed: int, what: str) -> None:
    free = free_bytes(directory)
    if free < needed:
        raise EnvironmentProblem(
            f"Not enough disk space in {directory} for {what}: it needs "
            f"{_mib(needed)} and {_mib(free)} is free.",
            remedy="Free some space (or use another folder) and try again; nothing was changed.")


def _mib(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MiB"


def extract(path: Path, scan_result: Scan, manifest: Manifest, dest: Path,
            progress: ProgressSink = no_progress) -> str:
    """Pass two: copy every member into ``dest`` while hashing; returns the bundle's sha256.

    A member whose sha256 differs from the manifest stops the read and names the member.
    """
    bundle = hashlib.sha256()
    listed = {m.name: m for m in manifest.members}
    entries = sorted(scan_result.entries, key=lambda e: e.offset)
    total = sum(e.size for e in entries)
    done = 0
    buffer = bytearray(CHUNK)
    view = memoryview(buffer)
    with path.open("rb") as source:

        def skip_to(offset: int) -> None:
            while source.tell() < offset:
                data = source.read(min(CHUNK, offset - source.tell()))
                if not data:
                    raise BundleRefused(f"The bundle {path.name} ended early; nothing was used.")
                bundle.update(data)

        for entry in entries:
            skip_to(entry.offset)
            target = dest / entry.name
            target.parent.mkdir(parents=True, exist_ok=True)
            digest = hashlib.sha256()
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
            with os.fdopen(fd, "wb") as out:
                left = entry.size
                while left:
                    count = source.readinto(view[:min(CHUNK, left)])
                    if not count:
                        raise BundleRefused(f"The bundle {path.name} ended inside {entry.name!r} "
                                            "(truncated); nothing was used.")
                    chunk = view[:count]
                    bundle.update(chunk)
                    digest.update(chunk)
                    out.write(chunk)
                    left -= count
                    done += count
                    progress(ProgressEvent("verify", entry.name, done, total))
            if digest.hexdigest() != listed[entry.name].sha256:
                # This copy's fingerprint too: the captain compares it with the one the other
                # screen showed, and learns whether the copy changed on the way.
                rest(source, bundle, view)
                raise BundleRefused(f"The bundle was refused: {entry.name} does not match its "
                                    "sha256 in the manifest (it was changed after the bundle was "
                                    f"made; this copy's fingerprint is {short(bundle.hexdigest())}"
                                    "); nothing was used.")
        rest(source, bundle, view)
    return bundle.hexdigest()


def rest(source: IO[bytes], bundle: hashlib._Hash, view: memoryview) -> None:
    """Hash what is left of ``source`` into ``bundle``."""
    while True:
        data = source.readinto(view)  # type: ignore[attr-defined]
        if not data:
            break
        bundle.update(view[:data])
