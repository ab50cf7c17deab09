"""Artifacts: what the policy expects and what is on disk; ``b`` runs the project's build.

When release.toml sets ``[artifacts] build`` and an artifact is missing or older than the release
commit, ``b`` ("Build…") asks first, showing exactly the command and the directory (a build is
local and reversible, like a commit: Enter says yes), then runs it in a thread worker
(:func:`services.build.run_build`, the CLI's ``run artifacts --build`` too). Its output comes line
by line into the panel under the blockers; when it ends the step is checked again, so a good
build turns "blocked" into "ready" and ``n`` goes on. Meanwhile the status line says it is
building and the footer ``^c Stop build`` (the ``building`` reactive and ``check_action``): Escape
or Ctrl+C asks, then kills every process it started. A good build's artifacts are then read for
the journal's sha256 (:mod:`services.build_record`), on the progress bar, with nothing left to
stop. Without the need or the command, ``b`` is not in the footer.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Static

from screens.base import host_of, said
from screens.step import Finished, Progress, StepScreen
from screens.step_line import FAILED, NOT_RUN, MessageLine
from screens.step_messages import Stopper
from screens.step_render import unexpected
from screens.widgets import STATUS_STYLE
from services import build, engine
from services.errors import ConsoleError, StepCancelled
from services.marks import MARKS
from services.progress import ProgressEvent
from services.step_protocol import Context, Plan
from services.step_status import FINISHED, StepStatus

SHOWN = 6  # the last lines of the build's output the panel shows (the body scrolls the rest)
BUILDING = "Building… (Esc or Ctrl+C stops the build)"
HASHING = "Built; reading the artifacts for their sha256, for the journal…"


@dataclass(frozen=True)
class BuildOffer:
    """The release's build, when the policy has one, and whether an artifact needs it now."""

    command: str
    directory: Path
    needed: bool
    refused: str = ""  # why it may not run now (HEAD is not the release commit...), as said


@dataclass(eq=False)
class BuildHashing(Message):
    """The build exited 0; the worker reads what it made for the journal's sha256."""


@dataclass(eq=False)
class BuildLine(Message):
    """One line of the build's output, from the worker to the screen."""

    text: str


