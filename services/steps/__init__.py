"""The catalogue of runbook steps, and their implementations loaded only when needed.

Each step's implementation lives in ``services/steps/<module>.py`` (defining ``STEP``), mirroring
its screen in ``screens/steps/``. The catalogue below is the runbook's data: id, module, title and
flags. ``status`` needs those for every step but the implementation (and the services it imports:
changelog parsing, signing, PyGithub wiring) only for the one step it checks, so steps load lazily.
``tests/test_engine.py`` checks that the catalogue and the implementations agree.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache, cached_property

from services.step_protocol import Blocker, Context, Evidence, Plan, Step


@dataclass(frozen=True)
class StepInfo:
    id: str
    module: str
    title: str
    needs_network: bool = False
    needs_token: bool = False  # the hardware signing token must be plugged in
    irreversible: bool = False
    skippable: bool = False
    side: str = "online"  # where it runs when [signing] workstation = "air-gapped"


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
    StepInfo("hotfix-sync", "hotfix_sync", "Bring main up to date", skippable=True),
    StepInfo("yank-github", "yank_github", "Yank on GitHub", needs_network=True,
             irreversible=True),
    StepInfo("yank-changelog", "yank_changelog", "Yank note in CHANGELOG.md"),
)


class LazyStep(Step):
    """A step whose flags come from the catalogue and whose work loads on first use."""

    def __init__(self, info: StepInfo) -> None:
        self.info = info
        self.id = info.id
        self.title = info.title
        self.needs_network = info.needs_network
        self.needs_token = info.needs_token
        self.irreversible = info.irreversible
        self.skippable = info.skippable
        self.side = info.side

    @cached_property
    def real(self) -> Step:
        module = importlib.import_module(f"services.steps.{self.info.module}")
        step: Step = module.STEP
        return step

    @property
    def description(self) -> str:  # type: ignore[override]  # read-only: from the implementation
        return self.real.description

    def check(self, ctx: Context) -> list[Blocker]:
        return self.real.check(ctx)

    def plan(self, ctx: Context) -> Plan:
        return self.real.plan(ctx)

    def run(self, ctx: Context) -> Evidence:
        return self.real.run(ctx)

    def revalidate(self, ctx: Context) -> list[Blocker]:
        return self.real.revalidate(ctx)


@cache
def registry() -> dict[str, Step]:
    return {info.id: LazyStep(info) for info in CATALOGUE}
