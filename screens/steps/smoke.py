"""Smoke test: a checklist per architecture; tick what passed, name tester and hardware, record.

The sign-off hashes the architecture's artifacts (progress bar below) and is journaled. An unticked
check is recorded as *failed* with the note, which blocks the release: the captain sees that in the
status list at the top before and after recording. With every check ticked, the note goes on the
check highlighted in the list (``form_marks``), as ``--pass CHECK --note`` does on the command line.

The form walks the architectures in order: it opens on the first one without a sign-off with the
Hardware field focused; Enter there moves to the checks, ``a`` ticks them all, ctrl+s records;
the form moves to the next architecture still open (the ones after it first, then any left
before it; never to a blank one) as soon as ctrl+s is pressed, while the sign-off is still being
hashed and written, and gets the entry back if it is refused; after the last one the focus leaves
the text fields so ``n`` moves on instead of being typed in. While an architecture is still open
the message line names it, never "Enter: next step" (Enter there fills in that sign-off).

The hardware, the ticks and the note belong to one architecture: the form starts them empty for
each one, whether it moved on by itself or the captain picked another in the list. Only the
tester is kept: one person usually tests them all, but an amd64 laptop is never the arm64 board,
and a carried-over machine would be a false line in the audit record.

A refused sign-off comes back into the form, unless the captain has already typed into the next
architecture's form: that stays as typed, and the refused one is kept for its architecture, back
in the form when the captain picks it or the form moves to it (nothing typed is written over).
It is kept until it is sent again, for its release, while the console runs (``kept`` on the app,
in memory: nothing typed goes to a file unrecorded): leaving the screen to fix what refused it
(a missing image) and coming back finds it in the form again.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import events, work
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, Input, Select, SelectionList, Static
from textual.widgets.selection_list import Selection

from screens.base import host_of, said
from screens.smoke_form import SmokeForm, form_marks, not_ready
from screens.smoke_messages import Entry, NotRecorded, Recorded, SmokeView
from screens.step import STEP_CSS, Finished, Progress, StepScreen
from screens.widgets import FormField, StepBody
from services import smoke, workstation
from services.errors import ConsoleError
from services.progress import ProgressEvent
from services.step_protocol import Context
from services.step_status import StepStatus

SMOKE_CSS = Path(__file__).with_name("smoke.tcss")

STATE_STYLE = {"ok": "green", "missing": "dim", "failed": "bold red", "void": "bold yellow"}
STATE_MARK = {"ok": "✔", "missing": "·", "failed": "✘", "void": "⚠"}


class SmokeScreen(SmokeForm, StepScreen[SmokeView]):
    BINDINGS = [Binding("ctrl+s", "record", "Record sign-off"),
                Binding("a", "pass_all", "Tick all")]
    CSS_PATH: ClassVar[Any] = [STEP_CSS, SMOKE_CSS]

    def __init__(self, step_id: str) -> None:
        super().__init__(step_id)
        self.data: SmokeView | None = None
        self._form_arch = ""  # the architecture the form is for (``form_arch``)
        self.form_next: str | None = None  # moved on by ctrl+s to this one, still to sign off
        self.sent: set[str] = set()  # sign-offs sent from this form (maybe not loaded yet)
        self.tick_all_on_load = False  # a typed before the checks were there
        self.refused_signoffs: dict[str, Entry] = {}  # refused while the next one was typed: kept here

    def on_mount(self) -> None:
        """Opened as the step to do now with a sign-off open (blocked), the hardware field
        takes the focus at once, before the load says which architecture: what the captain
        types ahead ("X1", Enter, a) lands in the form instead of on the screen, where Enter
        closed it while the release was not loaded yet. It does not scroll to the field: before
        the screen is first drawn Textual counts nothing as in view and centres the field, which
        scrolled the title away on a screen where the form fits; the load shows the field
        (``_first_focus``), scrolling only as far as it needs."""
        super().on_mount()
        if self.opened_on == StepStatus.BLOCKED:  # at once: focus() waits a message
            self.set_focus(self.query_one("#smoke-hardware", Input), scroll_visible=False)

    def on_key(self, event: events.Key) -> None:
        """A key the screen itself gets while a field has the focus was typed before the field
        took it (as the screen opened): the field gets it, in the order typed. (A field keeps
        the keys typed in it and its Enter, so none of these comes from the field itself.)"""
        field = self.focused
        if isinstance(field, FormField) and (event.is_printable or event.key == "enter"):
            event.stop()
            field.post_message(events.Key(event.key, event.character))

    def said_by_panel(self, note: str) -> bool:
        """Walked at 80x24: under the plan, "Note: No smoke sign-off for amd64 yet." repeated
        the blocker above the form, and "Note: amd64 signed off by …" the status panel's ✔ line,
        below the bottom edge. Each architecture's state is shown once, above the form; the
        step's plan keeps its notes for the CLI (``run smoke --dry-run``)."""
        return self.data is not None and note in smoke.plan_notes(self.data.statuses)

    def load_extra(self, ctx: Context) -> SmokeView | None:
        if ctx.session is None:
            return None
        found = smoke.statuses(ctx.policy, ctx.root, ctx.session, progress=ctx.progress)
        elsewhere = workstation.bundle_away(ctx, "smoke sign-off")
        return SmokeView(tuple(ctx.policy.architectures()), tuple(ctx.policy.smoke_checks),
                         ctx.repo.identity().name, tuple(found),
                         elsewhere.reason if elsewhere else "",
                         f"smoke refused {ctx.session.tag} {ctx.session.created_at}")

    def show_extra(self, data: SmokeView | None) -> None:
        if data is None:
            return
        first_load = self.data is None
        self.data = data
        self.show_form_label()  # an architecture signed off since reads "again"
        self._keep_refused(data)
        status = Text()
        for item in data.statuses:
            if not self.said_by_blockers(item.detail):  # the open ones are the blockers above
                status.append(f"{STATE_MARK[item.state]} {item.detail}\n",
                              style=STATE_STYLE[item.state])
        if not data.statuses:
            status.append("The policy lists no architectures to smoke-test.\n", style="dim")
        if data.elsewhere:
            status.append(f"{data.elsewhere}\n", style="yellow")
        status.rstrip()  # its last newline was a blank row above the form
        shown = self.query_one("#smoke-status", Static)
        shown.update(status)
        shown.display = bool(status.plain)  # empty, its row and margin pushed the form down
        for form in ("#smoke-label", "#smoke-form", "#smoke-checks", "#smoke-note",
                     "#smoke-record"):  # the bundle is out: the other workstation records
            self.query_one(form).display = not data.elsewhere
        if not data.arches or data.elsewhere:
            if first_load and self.query_one("#smoke-hardware", Input).has_focus:
                self.park_focus()  # the form is hidden or empty: an early focus leaves it,
                self.query_one(StepBody).scroll_home(animate=False)  # and the scroll it made
            return
        if first_load:  # the arch picker has no blank entry: made once the arches are known
            arch = self.form_arch = data.first_open() or data.arches[0]
            picker: Select[str] = Select([(a, a) for a in data.arches], value=arch,
                                         allow_blank=False, id="smoke-arch", compact=True)
            self.query_one("#smoke-form", Horizontal).mount(picker, after="#smoke-arch-caption")
        tester = self.query_one("#smoke-tester", Input)
        if not tester.value and data.tester != "unknown":
            tester.value = data.tester
        checks = self.query_one("#smoke-checks", SelectionList)
        if checks.option_count != len(data.checks):
            self._reset_checks(data)
            if self.tick_all_on_load:
                checks.select_all()
        self.tick_all_on_load = False
        if first_load:
            back = self.refused_signoffs.get(self.form_arch)
            if back is not None and not (self.query_one("#smoke-hardware", Input).value
                                         or checks.selected):
                self._fill_form(back)  # refused before the captain left (not over typed keys)
            self._first_focus(data)

    def _keep_refused(self, data: SmokeView) -> None:
        """The refused sign-offs kept for this release on the app, so leaving the screen keeps
        them; one for an architecture signed off since (another terminal) is dropped. (None is
        refused before the first load: ctrl+s waits for it.)"""
        kept: dict[str, Entry] = host_of(self.app).kept(data.release)
        for item in data.statuses:
            if item.state == "ok":
                kept.pop(item.arch, None)
        self.refused_signoffs = kept

    def _hint(self) -> Text:
        """While refused sign-offs are kept, the line says where they are (back in the form, or
        kept for another architecture) instead of the blockers' "To do"."""
        kept = sorted(self.refused_signoffs)
        if not kept or self.data is None or self.data.elsewhere:
            return self._to_do() or super()._hint()
        here = self.form_arch in kept
        others = [a for a in kept if a != self.form_arch]
        line = (f"Your {self.form_arch} sign-off, refused before, is in the form: ctrl+s sends "
                "it again." if here else "")
        if others:
            line += (" " if line else "") + (f"Your refused {' and '.join(others)} sign-off is "
                                             "kept: pick it in the list to send it again.")
        return Text(line, style="yellow")

    def _to_do(self) -> Text | None:
        """Blocked on sign-offs: the line names the architecture in the form (or, with one
        signed off picked, the first still open), in one row at 80 columns: the first blocker's
        remedy took two. None: the step screen's own line."""
        data, first = self.data, self.blockers[0].reason if self.blockers else ""
        if (data is None or self.status != StepStatus.BLOCKED or self.next_id != self.step.id
                or not any(s.detail == first for s in data.statuses)):
            return None
        open_ = [s.arch for s in data.statuses if s.state != "ok"]
        if len(open_) == 1:  # its blocker's → line names it: said once (the generic line)
            return None
        arch = self.form_arch if self.form_arch in open_ else open_[0]
        return Text(f"To do: test {arch} on real hardware, then record its sign-off in the "
                    "form.", style="yellow")

    def _first_focus(self, data: SmokeView) -> None:
        """The hardware field has the focus while an architecture is open on the step to do
        now, unless the captain already moved on in the form (typed ahead, see ``on_mount``):
        then what the load put above it pushed it down, so it is shown again. An early focus
        the load proves wrong goes back to the body, if nothing was typed."""
        hardware = self.query_one("#smoke-hardware", Input)
        focused = self.focused
        open_now = data.first_open() is not None and self.next_id == self.step.id
        if isinstance(focused, (Input, SelectionList)) and (
                focused is not hardware or hardware.value or open_now):
            self.call_after_refresh(focused.scroll_visible)
        elif open_now:
            hardware.focus()
        elif focused is hardware:
            self.park_focus()

    def _reset_checks(self, data: SmokeView) -> None:
        checks = self.query_one("#smoke-checks", SelectionList)
        checks.clear_options()
        checks.add_options(Selection(c, c, False) for c in data.checks)
        checks.highlighted = 0 if data.checks else None

    def on_select_changed(self, event: Select.Changed) -> None:
        """The captain picked another architecture: its sign-off starts from an empty form (the
        tester stays). The form's own moves set ``form_arch`` first, so they keep what they set."""
        if (event.select.id != "smoke-arch" or event.value == self.form_arch
                or event.value != event.select.value):  # a stale one: the form moved since
            return
        self.form_arch = str(event.value)
        self.form_next = None
        self._open_form(self.form_arch)
        self.query_one("#smoke-hardware", Input).focus()

    def _open_form(self, arch: str) -> None:
        """The form for ``arch``: empty, or its refused sign-off as it was sent (kept while the
        captain went on typing another one)."""
        entry = self.refused_signoffs.get(arch)  # kept until it is sent again
        if entry is not None:
            self._fill_form(entry)
            return
        self.query_one("#smoke-hardware", Input).value = ""
        self.query_one("#smoke-note", Input).value = ""
        if self.data is not None:
            self._reset_checks(self.data)

    def _fill_form(self, entry: Entry) -> None:
        self.query_one("#smoke-tester", Input).value = entry.tester
        self.query_one("#smoke-hardware", Input).value = entry.hardware
        self.query_one("#smoke-note", Input).value = entry.note
        checks = self.query_one("#smoke-checks", SelectionList)
        checks.deselect_all()
        for mark in entry.marks:
            if mark.result == "pass":
                checks.select(mark.check)

    def _typed_since(self, entry: Entry) -> bool:
        """The form is on another architecture, not sent, and the captain has typed or ticked
        something in it (the tester kept from ``entry`` does not count)."""
        if self.form_arch == entry.arch or self.form_arch in self.sent:
            return False
        checks = self.query_one("#smoke-checks", SelectionList)
        return bool(self.query_one("#smoke-hardware", Input).value
                    or self.query_one("#smoke-note", Input).value or checks.selected
                    or self.query_one("#smoke-tester", Input).value != entry.tester)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the note records (in the tester and hardware it moves on: FormField)."""
        if event.input.id == "smoke-note":
            self.action_record()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("record", "pass_all"):
            return not (self.data and self.data.elsewhere)
        return super().check_action(action, parameters)

    def action_pass_all(self) -> None:
        checks = self.query_one("#smoke-checks", SelectionList)
        if self.data is None:  # typed ahead: the checks come with the load
            self.tick_all_on_load = True
        checks.select_all()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "smoke-record":
            self.action_record()

    def action_record(self) -> None:
        if self.data is None:  # no architecture picker yet: nothing is recorded unseen
            self._form_says("The sign-off form is still loading: press ctrl+s again once it "
                            "shows the architecture.")
            return
        arch = self.query_one("#smoke-arch", Select)
        if arch.is_blank():
            self._form_says("Choose the architecture you tested.")
            return
        checks = self.query_one("#smoke-checks", SelectionList)
        passed = set(checks.selected)
        note = self.query_one("#smoke-note", Input).value
        all_checks = [str(checks.get_option_at_index(i).value) for i in range(checks.option_count)]
        cursor = checks.highlighted
        marks = form_marks(all_checks, passed, note,
                           all_checks[cursor] if cursor is not None and note.strip() else None)
        hardware = self.query_one("#smoke-hardware", Input)
        refusal = not_ready(hardware.value, any(m.result == "fail" for m in marks), note)
        if refusal:
            self._form_says(refusal, timeout=8)
            return
        self.start_form_write()
        entry = Entry(str(arch.value), self.query_one("#smoke-tester", Input).value,
                      hardware.value, marks, note)
        self.sent.add(entry.arch)
        self.refused_signoffs.pop(entry.arch, None)  # sent: kept again only if refused again
        self._next_form(entry.arch)
        self._record_sign_off(entry)

    def _form_says(self, notice: str, *, timeout: float | None = None) -> None:
        """A notice from the form replaces the form's last one (a refusal, a sign-off's): walked
        at 80x24, "The Hardware field is empty…" stayed up its 8 seconds under the notice of the
        next ctrl+s, which no longer said it. Sending a sign-off takes it back too."""
        self.take_back_refusal()
        self.refused = notice
        self.notify(notice, severity="warning", timeout=timeout)

    def _next_form(self, after: str) -> None:
        """On to the next architecture at once, before the sign-off is written: what the captain
        types next ("M2", Enter, a, ctrl+s) belongs to that one, however fast it comes."""
        nxt = self.data.first_open(after, self.sent) if self.data is not None else None
        self.form_next = nxt
        if nxt is None:
            self.park_focus()  # the last one: n and r act, not type
            return
        self.form_arch = nxt
        self.query_one("#smoke-arch", Select).value = nxt
        self._open_form(nxt)
        self.query_one("#smoke-hardware", Input).focus()

    def on_not_recorded(self, message: NotRecorded) -> None:
        """The sign-off was refused: the form shows it again as it was, so nothing is lost. If
        the captain has typed into the next architecture's form meanwhile, that stays (refilling
        over it lost what was typed) and the refused one waits for its architecture."""
        entry = message.entry
        self.sent.discard(entry.arch)
        self.refused_signoffs[entry.arch] = entry  # kept until sent again, also off this screen
        if self._typed_since(entry):
            self.post_message(Finished(False, f"{message.error} Your {entry.arch} sign-off is "
                                       f"kept: pick {entry.arch} in the list to send it again."))
            return
        self.form_arch, self.form_next = entry.arch, None
        self.query_one("#smoke-arch", Select).value = entry.arch
        self._fill_form(entry)
        self.query_one("#smoke-hardware", Input).focus()
        self.post_message(Finished(False, message.error))

    @work(thread=True, group="smoke-record")  # not exclusive: a quick second one is wanted too
    def _record_sign_off(self, sign: Entry) -> None:
        try:
            ctx = host_of(self.app).make_context()
            workstation.require_bundle_here(ctx, "smoke sign-off")

            def progress(event: ProgressEvent) -> None:
                self.post_message(Progress(event))

            entry = smoke.sign_off(ctx.policy, ctx.repo, ctx.require_session(), ctx.record,
                                   arch=sign.arch, hardware=sign.hardware, marks=sign.marks,
                                   tester=sign.tester, now=ctx.now_iso(), progress=progress)
        except ConsoleError as err:
            self.post_message(NotRecorded(sign, said(err)))
            return
        failed = [c for c, r in entry["checks"].items() if r["result"] == "fail"]
        noted = [c for c, r in entry["checks"].items() if r["result"] == "pass" and r["note"]]
        self.post_message(Recorded(sign.arch, entry["tester"], failed, noted))

    def on_recorded(self, message: Recorded) -> None:
        noted = f", with the note on '{message.noted[0]}'" if message.noted else ""
        text = (f"✔ Recorded the {message.arch} sign-off by {message.tester}{noted}."
                if not message.failed
                else f"✘ Recorded the {message.arch} sign-off by {message.tester}. FAILED: "
                f"{', '.join(message.failed)} — this blocks the release.")
        self.post_message(Finished(not message.failed, text))

    def on_finished(self, message: Finished) -> None:
        """While the form is on an architecture still to sign off, the result line says so
        instead of the step screen's "Enter: next step": Enter there fills in that sign-off,
        and the next step only follows once every architecture is signed off."""
        message.prevent_default()  # the step screen's handler runs here, before the line
        a_run = self.running  # the step itself ran (r, n): its result is about the step
        StepScreen.on_finished(self, message)
        nxt = self.form_next
        if a_run or nxt is None or self.query_one("#smoke-arch", Select).value != nxt:
            return
        line = Text(message.text, style="bold green" if message.ok else "bold red")
        line.append(f"  Next: the {nxt} sign-off in the form (hardware, Enter, a ticks all, "
                    "ctrl+s records).", style="bold")
        self.query_one("#step-message", Static).update(line)
