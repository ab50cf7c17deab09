"""The step screen's message line: what the next key does, or what the last attempt came to.

It sits right under the scrolling body, so at 80x24 a refusal of ``r`` read as the end of the
body: walked on pre-flight, the body was cut at "What running it will do:" and the three lines of
"'Pre-flight checks' cannot run yet: ..." under it read as what the plan says. A refusal or a
failure is shown :meth:`headed`: a rule across the screen with its heading ("Not run", "Failed")
between the body and the words, in the colour of the error. Any other update (the next hint, a
new run's "Running…") takes the heading away again, wherever it comes from.
"""

from __future__ import annotations

from textual.visual import VisualType

from screens.hanging import HangingStatic

NOT_RUN = "Not run"  # refused before it ran (blocked, not confirmed, offline)
FAILED = "Failed"  # it ran and stopped on an error (StepFailed): the session says failed


class MessageLine(HangingStatic):
    """A :class:`HangingStatic` that shows a refusal under its own heading (step.tcss)."""

    def update(self, content: VisualType = "", *, layout: bool = True) -> None:
        super().update(content, layout=layout)
        self._head("")

    def headed(self, heading: str, content: VisualType) -> None:
        """``content`` under a rule that says ``heading`` (none: as :meth:`update`)."""
        super().update(content)
        self._head(heading)

    def _head(self, heading: str) -> None:
        self.border_title = f" {heading} " if heading else None
        self.set_class(bool(heading), "-headed")
