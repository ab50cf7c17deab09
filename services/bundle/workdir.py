"""The private folders an import verifies a bundle in (``.release/import-*``), and their leftovers.

A bundle is extracted whole before it is used, so a verification killed halfway (or a TUI closed
by a power cut) can leave gigabytes behind, and the next import's free-space check would count
them against the captain. Each folder is held with a lock on its ``.held`` file for as long as it
is in use (the kernel drops the lock when its process dies), so a later import removes exactly
the folders nobody holds any more, and never one another terminal or the TUI is still using.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import tempfile
import time
from pathlib import Path

HELD = ".held"
PREFIX = "import-"
YOUNG_SECONDS = 60  # a folder just made whose lock is not taken yet is left alone


class Workdir:
    """One import's private folder, held until :meth:`release`."""

    def __init__(self, base: Path) -> None:
        # ``base`` (``.release/``) made for this folder goes with it: a bundle refused, or not
        # used, in a clone that had no release yet leaves the clone as it was.
        self.made_base = not base.exists()
        base.mkdir(parents=True, exist_ok=True)
        sweep(base)
        self.path = Path(tempfile.mkdtemp(prefix=PREFIX, dir=base))
        self._fd: int | None = os.open(self.path / HELD, os.O_CREAT | os.O_RDWR, 0o600)
        fcntl.flock(self._fd, fcntl.LOCK_EX)

    def release(self) -> None:
        """Remove the folder, then let go of it (idempotent)."""
        shutil.rmtree(self.path, ignore_errors=True)
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        if self.made_base:  # only while empty: an import that went ahead has filled it
            self.made_base = False
            with contextlib.suppress(OSError):
                self.path.parent.rmdir()


def sweep(base: Path) -> list[Path]:
    """Remove import folders nobody holds (left by a killed import); returns what was removed."""
    removed = []
    for folder in sorted(base.glob(f"{PREFIX}*")) if base.is_dir() else []:
        held = folder / HELD
        try:
            if not held.exists():
                if time.time() - folder.stat().st_mtime < YOUNG_SECONDS:
                    continue
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder)
                continue
            fd = os.open(held, os.O_RDWR)
        except OSError:
            continue
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # in use by another import (this process's TUI included)
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
        finally:
            with contextlib.suppress(OSError):
                os.close(fd)
    return removed
