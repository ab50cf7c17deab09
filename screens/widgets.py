"""Small widgets shared by screens: the session bar and status marks."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from rich.segment import Segment
from textual import events
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.strip import Strip
from textual.visual import VisualType
from textual.walk import walk_depth_first
from textual.widget import Widget
from textual.widgets import Checkbox, Input, SelectionList, Static

from services.header_words import fit
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

    def __init__(self, content: VisualType = "", *, id: str | None = None) -> None:
        super().__init__(content, id=id)
        self.whole: VisualType = content  # the headline as given; the bar shows what fits
        self._shown: VisualType = content

    def update(self, content: VisualType = "", *, layout: bool = True) -> None:
        """A security clock short of time (the headline marks it with ⚠) turns the bar amber.
        A headline too wide for the bar drops its "last" words' detail before it is cut."""
        self.whole = content
        self.set_class("⚠" in str(content), "clock-warning")
        self._shown = self._fitted()
        super().update(self._shown, layout=layout)

    def on_resize(self) -> None:
        # one row whatever it says: no layout pass, and none at all when the words still fit
        fitted = self._fitted()
        if fitted != self._shown:
            self._shown = fitted
            super().update(fitted, layout=False)

    def _fitted(self) -> VisualType:
        content = self.whole
        return fit(content, self.content_size.width) if isinstance(content, str) else content


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


class TypedField(Input):
    """A text field that takes its keys in the order typed.

    Textual puts a typed character into the field as the field gets its key, but runs the
    field's own keys (End, Backspace, Enter...) only once the key has bubbled up to the app.
    Typed in one go over the start dialog's selected suggestion, "End, five Backspaces, 1.2.0"
    put 1.2.0 in first, then End and the Backspaces emptied the field. Here the field runs its
    own keys as it gets them, so each key acts in turn, and Enter submits what the keys before
    it left. (Reads the field's keys from ``_bindings``, a private Textual attribute:
    tests/test_typed_ahead.py checks it still applies.)
    """

    async def on_key(self, event: events.Key) -> None:
        for binding in self._bindings.key_to_bindings.get(event.key, ()):
            # a priority key was the app's before the field got it
            if not binding.priority and await self.app.run_action(binding.action, self):
                event.stop()
                event.prevent_default()  # not run again once up at the app
                return


class FormField(TypedField):
    """A form's text field that moves on at Enter at once, and hands on what is typed after it.

    Textual's Enter in a field is a binding, run once the key has bubbled up to the app; keys
    typed faster than that (the hardware, Enter, then a to tick every check) were already
    queued on the field, so the a went into it as text. Here Enter moves the focus to ``then``
    at once, and a key the field gets once the focus has left it goes to the widget that has
    the focus now, in the order typed. Without ``then``, Enter submits as in any field.
    """

    def __init__(self, *, then: str = "", placeholder: str = "", id: str | None = None,
                 compact: bool = False) -> None:
        super().__init__(placeholder=placeholder, id=id, compact=compact)
        self.then = then

    async def on_key(self, event: events.Key) -> None:
        screen = self.screen
        now = screen.focused
        if now is not None and now is not self:  # typed ahead of the Enter that moved on
            event.stop()
            event.prevent_default()
            now.post_message(events.Key(event.key, event.character))
        elif event.key == "enter" and self.then:
            event.stop()
            event.prevent_default()
            screen.set_focus(screen.query_one(self.then))


class TabbedField(FormField):
    """A form's text field where Tab and Shift+Tab move the focus at once, and what is typed
    after them goes to the field they moved it to; Enter submits (no ``then``).

    Tab is the app's binding, run once the key has bubbled up: walked in tmux at 80x24, the
    yank wizard's reason, Tab and ``1.2.0`` sent in one go put 1.2.0 into the Reason field."""

    async def on_key(self, event: events.Key) -> None:
        screen = self.screen
        if event.key in ("tab", "shift+tab") and screen.focused is self:
            event.stop()
            event.prevent_default()
            if event.key == "tab":
                screen.focus_next()
            else:
                screen.focus_previous()


