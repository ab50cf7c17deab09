"""The footer every screen shows: Textual's, without the work it does again for nothing.

Why: Textual's Footer throws its keys away and builds them again each time the screen's bindings
may have changed (the focus moved, a reactive with ``bindings=True`` was set, a screen came back
on top), whether or not any key it shows changed; and each key it builds starts compact and is
made not compact once mounted, so its styles are worked out three times. On a key press that is
tens of milliseconds of CPU (a whole release walked in the TUI spent a quarter of its time
there). This footer builds its keys again only when what it would show differs from what it
shows, and builds each key with the footer's own compactness from the start. What it shows, and
when, is unchanged.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.widgets import Footer as TextualFooter
from textual.widgets._footer import FooterKey

if TYPE_CHECKING:
    from textual.screen import Screen


class Footer(TextualFooter):
    """Textual's footer, rebuilt only when the keys it would show change."""

    _composed: Hashable = None  # what the keys on show were built from (None: no keys yet)

    def _what_it_shows(self) -> Hashable:
        """Everything Textual's ``Footer.compose`` reads: equal values compose equal keys."""
        app = self.app
        active = self.screen.active_bindings
        keys = tuple((binding, app.get_key_display(binding), enabled, tooltip)
                     for (_, binding, enabled, tooltip) in active.values() if binding.show)
        palette = None
        if self.show_command_palette and app.ENABLE_COMMAND_PALETTE:
            found = active.get(app.COMMAND_PALETTE_BINDING)
            if found is not None:
                palette = (found.binding, app.get_key_display(found.binding), found.enabled,
                           found.tooltip)
        return keys, palette

    def compose(self) -> ComposeResult:
        self._composed = self._what_it_shows() if self._bindings_ready else None
        for widget in super().compose():
            # Textual binds each key's ``compact`` to the footer's once mounted; set here, the
            # key is styled once, as it will stay (the palette's key is left as Textual makes it)
            if isinstance(widget, FooterKey) and not widget.has_class("-command-palette"):
                widget.set_reactive(FooterKey.compact, self.compact)
            yield widget

    def bindings_changed(self, screen: Screen) -> None:
        # Textual's, with the rebuild after the refresh only when the keys differ
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen:
            self.call_after_refresh(self._recompose_if_changed)

    async def _recompose_if_changed(self) -> None:
        if self.is_attached and self._what_it_shows() == self._composed:
            return
        await self.recompose()
