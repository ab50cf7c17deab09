"""The smoke screen's form as laid out to fit under its title at 80x24, with the architecture
it is for in its header.

A mixin of :class:`screens.steps.smoke.SmokeScreen`, kept apart so that module stays about the
sign-offs. Walked at 80x24 with three architectures: each open one took a bullet and a two-row
remedy, the framed fields three rows each, and a focused field out of view was centred, so the
title and the form's architecture scrolled away while the captain typed. Now the open ones are
one bullet, the fields one row, and a focused field scrolls the body only as far as the form
needs, never past its header.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Button, Label, Static

from screens.step_render import render_blockers
from screens.widgets import CheckList, FormField, StepBody, TypedField
from services import smoke

if TYPE_CHECKING:
    from textual.screen import Screen

    from screens.smoke_messages import SmokeView
    from services.blocker import Blocker

    _Screen = Screen[None]
else:
    _Screen = object


class SmokeForm(_Screen):
    """The sign-off form's widgets, its header and how the body scrolls to it."""

    _form_arch = ""

    if TYPE_CHECKING:  # the step screen's own, which the mixin calls or reads
        data: SmokeView | None

        def _show_hint(self) -> None: ...

    @property
    def form_arch(self) -> str:
        """The architecture the form's hardware, ticks and note are for; its header names it."""
        return self._form_arch

    @form_arch.setter
    def form_arch(self, arch: str) -> None:
        self._form_arch = arch
        if arch and self.is_mounted:
            self.show_form_label()
            self._show_hint()  # "To do" names it

    def show_form_label(self) -> None:
        """The header names the form's architecture. Walked at 80x24: with every one signed off
        (the last just recorded, or a promotion's reused ones) it read as if one were still to
        do; for one signed off it says the form would sign it off again, replacing that one."""
        arch = self._form_arch
        if not arch or not self.is_mounted:
            return
        data = self.data
        again = data is not None and any(s.arch == arch and s.state == "ok"
                                         for s in data.statuses)
        self.query_one("#smoke-label", Static).update(Text.assemble(
            ("Sign off ", "bold"), (arch, "bold reverse"),
            *([(" again", "bold"), ("  (replaces its sign-off; ticked = passed)", "")] if again
              else [("  (ticked = passed, unticked = failed)", "")])))

    def compose_extra(self) -> ComposeResult:
        """The form in one-row fields: at 80x24 the framed ones (three rows each, the note and
        the button on rows of their own) pushed the title off as soon as a field had the focus.
        Each field has its caption beside it on the same row ("Arch", "Tester", "Hardware"):
        walked at 80x24, with placeholders only, the prefilled tester ("Demo Captain") read as
        nobody's name in particular and the picker as a bare "amd64 ▼"; a caption stays once the
        field is filled, and costs no row."""
        yield Static("", id="smoke-status", classes="section")
        yield Static("Sign off (ticked = passed, unticked = failed):", classes="section",
                     id="smoke-label")
        with Horizontal(id="smoke-form"):  # the architecture picker goes after its caption
            yield Label("Arch", id="smoke-arch-caption", classes="smoke-caption")
            yield Label("Tester", classes="smoke-caption")
            yield FormField(placeholder="who tested", id="smoke-tester", then="#smoke-hardware",
                            compact=True)
            yield Label("Hardware", classes="smoke-caption")
            yield FormField(placeholder="e.g. ThinkPad X1", id="smoke-hardware",
                            then="#smoke-checks", compact=True)
        yield CheckList(id="smoke-checks")
        with Horizontal(id="smoke-send"):
            yield TypedField(placeholder=NOTE_PLACEHOLDER, id="smoke-note", compact=True)
            yield Button("Record sign-off (ctrl+s)", id="smoke-record", variant="primary",
                         compact=True)

    def scroll_to_center(self, widget: Widget, *args: Any, **kwargs: Any) -> None:
        """A form field focused out of view: Textual centres it, which scrolled the title and the
        form's header (the architecture) away at 80x24. The body scrolls only as far as the
        whole form needs, and never past its header."""
        form = [self.query_one(f"#smoke-{part}") for part in ("label", "form", "checks", "send")]
        if not any(part in widget.ancestors_with_self for part in form):
            super().scroll_to_center(widget, *args, **kwargs)
            return
        region = form[0].virtual_region_with_margin.union(form[-1].virtual_region_with_margin)
        self.query_one(StepBody).scroll_to_region(region, animate=False, origin_visible=True)

    def blockers_text(self, blockers: list[Blocker]) -> Text:
        """The architectures with no sign-off yet in one line (see ``grouped_for_screen``)."""
        return render_blockers(smoke.grouped_for_screen(blockers), tui=True)


HARDWARE_EXAMPLE = "ThinkPad X1 Gen 11, USB 3 stick"
NOTE_PLACEHOLDER = "Note for failed checks, or the highlighted one"


def form_marks(checks: list[str], passed: set[str], note: str,
               highlighted: str | None) -> list[smoke.Mark]:
    """The form's one note as the sign-off records it: on every failed check (what went wrong),
    or, with none failed, on the check highlighted in the list, as the command line's
    ``--pass CHECK --note ...`` puts it on one passed check. The form took a note only for failed
    checks: typed with every check ticked, it was dropped unrecorded."""
    failing = any(c not in passed for c in checks)
    on_passed = "" if failing else (highlighted if highlighted in checks else "")
    return [smoke.Mark("pass" if c in passed else "fail", c,
                       note if (c not in passed or c == on_passed) else "") for c in checks]


def not_ready(hardware: str, failing: bool, note: str) -> str:
    """What keeps ctrl+s from recording the form, in one notice ("" when nothing does).

    Walked at 80x24: ctrl+s on the empty form said only "Unticked checks are recorded as
    failed…"; once they were ticked, the empty hardware came back from the service in the
    command line's words (``--hardware``). Both are said at once, in the form's own terms,
    after "Nothing was recorded." (walked: "Unticked checks are recorded as failed" read as if a
    failed sign-off had just been recorded)."""
    said = []
    if not hardware.strip():
        said.append(f'The Hardware field is empty: type the machine you tested on '
                    f'(e.g. "{HARDWARE_EXAMPLE}").')
    if failing and not note.strip():
        said.append("Unticked checks would be recorded as failed: tick what passed (a ticks "
                    "all), or say what went wrong in the note.")
    return " ".join(["Nothing was recorded.", *said]) if said else ""