class ArtifactsScreen(StepScreen[BuildOffer]):
    # Ctrl+C stops the build while one runs: its own words in the footer ("Cancel step" read as
    # if the step ran), the step screen's "Cancel step" hidden meanwhile (check_action)
    BINDINGS = [Binding("b", "build", "Build…"), Binding("ctrl+c", "stop_build", "Stop build")]

    offer: BuildOffer | None = None
    # the build runs (``running`` too, which greys the other keys): the status line and the
    # footer follow it (watch_building, check_action); the step itself is not running
    building: reactive[bool] = reactive(False, bindings=True)
    # the build exited 0 and its artifacts are read for the journal's sha256: nothing to stop
    hashing: reactive[bool] = reactive(False, bindings=True)

    def __init__(self, step_id: str) -> None:
        super().__init__(step_id)
        self.output: deque[str] = deque(maxlen=200)

    def compose_extra(self) -> ComposeResult:
        yield Static("", id="build-output", classes="section -empty", markup=False)

    def load_extra(self, ctx: Context) -> BuildOffer | None:
        if ctx.session is None:
            return None
        planned = build.planned(ctx)
        if planned is None:
            return None
        needed = bool(engine.find_step(ctx, "artifacts").check(ctx))  # missing or stale
        refused = build.refusal(ctx) if needed else None
        return BuildOffer(planned.command, planned.directory, needed,
                          said(refused) if refused else "")

    def show_extra(self, data: BuildOffer | None) -> None:
        self.offer = data
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "stop_build":
            return self.building and not self.hashing
        if action == "cancel_step" and self.building:
            return False  # ctrl+c is "Stop build" meanwhile
        if action == "build":
            if self.offer is None or not self.offer.needed or self.elsewhere or \
                    self.status == StepStatus.WAITING or self.status in FINISHED:
                return False  # not offered: nothing to build, or not this step's turn
            return not self.running or None
        return super().check_action(action, parameters)

    def action_build(self) -> None:
        offer = self.offer
        if offer is None or self.running:
            return
        if offer.refused:  # said before asking: a yes would only be refused
            self.result_shown = True
            self.query_one("#step-message", MessageLine).headed(
                NOT_RUN, Text(offer.refused, style="bold red"))
            self.notify(offer.refused, severity="warning", timeout=8)
            self.refused = offer.refused  # taken back by the next attempt, as a run's
            return
        from screens.prompts import ConfirmScreen

        plan = Plan(summary=f"Runs release.toml's [artifacts] build in {offer.directory}. It "
                    "writes the build folder only; then this step checks the artifacts again.",
                    commands=[f"cd {offer.directory}", offer.command])

        def answered(yes: bool | None) -> None:
            if yes and not self.running:
                self._start_build()

        self.app.push_screen(ConfirmScreen("Run the project's build now?", plan), answered)

    def _start_build(self) -> None:
        self.take_back_refusal()
        self.running = self.building = True
        self.result_shown = False
        self.stopper = Stopper()
        self.output.clear()
        self._show_output()
        self.query_one("#step-message", Static).update(Text(BUILDING, style="bold blue"))
        self._build(self.stopper)

    def watch_building(self, building: bool) -> None:
        """The status line says the build runs while it does (it said "blocked", the step's
        status before the build); when it ends the reload after it says the step's again."""
        if building:
            self.query_one("#step-status", Static).update(self._building_line())

    def _show_status(self, view: engine.StepView) -> None:
        if self.building:  # a load during the build (F5) says the build, not "running"
            self.query_one("#step-status", Static).update(self._building_line())
            return
        super()._show_status(view)

    def _building_line(self) -> Text:
        """One row at 80 columns: the command is in the question just answered and the panel."""
        line = Text(f"{MARKS[StepStatus.RUNNING]} building", style=STATUS_STYLE[StepStatus.RUNNING])
        return line.append(" — the step is checked again when the build ends")

    @work(thread=True, exclusive=True, group="step-run")
    def _build(self, stopper: Stopper) -> None:
        try:
            ctx = host_of(self.app).make_context()

            def read(event: ProgressEvent) -> None:
                """The journal's sha256 of each artifact made: a bar while gigabytes are read."""
                self.post_message(Progress(event))

            def said_line(line: str) -> None:
                self.post_message(BuildLine(line))

            def built() -> None:  # it exited 0: nothing left to stop while its files are read
                self.post_message(BuildHashing())

            ctx.progress = read

            done = build.run_build(ctx, said_line, stopper.event, built)
        except StepCancelled as err:
            self.post_message(Finished(False, f"■ {said(err)}", cancelled=True))
            return
        except build.BuildFailed as err:
            self.post_message(Finished(False, said(err), heading=FAILED))
            return
        except ConsoleError as err:  # refused first: HEAD elsewhere, no release commit yet
            self.post_message(Finished(False, said(err), heading=NOT_RUN))
            return
        except Exception as err:  # a bug or an OS error: said, the app (and secrets) kept safe
            self.post_message(Finished(False, unexpected(err), heading=FAILED))
            return
        self.post_message(Finished(True, f"✔ Built: `{done.command}` exited 0. n records the "
                                   "artifacts and opens the next step.", next_said=True))

    def on_build_hashing(self, message: BuildHashing) -> None:
        self.hashing = True
        self.query_one("#step-message", Static).update(Text(HASHING, style="bold blue"))

    def on_build_line(self, message: BuildLine) -> None:
        self.output.append(message.text)  # its colours kept, its other escapes dropped
        self._show_output()

    def _show_output(self) -> None:
        panel = self.query_one("#build-output", Static)
        if not self.output and not self.building:
            self.show_section("#build-output", "")
            return
        lines = list(self.output)[-SHOWN:]
        text = Text(f"Build output ({len(self.output)} lines, the last {len(lines)}):\n"
                    if len(self.output) > SHOWN else "Build output:\n", style="bold")
        text.append_text(Text("\n").join(Text.from_ansi(line) for line in lines) if lines
                         else Text("(nothing yet)", style="dim"))
        self.show_section("#build-output", text)
        panel.scroll_visible(animate=False)

    def on_finished(self, message: Finished) -> None:
        """Before the step screen's own handler (Textual calls both, this class's first)."""
        self.building = self.hashing = False

    def action_cancel_step(self) -> None:
        """Escape while the build runs (the step screen's Back calls this) stops the build."""
        if self.building:
            self.action_stop_build()
            return
        super().action_cancel_step()

    def action_stop_build(self) -> None:
        """Esc or Ctrl+C while the build runs: asked, then every process it started is killed
        (a build has no safe point to wait for: it writes only the build folder)."""
        if not self.building or self.hashing:
            return
        self.ask_to_stop("Stop the build?",
                         "Every process the build started is killed now; what it wrote so far "
                         "stays in the build folder, and this step checks it again.",
                         "Stopping the build…", lambda: self.building and not self.hashing)
