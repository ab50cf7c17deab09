"""The Textual app shell: builds contexts for screens and opens the home screen."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import App

from console.wiring import Options
from screens.home import HomeScreen

if TYPE_CHECKING:
    from services.runbook import Context


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

    def get_default_screen(self) -> HomeScreen:
        """The home screen is the bottom of the stack: no blank default screen to paint first."""
        return HomeScreen()
