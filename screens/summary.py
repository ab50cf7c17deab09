"""The end of a release: what was published, signed and tagged, and what is left to do.

Shown when ``n`` finds no step left; ``release-console status`` prints the same summary
(``services.summary``), so the TUI and the CLI end a release with the same facts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen

from screens.base import host_of, said
from screens.footer import Footer
from screens.hanging import HangingStatic, hanging
from screens.step_keys import OwnKeysFirst
from screens.widgets import SessionBar
from services.errors import ConsoleError

SUMMARY_CSS = Path(__file__).with_name("summary.tcss")
# A line's lead: its indent and its label ("  Release page: ", "  Still to do: "); a wrapped URL,
# command or sentence goes on under the text after it. At 80 columns the release page's URL
# went on at the left edge, where it read as a line of its own.
LABEL = re.compile(r" *(?:[A-Z][A-Za-z ]*: )?")


class SummaryScreen(OwnKeysFirst, Screen[None]):
    BINDINGS = [Binding("escape", "back", "Checklist"), Binding("p", "push_rest", "Push the rest…"),
                Binding("f5", "reload", "Refresh")]
    CSS_PATH = SUMMARY_CSS

    @dataclass
    class Loaded(Message):
        header: str
        lines: list[str]
        error: str = ""
        unpushed: int = 0
        title: str = ""  # which release, when another is in progress

    def __init__(self) -> None:
        super().__init__()
        self.unpushed = 0

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "push_rest":
            return self.unpushed > 0
        return True

    def compose(self) -> ComposeResult:
        yield SessionBar("", id="session-bar")
        with VerticalScroll(id="summary-body"):
            yield HangingStatic("Loading…", id="summary")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Release summary"
        self.action_reload()

    def action_reload(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="summary-load")
    def _load(self) -> None:
        from services.headline import headline
        from services.summary import for_context, summary_session

        try:
            ctx = host_of(self.app).make_context()
            header = headline(ctx)
            session = summary_session(ctx)
            if session is None:
                self.post_message(self.Loaded(header, [], "No release has finished here yet."))
                return
            summary = for_context(ctx, session)
            # the session bar names the release in progress: say which one this is about
            current = ctx.session
            title = (f"Summary of {session.tag} (the last finished release; {current.tag} is in "
                     "progress)" if current is not None and current.tag != session.tag else "")
        except ConsoleError as err:
            self.post_message(self.Loaded("", [], said(err)))
            return
        self.post_message(self.Loaded(header, summary.lines(), unpushed=summary.unpushed,
                                      title=title))

    def on_summary_screen_loaded(self, message: Loaded) -> None:
        self.query_one("#session-bar", SessionBar).update(message.header)
        self.unpushed = message.unpushed
        self.refresh_bindings()
        body = self.query_one("#summary", HangingStatic)
        if message.error:
            body.update(Text(message.error, style="bold red"))
            return
        text = Text()
        if message.title:
            text.append(message.title + "\n\n", style="bold")
        for number, line in enumerate(message.lines):
            style = "bold green" if number == 0 else ("yellow" if "Still to do" in line else "")
            text.append(line + "\n", style=style)
        keys = "p: push the commits left · " if self.unpushed else ""
        text.append(f"\n{keys}Escape: back to the checklist · q: quit", style="dim")
        body.update(hanging(text, lead=LABEL))

    def action_back(self) -> None:
        if self.unpushed:  # the checklist has no key for them: say how to come back
            self.notify(f"{self.unpushed} commit{'s' if self.unpushed > 1 else ''} left to push: "
                        "Ctrl+P \"Summary of the last release\" brings this back (p pushes).",
                        severity="warning", timeout=8)
        self.dismiss()

    def action_push_rest(self) -> None:
        self._push(confirmed=False)

    @work(thread=True, exclusive=True, group="summary-push")
    def _push(self, confirmed: bool) -> None:
        """Ask the way every push asks (the URL and each commit going up), then push."""
        from screens.prompts import ask_from_thread
        from services.step_protocol import Plan
        from services.summary import push_plan_lines, push_rest, summary_session

        try:
            ctx = host_of(self.app).make_context()
            session = summary_session(ctx)  # the release the screen shows, not the next one
            if session is None:
                return
            command, lines = push_plan_lines(ctx, session)
            plan = Plan(summary="\n".join(lines), commands=[command])
            if not ask_from_thread(self.app, "Push the commits left after the release?", plan,
                                   irreversible=True):
                return
            head = push_rest(ctx, session)
        except ConsoleError as err:
            self.post_message(Pushed(said(err)))
            return
        self.post_message(Pushed(f"Pushed {head[:12]}."))

    def on_pushed(self, message: Pushed) -> None:
        self.notify(message.text, severity="error" if not message.text.startswith("Pushed")
                    else "information")
        self.action_reload()


@dataclass
class Pushed(Message):
    text: str
