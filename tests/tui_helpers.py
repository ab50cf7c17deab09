"""Driving the TUI with Pilot: wait for workers the way a captain waits for the screen."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.screen import ModalScreen
from textual.widgets import Static
from textual.worker import WorkerState


async def settle(pilot: Pilot[Any]) -> None:
    """Let workers finish and their messages land, including workers those messages start.

    A worker waiting on a question (a confirmation, a passphrase) cannot finish until it is
    answered, so a modal on top counts as settled: the test answers it next.
    """
    quiet = 0
    for _ in range(2000):
        await pilot.pause()
        # a worker just started may still be pending: it counts as busy until it has run
        busy = any(w.state in (WorkerState.PENDING, WorkerState.RUNNING)
                   for w in pilot.app.workers)
        if isinstance(pilot.app.screen, ModalScreen) or not busy:
            quiet += 1
            if quiet >= 3:
                return
        else:
            quiet = 0
            await pilot.pause(0.01)
    raise AssertionError("the TUI never settled")


def text_of(screen: Any, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())
