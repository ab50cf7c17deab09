"""The Textual app shell: builds contexts for screens and opens the home screen."""

from __future__ import annotations

import traceback
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import App

from console.wiring import Options
from screens.home import HomeScreen

if TYPE_CHECKING:
    from services.step_protocol import Context


class ReleaseConsoleApp(App[None]):
    TITLE = "Release Console"

    def __init__(self, options: Options) -> None:
        super().__init__()
        self.options = options

    def make_context(self) -> Context:
        """A fresh context per worker: sessions may change under us (another terminal's CLI).

        Imported here, in the worker, so the first frame does not wait for git and the services.
        """
        from console.wiring import build_context
        from screens.prompts import TuiPrompter

        return build_context(self.options, TuiPrompter(self))

    def _handle_exception(self, error: Exception) -> None:
        """A bug ends the app with a plain, scrubbed traceback.

        Textual's own crash report shows every frame's local variables, which may hold a
        passphrase or a token; this one shows code lines only, through the secret scrubber.
        (Overrides a private Textual hook; tests/test_tui_home.py checks it still applies.)
        """
        from services.secrets import scrub

        self._return_code = 70  # as the CLI: an unexpected error (a bug)
        if self._exception is None:
            self._exception = error
            self._exception_event.set()
        self.bell()
        report = scrub("".join(traceback.format_exception(error)))
        self._exit_renderables.append(Text(
            "Release Console stopped on an unexpected error (a bug: please report it). "
            "Your session and journal are as the last finished action left them.\n\n" + report))
        self._close_messages_no_wait()

    def get_default_screen(self) -> HomeScreen:
        """The home screen is the bottom of the stack: no blank default screen to paint first."""
        return HomeScreen()
