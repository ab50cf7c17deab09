"""The runbook steps: one module per step, loaded only when needed.

Each step's implementation lives in ``services/steps/<module>.py`` (defining ``STEP``), mirroring
its screen in ``screens/steps/``. Its id, module, title and flags are in ``services/catalogue.py``.
``status`` needs those for every step but the implementation (and the services it imports:
changelog parsing, signing, PyGithub wiring) only for the one step it checks, so steps load lazily.
"""

from __future__ import annotations

import importlib
from functools import cache, cached_property

from services.catalogue import CATALOGUE, StepInfo
from services.step_protocol import Blocker, Context, Evidence, Plan, Step

__all__ = ["CATALOGUE", "LazyStep", "StepInfo", "registry"]


class LazyStep(Step):
    """A step whose flags come from the catalogue and whose work loads on first use."""

    def __init__(self, info: StepInfo) -> None:
        self.id = info.id

    @cached_property
    def real(self) -> Step:
        module = importlib.import_module(f"services.steps.{self.info.module}")
        step: Step = module.STEP
        return step

    def check(self, ctx: Context) -> list[Blocker]:
        return self.real.check(ctx)

    def plan(self, ctx: Context) -> Plan:
        return self.real.plan(ctx)

    def run(self, ctx: Context) -> Evidence:
        return self.real.run(ctx)

    def revalidate(self, ctx: Context) -> list[Blocker]:
        return self.real.revalidate(ctx)

    def reconcile(self, ctx: Context) -> Evidence | None:
        return self.real.reconcile(ctx)


@cache
def registry() -> dict[str, Step]:
    return {info.id: LazyStep(info) for info in CATALOGUE}
