"""The captain's decisions on a step: confirm a commit or tag, cancel, skip, redo, quit mid-run.

A mixin of :class:`screens.step.StepScreen`, kept apart so the screen module stays about loading
and running. Each decision is asked first (a confirmation or a reason), because skip and redo are
recorded in the session for the audit trail, and cancel stops a worker only at a safe point.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.widgets import Static

from screens.base import host_of, said
from screens.step_messages import Finished
from screens.step_render import status_line
from services import asks, engine
from services.catalogue import info
from services.errors import ConsoleError
from services.step_protocol import Context, Plan
from services.step_status import StepStatus

if TYPE_CHECKING:
    from textual.screen import Screen

    from screens.step_messages import Stopper
    from services.step_protocol import Step

    _Screen = Screen[None]
else:
    _Screen = object

# the step screen's line while its worker runs (and again once a dialog is answered yes)
RUNNING = "Running… (Esc or Ctrl+C cancels at the next safe point)"
WAITING = "… waiting for your answer"  # the status line meanwhile


class StepChoices(_Screen):
    """Confirm before committing or tagging, cancel (Esc/Ctrl+C while running), skip (k), redo (o)
    and quit while running (q)."""

    step: Step
    shown_title: str  # the step's title under the policy, as its screen shows it
    stopper: Stopper
    quit_after: bool
    running: bool

    def before_run(self, ctx: Context) -> None:
        """Ask before a step that commits or tags, with its plan in front of the captain."""
        if not self.step.info.ask:
            return
        plan = self.step.plan(ctx)
        if not (plan.changes or plan.commands):
            return  # already written (resuming) or nothing to do
        if not self.ask(self.question(ctx), plan):
            raise ConsoleError(f"'{self.shown_title}' was not confirmed; nothing was written.")

    def question(self, ctx: Context) -> str:
        """The yes/no question before a commit or tag; screens may say more (the message)."""
        return asks.question(self.step.id, ctx.policy, ctx.require_session().tag)

    def ask(self, question: str, plan: Plan, *, irreversible: bool = False) -> bool:
        """From the run worker: show the plan and wait for y/n (Enter = yes unless irreversible)."""
        from screens.prompts import ask_from_thread

        # under the dialog the line said "Running…" before anything ran: it waits for the answer,
        # and so does the status above it (walked at 100x32: "… running" beside "nothing has run")
        self.app.call_from_thread(self._say, Text(
            "Waiting for your answer in the dialog: nothing has run yet.", style="bold blue"),
            Text(WAITING, style="bold blue"))
        yes = ask_from_thread(self.app, question, plan, irreversible=irreversible)
        if yes:
            self.app.call_from_thread(self._say, Text(RUNNING, style="bold blue"),
                                      status_line(StepStatus.RUNNING, "", irreversible=False))
        return yes

    def asking_here(self, ctx: Context) -> None:
        """Route the engine's question before an irreversible step (push, publish) through
        :meth:`ask`: under that dialog the line said "Running…" although nothing had been pushed."""
        from screens.prompts import AskingPrompter

        ctx.prompter = AskingPrompter(self.app, self.ask)

    def _say(self, text: Text, status: Text | None = None) -> None:
        self.query_one("#step-message", Static).update(text)
        if status is not None:
            self.query_one("#step-status", Static).update(status)

    def action_cancel_step(self) -> None:
        if not self.running:
            return
        self.ask_to_stop("Cancel the running step?",
                         "It stops at the next safe point (between files, before a commit); "
                         "what is finished stays finished and the step can be run again.",
                         "Cancelling at the next safe point…", lambda: self.running)

    def ask_to_stop(self, question: str, what_happens: str, saying: str,
                    still_going: Callable[[], bool]) -> None:
        """Ask, then set the stopper and say ``saying``, if what runs is ``still_going`` when
        the captain says yes (a step, or the artifacts step's build)."""
        from screens.prompts import ConfirmScreen

        def answered(yes: bool | None) -> None:
            if yes and still_going():
                self.stopper.event.set()
                self.query_one("#step-message", Static).update(Text(saying, style="bold yellow"))

        self.app.push_screen(ConfirmScreen(question, Plan(summary=what_happens)), answered)

    def action_skip_step(self) -> None:
        self._ask_reason(f"Skip '{self.shown_title}'? Say why it does not apply.", "skip")

    def action_redo_step(self) -> None:
        self._ask_reason(f"Redo '{self.shown_title}' and the steps after it? Say what changed.",
                         "redo")

    def _ask_reason(self, question: str, action: str) -> None:
        from screens.prompts import ReasonScreen, ask_reason

        ask_reason(self.app, ReasonScreen(question),
                   lambda reason: self._record_choice(action, reason))

    @work(thread=True, exclusive=True, group="step-run")
    def _record_choice(self, action: str, reason: str) -> None:
        try:
            ctx = host_of(self.app).make_context()
            if action == "skip":
                engine.skip_step(ctx, self.step, reason)
                text = f"↷ {self.shown_title}: skipped."
            else:
                reopened = self._redo(ctx, reason)
                # by title, as the checklist lists them (the CLI's say ids, which it takes)
                text = f"↺ Reopened: {', '.join(info(step_id).title for step_id in reopened)}."
        except ConsoleError as err:  # under its heading, as a run's refusal (screens.step_line)
            self.post_message(Finished(False, said(err), heading="Not skipped"
                                       if action == "skip" else "Not reopened"))
            return
        self.post_message(Finished(True, text))

    def _redo(self, ctx: Context, reason: str) -> list[str]:
        """Redo; a hand-off whose bundle is away is reopened only after a yes to what it costs
        (the CLI's --bundle-lost), asked from this worker."""
        from screens.prompts import ask_from_thread
        from services.handoff_redo import BundleAway

        try:
            return engine.redo_step(ctx, self.step, reason)
        except BundleAway as away:
            question = f"Reopen the hand-off of {ctx.require_session().tag}?"
            plan = Plan(summary=away.consequence, notes=[
                "Yes only if the other workstation never imported that bundle (the copy was "
                "damaged or lost): then write a new bundle here and carry it over."])
            if not ask_from_thread(self.app, question, plan, irreversible=True):
                raise ConsoleError("The redo was not confirmed; nothing was reopened.") from None
            return engine.redo_step(ctx, self.step, reason, bundle_lost=True)

    def request_quit(self) -> None:
        """``q`` while this step runs: cancel it at a safe point, then quit."""
        from screens.prompts import ConfirmScreen

        def answered(yes: bool | None) -> None:
            if yes and self.running:
                self.quit_after = True
                self.stopper.event.set()
            elif yes:
                self.app.exit()

        self.app.push_screen(ConfirmScreen(
            "A step is running. Cancel it and quit?",
            Plan(summary="It stops at the next safe point; the session records it as cancelled "
                 "and the next start picks it up.")), answered)
