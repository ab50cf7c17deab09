"""The end of a release: what was published, signed and tagged, and what is left to do.

Shown when ``n`` finds no step left; ``release-console status`` prints the same summary
(``services.summary``), so the TUI and the CLI end a release with the same facts.
"""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static

from screens.base import host_of
from screens.widgets import SessionBar
from services.errors import ConsoleError


class SummaryScreen(Screen[None]):
    BINDINGS = [Binding("escape", "back", "Checklist"), Binding("f5", "reload", "Refresh")]
    DEFAULT_CSS = """
    SummaryScreen #summary-body { height: 1fr; padding: 0 1; }
    """

    class Loaded(Message):
        def __init__(self, header: str, lines: list[str], error: str = "") -> None:
            super().__init__()
            self.header, self.lines, self.error = header, lines, error

    def compose(self) -> ComposeResult:
        yield SessionBar("", id="session-bar")
        with VerticalScroll(id="summary-body"):
            yield Static("Loading…", id="summary")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Release summary"
        self.action_reload()

    def action_reload(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="summary-load")
    def _load(self) -> None:
        from services import engine
        from services.session_lifecycle import latest_session
        from services.summary import summarise

        try:
            ctx = host_of(self.app).make_context()
            header = engine.headline(ctx)
            session = ctx.session or latest_session(ctx.store)
            if session is None:
                self.post_message(self.Loaded(header, [], "No release has been made here yet."))
                return
            lines = summarise(session).lines()
        except ConsoleError as err:
            self.post_message(self.Loaded("", [], str(err)))
            return
        self.post_message(self.Loaded(header, lines))

    def on_summary_screen_loaded(self, message: Loaded) -> None:
        self.query_one("#session-bar", SessionBar).update(message.header)
        body = self.query_one("#summary", Static)
        if message.error:
            body.update(Text(message.error, style="bold red"))
            return
        text = Text()
        for number, line in enumerate(message.lines):
            style = "bold green" if number == 0 else ("yellow" if "Still to do" in line else "")
            text.append(line + "\n", style=style)
        text.append("\nEscape: back to the checklist · q: quit", style="dim")
        body.update(text)

    def action_back(self) -> None:
        self.dismiss()
