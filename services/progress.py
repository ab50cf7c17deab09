"""Progress of long work (hashing, uploading, signing) as data, not as a label to split apart.

A service reports a :class:`ProgressEvent` to the callable it was given (``Context.progress``);
the CLI renders it with one renderer (``console/progress.py``) and the TUI posts it to the screen
running the step, which reads ``phase``/``item``/``attempt`` instead of parsing words out of a
label. Events come from worker threads (the parallel hasher), one at a time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ProgressEvent:
    """``done`` of ``total`` (``unit``) of ``phase`` on ``item``.

    ``phase`` names the work ("hash", "upload", "sign", or "sha256" for a whole batch hashed
    together); ``item`` the file it is done to ("" for the batch). ``attempt`` > 0 makes the
    event a retry notice: that attempt is starting now because of ``reason``.
    """

    phase: str
    item: str = ""
    done: int = 0
    total: int = 0
    attempt: int = 0
    reason: str = ""
    unit: str = "bytes"  # or "files"

    @property
    def retry(self) -> bool:
        return self.attempt > 0

    @property
    def label(self) -> str:
        """``phase item`` ("upload pai.iso"): the key a renderer keeps one line or bar per."""
        return f"{self.phase} {self.item}".strip()

    @property
    def percent(self) -> int:
        return 100 if self.total <= 0 else min(100, self.done * 100 // self.total)

    @property
    def finished(self) -> bool:
        return self.total > 0 and self.done >= self.total

    def notice(self) -> str:
        """A retry in one sentence: ``retrying pai.iso (attempt 2): the connection was lost``."""
        return f"retrying {self.item or self.phase} (attempt {self.attempt}): {self.reason}"


ProgressSink = Callable[[ProgressEvent], None]


def no_progress(event: ProgressEvent) -> None:
    """The default sink: nobody is watching."""
    return None
