"""Moving on from a step: ``n`` runs the step to do now or opens it, ``i`` takes the bundle the
release waits for from the other workstation; the message line says what ``n`` does.

A mixin of :class:`screens.step.StepScreen`, kept apart so the screen module stays about loading
and running. ``n`` never acts on stale blockers: a form write in flight, or a blocked step whose
cause may be fixed outside the console, is looked at again first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.widgets import Static
from textual.worker import get_current_worker

from screens.base import host_of, open_wizard, said
from screens.step_loading import next_elsewhere
from screens.step_messages import Finished, GoTo
from screens.step_render import next_key_hint, to_do_line
from services import engine
from services.errors import ConsoleError
from services.step_status import StepStatus

if TYPE_CHECKING:
    from textual.screen import Screen

    from services.step_protocol import Blocker, Step

    _Screen = Screen[None]
else:
    _Screen = object

S = StepStatus
RUNNABLE = frozenset({S.READY, S.FAILED, S.INTERRUPTED})


class MovingOn(_Screen):
    """``n`` (and Enter) forward, ``i`` for the other workstation's bundle."""

    step: Step
    running: bool
    has_session: bool
    next_id: str | None
    status: StepStatus | None
    blockers: list[Blocker]
    next_after_load: bool
    loaded: bool
    next_title: str
    result_shown: bool
    refused: str
    done_line: Text | None
    elsewhere: bool  # this step is the other machine's
    next_before_load = False  # n came before the first load: done once it is there
    next_elsewhere = ""  # the machine that does the step to do now, when not this one

    if TYPE_CHECKING:  # the step screen's own, which the mixin calls
        def form_pending(self) -> bool: ...
        def action_reload(self) -> None: ...
        def _start_run(self, *, advance: bool) -> None: ...

    def release_over(self) -> bool:
        """Every step of the release shown is done (it ended, here or in another terminal):
        nothing on this screen runs again, and ``n`` opens the release summary."""
        return self.loaded and self.has_session and self.next_id is None

    def action_release_summary(self) -> None:
        """``n`` once the release is over (the footer says "Summary"): the release summary."""
        self.go_next()

    def _show_hint(self) -> None:
        """The one line that says what the next key does; replaced, never left stale. A run's
        result stays until the captain acts again, and when that run ended the release it says
        the summary comes next (walked: "Enter: next step." after the last step)."""
        line = self.query_one("#step-message", Static)
        if not self.result_shown:
            line.update(self._hint())
        elif self.done_line is not None and self.release_over():
            line.update(self.done_line + Text("  Every step is done: n or Enter opens the "
                                              "release summary.", style="bold"))
        elif self.done_line is not None and self.next_elsewhere and self.next_id != self.step.id:
            line.update(self.done_line + Text(f"  Enter: the checklist ({self.next_title} is "
                                              f"next, on {self.next_elsewhere}).", style="bold"))

    def leaving_field(self) -> str:
        """How the captain leaves the text field that has the focus, in which n and r would be
        typed ("Esc leaves the editor"), as the screen binds it; "" when no such field has it."""
        return ""

    def _hint(self) -> Text:
        if not self.has_session:
            return Text("")
        leave = self.leaving_field()
        first = Text(f"{leave}, then ", style="bold") if leave else Text("")
        if self.next_id != self.step.id:
            return first + next_key_hint(self.next_id, self.next_title, self.next_elsewhere)
        if self.status in RUNNABLE:
            asks = self.step.irreversible or bool(self.step.info.ask)
            return first + Text(f"n: {'asks, runs it' if asks else 'runs it'} and opens the "
                                "next step · r: run it here.", style="bold")
        if self.status == S.BLOCKED and self.blockers and self.elsewhere and self.next_elsewhere:
            # walked: "then n runs it" under a step the other machine does; n never runs it here
            # "runs on", not "is done on": that read as finished already
            return Text(f"To do: what the → line above says; this step runs on "
                        f"{self.next_elsewhere}, not here (Esc: the checklist).", style="yellow")
        if self.status == S.BLOCKED and self.blockers:
            return Text(to_do_line(self.blockers, leave=leave), style="yellow")
        return Text("")

    def action_next_step(self) -> None:
        if self.running:
            self.notify("The step is running; Esc cancels it.", severity="warning")
            return
        if not self.loaded:  # typed ahead: without a release known yet it closed the screen
            self.next_before_load = True
            return
        if not self.has_session:
            self.dismiss()
            return
        if self.form_pending():
            # The captain ticked or saved and pressed n at once: the reload after the write
            # decides, so n never acts on the blockers from before the write.
            self.next_after_load = True
            return
        if self.next_id == self.step.id:
            if self.status == S.BLOCKED:
                # What blocked it may be fixed outside the console (./build.sh, an editor):
                # look at the world again before saying it is still blocked.
                self.next_after_load = True
                self.action_reload()
                return
            self._run_or_say_why()
            return
        self.go_next()

    def _run_or_say_why(self) -> None:
        if self.next_id != self.step.id:
            self.go_next()
        elif self.status in RUNNABLE:
            self._start_run(advance=True)
        elif self.blockers:
            # kept as the refusal the next attempt takes back: walked, "MIGRATION.md has no
            # section" stayed up beside "✔ MIGRATION.md section: done." on the next screen
            self.refused = f"{self.blockers[0].reason} {self.blockers[0].tui_remedy}"
            self.notify(self.refused, severity="warning", timeout=8)

    def go_next(self, *, after: str = "") -> None:
        """Open the step to do now in place of this screen (the summary when all are done)."""
        self._go_next(after)

    @work(thread=True, exclusive=True, group="step-load")
    def _go_next(self, after: str) -> None:
        worker = get_current_worker()
        try:
            ctx = host_of(self.app).make_context()
            nxt = engine.next_view(engine.views(ctx)) if ctx.session is not None else None
            elsewhere = bool(nxt and next_elsewhere(ctx, nxt.step))
        except ConsoleError as err:
            self.post_message(Finished(False, said(err)))
            return
        if not worker.is_cancelled:
            self.post_message(GoTo(nxt.id, after, StepStatus(nxt.status), elsewhere)
                              if nxt is not None else GoTo(None, after))

    def on_go_to(self, message: GoTo) -> None:
        if message.step_id is None:
            from screens.summary import SummaryScreen

            self.app.switch_screen(SummaryScreen())
        elif message.step_id == self.step.id and message.after == self.step.id:
            self.action_reload()  # a step that is still to do after running (a paused one)
        elif message.elsewhere and message.step_id != self.step.id:
            # the other machine's step: its screen only says so; the checklist says what that
            # machine does next and what to press here when its bundle comes back
            self.dismiss()
        else:
            from screens.step import screen_for

            self.app.switch_screen(screen_for(message.step_id, now=message.status))

    def action_import_bundle(self) -> None:
        """The step to do now waits for the other workstation: take its bundle without going
        back to the checklist first (the waiting step's remedy says to press i)."""
        from screens.bundle_import import BundleImportScreen

        def imported(tag: str | None) -> None:
            if tag:
                self.notify(f"Imported {tag}; the release continues here.")
                self.go_next()
            else:
                self.action_reload()

        open_wizard(self.app, BundleImportScreen(), imported)

