"""What the step screen's thread workers tell it, and how the captain's cancel reaches a worker.

Workers never touch widgets: they post these messages and the screen updates itself on the UI
thread. Specialised step screens import :class:`Finished` and :class:`Progress` (through
:mod:`screens.step`) to report their own workers' results the same way.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from textual.message import Message

from services import engine
from services.errors import StepCancelled
from services.progress import ProgressEvent
from services.step_protocol import Plan
from services.step_status import StepStatus


@dataclass(eq=False)
class Loaded(Message):
    """A load finished: the session line, this step's view, the step to do now, the plan."""

    header: str
    view: engine.StepView | None
    next_id: str | None
    next_title: str
    plan: Plan | None
    extra: object
    error: str = ""
    has_session: bool = False
    waits_for_bundle: bool = False  # the step to do now waits for the other machine's bundle
    elsewhere: bool = False  # this step is done on the other machine (air-gapped signing)
    next_elsewhere: str = ""  # the machine that does the step to do now, when not this one
    tag: str = ""  # the release shown, so a screen whose run ended it still shows it
    ended: str = ""  # what became of the release shown when it ended under this screen
    title: str = ""  # the step's title under the policy (the sign step names its kind of key)


@dataclass(eq=False)
class Finished(Message):
    """A run (or a skip, redo, save) ended; ``advance`` asks to open the next step."""

    ok: bool
    text: str
    advance: bool = False
    cancelled: bool = False
    # the text already says what n and Enter do (a form's save): no "Enter: next step." after it
    next_said: bool = False
    # a refusal's or failure's heading over it (screens.step_line: NOT_RUN, FAILED); none: plain
    heading: str = ""


@dataclass(eq=False)
class Progress(Message):
    """A service's :class:`ProgressEvent`, carried from the worker thread to the screen: the
    bar is labelled with its file and sized to that file's total."""

    event: ProgressEvent


@dataclass
class Stopper:
    """The captain's cancel request, checked by the run worker at its safe points."""

    event: threading.Event = field(default_factory=threading.Event)

    def check(self) -> None:
        if self.event.is_set():
            raise StepCancelled("Cancelled by the captain; nothing after the last finished file "
                                "was done.", remedy="Run the step again to continue.")


@dataclass(eq=False)
class GoTo(Message):
    """Open this step's screen (None: every step is done; show the summary)."""

    step_id: str | None
    after: str = ""
    status: StepStatus | None = None  # the step's status as the worker saw it
    elsewhere: bool = False  # it is the other workstation's: the checklist, not its screen
