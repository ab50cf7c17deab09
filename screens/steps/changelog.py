"""Changelog step: the [Unreleased] entries, the bump they call for and why, the diff, confirm.

The generic step screen already shows the plan (the unified diff of CHANGELOG.md); this screen adds
what a captain checks before trusting it (are these the entries, is this the right kind of
release) and the generic screen asks for confirmation with the diff in front of them before anything is
written.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from screens.step import STEP_CSS, StepScreen
from services import changelog
from services.errors import ConsoleError
from services.step_protocol import Blocker, Context
from services.steps.changelog import (
    bump_blocker,
    bump_decision,
    bump_note,
    commit_message,
    done_already,
    empty_reason,
    ref_updates,
    refusal_blocker,
    resumable,
)

CHANGELOG_CSS = Path(__file__).with_name("changelog.tcss")


@dataclass(frozen=True)
class ChangelogView:
    """What the screen shows beside the diff: the entries and the bump they call for."""

    file: str
    entries: str = ""
    decision: changelog.BumpDecision | None = None
    mismatch: tuple[Blocker, ...] = ()
    error: str = ""
    # With no entries left in [Unreleased]: "written" when the move is in the file but not yet
    # committed (a run stopped between the two), "committed" when the step's commit has it.
    moved: str = ""


class ChangelogScreen(StepScreen[ChangelogView]):
    CSS_PATH: ClassVar[Any] = [STEP_CSS, CHANGELOG_CSS]
    bump_said = ""  # the plan's note of the bump, while the panel above shows that bump
    error_said = ""  # what the panel says is wrong with the file, while it says it

    def said_by_panel(self, note: str) -> bool:
        """Walked at 80x24: "Note: The entries call for a MINOR release…" under the plan
        repeated the panel's "The entries call for a MINOR release" (the CLI keeps the note);
        so would the plan's note of what keeps the file from being moved."""
        return (bool(self.bump_said) and note == self.bump_said) or (
            bool(self.error_said) and self.error_said.startswith(note))

    def compose_extra(self) -> ComposeResult:
        yield Static("", id="changelog-bump", classes="section")
        yield Static("", id="changelog-entries", classes="section")

    def load_extra(self, ctx: Context) -> ChangelogView | None:
        if ctx.session is None:
            return None
        rel = ctx.policy.changelog
        try:
            doc = changelog.load(ctx.path(rel), rel)
            heading = doc.unreleased
            if heading is None or not doc.entries(heading):
                moved = ("committed" if done_already(ctx) else "written" if resumable(ctx)
                         else "")
                return ChangelogView(rel, moved=moved)
            decision = bump_decision(ctx, doc)
            return ChangelogView(rel, changelog.section(doc, "Unreleased"), decision,
                                 tuple(bump_blocker(ctx, decision)))
        except ConsoleError as err:  # in the blocker's words (the step's check reads it too)
            blocker = refusal_blocker(ctx, err)
            return ChangelogView(rel, error=f"{blocker.reason} {blocker.remedy}".strip())

    def show_extra(self, data: ChangelogView | None) -> None:
        entries = self.query_one("#changelog-entries", Static)
        self.bump_said = self.error_said = ""
        if data is None:
            self.show_section("#changelog-bump", "")
            self.show_section("#changelog-entries", "")
            return
        if data.error:  # said by a blocker already (the step's check reads the same file)
            known = any(data.error.startswith(b.reason) for b in self.blockers)
            self.error_said = "" if known else data.error
            self.show_section("#changelog-bump", "" if known else Text(data.error,
                                                                      style="bold yellow"))
            self.show_section("#changelog-entries", "")
            return
        if not data.entries or data.decision is None:
            said = {"written": f"The entries are moved in {data.file} already; only the commit "
                               "is left.",
                    "committed": f"The entries are moved and committed in {data.file}."}
            empty = "" if self.said_by_blockers(empty_reason(data.file)) else (
                f"{data.file} has no [Unreleased] entries to move.")  # the blocker says it
            self.show_section("#changelog-bump", Text(said.get(data.moved, empty), style="dim"))
            self.show_section("#changelog-entries", "")
            return
        decision = data.decision
        text = Text("The entries call for a ", style="bold")
        text.append(decision.bump.upper(), style="bold magenta")
        text.append(" release", style="bold")
        text.append(f" (next: {decision.next_version} from {decision.current or 'nothing'}):")
        for reason in decision.reasons:
            text.append(f"\n  • {reason}")
        for blocker in data.mismatch:
            text.append(f"\n{blocker.reason}", style="bold yellow")
        self.show_section("#changelog-bump", text)
        self.bump_said = bump_note(decision)
        # At 80x24 the plan (the diff) is to start on screen under the entries: their heading is
        # the box's title and the file's blank lines between headings and entries are left out.
        entries.border_title = Text(f"[Unreleased] in {data.file}", style="bold")
        self.show_section("#changelog-entries", Text("\n".join(
            line for line in data.entries.rstrip("\n").splitlines() if line.strip())))

    def question(self, ctx: Context) -> str:
        files = [ctx.policy.changelog]
        # The version references go into the same commit, so the question names them; a refused
        # pattern is the step's own blocker (the sentence naming file and pattern).
        with suppress(ConsoleError):
            files += [update.path for update in ref_updates(ctx) if update.changed]
        return (f"Write this change to {' and '.join(files)} and commit it as "
                f"'{commit_message(ctx)}'?")

