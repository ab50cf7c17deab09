"""The one CLI renderer of :class:`services.progress.ProgressEvent`, for every command that does
long work (``run``/``next``, ``draft``, ``checksums``, ``sign``, ``smoke sign``...).

On a terminal it draws a rich progress bar per file (rich imported only when the first event
arrives, so a command that reports nothing pays nothing), taken down whenever every file shown is
finished, so a passphrase prompt after hashing stays readable; otherwise (a CI log, a pipe) it writes
one line per file at most every 10 % or 2 seconds. Either way a retry is announced on a line of
its own, so an upload that starts again after a dropped connection is never silent.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TextIO

from services.progress import ProgressEvent

if TYPE_CHECKING:
    from services.step_protocol import Context


def _amount(event: ProgressEvent) -> str:
    """``1.2 GiB of 2.0 GiB`` or ``1 of 3 files``."""
    from services.artifacts import human_size

    if event.unit == "bytes":
        return f"{human_size(event.done)} of {human_size(event.total)}"
    return f"{event.done} of {event.total} {event.unit}"


class ProgressRenderer:
    """Call it with events; use it as a context manager so a bar is cleared at the end."""

    def __init__(self, stream: TextIO | None = None, *, bars: bool | None = None) -> None:
        self._stream = stream or sys.stderr
        self._bars = self._stream.isatty() if bars is None else bars
        self._shown: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()
        self._progress: Any = None  # rich.progress.Progress, once the first bar is drawn
        self._tasks: dict[str, Any] = {}
        self._closed = False

    def __call__(self, event: ProgressEvent) -> None:
        with self._lock:
            if event.retry:  # the work starts again: so does its progress
                self._shown.pop(event.label, None)
                self._line(f"  {event.notice()}")
            # A count of files (signing) is a line each, never a bar: its events come one per
            # file and name it, so bars stayed on screen at "0 of 2" beside the finished one, and
            # a live bar went on redrawing while pinentry asked for the card's PIN below it.
            elif self._bars and event.unit == "bytes":
                self._bar(event)
            else:
                self._throttled(event)

    def _line(self, text: str) -> None:
        if self._progress is not None:
            from rich.markup import escape

            self._progress.console.print(escape(text), highlight=False)
            return
        if self._closed:
            return
        try:
            self._stream.write(text + "\n")
            self._stream.flush()
        except (BrokenPipeError, ValueError):  # the reader went away (`| head`): progress is
            self._closed = True                # advice, never a reason for the work to fail

    def _throttled(self, event: ProgressEvent) -> None:
        last, when = self._shown.get(event.label, (-100, 0.0))
        now = time.monotonic()
        percent = event.percent
        if percent == last or (percent < 100 and percent - last < 10 and now - when < 2):
            return
        self._shown[event.label] = (percent, now)
        self._line(f"  {event.label}: {_amount(event)} ({percent}%)")

    def _bar(self, event: ProgressEvent) -> None:
        if self._progress is None:
            from rich.progress import BarColumn, DownloadColumn, Progress, TransferSpeedColumn

            from console.output import err

            self._progress = Progress("[progress.description]{task.description}", BarColumn(),
                                      DownloadColumn(), TransferSpeedColumn(), console=err(),
                                      transient=True)
            self._progress.start()
        task = self._tasks.get(event.label)
        if task is None:
            task = self._tasks[event.label] = self._progress.add_task(
                event.label, total=event.total or None)
        self._progress.update(task, completed=event.done, total=event.total or None)
        if all(t.finished for t in self._progress.tasks):
            # Nothing is moving: take the bar down, so a prompt that follows (a passphrase
            # after hashing) is not drawn over; the next event puts one up again.
            self._progress.stop()
            self._progress = None
            self._tasks.clear()

    def close(self) -> None:
        with self._lock:
            if self._progress is not None:
                self._progress.stop()
                self._progress = None

    def __enter__(self) -> ProgressRenderer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@contextmanager
def rendering(ctx: Context) -> Iterator[ProgressRenderer]:
    """Show ``ctx``'s progress for the length of the block (the step's run, a signing batch)."""
    with ProgressRenderer() as renderer:
        before = ctx.progress
        ctx.progress = renderer
        try:
            yield renderer
        finally:
            ctx.progress = before
