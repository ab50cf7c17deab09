"""The Textual app shell: builds contexts for screens and opens the home screen."""

from __future__ import annotations

from textual.app import App

from console.wiring import Options, build_context
from screens.home import HomeScreen
from screens.prompts import TuiPrompter
from services.runbook import Context


class ReleaseConsoleApp(App[None]):
    TITLE = "Release Console"

    def __init__(self, options: Options) -> None:
        super().__init__()
        self.options = options

    def make_context(self) -> Context:
        """A fresh context per worker: sessions may change under us (another terminal's CLI)."""
        return build_context(self.options, TuiPrompter(self))

    def on_mount(self) -> None:
        self.push_screen(HomeScreen())
