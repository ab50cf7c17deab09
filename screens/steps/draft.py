"""Draft and uploads: every expected file with its size and live progress while it uploads.

Progress messages from the run worker update the row of the file being hashed or uploaded, so a
captain watching a 2 GiB ISO go up sees which file it is and how far it got, and when an upload
restarts after a dropped connection; a re-run shows which files were kept, uploaded or removed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.widgets import DataTable

from screens import sized_table
from screens.step import STEP_CSS, Progress, StepScreen
from services.artifacts import human_size
from services.evidence import DraftEvidence
from services.public_keys import KIND as KEY_KIND
from services.step_protocol import Context

DRAFT_CSS = Path(__file__).with_name("draft.tcss")


class DraftScreen(StepScreen):
    CSS_PATH: ClassVar[Any] = [STEP_CSS, DRAFT_CSS]

    def compose_extra(self) -> ComposeResult:
        yield DataTable(id="draft-assets", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        super().on_mount()

    def load_extra(self, ctx: Context) -> Any:
        if ctx.session is None:
            return None
        from services.github.wiring import expected_files

        drafted = ctx.session.evidence(DraftEvidence)
        done = drafted.actions() if drafted is not None else {}
        return [(f.name, human_size(f.size) if f.exists
                 else "read at the tag" if f.kind == KEY_KIND else "missing", done.get(f.name, ""))
                for f in expected_files(ctx)]

    def show_extra(self, data: Any) -> None:
        table = self.query_one("#draft-assets", DataTable)
        if data is None or self.running:
            return
        sized_table.fill(table, ("file", "size", "progress"),
                         [(name, size, action or "-") for name, size, action in data],
                         keys=[name for name, _, _ in data],
                         at_least={"progress": len("retrying (attempt 10)")})

    def on_progress(self, message: Progress) -> None:
        event = message.event
        table = self.query_one("#draft-assets", DataTable)
        known = event.item in {str(k.value) for k in table.rows}
        if event.retry:  # the upload restarts
            if known:
                table.update_cell(event.item, "progress", f"retrying (attempt {event.attempt})")
            self.notify(event.notice(), severity="warning", timeout=6)
            return
        hashing = event.phase == "hash"
        if known:
            table.update_cell(event.item, "progress",
                              f"{'hashing' if hashing else 'uploading'} {event.percent}%"
                              if event.percent < 100 else ("hashed" if hashing else "uploaded"))
        super().on_progress(message)
