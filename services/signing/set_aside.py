"""Signatures an earlier release left beside this release's files, moved out of the way.

A build folder kept between releases, with a file name that does not change (``SHA256SUMS``, or
an artifact without ``{version}`` in its name), still holds the last release's signature when the
new file is written: it does not verify the new file, and ``sign_files(existing="reuse")`` would
stop on it. The sign step moves such a signature into ``.release/<tag>/set-aside/`` (never deletes
it), says so in its plan and journals where it went; then it signs the new file.

Only a signature that is plainly not this release's is moved: it does not verify the file, it was
written before this release started (its mtime), and its sha256 is not one this release recorded.
A signature this release wrote that no longer verifies stays where it is and the refusal stands:
something changed it, and that is for the captain to look at.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from services.signing import Backend, SignatureInvalid


def earlier_release_signature(backend: Backend, path: Path, *, started: datetime | None,
                              ours: Iterable[str]) -> Path | None:
    """The signature beside ``path`` when it is an earlier release's (see the module), else None.

    ``started`` is when this release began (None when unknown: nothing is moved), ``ours`` the
    sha256 of every signature this release recorded."""
    sig = backend.signature_path(path)
    if started is None or not sig.is_file() or not path.is_file():
        return None
    try:
        if sig.stat().st_mtime >= started.timestamp():
            return None  # written during this release: not ours to move
        data = sig.read_bytes()
    except OSError:
        return None
    if hashlib.sha256(data).hexdigest() in set(ours):
        return None
    try:
        backend.verify(path, sig)
    except SignatureInvalid:
        return sig
    return None  # it verifies: the step keeps it


def aside_target(sig: Path, folder: Path) -> Path:
    """Where :func:`move_aside` puts ``sig``: ``folder`` under its own name (``NAME.2``... when
    taken), never over another file. Known before the move, so the journal says it first."""
    target = folder / sig.name
    n = 1
    while target.exists():
        n += 1
        target = folder / f"{sig.name}.{n}"
    return target


def move_aside(sig: Path, target: Path) -> None:
    """Move ``sig`` to ``target`` (from :func:`aside_target`); never deleted."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(sig), str(target))
