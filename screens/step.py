"""The generic step screen: what a step needs, what it would do, what it did, and running it.

Specialised step screens (``screens/steps/<module>.py``) subclass :class:`StepScreen` with the type
of their extra data, ``StepScreen[T]``, and use its extension points instead of re-implementing
loading, running, progress and errors:

- ``compose_extra()``: extra widgets shown under the blockers;
- ``load_extra(ctx) -> T | None``: runs in the loading worker thread; its result goes to
  ``show_extra(data)`` on the UI thread;
- ``collect_answers()``: on the UI thread just before a run; becomes ``ctx.answers``;
- ``before_run(ctx)``: in the run worker, before the engine runs the step (the generic one, in
  :mod:`screens.step_choices`, asks before a step that commits or tags, showing the plan).

The captain's flow: ``n`` (or Enter) always moves forward — on the step to do now it runs it and
opens the next one; anywhere else it opens the step to do now. ``r`` runs and stays to show the
result. Escape or Ctrl+C while a step runs asks whether to cancel it; the worker stops at the next
safe point (between files, before a commit) and the session records the step as cancelled.

All blocking work happens in thread workers that report back by messages, so the UI never freezes
while git, gpg or the network are busy. A newer load cancels the older worker (``exclusive``);
a cancelled worker posts nothing.

The messages live in :mod:`screens.step_messages`, the text helpers in :mod:`screens.step_render`,
the confirm/cancel/skip/redo decisions in :mod:`screens.step_choices`, the form writes that
``n`` waits for in :mod:`screens.step_forms` and moving on (``n``, ``i``) in
:mod:`screens.step_moving_on`; the names step screens use (``Finished``,
``Progress``, ``render_blockers``, ...) are re-exported here.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar, cast

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import get_current_worker

from screens.base import host_of, said
from screens.footer import Footer
from screens.hanging import HangingStatic
from screens.step_choices import RUNNING, StepChoices
from screens.step_forms import FormWrites
from screens.step_keys import OwnKeysFirst
from screens.step_line import FAILED, NOT_RUN, MessageLine
from screens.step_loading import gather
from screens.step_messages import Finished, Loaded, Progress, Stopper
from screens.step_moving_on import MovingOn
from screens.step_plan import PlanSection
from screens.step_progress import StepProgress
from screens.step_render import (
    render_blockers,
    render_evidence,
    status_line,
    unexpected,
)
from screens.widgets import SessionBar, StepBody
from services import engine
from services.errors import ConsoleError, StepCancelled
from services.progress import ProgressEvent
from services.step_protocol import Context, StepFailed
from services.step_status import FINISHED, StepStatus
from services.steps import registry

if TYPE_CHECKING:
    from services.step_protocol import Blocker

T = TypeVar("T")
STEP_CSS = Path(__file__).with_name("step.tcss")

S = StepStatus

class StepScreen(OwnKeysFirst, StepChoices, MovingOn, FormWrites, Screen[None], Generic[T]):
    """One runbook step: description, status, blockers, plan (dry run), evidence; r runs it."""

    CSS_PATH: ClassVar[Any] = [STEP_CSS]
    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [
        Binding("escape", "back", "Back"),
        Binding("n", "next_step", "Next"),
        Binding("n", "release_summary", "Summary"),  # in its place once every step is done
        Binding("enter", "next_step", "Next", show=False),
        Binding("enter", "release_summary", "Summary", show=False),
        Binding("r", "run_step", "Run"),
        Binding("k", "skip_step", "Skip…"),
        Binding("o", "redo_step", "Redo…"),
        Binding("i", "import_bundle", "Import bundle…"),
        Binding("f5", "reload", "Refresh", show=False),
        Binding("ctrl+c", "cancel_step", "Cancel step"),
    ]

    running: reactive[bool] = reactive(False, bindings=True)
    status: reactive[StepStatus | None] = reactive(None, bindings=True)
    waits_for_bundle: reactive[bool] = reactive(False, bindings=True)  # from the other machine
    elsewhere: reactive[bool] = reactive(False, bindings=True)  # the other machine's step

    def __init__(self, step_id: str) -> None:
        super().__init__()
        self.step = registry()[step_id]
        self.next_id: str | None = None
        self.next_title = ""
        self.shown_title = self.step.title  # the policy's word for it once loaded (title_of)
        self.has_session = False
        self.blockers: list[Blocker] = []
        self.stopper = Stopper()
        self.quit_after = False
        self.result_shown = False  # the message line holds a run's result, not a hint
        self.done_line: Text | None = None  # that result, when the run went well
        self.next_after_load = False  # n on a blocked step: look again, then run or say why
        self.session_tag = ""  # the release shown: its last step, run here, ends it
        # Opened as the step to do now, with the status its opener saw (None: opened as any
        # step): what a screen may go by for keys typed before its first load comes.
        self.opened_on: StepStatus | None = None
        self.loaded = False  # the first load has come: has_session and next_id are known

    # --- extension points --------------------------------------------------------------------
    def compose_extra(self) -> ComposeResult:
        yield from ()

    def load_extra(self, ctx: Context) -> T | None:
        return None

    def show_extra(self, data: T | None) -> None:
        return None

    def collect_answers(self) -> dict[str, Any]:
        return {}

    # --- layout ------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield SessionBar("", id="session-bar")
        with StepBody(id="step-body"):
            yield Static(self.step.title, id="step-title", markup=False)
            yield Static(self.step.description, id="step-description", markup=False)
            yield Static("Loading…", id="step-status", classes="section")
            yield HangingStatic(id="step-blockers", classes="section")
            yield from self.compose_extra()
            yield HangingStatic(id="step-plan", classes="section")
            yield Static("", id="step-evidence", classes="section")
        yield MessageLine(id="step-message")
        yield StepProgress()
        yield Footer()

    def on_mount(self) -> None:
        self.title = self.step.title
        self.action_reload()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Footer keys grey out (None) when they do not apply now, and hide (False) when never:
        once every step is done (the release ended), nothing here runs again and n is "Summary"."""
        finished, over = self.status in FINISHED, self.release_over()
        if action == "cancel_step":
            return self.running  # shown only while a step runs
        if over and action in {"run_step", "skip_step", "next_step"}:
            return False  # walked: "n Next r Run k Skip…" read as offered after the last step
        if action == "release_summary":
            return over and not self.running
        if action == "run_step":
            return not (self.running or finished or self.elsewhere
                        or self.status == S.WAITING) or None
        if action == "skip_step":
            if not self.step.skippable:
                return False
            return not (self.running or finished or self.elsewhere) or None
        if action == "redo_step":  # not once the release ended (its last step ran here)
            return not self.running and self.status in {*FINISHED, S.STALE, S.FAILED} and \
                self.next_id is not None
        if action == "next_step":
            return not self.running or None
        if action == "import_bundle":
            return self.waits_for_bundle and not self.running
        return True

    # --- loading -----------------------------------------------------------------------------
    def action_reload(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="step-load")
    def _load(self) -> None:
        worker = get_current_worker()
        try:
            message = gather(self, host_of(self.app).make_context())
        except ConsoleError as err:
            message = Loaded("", None, None, "", None, None, error=said(err))
        if not worker.is_cancelled:  # a newer load replaced this one
            self.post_message(message)

    def on_loaded(self, message: Loaded) -> None:
        first, self.loaded = not self.loaded, True
        self.query_one("#session-bar", SessionBar).update(message.header)
        status = self.query_one("#step-status", Static)
        if message.error:
            self.next_after_load = self.next_before_load = False
            status.update(Text(message.error, style="bold red"))
            return
        self.next_id, self.next_title = message.next_id, message.next_title
        if message.title and message.title != self.shown_title:  # as `status` names the step
            self.shown_title = self.title = message.title
            self.query_one("#step-title", Static).update(message.title)
        self.refresh_bindings()  # the footer goes by next_id too ("Summary" once all are done)
        self.has_session, self.waits_for_bundle = message.has_session, message.waits_for_bundle
        self.elsewhere = message.elsewhere
        self.next_elsewhere = message.next_elsewhere
        self.session_tag = message.tag
        view = message.view
        finished = False
        if view is None:
            self.status = None
            status.update(Text(f"{message.ended}. Escape goes back to the home screen."
                               if message.ended else
                               "No release in progress: press Escape and start one with s.",
                               style="yellow"))
            for gone in ("#step-blockers", "#step-evidence"):  # the ended release's, not now's
                self.show_section(gone, "")
        else:
            if not self.running:
                self.status = StepStatus(view.status)
            finished = view.status in FINISHED
            self.blockers = list(view.blockers)
            self._show_status(view)
            blockers = self.blockers_text(view.blockers)
            blockers.rstrip()  # one blank row under it (the next section's margin): walked at
            self.show_section("#step-blockers", blockers)  # 80x24, its last newline made two
            self.show_section("#step-evidence", render_evidence(view.record.evidence))
        self.show_extra(cast("T | None", message.extra))
        plan = message.plan
        if plan is not None:  # what the screen's panel or a blocker says is not said again
            plan = replace(plan, notes=[n for n in plan.notes if not (
                self.said_by_panel(n) or self.said_by_blockers(n))])
        # its diffs wrapped at words under their own text, as in the confirmation (step_plan)
        self.show_section("#step-plan", PlanSection(plan) if plan and not finished else "")
        if not self.running:
            self._show_hint()
        if self.next_after_load:
            self.next_after_load = False
            self._run_or_say_why()
        elif first and self.next_before_load:  # n typed ahead: as if pressed now
            self.next_before_load = False
            self.action_next_step()

    def show_section(self, selector: str, text: Text | Content | str) -> None:
        """A section with nothing to say takes no rows: walked at 80x24, an empty blockers
        section (its margin and a blank line) pushed the changelog step's plan off screen."""
        section = self.query_one(selector, Static)
        section.update(text)
        section.set_class(not str(text), "-empty")  # step.tcss; a screen's own display stays

    def _show_status(self, view: engine.StepView) -> None:
        shown = S.RUNNING if self.running else StepStatus(view.status)
        reason = "" if self.running else view.record.reason
        self.query_one("#step-status", Static).update(
            status_line(shown, reason, irreversible=self.step.irreversible and not self.elsewhere))

    def said_by_panel(self, note: str) -> bool:
        """A plan note the step's own panel already shows (a screen with a panel overrides)."""
        return False

    def blockers_text(self, blockers: list[Blocker]) -> Text:
        """The blockers panel (a screen whose form says more per line overrides)."""
        return render_blockers(blockers, tui=True)

    def said_by_blockers(self, line: str) -> bool:
        """The blockers panel already says ``line``: a step's own panel should not repeat it."""
        return any(b.reason == line for b in self.blockers)

    # --- running -----------------------------------------------------------------------------
    def action_run_step(self) -> None:
        self._start_run(advance=False)

    def _start_run(self, *, advance: bool) -> None:
        if self.running:
            self.notify("This step is already running.", severity="warning")
            return
        self.take_back_refusal()
        self.running = True
        self.result_shown = False
        self.stopper = Stopper()
        self.status = S.RUNNING
        self.query_one("#step-status", Static).update(
            status_line(S.RUNNING, "", irreversible=False))
        self.query_one("#step-message", Static).update(
            Text(RUNNING, style="bold blue"))
        self._run(self.collect_answers(), advance)

    @work(thread=True, exclusive=True, group="step-run")
    def _run(self, answers: dict[str, Any], advance: bool) -> None:
        stopper = self.stopper
        try:
            ctx = host_of(self.app).make_context()
            ctx.answers = answers

            def progress(event: ProgressEvent) -> None:
                stopper.check()  # a safe point: between chunks and files
                self.post_message(Progress(event))

            ctx.progress = progress
            self.asking_here(ctx)
            self.before_run(ctx)
            if stopper.event.is_set():  # a safe point: after the question, before any change
                engine.record_cancelled(ctx, self.step)
                stopper.check()
            engine.run_step(ctx, self.step)
        except StepCancelled as err:
            self.post_message(Finished(False, f"■ {self.shown_title}: cancelled. {err.remedy}",
                                       cancelled=True))
            return
        except ConsoleError as err:  # failed while it ran, or refused first (blocked, a no)
            failed = isinstance(err, StepFailed)
            self.post_message(Finished(False, said(err), heading=FAILED if failed else NOT_RUN))
            return
        except Exception as err:  # a bug or an OS error: say so, keep the app (and secrets) safe
            self.post_message(Finished(False, unexpected(err), heading=FAILED))
            return
        self.post_message(Finished(True, f"✔ {self.shown_title}: done.", advance=advance))

    def on_progress(self, message: Progress) -> None:
        self.query_one(StepProgress).show(message.event)

    def on_finished(self, message: Finished) -> None:
        self.running = False
        self.end_form_write()  # form writes end here too (their refusals and results)
        self.query_one(StepProgress).hide()
        if self.quit_after:
            self.app.exit(self.app.return_code)
            return
        if message.ok and message.advance:
            self.notify(message.text, timeout=4)
            self.go_next(after=self.step.id)
            return
        style = "bold green" if message.ok else ("bold yellow" if message.cancelled else "bold red")
        text = Text(message.text, style=style)
        self.result_shown = True
        self.done_line = text.copy() if message.ok else None
        if message.ok and not message.next_said:
            text.append("  Enter: next step.", style="bold")
        self.query_one("#step-message", MessageLine).headed(message.heading, text)
        if not message.ok:
            self.notify(message.text, severity="warning" if message.cancelled else "error",
                        timeout=8)
            self.refused = message.text
        self.action_reload()

    def park_focus(self) -> None:
        """The focus leaves the fields for the body, so n and r act instead of typing (from
        nothing the body always takes it, see :class:`StepBody`)."""
        self.set_focus(None)
        self.query_one("#step-body", StepBody).focus()

    def action_back(self) -> None:
        if self.running:
            self.action_cancel_step()
            return
        self.dismiss()


def screen_for(step_id: str, *, now: StepStatus | None = None) -> StepScreen[Any]:
    """The step's own screen if ``screens.steps.SCREENS`` names one, else the generic one.
    ``now``: opened as the step to do now, which its opener saw in that status."""
    from screens.steps import screen_class

    screen = screen_class(step_id)(step_id)
    screen.opened_on = now
    return screen
