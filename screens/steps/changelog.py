"""Changelog step: the [Unreleased] entries, the bump they call for and why, the diff, confirm.

The generic step screen already shows the plan (the unified diff of CHANGELOG.md); this screen adds
what a captain checks before trusting it (are these the entries, is this the right kind of
release) and asks for confirmation with the diff in front of them before anything is written.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from screens.step import StepScreen
from services import changelog
from services.errors import ConsoleError
from services.step_protocol import Context
from services.steps.changelog import bump_blocker, bump_decision, commit_message


class ChangelogScreen(StepScreen):
    DEFAULT_CSS = """
    ChangelogScreen #changelog-entries { border: round $secondary; padding: 0 1; height: auto; }
    """

    def compose_extra(self) -> ComposeResult:
        yield Static("", id="changelog-bump", classes="section")
        yield Static("", id="changelog-entries", classes="section")

    def load_extra(self, ctx: Context) -> Any:
        if ctx.session is None:
            return None
        rel = ctx.policy.changelog
        try:
            doc = changelog.load(ctx.path(rel), rel)
            heading = doc.unreleased
            if heading is None or not doc.entries(heading):
                return {"file": rel, "entries": "", "decision": None, "mismatch": []}
            decision = bump_decision(ctx, doc)
            return {"file": rel, "entries": changelog.section(doc, "Unreleased"),
                    "decision": decision, "mismatch": bump_blocker(ctx, decision)}
        except ConsoleError as err:
            return {"file": rel, "error": str(err)}

    def show_extra(self, data: Any) -> None:
        entries = self.query_one("#changelog-entries", Static)
        bump = self.query_one("#changelog-bump", Static)
        if not data:
            entries.update("")
            bump.update("")
            return
        if data.get("error"):
            bump.update(Text(data["error"], style="bold red"))
            entries.update("")
            return
        if not data["entries"]:
            bump.update(Text(f"{data['file']} has no [Unreleased] entries to move.", style="dim"))
            entries.update("")
            return
        decision: changelog.BumpDecision = data["decision"]
        text = Text("The entries call for a ", style="bold")
        text.append(decision.bump.upper(), style="bold magenta")
        text.append(" release", style="bold")
        text.append(f" (next: {decision.next_version} from {decision.current or 'nothing'}):\n")
        for reason in decision.reasons:
            text.append(f"  • {reason}\n")
        for blocker in data["mismatch"]:
            text.append(f"{blocker.reason}\n", style="bold yellow")
        bump.update(text)
        entries.update(Text(f"[Unreleased] in {data['file']}:\n", style="bold")
                       + Text(data["entries"].rstrip("\n")))

    def before_run(self, ctx: Context) -> None:
        """Show the exact diff and ask before CHANGELOG.md is written and committed."""
        plan = self.step.plan(ctx)
        if not plan.changes:
            return  # already written (resuming) or nothing to do: only the commit is left
        question = (f"Write this change to {ctx.policy.changelog} and commit it as "
                    f"'{commit_message(ctx)}'?")
        if not ctx.prompter.confirm(question, plan):
            raise ConsoleError(f"The move was not confirmed; {ctx.policy.changelog} was not "
                               "changed.")
