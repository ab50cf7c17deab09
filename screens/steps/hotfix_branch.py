"""Hotfix branch step: when a pick stopped on conflicts, the conflict screen is one key away.

The hotfix screen opens the conflict screen right after a pick stops. After a restart (or from
the checklist) the step's own screen is where the captain lands, so ``c`` opens the same
screen here: continue once the files are resolved, or abort the picks. After an abort (or a
hotfix started with no picks) ``p`` opens the picker to pick again; this screen shows the branch
as it is when the picker closes.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding

from screens.step import StepScreen
from services.hotfix import picks
from services.hotfix.plan import hotfix_data
from services.step_protocol import Context
from services.step_status import FINISHED


@dataclass(frozen=True)
class StoppedPick:
    """The stopped pick's sentence and the files still in conflict."""

    message: str
    files: list[str]


class HotfixBranchScreen(StepScreen[StoppedPick]):
    BINDINGS = [Binding("c", "resolve", "Continue or abort…"),
                Binding("p", "pick_again", "Pick fixes…")]

    stopped: StoppedPick | None = None

    def load_extra(self, ctx: Context) -> StoppedPick | None:
        if ctx.session is None or not picks.in_progress(ctx.repo):
            return None
        data = hotfix_data(ctx.session, ctx.policy)
        conflict = picks.conflict(ctx.repo, data.branch, ctx.session.version)
        return StoppedPick(conflict.message, conflict.files)

    def show_extra(self, data: StoppedPick | None) -> None:
        self.stopped = data
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "resolve":
            return self.stopped is not None and not self.running
        if action == "pick_again":
            return self.stopped is None and not self.running and self.has_session and \
                self.status is not None and self.status not in FINISHED
        return super().check_action(action, parameters)

    def action_pick_again(self) -> None:
        from screens.hotfix import open_hotfix

        open_hotfix(self.app)  # it reloads this screen when it closes

    def action_resolve(self) -> None:
        from screens.hotfix import show_anew
        from screens.hotfix_conflict import ConflictScreen

        if self.stopped is None:
            return

        # continued, aborted or left: the conflict screen said which; this shows the branch now
        self.app.push_screen(ConflictScreen(self.stopped.message, self.stopped.files),
                             lambda _tag: show_anew(self))
