"""Keys typed ahead of a screen go to that screen, in the order typed.

Textual hands each key to the widget that has the focus as the key arrives, and matches the
screen's keys (bindings) only once the key has come back up to the app. Typed in one go with the
key that opens a dialog (walked in tmux at 80x24: ``s``, End, five Backspaces, ``1.2.0``, Enter),
every key after ``s`` went to the checklist, which still had the focus: the version went nowhere,
and Enter, matched against the dialog's keys by the time it came back, started the suggested
version the field held meanwhile. Here a key that comes back from a screen another one now
covers goes to the screen on top, and keys for a screen still being built wait until it has
mounted and taken its focus, then go to it in order.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import App

if TYPE_CHECKING:
    from textual.screen import Screen

    _App = App[Any]
else:
    _App = object

# Keys handed to a widget and not yet back (most never come back: a field keeps its text keys)
AIMED = 64


def asks(screen: Screen[Any]) -> bool:
    """Whether ``screen`` is a question keys typed ahead must not answer (a confirmation: `n`
    then `y` in one burst committed on a plan the captain never saw). Such a screen says so with
    ``TYPED_AHEAD_ANSWERS = False``; keys typed before it was on screen are dropped."""
    return getattr(screen, "TYPED_AHEAD_ANSWERS", True) is False


class KeysFollowTheScreen(_App):
    """An app whose keys reach the screen on top, however fast they come."""

    def __init__(self) -> None:
        super().__init__()
        self._aimed: deque[tuple[events.Key, Screen[Any]]] = deque(maxlen=AIMED)
        self._held: list[events.Key] = []  # for the screen on top, once it is ready

    async def on_event(self, event: events.Event) -> None:
        """A key as it arrives: held behind keys already waiting, or while the screen on top is
        still being built (nothing would take it: a text key would be lost)."""
        if isinstance(event, events.Key) and not event.is_forwarded and self.screen_stack:
            screen = self.screen
            if self._held or (screen.focused is None and not screen.is_mounted):
                if not asks(screen):
                    self._hold(event)
                return  # typed before the question was on screen: not its answer
            self._aimed.append((event, screen))
        await super().on_event(event)

    def on_key(self, event: events.Key) -> None:
        """A key back from the widget it went to, before the app matches it with the keys of the
        screen on top: if it went to a screen covered since, it goes to the one on top instead
        (its own keys, and its field's text)."""
        aimed = next((screen for key, screen in self._aimed if key is event), None)
        if aimed is None or aimed is self.screen or aimed not in self.screen_stack:
            return
        event.stop()
        event.prevent_default()  # not matched here as well
        if not asks(self.screen):
            self._hold(events.Key(event.key, event.character))

    def _hold(self, key: events.Key) -> None:
        self._held.append(key)
        # Delivered after the screen's compose and mount (they run before its queue), then after
        # the focus its mount asked the app for (the app's queue): once for all that wait
        if len(self._held) == 1 and not self.screen.call_later(self.call_later, self._deliver):
            self.call_later(self._deliver)  # the screen is closing: the app's queue only

    async def _deliver(self) -> None:
        held, self._held = self._held, []
        for index, key in enumerate(held):
            screen = self.screen
            if asks(screen):  # a key opened a question: the keys after it were typed unread
                return
            if screen.focused is None and not screen.is_mounted:  # a key opened another screen
                for later in held[index:]:
                    self._hold(later)
                return
            self._aimed.append((key, screen))
            await super().on_event(key)  # as Textual takes a key: the app's own first
