"""The generic step screen: what a step needs, what it would do, what it did, and running it.

Specialised step screens (``screens/steps/<module>.py``) subclass :class:`StepScreen` and use its
extension points instead of re-implementing loading, running, progress and errors:

- ``compose_extra()``: extra widgets shown under the blockers;
- ``load_extra(ctx)``: runs in the loading worker thread; its result goes to ``show_extra(data)``;
- ``collect_answers()``: on the UI thread just before a run; becomes ``ctx.answers``;
- ``before_run(ctx)``: in the run worker, before the engine runs the step.

All blocking work happens in thread workers that report back by messages, so the UI never freezes
while git, gpg or the network are busy.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, ProgressBar, Static

from screens.base import host_of
from screens.prompts import ReasonScreen
from screens.widgets import STATUS_STYLE, SessionBar
from services import engine, secrets
from services.errors import ConsoleError
from services.marks import MARKS
from services.progress import ProgressEvent
from services.step_protocol import Context, Plan
from services.steps import registry


class StepScreen(Screen[None]):
    """One runbook step: description, status, blockers, plan (dry run), evidence; r runs it."""

    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("r", "run_step", "Run step"),
        Binding("k", "skip_step", "Skip…"),
        Binding("o", "redo_step", "Redo…"),
        Binding("f5", "reload", "Refresh"),
    ]
    DEFAULT_CSS = """
    StepScreen #step-body { padding: 0 1; }
    StepScreen .section { margin-top: 1; }
    StepScreen #step-title { text-style: bold; }
    StepScreen #step-message { margin-top: 1; }
    StepScreen #step-progress { dock: bottom; height: 1; margin: 0 1 1 1; display: none; }
    StepScreen #step-progress.active { display: block; }
    """

    class Loaded(Message):
        def __init__(self, header: str, view: engine.StepView | None, plan: Plan | None,
                     extra: Any, error: str) -> None:
            super().__init__()
            self.header, self.view, self.plan, self.extra, self.error = (
                header, view, plan, extra, error)
            self.generation = 0  # which reload this answers; see action_reload

    class Finished(Message):
        def __init__(self, ok: bool, text: str) -> None:
            super().__init__()
            self.ok, self.text = ok, text

    class Progress(Message):
        """A service's :class:`ProgressEvent`, carried from the worker thread to the screen."""

        def __init__(self, event: ProgressEvent) -> None:
            super().__init__()
            self.event = event

    def __init__(self, step_id: str) -> None:
        super().__init__()
        self.step = registry()[step_id]
        self.running = False
        self.generation = 0

    # --- extension points --------------------------------------------------------------------
    def compose_extra(self) -> ComposeResult:
        yield from ()

    def load_extra(self, ctx: Context) -> Any:
        return None

    def show_extra(self, data: Any) -> None:
        return None

    def collect_answers(self) -> dict[str, Any]:
        return {}

    def before_run(self, ctx: Context) -> None:
        return None

    # --- layout ------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield SessionBar("", id="session-bar")
        with VerticalScroll(id="step-body"):
            yield Static(self.step.title, id="step-title", markup=False)
            yield Static(self.step.description, id="step-description", markup=False)
            yield Static("Loading…", id="step-status", classes="section")
            yield Static("", id="step-blockers", classes="section")
            yield from self.compose_extra()
            yield Static("", id="step-plan", classes="section")
            yield Static("", id="step-evidence", classes="section")
            yield Static("", id="step-message")
        yield ProgressBar(id="step-progress", show_eta=False)
        yield Footer()

    def on_mount(self) -> None:
        self.title = self.step.title
        self.action_reload()

    # --- loading -----------------------------------------------------------------------------
    def action_reload(self) -> None:
        # A newer load wins: a superseded worker thread may still finish and post late.
        self.generation += 1
        self._load(self.generation)

    @work(thread=True, exclusive=True, group="step-load")
    def _load(self, generation: int) -> None:
        try:
            ctx = host_of(self.app).make_context()
            header = engine.headline(ctx)
            view = None
            if ctx.session is not None:
                view = next((v for v in engine.views(ctx) if v.id == self.step.id), None)
            try:
                plan: Plan | None = self.step.plan(ctx) if ctx.session is not None else None
            except ConsoleError as err:
                plan = Plan(summary=f"No plan yet: {err}")
            extra = self.load_extra(ctx)
        except ConsoleError as err:
            self._post_loaded(generation, self.Loaded("", None, None, None, secrets.scrub(str(err))))
            return
        self._post_loaded(generation, self.Loaded(header, view, plan, extra, ""))

    def _post_loaded(self, generation: int, message: Loaded) -> None:
        message.generation = generation
        self.post_message(message)

    def on_step_screen_loaded(self, message: Loaded) -> None:
        if message.generation != self.generation:
            return  # a superseded load
        self.query_one("#session-bar", SessionBar).update(message.header)
        status = self.query_one("#step-status", Static)
        if message.error:
            status.update(Text(message.error, style="bold red"))
            return
        view = message.view
        if view is None:
            status.update(Text("No release in progress: press Escape and start one with s.",
                               style="yellow"))
        else:
            line = Text(f"{MARKS.get(view.status, '?')} {view.status}",
                        style=STATUS_STYLE.get(view.status, ""))
            if view.record.reason:
                line.append(f" — {view.record.reason}")
            if self.step.irreversible:
                line.append("   (irreversible: you will be asked to confirm)", style="yellow")
            status.update(line)
            self.query_one("#step-blockers", Static).update(render_blockers(view))
            self.query_one("#step-evidence", Static).update(render_evidence(view))
        plan = message.plan
        self.query_one("#step-plan", Static).update(
            Text("What running it will do:\n", style="bold") + Text(plan.render()) if plan else "")
        self.show_extra(message.extra)

    # --- running -----------------------------------------------------------------------------
    def action_run_step(self) -> None:
        if self.running:
            self.notify("This step is already running.", severity="warning")
            return
        self.running = True
        self.query_one("#step-message", Static).update(Text("Running…", style="bold blue"))
        self._run(self.collect_answers())

    @work(thread=True, exclusive=True, group="step-run")
    def _run(self, answers: dict[str, Any]) -> None:
        try:
            ctx = host_of(self.app).make_context()
            ctx.answers = answers

            def progress(event: ProgressEvent) -> None:
                self.post_message(self.Progress(event))

            ctx.progress = progress
            self.before_run(ctx)
            engine.run_step(ctx, self.step)
        except ConsoleError as err:
            self.post_message(self.Finished(False, secrets.scrub(str(err))))
            return
        except Exception as err:  # a bug or an OS error: say so, keep the app (and secrets) safe
            self.post_message(self.Finished(False, unexpected(err)))
            return
        self.post_message(self.Finished(True, f"✔ {self.step.title}: done."))

    def action_skip_step(self) -> None:
        if not self.step.skippable:
            self.notify(f"'{self.step.title}' cannot be skipped; the release is not safe "
                        "without it.", severity="warning")
            return
        self._ask_reason(f"Skip '{self.step.title}'? Say why it does not apply.", "skip")

    def action_redo_step(self) -> None:
        self._ask_reason(f"Redo '{self.step.title}' and the steps after it? Say what changed.",
                         "redo")

    def _ask_reason(self, question: str, action: str) -> None:
        if self.running:
            self.notify("The step is running; wait for it to finish.", severity="warning")
            return

        def answered(reason: str | None) -> None:
            if reason:
                self._record(action, reason)

        self.app.push_screen(ReasonScreen(question), answered)

    @work(thread=True, exclusive=True, group="step-run")
    def _record(self, action: str, reason: str) -> None:
        try:
            ctx = host_of(self.app).make_context()
            if action == "skip":
                engine.skip_step(ctx, self.step, reason)
                text = f"↷ {self.step.title}: skipped."
            else:
                reopened = engine.redo_step(ctx, self.step, reason)
                text = f"↺ Reopened: {', '.join(reopened)}."
        except ConsoleError as err:
            self.post_message(self.Finished(False, secrets.scrub(str(err))))
            return
        self.post_message(self.Finished(True, text))

    def on_step_screen_progress(self, message: Progress) -> None:
        if message.event.retry:
            return
        bar = self.query_one("#step-progress", ProgressBar)
        bar.add_class("active")
        bar.update(total=max(message.event.total, 1), progress=message.event.done)

    def on_step_screen_finished(self, message: Finished) -> None:
        self.running = False
        self.query_one("#step-progress", ProgressBar).remove_class("active")
        style = "bold green" if message.ok else "bold red"
        self.query_one("#step-message", Static).update(Text(message.text, style=style))
        if not message.ok:
            self.notify(message.text, severity="error", timeout=8)
        self.action_reload()

    def action_back(self) -> None:
        if self.running:
            self.notify("The step is still running; wait for it to finish.", severity="warning")
            return
        self.dismiss()


