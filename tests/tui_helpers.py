"""Driving the TUI with Pilot: wait for workers the way a captain waits for the screen."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, TypeVar

from textual.pilot import Pilot
from textual.screen import ModalScreen
from textual.widgets import Static
from textual.worker import WorkerState

from console.app import ReleaseConsoleApp
from console.wiring import Options

if TYPE_CHECKING:
    from services.step_protocol import Context

S = TypeVar("S")


async def settle(pilot: Pilot[Any]) -> None:
    """Let workers finish and their messages land, including workers those messages start.

    A worker waiting on a question (a confirmation, a passphrase) cannot finish until it is
    answered, so with a dialog on top only the dialog's own workers count (a conflict dialog's
    continue, a promote dialog's start): the test answers the dialog next.

    Two quiet pauses in a row end it: a worker a message starts is counted (pending) from the
    pause that handled the message, so the second pause sees it. A third made Textual lay the
    screen out once more per settle, for nothing (8% of a TUI test's CPU).
    """
    quiet = 0
    for _ in range(2000):
        await pilot.pause()
        # a worker just started may still be pending: it counts as busy until it has run
        working = [w for w in pilot.app.workers
                   if w.state in (WorkerState.PENDING, WorkerState.RUNNING)]
        top = pilot.app.screen
        if isinstance(top, ModalScreen):  # only the dialog's own work: the rest waits on it
            working = [w for w in working if _belongs_to(w.node, top)]
        if not working:
            quiet += 1
            if quiet >= 2:
                return
        else:
            quiet = 0
            await pilot.pause(0.01)
    raise AssertionError("the TUI never settled")


def _belongs_to(node: Any, screen: ModalScreen[Any]) -> bool:
    while node is not None:
        if node is screen:
            return True
        node = node.parent
    return False


def text_of(screen: Any, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def footer_entries(screen: Any) -> list[Any]:
    """The footer's key widgets, left to right (Textual does not export their class, FooterKey,
    so they are typed loosely: each has ``key``, ``description`` and ``region``)."""
    return list(screen.query("Footer FooterKey"))


def footer_words(screen: Any) -> dict[str, str]:
    """The footer as a captain reads it: each key shown and the words beside it."""
    return {key.key: key.description for key in footer_entries(screen)}


def footer_keys(screen: Any) -> dict[str, bool]:
    """The footer as a captain reads it: each key shown, and False where it is greyed out."""
    return {key.key: not key.has_class("-disabled") for key in footer_entries(screen)}


async def open_step(pilot: Pilot[Any], step_id: str, kind: type[S]) -> S:
    """Open ``step_id``'s own screen over the checklist, as Enter on its row does, once the
    checklist has loaded; the screen must be of ``kind``."""
    from screens.step import screen_for

    await settle(pilot)
    pilot.app.push_screen(screen_for(step_id))
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, kind)
    return screen


async def open_with_key(pilot: Pilot[Any], key: str, kind: type[S]) -> S:
    """Press ``key`` once the screen under it has settled (``s`` for the start dialog, ``x`` to
    abandon); the screen it opens must be of ``kind``."""
    await settle(pilot)
    await pilot.press(key)
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, kind)
    return screen



async def open_picker(pilot: Pilot[Any]) -> Any:
    """The hotfix picker, opened as the palette's "Start a hotfix" opens it, once the checklist
    under it has settled."""
    from screens.hotfix import HotfixScreen

    app = pilot.app
    assert isinstance(app, ReleaseConsoleApp)
    await settle(pilot)
    app.action_start_hotfix()
    await settle(pilot)
    assert isinstance(app.screen, HotfixScreen)
    return app.screen

class SlowApp(ReleaseConsoleApp):
    """The app on a loaded machine: while ``held`` is set, a worker's context (the screen's
    load, a sign-off's write) waits until the test lets it go, as git and hashing make it wait."""

    def __init__(self, options: Options) -> None:
        super().__init__(options)
        self.held = threading.Event()
        self.go = threading.Event()

    def make_context(self) -> Context:
        if self.held.is_set():
            self.go.wait(30)
        return super().make_context()


def type_in_one_burst(app: ReleaseConsoleApp, *keys: str) -> None:
    """Keys as a fast typist (or a paste) sends them: all in the app's queue before it handles
    the first. Pilot's ``press`` waits for the app to go idle after each key, which hides what
    lands where when keys come faster than the screen."""
    from textual import events

    for key in keys:
        char = key if len(key) == 1 else {"enter": "\r", "space": " "}.get(key)
        event = events.Key(key, char)
        event.set_sender(app)
        app.post_message(event)
