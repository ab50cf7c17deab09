"""The TUI's :class:`services.step_protocol.Prompter`: modal dialogs usable from worker threads.

Steps run in thread workers; when one needs a passphrase or a yes/no, the prompter pushes a modal on
the app's thread and blocks the worker (not the UI) until the captain answers. Secrets typed here
are registered for scrubbing at once and never stored.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult, SuspendNotSupported
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.events import Key
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from screens.base import open_wizard
from screens.diff_view import scroll_to_change
from screens.footer import Footer
from screens.step_keys import KEYS, OwnKeysFirst
from screens.step_render import plan_body
from screens.widgets import CutPane, TypedField
from services import secrets
from services.errors import ConsoleError
from services.step_protocol import Plan
from services.wording import single_width

PROMPTS_CSS = Path(__file__).with_name("prompts.tcss")


class ConfirmScreen(OwnKeysFirst, ModalScreen[bool]):
    """Shows exactly what will happen and asks; every commit, tag, push and publish asks this way.

    ``y`` says yes and ``n`` or Escape says no. Enter says yes to a change that stays local (a
    commit, a tag) and no to an irreversible one (push, publish), where only ``y`` goes ahead: a
    tired captain's stray Enter never publishes. The hint line says which. Its Keys panel (F1 or
    ``?``) lists these first: walked at 80x24 it opened on the focused button's "⏎ Press button"
    and Textual's focus and copy keys, and ``?`` was answered "? does not answer this question".
    """

    BINDINGS = [Binding("n", "cancel", "No"), Binding("escape", "cancel", "No"),
                Binding("y", "confirm", "Yes"), KEYS,
                Binding("up", "scroll_plan(-1)", "Scroll up", show=False),
                Binding("down", "scroll_plan(1)", "Scroll down", show=False),
                Binding("pageup", "scroll_plan(-10)", "Page up", show=False),
                Binding("pagedown", "scroll_plan(10)", "Page down", show=False)]
    CSS_PATH = PROMPTS_CSS
    TYPED_AHEAD_ANSWERS = False  # console/typeahead.py: a key typed before it showed is no answer
    OVERHEAD = 6  # rows besides the texts: the border (2), the buttons (3) and the footer (1)
    MAX_WIDTH = 110  # the dialog's max-width in prompts.tcss

    def __init__(self, question: str, plan: Plan, *, irreversible: bool = False) -> None:
        super().__init__()
        self.question = question
        self.plan = plan
        self.irreversible = irreversible
        self.stray = ""  # the last key pressed that answers nothing here
        self.shown_change = False  # scrolled to the diff's first change (done once)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(single_width(self.question), id="question", markup=False)
            with PlanPane(id="plan"):
                yield Static(plan_body(self.plan, 0), id="plan-body")
            yield Static("The plan is longer than this window: ↑↓ or PgUp PgDn scroll it.",
                         id="more")
            # what will run stays in sight, however long the summary, the diff or the notes
            yield Static(plan_commands(self.plan), id="commands",
                         classes="" if self.plan.commands or self.plan.api_calls else "none")
            yield Static(self.hint(), id="hint", markup=False)
            with Horizontal():
                yield Button("No (n)", id="no", variant="primary")
                yield Button("Yes (y)", id="yes", variant="warning")
        # The dialog's own keys on the bottom row, over the step screen's: walked at 80x24, the
        # step's footer under the dialog (with "Cancel step" while it asks) was cut "m No migr",
        # and none of its keys answer the dialog anyway.
        yield Footer()

    def hint(self) -> str:
        stray = f"{self.stray} does not answer this question. " if self.stray else ""
        if self.irreversible:
            return stray + "This cannot be undone. y: yes, do it · n, Esc or Enter: no, go back"
        return stray + "y or Enter: yes, do it · n or Esc: no, go back"

    def on_key(self, event: Key) -> None:
        """Walked: z (any key that answers nothing) was ignored without a word. The hint line
        says so and which keys answer, in place: once, however many keys, never a toast."""
        if not event.is_printable or event.key in self.app.active_bindings:
            return
        char = event.character or ""
        self.stray = char if char.isprintable() and not char.isspace() else event.key
        hint = self.query_one("#hint", Static)
        hint.update(Text(self.hint(), style="bold"))
        hint.add_class("-stray")
        self._fit()  # the longer line may take a row more: the plan gives it up

    def on_mount(self) -> None:
        self.query_one("#no" if self.irreversible else "#yes", Button).focus()
        self.call_after_refresh(self._fit)

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit)

    def _fit(self) -> None:
        """The plan takes every row the question, the commands, the hint and the buttons
        leave, so they stay in sight and as much of the rest as fits is shown (a box of 60% of
        the window cut a hotfix push's second command at 80x24); a longer plan scrolls, and a
        line under it says how.

        The rows are counted by wrapping the texts at the dialog's width for the window's size
        now: the widgets' own sizes still hold the last layout's right after a resize."""
        inner = min(self.size.width, self.MAX_WIDTH) - 4  # the border and the padding
        commands = plan_commands(self.plan) if self.plan.commands or self.plan.api_calls \
            else Text()  # shown only when there are some
        room = self.size.height - self.OVERHEAD - sum(
            self._rows(text, inner) for text in (Text(self.question), commands,
                                                 Text(self.hint())))
        body = plan_body(self.plan, inner - 2)  # beside the gutter
        self.query_one("#plan-body", Static).update(body)
        content = self._rows(body, inner - 2)
        longer = content > room
        self.query_one("#more", Static).display = longer
        plan = self.query_one("#plan", PlanPane)
        plan.styles.height = shown = max(3, room - 1) if longer else content
        if longer and not self.shown_change:
            self.shown_change = True  # once: a resize later keeps where the captain scrolled
            self._show_first_change(body, inner - 2, shown)

    def _show_first_change(self, body: Text, width: int, shown: int) -> None:
        """Scroll the plan as little as shows its diff's first change whole, with a row of
        context above it (:func:`screens.diff_view.first_change`). Walked at 80x24: the
        changelog's confirmation showed the summary, the diff's header and context, and the
        change (the moved [Unreleased] heading, the new version and date) below the fold."""
        y = scroll_to_change(self.app.console, body, width, shown)
        if y:
            plan = self.query_one("#plan", PlanPane)
            self.call_after_refresh(plan.scroll_to, y=y, animate=False)

    def _rows(self, renderable: RenderableType, width: int) -> int:
        if isinstance(renderable, Text) and not renderable.plain:
            return 0
        console = self.app.console
        return len(console.render_lines(renderable, console.options.update_width(max(1, width)),
                                        pad=False))

    def action_scroll_plan(self, rows: int) -> None:
        self.query_one("#plan", PlanPane).scroll_relative(y=rows, animate=False)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_cancel(self) -> None:
        self.dismiss(False)

    def action_confirm(self) -> None:
        self.dismiss(True)


class PlanPane(CutPane):
    """The confirmation's plan: the line under it says it is longer than the window until its
    end is in sight (walked: the line stayed once the captain had scrolled to the end). The
    line keeps its row, so the dialog does not move while it scrolls."""

    def say_cut(self, cut: bool) -> None:
        for line in self.screen.query("#more"):  # from its first resize, the line is there
            line.styles.visibility = "visible" if cut else "hidden"


def plan_commands(plan: Plan) -> Group:
    """The commands and API calls as ``--dry-run`` prints them, each wrapping under itself,
    after its ``$``, not at the dialog's left edge (a long ``git push`` refspec read as a line
    of its own)."""
    parts: list[RenderableType] = []
    for title, prefix, items in (("Commands:", "  $ ", plan.commands),
                                 ("GitHub API calls:", "  ", plan.api_calls)):
        if items:
            grid = Table.grid()
            grid.add_column(no_wrap=True)
            grid.add_column(overflow="fold")
            for item in items:
                grid.add_row(prefix, Text(item))
            parts += [Text(f"\n{title}"), grid]
    return Group(*parts)


def ask_from_thread(app: App[Any], question: str, plan: Plan, *, irreversible: bool) -> bool:
    """From a worker thread: show the confirmation and block the worker until it is answered."""
    return bool(TuiPrompter(app).ask(ConfirmScreen(question, plan, irreversible=irreversible)))


class AnswerScreen(OwnKeysFirst, ModalScreen[str | None]):
    """A question answered in one line; Escape cancels (None)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    CSS_PATH = PROMPTS_CSS

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def action_cancel(self) -> None:
        self.dismiss(None)


