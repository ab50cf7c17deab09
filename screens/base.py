"""What screens need from the app, as a protocol, so screens never import ``console``.

The app shell (``console/app.py``) implements it; tests can run screens inside it as a user would.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, cast

if TYPE_CHECKING:
    from services.step_protocol import Context


class ConsoleHost(Protocol):
    """The app seen from a screen: a way to build a fresh context for a worker thread."""

    def make_context(self) -> Context:
        """A new Context (repository, policy, active session) with the TUI prompter."""
        ...


def host_of(app: object) -> ConsoleHost:
    """The running app as a :class:`ConsoleHost`; fails loudly if a screen runs elsewhere."""
    if not hasattr(app, "make_context"):
        raise TypeError("screens must run inside the Release Console app")
    return cast(ConsoleHost, app)
