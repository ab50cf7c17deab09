"""Migration step: is MIGRATION.md ready for this transition, and an editor to make it so.

The editor holds the transition's section as the file has it, or, when there is none, the template
(Breaking changes, Steps, Rollback) to fill in. Saving writes only that section, atomically; the
step (r) then checks it and commits MIGRATION.md.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Button, Static, TextArea

from screens.base import host_of
from screens.step import StepScreen
from services import migration
from services.errors import ConsoleError
from services.step_protocol import Context
from services.steps.migration import transition


class MigrationScreen(StepScreen):
    BINDINGS = [Binding("ctrl+s", "save", "Save section")]
    DEFAULT_CSS = """
    MigrationScreen #migration-editor { height: 16; margin-top: 1; }
    MigrationScreen #migration-save { margin-top: 1; }
    """

    def __init__(self, step_id: str) -> None:
        super().__init__(step_id)
        self.loaded_text = ""

    def compose_extra(self) -> ComposeResult:
        yield Static("", id="migration-status", classes="section")
        yield TextArea("", id="migration-editor")
        yield Button("Save section to the migration guide (ctrl+s)", id="migration-save",
                     variant="primary")

    def load_extra(self, ctx: Context) -> Any:
        session = ctx.session
        if session is None:
            return None
        if not session.previous_tag:
            return {"first": True}
        rel = ctx.policy.migration
        try:
            old, new = transition(ctx)
            doc = migration.read(ctx.path(rel), rel)
            result = migration.check(doc, old, new, old_tag=session.previous_tag,
                                     new_tag=session.tag)
            text = migration.section_text(doc, old, new) or "\n".join(
                migration.template(doc, old, new, old_tag=session.previous_tag,
                                   new_tag=session.tag)) + "\n"
        except ConsoleError as err:
            return {"error": str(err)}
        return {"result": result, "text": text, "file": rel}

    def show_extra(self, data: Any) -> None:
        status = self.query_one("#migration-status", Static)
        editor = self.query_one("#migration-editor", TextArea)
        if not data:
            return
        if data.get("first"):
            status.update(Text("This is the first release: there is nothing to migrate from.",
                               style="dim"))
            editor.display = False
            return
        if data.get("error"):
            status.update(Text(data["error"], style="bold red"))
            return
        result: migration.MigrationCheck = data["result"]
        line = Text(("✔ " if result.ok else "✘ ") + result.message,
                    style="green" if result.ok else "bold yellow")
        if result.status == "missing":
            line.append("\nThe editor holds a template: fill in the TODO lines, then save.",
                        style="dim")
        status.update(line)
        if editor.text == self.loaded_text:  # do not throw away what the captain is typing
            editor.load_text(data["text"])
            self.loaded_text = data["text"]

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "migration-save":
            self.action_save()

    def action_save(self) -> None:
        self._save(self.query_one("#migration-editor", TextArea).text)

    @work(thread=True, exclusive=True, group="migration-save")
    def _save(self, text: str) -> None:
        try:
            ctx = host_of(self.app).make_context()
            rel = ctx.policy.migration
            old, new = transition(ctx)
            change = migration.save_section(migration.read(ctx.path(rel), rel), old, new, text)
            change.write()
        except ConsoleError as err:
            self.post_message(self.Finished(False, str(err)))
            return
        self.loaded_text = text
        self.post_message(self.Finished(True, f"Saved the section to {rel}. Press r to check "
                                        "and commit it."))