class SecretScreen(AnswerScreen):
    """A password field; the value goes straight to the waiting worker and nowhere else."""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.question)
            yield TypedField(password=True, id="secret")
            yield Label("Enter to submit, Escape to cancel. Nothing typed here is stored.",
                        classes="hint")
        yield Footer()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)


class ReasonScreen(AnswerScreen):
    """Asks why (for a skip, a redo): the answer goes into the journal, so it may not be empty."""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.question)
            yield TypedField(placeholder="Reason (recorded in the journal)", id="reason")
            yield Label("", id="reason-error")
            yield Label("Enter to confirm, Escape to cancel.", classes="hint")
        yield Footer()  # its own keys, not the step screen's under it (k, o type the reason)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if not event.value.strip():
            self.query_one("#reason-error", Label).update("A reason is needed.")
            return
        self.dismiss(event.value.strip())


def ask_reason(app: App[Any], dialog: ModalScreen[str | None], then: Callable[[str], object],
               ) -> None:
    """Open ``dialog`` (it asks why: a skip, a redo, an abandon) and hand its reason to ``then``
    (the worker that records it); a cancelled dialog records nothing. The dialog dismisses with
    a reason only when one was typed, so ``then`` never gets an empty one."""

    def answered(reason: str | None) -> None:
        if reason:
            then(reason)

    app.push_screen(dialog, answered)


