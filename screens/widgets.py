"""Small widgets shared by screens: the session bar and status marks."""

from __future__ import annotations

from typing import ClassVar

from rich.segment import Segment
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.strip import Strip
from textual.visual import VisualType
from textual.widgets import Checkbox, SelectionList, Static

from services.step_status import StepStatus

S = StepStatus
STATUS_STYLE: dict[StepStatus, str] = {
    S.DONE: "green", S.SKIPPED: "cyan", S.FAILED: "bold red", S.INTERRUPTED: "bold yellow",
    S.BLOCKED: "yellow", S.READY: "bold", S.WAITING: "dim", S.RUNNING: "bold blue",
    S.NOT_STARTED: "dim", S.STALE: "bold yellow",
}


class SessionBar(Static):
    """Project, version, channel, branch and online/offline: what a captain must never misread."""

    DEFAULT_CSS = """
    SessionBar { height: 1; background: $primary-background; color: $text; padding: 0 1; }
    SessionBar.clock-warning { background: $warning; color: $text; text-style: bold; }
    """

    def update(self, content: VisualType = "", *, layout: bool = True) -> None:
        """A security clock short of time (the headline marks it with ⚠) turns the bar amber."""
        self.set_class("⚠" in str(content), "clock-warning")
        super().update(content, layout=layout)


class CheckList(SelectionList[str]):
    """A selection list whose boxes read ``[x]`` and ``[ ]``: ticked or not without relying on
    colour (Textual's own boxes look the same either way on many terminals)."""

    def action_select(self) -> None:
        """Tick at once. Textual ticks a message later (space posts OptionSelected), so an ``n``
        typed right after space reached the step screen before the tick existed."""
        index = self.highlighted
        if index is not None and not self.get_option_at_index(index).disabled:
            self.toggle(self.get_option_at_index(index))

    def render_line(self, y: int) -> Strip:
        line = super().render_line(y)
        segments = list(line)
        _, scroll_y = self.scroll_offset
        index = scroll_y + y
        if len(segments) < 4 or not 0 <= index < self.option_count:
            return line
        ticked = self.get_option_at_index(index).value in self.selected
        style = segments[1].style
        box = [Segment("[", style), Segment("x" if ticked else " ", style), Segment("]", style)]
        return Strip([*box, *segments[3:]], line.cell_length)


class TickBox(Checkbox, inherit_bindings=False):
    """A checkbox that reads ``[x]`` or ``[ ]``, like :class:`CheckList`: Textual's own box is
    the same ``▐X▌`` ticked or not, told apart by colour only. Space ticks it, as in every list
    here; Enter is left to the screen (moving on), so it never flips an option silently (an
    Enter meant for the next step left the artifacts out of a hand-off bundle).

    (Overrides ``ToggleButton._button``, a private Textual hook: tests/test_yank_wizard.py
    reads the box from the screen.)"""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_button", "Toggle", show=False)]

    @property
    def _button(self) -> Content:
        return Content("[x]" if self.value else "[ ]")