def unexpected(err: BaseException) -> str:
    """One scrubbed line for an error that is not a ConsoleError (no traceback, no locals)."""
    return secrets.scrub(f"Unexpected error ({type(err).__name__}): {err}. The step was recorded "
                         "as failed; the journal has what was done.")


def render_blockers(view: engine.StepView) -> Text:
    if not view.blockers:
        return Text("")
    text = Text("Blocked because:\n", style="bold yellow")
    for blocker in view.blockers:
        text.append(f"• {blocker.reason}\n")
        if blocker.remedy:
            text.append(f"  → {blocker.remedy}\n", style="dim")
    return text


def render_evidence(view: engine.StepView) -> Text:
    if not view.record.evidence:
        return Text("")
    text = Text("Evidence:\n", style="bold")
    for key, value in view.record.evidence.items():
        text.append(f"  {key}: {evidence_value(value)}\n")
    return text


def evidence_value(value: object) -> str:
    """Evidence as a captain reads it: lists joined, small tables as key=value, no Python repr."""
    if isinstance(value, dict):
        return ", ".join(f"{k}={evidence_value(v)}" for k, v in value.items()
                         if v not in ("", [], {}, None))
    if isinstance(value, list | tuple):
        return "; ".join(evidence_value(v) for v in value) or "none"
    return str(value)


def screen_for(step_id: str) -> StepScreen:
    """The step's own screen if ``screens.steps.SCREENS`` names one, else the generic one."""
    from screens.steps import screen_class

    return screen_class(step_id)(step_id)
