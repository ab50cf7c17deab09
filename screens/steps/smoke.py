"""Smoke test: a checklist per architecture; tick what passed, name tester and hardware, record.

The sign-off hashes the architecture's artifacts (progress bar below) and is journaled. An unticked
check is recorded as *failed* with the note, which blocks the release: the captain sees that in the
status list at the top before and after recording.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, Input, Select, SelectionList, Static
from textual.widgets.selection_list import Selection

from screens.base import host_of
from screens.step import StepScreen
from services import smoke
from services.errors import ConsoleError
from services.progress import ProgressEvent
from services.step_protocol import Context

STATE_STYLE = {"ok": "green", "missing": "dim", "failed": "bold red", "void": "bold yellow"}
STATE_MARK = {"ok": "✔", "missing": "·", "failed": "✘", "void": "⚠"}


class SmokeScreen(StepScreen):
    BINDINGS = [Binding("ctrl+s", "record", "Record sign-off")]
    DEFAULT_CSS = """
    SmokeScreen #smoke-checks { height: auto; max-height: 10; border: round $secondary; }
    SmokeScreen #smoke-form Input { width: 1fr; }
    SmokeScreen #smoke-form { height: auto; }
    SmokeScreen #smoke-arch { width: 24; }
    SmokeScreen #smoke-record { margin-top: 1; }
    """

    def compose_extra(self) -> ComposeResult:
        yield Static("", id="smoke-status", classes="section")
        yield Static("Record a sign-off (tick each check that passed; unticked = failed):",
                     classes="section")
        with Horizontal(id="smoke-form"):
            yield Select[str]([], prompt="Architecture", id="smoke-arch", allow_blank=True)
            yield Input(placeholder="Tester", id="smoke-tester")
            yield Input(placeholder="Hardware (machine, USB stick)", id="smoke-hardware")
        yield SelectionList[str](id="smoke-checks")
        yield Input(placeholder="Note for failed checks (what happened)", id="smoke-note")
        yield Button("Record sign-off (ctrl+s)", id="smoke-record", variant="primary")

    def load_extra(self, ctx: Context) -> Any:
        if ctx.session is None:
            return None
        return {
            "arches": list(ctx.policy.architectures()),
            "checks": list(ctx.policy.smoke_checks),
            "tester": ctx.repo.identity().name,
            "statuses": smoke.statuses(ctx),
        }

    def show_extra(self, data: Any) -> None:
        if not data:
            return
        status = Text()
        for item in data["statuses"]:
            status.append(f"{STATE_MARK[item.state]} {item.detail}\n",
                          style=STATE_STYLE[item.state])
        if not data["statuses"]:
            status.append("The policy lists no architectures to smoke-test.\n", style="dim")
        self.query_one("#smoke-status", Static).update(status)
        arch = self.query_one("#smoke-arch", Select)
        if not arch.is_blank():
            keep = arch.value
        else:
            keep = next((s.arch for s in data["statuses"] if s.state != "ok"), None)
        arch.set_options([(a, a) for a in data["arches"]])
        if keep in data["arches"]:
            arch.value = keep
        tester = self.query_one("#smoke-tester", Input)
        if not tester.value and data["tester"] != "unknown":
            tester.value = data["tester"]
        checks = self.query_one("#smoke-checks", SelectionList)
        if checks.option_count != len(data["checks"]):
            checks.clear_options()
            checks.add_options(Selection(c, c, False) for c in data["checks"])
            checks.highlighted = 0 if data["checks"] else None

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "smoke-record":
            self.action_record()

    def action_record(self) -> None:
        arch = self.query_one("#smoke-arch", Select)
        if arch.is_blank():
            self.notify("Choose the architecture you tested.", severity="warning")
            return
        checks = self.query_one("#smoke-checks", SelectionList)
        passed = set(checks.selected)
        note = self.query_one("#smoke-note", Input).value
        all_checks = [str(checks.get_option_at_index(i).value) for i in range(checks.option_count)]
        marks = [smoke.Mark("pass" if c in passed else "fail", c,
                            "" if c in passed else note) for c in all_checks]
        if any(m.result == "fail" for m in marks) and not note.strip():
            self.notify("Say what went wrong in the note for the failed checks.",
                        severity="warning")
            return
        self._record(str(arch.value), self.query_one("#smoke-tester", Input).value,
                     self.query_one("#smoke-hardware", Input).value, marks)

    @work(thread=True, exclusive=True, group="smoke-record")
    def _record(self, arch: str, tester: str, hardware: str, marks: list[smoke.Mark]) -> None:
        try:
            ctx = host_of(self.app).make_context()

            def progress(event: ProgressEvent) -> None:
                self.post_message(self.Progress(event))

            ctx.progress = progress
            entry = smoke.sign_off(ctx, arch=arch, hardware=hardware, marks=marks, tester=tester)
        except ConsoleError as err:
            self.post_message(self.Finished(False, str(err)))
            return
        failed = [c for c, r in entry["checks"].items() if r["result"] == "fail"]
        text = (f"Recorded the {arch} sign-off by {entry['tester']}."
                + (f" FAILED: {', '.join(failed)} — this blocks the release." if failed else ""))
        self.post_message(self.Finished(not failed, text))
