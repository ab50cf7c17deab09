"""What screens need from the app, as a protocol, so screens never import ``console``.

The app shell (``console/app.py``) implements it; tests can run screens inside it as a user would.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast

from services import secrets
from services.errors import ConsoleError

if TYPE_CHECKING:
    from textual.app import App
    from textual.notifications import SeverityLevel
    from textual.screen import Screen

    from services.overview import Overview
    from services.step_protocol import Context

T = TypeVar("T")


class ConsoleHost(Protocol):
    """The app seen from a screen: a way to build a fresh context for a worker thread."""

    def make_context(self) -> Context:
        """A new Context (repository, policy, active session) with the TUI prompter."""
        ...

    def early_overview(self, *, within: float | None = None) -> Overview | None:
        """The checklist the entry point's child process worked out beside Textual's import
        (``console.overview_child``), once; None when there is none, it failed, or it is not
        ready ``within`` seconds (None: as long as it may take, only in a worker thread)."""
        ...

    def withdraw(self, message: str) -> None:
        """Take back the toasts that say ``message`` (a refusal a new attempt supersedes)."""
        ...

    def take_standing_warnings(self) -> list[tuple[str, str, SeverityLevel]]:
        """The warnings and errors whose toasts are still up, as (message, title, severity);
        Textual has no public list of the toasts on screen."""
        ...

    def kept(self, key: str) -> dict[str, Any]:
        """What screens keep under ``key`` while the console runs (a refused smoke sign-off, for
        its release): leaving a screen and opening it again finds it. In memory only, never in
        a file: gone when the console quits."""
        ...


def host_of(app: object) -> ConsoleHost:
    """The running app as a :class:`ConsoleHost`; fails loudly if a screen runs elsewhere."""
    if not hasattr(app, "make_context"):
        raise TypeError("screens must run inside the Release Console app")
    return cast(ConsoleHost, app)


def attempt(app: object, call: Callable[[Context], T]) -> tuple[T | None, str]:
    """Run ``call`` on a fresh context (in a worker thread): ``(its result, "")``, or ``(None,
    the refusal)`` with secrets scrubbed, ready for the message the worker posts. The one place
    where a screen's service call turns a :class:`ConsoleError` into words on the screen."""
    try:
        return call(host_of(app).make_context()), ""
    except ConsoleError as err:
        return None, said(err)


def said(err: ConsoleError) -> str:
    """A refusal as the TUI says it: its TUI remedy (a key, a control) where it has one, instead
    of the command line's, with secrets scrubbed."""
    return secrets.scrub(err.tui_text)


def open_wizard(app: App[Any], wizard: Screen[T], callback: Callable[[T | None], None] | None = None,
                ) -> None:
    """Push ``wizard`` with the screen it opens from's toasts cleared, so they never cover it
    (walked by hand: a toast raised on the home screen stayed over the yank wizard's form).

    Routine news goes; a warning or an error is said again when the wizard closes, over the
    screen it was about, so nothing a captain must read is lost."""
    held = host_of(app).take_standing_warnings()
    app.clear_notifications()

    def closed(result: T | None) -> None:
        for message, title, severity in held:
            app.notify(message, title=title, severity=severity)
        if callback is not None:
            callback(result)

    app.push_screen(wizard, closed)
