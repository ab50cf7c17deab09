"""Crash-safe file writes.

A release captain's files (CHANGELOG, session state, signatures) must be either the old version or
the new one, never half of each, even when the process is killed mid-write. Every writer in the
project goes through :func:`write_bytes_atomic`.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from services.errors import ConsoleError, EnvironmentProblem


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def write_bytes_atomic(path: Path, data: bytes, *, mode: int | None = None) -> None:
    """Write ``data`` to ``path`` via a temp file in the same directory, fsync, rename, fsync dir.

    The original file's permission bits are kept when ``mode`` is not given, so a CHANGELOG that was
    0644 stays 0644. A read-only target is refused rather than silently replaced.
    """
    # A symlinked file (docs/CHANGELOG.md -> ../CHANGELOG.md) is written through the link, so the
    # link stays a link and its target gets the new bytes.
    path = Path(os.path.realpath(path)) if Path(path).is_symlink() else Path(path)
    directory = path.parent
    owner: tuple[int, int] | None = None
    if path.exists():
        info = path.stat()
        owner = (info.st_uid, info.st_gid)
        if info.st_nlink > 1:
            raise ConsoleError(
                f"{path} has {info.st_nlink} hard links; replacing it would leave the other "
                "links with the old text, so nothing was written.",
                remedy="Replace the hard links with one file (or a symlink) and try again.",
            )
        # Mode bits as well as access(): root may write anything, but a file its owner made
        # read-only (0444) is a statement we respect rather than silently replace.
        if not os.access(path, os.W_OK) or not path.stat().st_mode & 0o222:
            raise ConsoleError(
                f"{path} is read-only; nothing was written.",
                remedy="Make it writable (chmod u+w) and try again.",
            )
        keep_mode = path.stat().st_mode & 0o7777
    else:
        keep_mode = 0o644
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise EnvironmentProblem(
            f"Cannot write in {directory}: {exc.strerror}; nothing was written.",
            remedy="Check the directory exists and is writable.",
        ) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, mode if mode is not None else keep_mode)
        if owner is not None and owner != (os.getuid(), os.getgid()):
            with contextlib.suppress(PermissionError):  # only root may give files away
                os.chown(tmp_name, *owner)
        os.replace(tmp_name, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        if isinstance(exc, OSError):  # disk full, quota, I/O error: the old file is untouched
            raise EnvironmentProblem(
                f"Writing {path} failed ({exc.strerror or exc}); the file was left as it was.",
                remedy="Free space or fix the disk, then try again.",
            ) from None
        raise
    _fsync_dir(directory)


def write_text_atomic(path: Path, text: str, *, encoding: str = "utf-8") -> None:
    """Write text without newline translation: the caller decides LF or CRLF."""
    write_bytes_atomic(path, text.encode(encoding))
