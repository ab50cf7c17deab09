"""Draft review: the draft as GitHub shows it, next to what the captain built.

Title, tag and commit with marks, the body rendered as Markdown (as users will read it), every
expected asset against what is attached (size and digest marks), and what blocks publishing. The
review reads GitHub in the loading worker, so the screen never freezes on the network.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from rich.markdown import Markdown as RichMarkdown
from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable, Markdown, Static

from screens import sized_table
from screens.base import said
from screens.step import STEP_CSS, StepScreen
from services.artifacts import human_size
from services.errors import ConsoleError
from services.step_protocol import Context
from services.steps.review import prerelease_note

REVIEW_CSS = Path(__file__).with_name("review.tcss")

# Textual's Markdown widget mounts a widget per block: Release Console's own first release (a
# 50 KB body, 600 lines) took seconds per render on the review screen, and the screen rendered it
# again after the step ran, so moving on to publish sat at "Loading…" for half a minute. A body
# this long is shown as one Rich Markdown renderable instead (benchmarks/review_body.py).
LONG_BODY = 20_000
ASSET_COLUMNS = ("", "asset", "expected", "attached", "digest")


def asset_rows(review: Any) -> list[tuple[Text, str, str, str, Text]]:
    rows = []
    for a in review.assets:
        mark = Text("✔", style="green") if a.ok else Text("✘", style="bold red")
        attached = human_size(a.size) if a.attached else "-"
        if a.local_problem:
            digest = Text("LOCAL FILE CHANGED", style="bold red")
        elif not a.attached:
            digest = Text("not attached", style="red")
        elif a.sha256 is None:
            digest = Text("unknown", style="yellow")
        elif a.sha256 == a.local_sha256:
            digest = Text(f"matches ({a.how})", style="green")
        else:
            digest = Text(f"DIFFERS ({a.how})", style="bold red")
        rows.append((mark, a.name, human_size(a.local_size), attached, digest))
    for name in review.extra_assets:
        rows.append((Text("✘", style="bold red"), name, "-", "attached",
                     Text("not expected", style="red")))
    return rows


@dataclass(frozen=True)
class ReviewView:
    """The review (or why it could not be read) and, for a pre-release, how it is published."""

    review: Any  # a services.github.review.Review, or the sentence saying why there is none
    prerelease: str = ""


class ReviewScreen(StepScreen):
    CSS_PATH: ClassVar[Any] = [STEP_CSS, REVIEW_CSS]

    def compose_extra(self) -> ComposeResult:
        yield Static("Reading the draft from GitHub…", id="review-fields", classes="section")
        yield DataTable(id="review-assets", cursor_type="row", zebra_stripes=True)
        yield Static("Body as GitHub will show it:", classes="section")
        yield Markdown("", id="review-body")
        yield Static("", id="review-body-long")
        yield Static("", id="review-problems", classes="section")

    shown_body: str | None = None
    prerelease_said = ""  # the plan's pre-release note, while the fields above show it

    def on_mount(self) -> None:
        self.query_one("#review-body-long", Static).display = False
        super().on_mount()

    def said_by_panel(self, note: str) -> bool:
        """The pre-release note is shown under the draft's fields (also once the review is done
        and the plan is gone); the plan below them keeps it for ``run review --dry-run``."""
        return bool(self.prerelease_said) and note == self.prerelease_said

    def load_extra(self, ctx: Context) -> Any:
        if ctx.session is None:
            return None
        from services.github import wiring

        try:
            review: Any = wiring.review_now(ctx, wiring.client_for(ctx))
        except ConsoleError as err:
            review = said(err)
        return ReviewView(review, prerelease_note(ctx))

    def show_extra(self, data: Any) -> None:
        fields = self.query_one("#review-fields", Static)
        problems = self.query_one("#review-problems", Static)
        self.prerelease_said = ""
        if data is None:
            fields.update("")
            return
        view: ReviewView = data
        data = view.review
        # after publishing there is nothing left to say about how it will be published
        note = "" if getattr(data, "published_ok", False) else view.prerelease
        if isinstance(data, str):
            fields.update(Text(data, style="bold red") + self._prerelease_line(note))
            return
        text = Text()
        if data.release:
            text.append(f"{data.release['html_url']}\n", style="dim")
        for label, value, ok in data.field_marks():
            text.append("✔ " if ok else "✘ ", style="green" if ok else "bold red")
            text.append(f"{label:<7} {value}\n")
        fields.update(text + self._prerelease_line(note))
        sized_table.fill(self.query_one("#review-assets", DataTable), ASSET_COLUMNS,
                         asset_rows(data))
        self.show_body((data.release or {}).get("body") or "*(no draft)*")
        if data.problems:
            from services.github.wiring import remedy

            heading = ("Differs from the local files:\n" if data.published_ok
                       else "Blocks publishing:\n")
            out = Text(heading, style="bold red")
            for problem in data.problems:
                out.append(f"• {problem}\n")
            if not data.published_ok:
                out.append("Next: ", style="bold")
                out.append(f"{remedy(data)}\n")
            if data.body_diff:
                out.append("\nBody vs the notes file:\n", style="bold")
                out.append(data.body_diff)
            problems.update(out)
        elif data.published_ok:
            problems.update(Text("The published release matches the local files.",
                                 style="bold green"))
        else:
            problems.update(Text("Nothing blocks publishing.", style="bold green"))

    def _prerelease_line(self, note: str) -> Text:
        """The pre-release note under the fields (``said_by_panel`` leaves it out of the plan)."""
        self.prerelease_said = note
        return Text(f"{note}\n", style="bold yellow") if note else Text()

    def show_body(self, body: str) -> None:
        """The draft's body, rendered once per text: a reload after the step ran (same draft)
        keeps what is on screen instead of mounting every block again."""
        if body == self.shown_body:
            return
        self.shown_body = body
        long = len(body) > LONG_BODY
        widget = self.query_one("#review-body", Markdown)
        whole = self.query_one("#review-body-long", Static)
        widget.display, whole.display = not long, long
        widget.update("" if long else body)
        whole.update(RichMarkdown(body) if long else "")
