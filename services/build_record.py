"""The journal's record of a build the console ran (:mod:`services.build`).

An auditable release says how its artifacts came to be: a build run from the console (``b`` on
the artifacts step, ``run artifacts --build``) is journaled, whether it worked or not, as one
entry of the artifacts step when it ends: who ran it (the entry's actor), when it started and
how long it took, the command as it ran (``{version}``/``{tag}`` filled in, secrets masked as
its output is), the commit it ran on and its exit code. A good build adds the artifacts it left
with their size and sha256 (streamed: ISO images are gigabytes); a failed one its last lines; a
stopped one who stopped it. The entry goes through the recorder like every other (one locked
append, the session taking the journal's new head), so ``journal verify`` still passes.

One entry at the end, not one at each end: a console killed mid-build (power, SIGKILL) leaves
no entry, as a build run by hand in another terminal leaves none; either way the artifacts step
checks what is on disk, and the digests from the smoke sign-off on are what is signed.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from services import secrets
from services.session import iso
from services.step_protocol import Context

STEP = "artifacts"
BUILT = "built"
BUILD_FAILED = "build failed"
BUILD_STOPPED = "build stopped"
ACTIONS = frozenset({BUILT, BUILD_FAILED, BUILD_STOPPED})


@dataclass
class BuildRun:
    """One build as it runs: what it runs and where it started, for its journal entry."""

    command: str
    commit: str  # HEAD when it started (the release commit: the build refuses any other)
    started: str = ""
    _clock: float = field(default=0.0, repr=False)
    _took: float | None = field(default=None, repr=False)

    @classmethod
    def start(cls, ctx: Context, command: str) -> BuildRun:
        return cls(command, ctx.repo.head_sha(), iso(ctx.clock()), time.monotonic())

    def ended(self) -> None:
        """The build's processes are gone: its duration stops here (hashing what it made, for
        the entry, is not the build's time: walked, a 3 GiB image added 6 seconds)."""
        self._took = self.seconds()

    def seconds(self) -> float:
        if self._took is not None:
            return self._took
        return round(time.monotonic() - self._clock, 1)

    def record(self, ctx: Context, action: str, **outputs: Any) -> None:
        """Journal this build's end as ``action`` (:data:`ACTIONS`), with ``outputs``."""
        ctx.record(STEP, action,
                   inputs={"command": secrets.scrub(self.command), "commit": self.commit},
                   outputs={"started": self.started, "seconds": self.seconds(), **outputs})


def produced(ctx: Context) -> list[dict[str, Any]]:
    """The release's artifacts as the build left them, in policy order: each present one with
    its size and sha256 (hashed in parallel, in chunks), a missing or unusable one with its
    problem (the build said it worked; the step will say what is wrong)."""
    from services import artifacts, checksums

    found = artifacts.for_session(ctx)
    usable = [a for a in found if a.ok]
    try:
        digests = {d.path: d for d in checksums.hash_files([a.path for a in usable],
                                                          ctx.progress)}
        unhashed = ""
    except checksums.ChecksumError as err:  # rewritten while hashed: something still writes
        digests, unhashed = {}, err.message
    result: list[dict[str, Any]] = []
    for artifact in found:
        entry: dict[str, Any] = {"arch": artifact.arch, "name": artifact.name,
                                 "path": artifacts.display_path(artifact.path, ctx.root)}
        digest = digests.get(artifact.path)
        if not artifact.ok:
            entry["problem"] = artifact.problem
        elif digest is None:
            entry |= {"size": artifact.size, "problem": f"not hashed: {unhashed}"}
        else:
            entry |= {"size": digest.size, "sha256": digest.sha256}
        result.append(entry)
    return result


def last_lines(lines: Sequence[str]) -> list[str]:
    """A failed build's last lines as the journal keeps them (blank ones dropped)."""
    return [line for line in lines if line.strip()]