class VersionField(TypedField):
    """A field for a version number, where ``?`` opens the Keys panel as on every other screen.

    A version never holds a "?" (``1.3.1``, ``v2.0.0-rc.1``), so here the key is not text: walked
    at 80x24, ? on the hotfix picker with nothing to pick typed "?" into the version field (it
    has the focus there) instead of listing the screen's keys. A field's printable keys are its
    own before any binding (Textual filters the app's ``?`` out while a field has the focus), so
    the field binds it itself, with priority. Fields whose text may hold one keep typing it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "app.toggle_keys", "Keys", show=False, priority=True)]


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


class CutPane(VerticalScroll):
    """A scrolling pane that says so while the screen cuts it (a tired captain may not see a
    scrollbar), until it is scrolled to the end: the yank wizard's previews in their frame, the
    confirmation's plan on the line under it (:meth:`say_cut`)."""

    def on_resize(self) -> None:
        self._say_cut()

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self._say_cut()

    def _say_cut(self) -> None:
        self.say_cut(self.scroll_y < self.max_scroll_y)

    def say_cut(self, cut: bool) -> None:
        """Whether more is below the bottom edge: by default its frame's subtitle says so."""
        self.border_subtitle = "↑↓ scrolls: more below" if cut else ""


class StepBody(VerticalScroll):
    """A step screen's scrolling body that never takes the focus from its controls unseen.

    Walked by hand: on pre-flight, Tab moved the focus from the checklist (its only control) to
    this container, which showed nothing, and Space then ticked nothing. So Tab from one of its
    controls (a checklist, a field) stops on the body only when it has something to scroll (the
    keyboard must still reach a long plan); while the body holds the focus it took from one of
    its controls, a bar down its left edge shows it, and Space hands the focus back to the
    control it came from. From a checklist Space also ticks its highlighted item, as the screen
    says space does: walked at 80x24, Tab then Space on pre-flight only moved the focus back and
    a second Space ticked. A tick cannot be taken back, so it is made only while the whole
    checklist is in view: scrolled off, Space brings it back and ticks nothing (Space pages down
    in many a reader). From nothing (a screen just opened) the body takes the focus as before,
    so n and r act instead of typing into a field.
    """

    DEFAULT_CSS = """
    StepBody.-holds-controls:focus { border-left: outer $accent; padding-left: 0; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "tick_in_checklist", "Tick in the checklist", show=False),
        Binding("space", "back_to_control", "Back to the checklist", show=False),
    ]
    # its keys' heading in the Keys panel, listed last there (screens.step_keys)
    BINDING_GROUP_TITLE = "Scrolling"

    def __init__(self, *children: Widget, id: str | None = None) -> None:
        super().__init__(*children, id=id)
        self.last_control: Widget | None = None

    def controls(self) -> Iterator[Widget]:
        """Its controls (each focusable widget in it) top to bottom, walked only as far as they
        are asked for: the footer's keys ask on every bindings refresh (Space's two actions), and
        the callers want the first, or whether there is one."""
        return (w for w in walk_depth_first(self, Widget, with_root=False) if w.focusable)

    def _holds(self, widget: Widget | None) -> bool:
        """Whether ``widget`` is one of its controls, found from the widget up, not by walking
        the whole body down."""
        return (widget is not None and widget is not self and widget.focusable
                and self in widget.ancestors)

    def allow_focus(self) -> bool:
        if not self.can_focus:
            return False
        if not self._holds(self.screen.focused):
            return True
        return self.max_scroll_y > 0 or self.max_scroll_x > 0

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self.last_control = event.widget

    def on_focus(self) -> None:
        """The bar shows once the focus has left one of its controls for it (Tab, or a form
        done); a screen just opened gives the body the focus as it always did, with no bar."""
        self.set_class(self.last_control is not None and next(self.controls(), None) is not None,
                       "-holds-controls")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Space goes back only where there is a control to go back to: walked at 80x24, the
        Keys panel listed "space Back to the checklist" on the changelog step, which has none."""
        if action == "tick_in_checklist":
            return isinstance(self._back_to(), SelectionList)
        if action == "back_to_control":
            return self._back_to() is not None
        return True

    def _back_to(self) -> Widget | None:
        """The control Space goes back to: the one the focus came from, else the first."""
        if self._holds(self.last_control):
            return self.last_control
        return next(self.controls(), None)

    def action_back_to_control(self) -> None:
        back = self._back_to()
        if back is not None:
            back.focus()

    def action_tick_in_checklist(self) -> None:
        """Back to the checklist, ticking its highlighted item if the captain can see it."""
        back = self._back_to()
        if not isinstance(back, SelectionList):
            return
        in_view = bool(back.region) and self.region.contains_region(back.region)
        back.focus()
        if in_view:
            back.action_select()
