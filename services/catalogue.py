"""The step catalogue: every runbook step's id, implementation module, title and flags, once.

This is the one place a step's id, title and flags are written: the step classes in
``services/steps/`` read theirs from here (``Step.title`` and the flags are looked up by the
class's ``id``), the TUI and ``status`` render them, and the screens map ids to their views in
``screens/steps/__init__.py``. It imports nothing, so ``status`` can list a runbook without
loading any step's implementation.

Adding a step: one entry here, one module in ``services/steps/`` (a ``Step`` subclass with this
``id``, assigned to ``STEP``), its place in a runbook in ``services/flows.py``, and, when it needs
more than the generic view, a screen in ``screens/steps/`` named in ``screens/steps/__init__.py``;
evidence that later steps read gets a class in ``services/evidence.py``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StepInfo:
    id: str  # stable: keys the session, never a list position
    module: str  # services/steps/<module>.py holds the implementation
    title: str
    needs_network: bool = False
    needs_token: bool = False  # the hardware signing token must be plugged in (not GitHub's)
    irreversible: bool = False  # the engine shows the plan and asks before running it
    skippable: bool = False  # a captain may skip it with a recorded reason
    side: str = "online"  # the workstation it runs on when signing is air-gapped


CATALOGUE = (
    StepInfo("preflight", "preflight", "Pre-flight checks"),
    StepInfo("changelog", "changelog", "Move [Unreleased] in CHANGELOG.md"),
    StepInfo("migration", "migration", "MIGRATION.md section"),
    StepInfo("notes", "notes", "Release notes"),
    StepInfo("artifacts", "artifacts", "Artifacts present"),
    StepInfo("handoff-out", "handoff_out", "Hand-off to the signing workstation"),
    StepInfo("smoke", "smoke", "Hardware smoke test", side="offline"),
    StepInfo("checksums", "checksums", "Checksums", side="offline"),
    StepInfo("sign", "sign", "Sign with the hardware token", needs_token=True, side="offline"),
    StepInfo("tag", "tag", "Signed tag", needs_token=True, side="offline"),
    StepInfo("handoff-back", "handoff_back", "Hand-off back to the online machine",
             side="offline"),
    StepInfo("push", "push", "Push commit and tag", needs_network=True, irreversible=True),
    StepInfo("draft", "draft", "GitHub draft and uploads", needs_network=True),
    StepInfo("review", "review", "Review the draft", needs_network=True),
    StepInfo("publish", "publish", "Publish", needs_network=True, irreversible=True),
    StepInfo("post-release", "post_release", "Reopen [Unreleased]"),
    StepInfo("hotfix-branch", "hotfix_branch", "Hotfix branch", skippable=True),
    StepInfo("merge-back", "merge_back", "Bring the default branch up to date",
             needs_network=True, irreversible=True, skippable=True),
    StepInfo("yank-github", "yank_github", "Yank on GitHub", needs_network=True,
             irreversible=True),
    StepInfo("yank-changelog", "yank_changelog", "Yank note in CHANGELOG.md"),
    StepInfo("promote", "promote", "Release candidate to promote", needs_network=True),
    StepInfo("reuse-signoffs", "promote_reuse", "Reuse the candidate's smoke sign-offs"),
)

BY_ID: dict[str, StepInfo] = {info.id: info for info in CATALOGUE}


def info(step_id: str) -> StepInfo:
    """The catalogue entry of ``step_id``; a step class whose id is not catalogued is a bug."""
    try:
        return BY_ID[step_id]
    except KeyError:
        raise LookupError(f"step {step_id!r} is not in services/catalogue.py") from None
