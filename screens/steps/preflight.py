"""Pre-flight: the generic step view plus the policy's manual checklist, ticked with space.

A tick is journaled with who and when; it cannot be taken back from here, because the audit trail
must show what the captain asserted.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import SelectionList, Static
from textual.widgets.selection_list import Selection

from screens.base import attempt
from screens.step import STEP_CSS, Finished, StepScreen
from screens.widgets import CheckList
from services import checklist
from services.step_protocol import Context

PREFLIGHT_CSS = Path(__file__).with_name("preflight.tcss")


class PreflightScreen(StepScreen):
    CSS_PATH: ClassVar[Any] = [STEP_CSS, PREFLIGHT_CSS]

    def compose_extra(self) -> ComposeResult:
        yield Static("Manual checklist (space ticks an item that is true):", classes="section")
        yield CheckList(id="manual")

    recorded_ticks: frozenset[str] = frozenset()  # what the session holds; the list may show more

    def form_pending(self) -> bool:
        # space then n typed at once: n can arrive before the list has told this screen about
        # the tick, so a ticked row the session does not hold yet is a write still to come
        manual = self.query_one("#manual", SelectionList)
        return super().form_pending() or bool(set(manual.selected) - self.recorded_ticks)

    def load_extra(self, ctx: Context) -> Any:
        if ctx.session is None:
            return ([], set())
        return (list(checklist.items(ctx.policy, "preflight")),
                set(checklist.ticked(ctx.session, "preflight")))

    def show_extra(self, data: Any) -> None:
        if not data:
            return
        items, done = data
        self.recorded_ticks = frozenset(done)
        manual = self.query_one("#manual", SelectionList)
        keep = manual.highlighted  # read before clearing, which forgets it
        manual.clear_options()
        if not items:
            manual.add_option(Selection("The policy lists no manual pre-flight items.", "",
                                        disabled=True))
            return
        manual.add_options(Selection(item, item, item in done) for item in items)
        manual.highlighted = keep if keep is not None else 0
        if keep is None:
            manual.focus()

    def on_selection_list_selection_toggled(
            self, event: SelectionList.SelectionToggled[str]) -> None:
        item = event.selection.value
        manual = self.query_one("#manual", SelectionList)
        if item not in manual.selected:
            manual.select(item)
            self.notify("A tick is part of the audit trail and cannot be taken back.",
                        severity="warning")
            return
        self.start_form_write()
        self._tick(item)

    @work(thread=True, group="preflight-tick")
    def _tick(self, item: str) -> None:
        def tick(ctx: Context) -> None:
            checklist.tick(ctx.policy, ctx.require_session(), ctx.record, "preflight", item,
                           actor=ctx.actor, now=ctx.now_iso())

        _, error = attempt(self.app, tick)
        self.post_message(Finished(False, error) if error else Ticked())

    def on_finished(self, message: Finished) -> None:
        """After a run the message line says "Enter: next step", so Enter must not go to the
        checklist (where it only says a tick cannot be taken back). Runs before the step
        screen's own handler; space on the body still goes back to the checklist."""
        if message.ok:
            self.park_focus()

    def on_ticked(self, message: Ticked) -> None:
        self.end_form_write()
        self.action_reload()


class Ticked(Message):
    """A checklist item is ticked and journaled: reload the step's blockers."""
