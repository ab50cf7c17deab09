"""Migration step: is MIGRATION.md ready for this transition, and an editor to make it so.

The editor holds the transition's section as the file has it, or, when there is none, the template
(Breaking changes, Steps, Rollback) to fill in. Saving writes only that section, atomically; the
untouched template is refused (it would put TODOs into the guide). ``m`` writes "No migration
required." in one key, refused for a MAJOR bump with the reason. Escape in the editor leaves the
editor, not the step. The step (n or r) then checks it and commits MIGRATION.md, asking first.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Button, Static, TextArea

from screens.base import attempt
from screens.step import STEP_CSS, Finished, StepScreen
from services import channels, migration, versions
from services.catalogue import BY_ID
from services.errors import ConsoleError
from services.step_protocol import Context
from services.steps.migration import current_check, transition
from services.wording import mid_sentence

MIGRATION_CSS = Path(__file__).with_name("migration.tcss")

NO_MIGRATION = "No migration required."


@dataclass(frozen=True)
class MigrationView:
    """The section as the file has it (or the template), and what the check says of it."""

    result: migration.MigrationCheck | None = None
    text: str = ""
    heading: str = ""
    file: str = ""
    first: bool = False
    major: bool = False
    error: str = ""


class MigrationScreen(StepScreen[MigrationView]):
    BINDINGS = [Binding("ctrl+s", "save", "Save section"),
                Binding("m", "no_migration", "No migration")]
    CSS_PATH: ClassVar[Any] = [STEP_CSS, MIGRATION_CSS]

    def __init__(self, step_id: str) -> None:
        super().__init__(step_id)
        self.loaded_text = ""
        self.template_text = ""
        self.view_data = MigrationView()

    def compose_extra(self) -> ComposeResult:
        yield Static("", id="migration-status", classes="section")
        yield TextArea("", id="migration-editor")
        yield Button("Save section to the migration guide (ctrl+s)", id="migration-save",
                     variant="primary")

    def load_extra(self, ctx: Context) -> MigrationView | None:
        session = ctx.session
        if session is None:
            return None
        if not session.previous_tag:
            return MigrationView(first=True)
        rel = ctx.policy.migration
        try:
            old, new = transition(ctx)  # an rc's transition is to the final version
            doc = migration.read(ctx.path(rel), rel)
            result = current_check(ctx)  # what the step's own check says, word for word
            lines = migration.template(doc, old, new, old_tag=session.previous_tag,
                                       new_tag=channels.final_tag(ctx.policy, session))
            text = migration.section_text(doc, old, new) or "\n".join(lines) + "\n"
        except ConsoleError as err:
            return MigrationView(error=str(err))
        return MigrationView(result, text, lines[0], rel,
                             major=versions.is_major_bump(old, new))

    def show_extra(self, data: MigrationView | None) -> None:
        editor = self.query_one("#migration-editor", TextArea)
        if data is None:
            return
        self.view_data = data
        self.refresh_bindings()
        if data.first:  # nothing to write: no editor, no save button, no ctrl+s or m
            self.show_section("#migration-status", Text(
                "This is the first release: there is nothing to migrate from.", style="dim"))
            editor.display = False
            self.query_one("#migration-save", Button).display = False
            return
        if data.error or data.result is None:
            self.show_section("#migration-status", Text(data.error, style="bold red"))
            return
        result = data.result
        if result.status == "missing":
            self.template_text = data.text
        if self.said_by_blockers(result.message):  # said above, with what to do about it; its
            self.show_section("#migration-status", "")  # empty rows cut the editor at 80x24
        else:
            line = Text(("✔ " if result.ok else "✘ ") + result.message,
                        style="green" if result.ok else "bold yellow")
            if result.status == "missing":
                line.append("\nThe editor holds a template: fill in the TODO lines and save with "
                            "ctrl+s" + ("." if data.major else ", or press m if no migration "
                                        "is required."), style="dim")
            self.show_section("#migration-status", line)
        if editor.text == self.loaded_text:  # do not throw away what the captain is typing
            editor.load_text(data.text)
            self.loaded_text = data.text

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("save", "no_migration") and self.view_data.first:
            return False  # a first release has no section to write (ctrl+s said "empty")
        if action == "no_migration":
            result = self.view_data.result
            return (result is not None and not result.ok and not self.running) or None
        return super().check_action(action, parameters)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "migration-save":
            self.action_save()

    def leaving_field(self) -> str:
        """In the editor n and m are typed into the section: the line under the step names
        Escape, which leaves it (:meth:`action_back`), before the keys it says."""
        return "Esc leaves the editor" if isinstance(self.focused, TextArea) else ""

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self._show_hint()  # into the editor or out of it: the line names Esc, or no more

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        self._show_hint()

    def unsaved(self) -> bool:
        """The editor holds text the file does not (what the captain typed since the load)."""
        return self.query_one("#migration-editor", TextArea).text != self.loaded_text

    def action_back(self) -> None:
        """Escape in the editor leaves the editor; Escape elsewhere leaves the step, asking first
        when the section typed is not saved (it was lost without a word)."""
        if isinstance(self.focused, TextArea):
            self.park_focus()
            return
        if self.running or not self.unsaved():
            super().action_back()
            return
        from screens.prompts import ConfirmScreen
        from services.step_protocol import Plan

        def answered(leave: bool | None) -> None:
            if leave:
                super(MigrationScreen, self).action_back()
            else:
                self.query_one("#migration-editor", TextArea).focus()

        self.app.push_screen(ConfirmScreen(
            "Leave without saving the section?",
            Plan(summary="What you typed in the editor is not in MIGRATION.md yet; leaving "
                 "loses it. n goes back to the editor (ctrl+s saves)."),
            irreversible=True), answered)  # Enter must not throw the text away

    def action_next_step(self) -> None:
        if self.unsaved() and not self.running:  # n would move on and drop the typed section
            self.notify("The section in the editor is not saved: ctrl+s saves it, then n.",
                        severity="warning", timeout=8)
            return
        super().action_next_step()

    def action_save(self) -> None:
        text = self.query_one("#migration-editor", TextArea).text
        if self.template_text and text.strip() == self.template_text.strip():
            self.refused = ("The template is untouched: fill in its TODO lines, or press m if "
                            "no migration is required. Nothing was written.")
            self.notify(self.refused, severity="warning", timeout=8)  # the next save takes it back
            return
        self.start_form_write()
        self._save(text)

    def action_no_migration(self) -> None:
        data = self.view_data
        if data.major:
            self.notify("This is a MAJOR release: the migration guide must give real steps, "
                        "so 'No migration required.' is refused. Fill in the template.",
                        severity="warning", timeout=8)
            return
        if not data.heading:
            return
        self.start_form_write()
        self._save(f"{data.heading}\n\n{NO_MIGRATION}\n")

    @work(thread=True, exclusive=True, group="migration-save")
    def _save(self, text: str) -> None:
        def save(ctx: Context) -> tuple[str, str]:
            rel = ctx.policy.migration
            old, new = transition(ctx)
            migration.save_section(migration.read(ctx.path(rel), rel), old, new, text).write()
            check = current_check(ctx)  # what the step will say of it: a TODO left blocks it
            return rel, "" if check.ok else check.message

        saved, error = attempt(self.app, save)
        self.post_message(Finished(False, error) if saved is None else Saved(text, *saved))

    def on_saved(self, message: Saved) -> None:
        self.loaded_text = message.text
        self.query_one("#migration-editor", TextArea).load_text(message.text)
        self.park_focus()
        if message.problem:  # saved, and still blocked: no "n commits it", no "Enter: next step"
            self.post_message(Finished(False, f"Saved the section to {message.file}, but "
                                       f"{mid_sentence(message.problem)} Then ctrl+s saves it "
                                       "again."))
            return
        self.post_message(Finished(True, f"✔ Saved the section to {message.file}. "
                                   + self._when_committed(message.file), next_said=True))

    def _when_committed(self, file: str) -> str:
        """What n and Enter do now (the same: walked, "n commits it (asks first).  Enter: next
        step." read as if Enter went on without the commit): commit here (this step is the one
        to do), or, with an earlier step not done, nothing here: they open that step (pre-flight
        refuses the tree this save dirtied; a new MIGRATION.md needs its `git add`)."""
        if self.next_id in (None, self.step.id):
            return "n or Enter commits it (asks first)."
        first = BY_ID[self.next_id].title if self.next_id in BY_ID else self.next_id
        if self.next_id != "preflight":  # only pre-flight wants the whole tree clean
            return (f"It is committed when this step runs; '{first}' comes first: n or Enter "
                    "opens it.")
        return (f"It is not committed: '{first}' comes first and refuses a dirty tree, so "
                f"commit it yourself (git add {file} && git commit), then n opens that step.")


@dataclass(eq=False)
class Saved(Message):
    """The section is written; the editor now holds what the file holds."""

    text: str
    file: str
    problem: str = ""  # what the step's check still says of the saved section ("" when ready)

