"""The Keys panel (``?``) on a step screen: the screen's own keys first, scrolling keys last.

Textual's panel lists the active bindings from the focused widget up to the app. On a step screen
the body (:class:`screens.widgets.StepBody`) has the focus, so its ten scroll keys came first and,
walked at 80x24, the step's own keys (``n``, ``r``, ``k``, ``o``) were below the bottom edge.
Here the bindings keep their keys and actions (nothing changes what a key does) and only their
order changes: the step screen's own, then the focused field's and the app's, then the keys of
the scrolling body, under the heading its ``BINDING_GROUP_TITLE`` gives. The footer lists from
the same map; its shown keys are the screen's and the app's, in the order they had.

The wizards and dialogs (yank, promote, start, hotfix conflict, bundle import, abandon, the
reason and secret questions) list theirs first the same way: walked at 80x24, their focused
list's or field's keys pushed "y Yank", "c Continue" or "ctrl+y Use" below the bottom edge.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from textual.binding import Binding
from textual.containers import ScrollableContainer
from textual.screen import Screen

if TYPE_CHECKING:
    from textual.app import App
    from textual.binding import ActiveBinding

    _Screen = Screen[Any]  # a step screen dismisses with None, the hotfix picker with a tag
else:
    _Screen = object

# ? on a dialog (a modal screen): the app's own ? is not among a modal screen's keys in Textual,
# so on the promote and conflict dialogs ? did nothing; in a text field it stays text
KEYS = Binding("question_mark", "app.toggle_keys", "Keys", show=False)

# Textual's own for every screen (tab, shift+tab, copy): after the step's keys, not before them
GENERIC = {binding.action for binding in Screen.BINDINGS if not isinstance(binding, tuple)}


class OwnKeysFirst(_Screen):
    """A screen whose Keys panel lists its own keys before those of its scrolling body."""

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        bindings = super().active_bindings
        return dict(sorted(bindings.items(), key=lambda item: self._rank(item[1])))

    def _rank(self, active: ActiveBinding) -> int:
        """0: the screen's own; 1: the field's, the app's and Textual's; 2: scrolling."""
        if active.node is self and active.binding.action not in GENERIC:
            return 0
        return 2 if isinstance(active.node, ScrollableContainer) else 1


# F1 opens the same panel and, unlike ?, reaches the app from a text field (walked at 80x24: ? typed
# "?" into the smoke form's Hardware field, which has the focus there). The app binds both (with
# priority, so a dialog's field does not keep it either): the footer's "f1 Keys", offered after
# the screen's own keys where they all still fit beside the palette key, and a hidden one that
# works where the footer has no room for it.
F1_SHOWN = Binding("f1", "toggle_keys('footer')", "Keys", priority=True)
F1 = Binding("f1", "toggle_keys", "Keys", show=False, priority=True)
_measuring = False  # footer_has_room is asking for the screen's keys: F1_SHOWN is not among them


def footer_has_room(app: App[Any], binding: Binding = F1_SHOWN) -> bool:
    """Whether the footer of the screen on top still shows every key whole with ``binding``
    after them, as Textual's compact footer lays them out (a column either side of each key and
    its words, one entry per action, the palette key at the right edge). A dialog's footer never
    shows the app's keys: no room there."""
    global _measuring
    screen = app.screen
    if _measuring or screen.is_modal:
        return False
    _measuring = True
    try:
        active = screen.active_bindings
    finally:
        _measuring = False
    palette = active.get(app.COMMAND_PALETTE_BINDING)
    widths: dict[str, int] = {}
    for found in active.values():
        if found.binding.show and found is not palette:
            widths.setdefault(found.binding.action, _entry(app, found.binding))
    used = sum(widths.values()) + (_entry(app, palette.binding) if palette else 0)
    return used + _entry(app, binding) <= app.size.width


def _entry(app: App[Any], binding: Binding) -> int:
    return cell_len(app.get_key_display(binding)) + cell_len(binding.description) + 3
