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

from textual.binding import Binding
from textual.containers import ScrollableContainer
from textual.screen import Screen

if TYPE_CHECKING:
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
