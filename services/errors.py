"""Errors a release captain can act on.

Every service raises a subclass of :class:`ConsoleError` for anything caused by the user's input or
machine (a bad file, a missing tool, a dirty tree). The CLI turns them into one plain sentence and an
exit code; the TUI shows the same sentence. Anything else is a bug and may show a traceback.
"""

from __future__ import annotations


class ConsoleError(Exception):
    """A user-facing failure: ``str(err)`` is one sentence that says what is wrong and what to do."""

    exit_code = 1

    def __init__(self, message: str, *, remedy: str = "", tui: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.remedy = remedy
        # The remedy in the TUI's terms (a key, a control) where the command line's would name a
        # command or an option the TUI has not got; empty: the TUI says ``remedy`` too.
        self.tui = tui

    def __str__(self) -> str:
        if self.remedy:
            return f"{self.message} {self.remedy}"
        return self.message

    @property
    def tui_text(self) -> str:
        """What the TUI shows: the message and its own remedy when it has one (as
        :attr:`services.blocker.Blocker.tui_remedy`)."""
        remedy = self.tui or self.remedy
        return f"{self.message} {remedy}" if remedy else self.message


class UsageError(ConsoleError):
    """The command line itself was wrong (exit 2)."""

    exit_code = 2


class EnvironmentProblem(ConsoleError):
    """The machine lacks something: a tool, a keyring, a writable directory (exit 3)."""

    exit_code = 3


class BlockedError(ConsoleError):
    """A step cannot run yet; the blockers say why (exit 1)."""

    exit_code = 1


class NeedsInput(ConsoleError):
    """A step needs an answer the command line did not give (exit 2, a usage error); the message
    names the option that gives it (``--yes``, ``--passphrase-file``...)."""

    exit_code = 2


class StepCancelled(ConsoleError):
    """The captain cancelled a running step; raised at a safe point (between files, before a
    commit), so nothing is half-written. The session records the step as cancelled, ready to run
    again, not as interrupted or failed."""

    exit_code = 130
