"""The labelled progress bar under a running step: one file's bar at a time, retries said.

Its own widget so the step screen only hands it events: a new file gets its own title and its own
total (the bar never jumps from 94% back to 0% under the same label), and a retry is a notice in
the label, not a measure.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import ProgressBar, Static

from screens.step_render import progress_title
from services.progress import ProgressEvent


class StepProgress(Vertical):
    """Hidden until a step reports progress; hidden again when the step finishes."""

    DEFAULT_CSS = """
    StepProgress { height: auto; display: none; }
    StepProgress.active { display: block; }
    StepProgress #step-progress-label { height: 1; padding: 0 1; }
    StepProgress #step-progress { height: 1; margin: 0 1; }
    """

    def __init__(self) -> None:
        super().__init__(id="step-progress-panel")
        self.current = ""  # the label of the file the bar measures

    def compose(self) -> ComposeResult:
        yield Static("", id="step-progress-label")
        yield ProgressBar(id="step-progress", show_eta=False)

    def show(self, event: ProgressEvent) -> None:
        label = self.query_one("#step-progress-label", Static)
        self.add_class("active")
        if event.retry:
            label.update(Text(event.notice(), style="yellow"))
            return
        if self.current != event.label:  # a new file: its own bar, its own total
            self.current = event.label
            label.update(progress_title(event))
        self.query_one("#step-progress", ProgressBar).update(total=max(event.total, 1),
                                                             progress=event.done)

    def hide(self) -> None:
        self.remove_class("active")