class TuiPrompter:
    """Blocks the calling worker thread until the captain answers a modal."""

    # Textual draws on the terminal: ssh asking for a passphrase there wrote over the screen
    # and hung the worker, so git talking to the remote runs away from it (services.remote).
    owns_terminal = True

    def __init__(self, app: App[Any]) -> None:
        self.app = app

    def ask(self, screen: ModalScreen[Any]) -> Any:
        if threading.current_thread() is threading.main_thread():
            raise RuntimeError("TuiPrompter must be used from a worker thread")
        answered = threading.Event()
        box: dict[str, Any] = {}

        def done(result: Any) -> None:
            box["result"] = result
            answered.set()

        # toasts cleared first (warnings said again after): walked, an earlier failure's
        # notice covered the left half of the merge-back's confirmation
        self.app.call_from_thread(open_wizard, self.app, screen, done)
        while not answered.wait(0.2):
            if not self.app.is_running:  # the app closed under the question: nothing is done
                raise ConsoleError("The console closed before the question was answered; "
                                   "nothing was done.")
        return box.get("result")

    def secret(self, prompt: str, *, option: str) -> str:
        value = self.ask(SecretScreen(prompt))
        if value is None:
            raise ConsoleError(f"{prompt} was not given; nothing was done.")
        secrets.register(value)
        return str(value)

    def confirm(self, question: str, plan: Plan) -> bool:
        """The engine asks this before an irreversible step (push, publish, yank)."""
        return bool(self.ask(ConfirmScreen(question, plan, irreversible=True)))

    @contextlib.contextmanager
    def terminal(self) -> Iterator[None]:
        """Hand the real terminal to pinentry or a token's touch prompt, then take it back.

        Steps call this (through ``ctx.prompter``) around gpg, git tag -s or ssh-keygen when the
        tool itself must talk to the captain. Headless runs (tests) have no terminal to hand over.
        """
        held = self.app.suspend()
        try:
            self.app.call_from_thread(held.__enter__)
        except (SuspendNotSupported, RuntimeError):
            yield
            return
        try:
            yield
        finally:
            self.app.call_from_thread(held.__exit__, None, None, None)


class AskingPrompter(TuiPrompter):
    """A :class:`TuiPrompter` whose question before an irreversible step goes through ``ask`` (a
    step screen's, which says on its own line that it waits for the answer)."""

    def __init__(self, app: App[Any], ask: Callable[..., bool]) -> None:
        super().__init__(app)
        self._ask = ask

    def confirm(self, question: str, plan: Plan) -> bool:
        return self._ask(question, plan, irreversible=True)
