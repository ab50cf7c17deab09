"""Writes a step screen's own form makes (a tick, a sign-off, a migration section) in workers.

``n`` pressed while one is still being written must act on its outcome, not on the blockers from
before it: a captain types space then n at once. The step screen counts the writes in flight;
a screen that knows more (a ticked row the session does not hold yet) overrides ``form_pending``.

A new attempt (a run, a form's save) takes back the toast of the refusal before it, which stood
beside the new attempt's "done" for seconds (walked at 80x24).
"""

from __future__ import annotations

from typing import Any

from screens.base import host_of


class FormWrites:
    """Counts the form writes in flight; each ends in a message that reloads the step."""

    form_writes = 0
    refused = ""  # the last refusal said in a toast (a run's, a save's): the next attempt's to take
    result_shown = False  # the message line holds a run's result (the step screen's)
    app: Any  # the screen's, as Textual gives it

    def take_back_refusal(self) -> None:
        """The refusal's toast goes, and its red line under the form: a new attempt is under way
        (its own words follow). Walked at 80x24: after a tick, "cannot run yet: checklist item
        not ticked" stayed under the ticked item and "▶ ready"."""
        if self.refused:
            host_of(self.app).withdraw(self.refused)
            self.refused = ""
            self.result_shown = False  # the next load puts the hint back in its place

    def start_form_write(self) -> None:
        """A tick or a form's save went to a worker: an ``n`` pressed now acts on its outcome."""
        self.take_back_refusal()
        self.form_writes += 1

    def end_form_write(self) -> None:
        self.form_writes = max(0, self.form_writes - 1)

    def form_pending(self) -> bool:
        """Something the captain entered is not yet in the session (a screen may know more)."""
        return self.form_writes > 0
