"""Step ``notes``: the release notes, written to ``.release/<tag>/notes.md`` with their sha256.

The text is the CHANGELOG section verbatim (for a release candidate the final ``[X.Y.Z]``
section under a "Release candidate" banner; empty notes block) with links to CHANGELOG.md and
MIGRATION.md at the tag. The GitHub draft reads this file
(``services.notes.read_notes``), so what the captain reviewed here is what users see.
"""

from __future__ import annotations

from services.atomic import write_text_atomic
from services.blocker import as_blocker
from services.errors import ConsoleError
from services.notes import notes_display, notes_for, notes_path
from services.step_protocol import Blocker, Context, Evidence, FileChange, Plan, Step, unified_diff

# GitHub answers 422 "body is too long (maximum is 125000 characters)" to a longer release body.
GITHUB_BODY_LIMIT = 125_000


class NotesStep(Step):
    id = "notes"

    def check(self, ctx: Context) -> list[Blocker]:
        try:
            notes = notes_for(ctx)
        except ConsoleError as err:
            return [as_blocker(err)]
        source = "[Unreleased]" if notes.source == "Unreleased" else f"[{notes.source}]"
        if notes.empty:  # a release (or candidate) that tells users nothing is not ready
            return [Blocker(f"The {source} section of {ctx.policy.changelog} has no entries, so "
                            "the release notes would be empty.",
                            f"Add the changes this release ships under {source}.")]
        blockers = [Blocker(f"The release notes have no '{name}' section, which "
                            f"{ctx.policy.where} requires.",
                            f"Add a '### {name}' heading with its text to the {source} section "
                            f"of {ctx.policy.changelog}.")
                    for name in notes.missing]
        if len(notes.text) > GITHUB_BODY_LIMIT:
            blockers.append(Blocker(
                f"The release notes are {len(notes.text):,} characters, and GitHub refuses a "
                f"release body over {GITHUB_BODY_LIMIT:,} (the draft step would fail after the "
                "tag is pushed).",
                f"Shorten the {source} section of {ctx.policy.changelog}, for example by "
                "merging entries about one change."))
        return blockers

    def plan(self, ctx: Context) -> Plan:
        try:
            notes = notes_for(ctx)
        except ConsoleError as err:
            return Plan(summary=f"Cannot build the release notes: {err}")
        rel = notes_display(ctx)
        path = notes_path(ctx)
        before = path.read_text(encoding="utf-8") if path.exists() else ""
        plan = Plan(summary=f"Write the release notes ({len(notes.text.splitlines())} lines, "
                    f"from {ctx.policy.changelog} {notes.source}) to {rel}.",
                    changes=[FileChange(rel, unified_diff(rel, before, notes.text))])
        if notes.generated:
            plan.notes.append("Generated from the policy: " + ", ".join(notes.generated) + ".")
        return plan

    def run(self, ctx: Context) -> Evidence:
        for blocker in self.check(ctx):
            raise ConsoleError(str(blocker))
        notes = notes_for(ctx)
        path = notes_path(ctx)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(path, notes.text)
        return {"path": notes_display(ctx), "sha256": notes.sha256,
                "bytes": len(notes.text.encode("utf-8")), "source": notes.source,
                "generated": notes.generated}


STEP = NotesStep()
