"""Kill everywhere: a demo release killed with SIGKILL at a boundary of a step finishes with plain
``next --yes`` and ends exactly as an uninterrupted release (see tests/kill_harness.py).

By default every step is killed once or twice: right after its last effect (a commit, the tag, a
push, a signature, a GitHub write), after creating the draft, or at its last boundary when it has
no effect of its own. Set
``RELEASE_CONSOLE_KILL_EVERYWHERE=full`` to kill at every boundary of every step (slow: each
trial finishes a whole release). The test prints the number of boundaries it covers.
"""

from __future__ import annotations

import os
from typing import Any

import pytest

from tests.kill_harness import CANARY, RUNBOOK, Demo, isolated_env, trial

FULL = os.environ.get("RELEASE_CONSOLE_KILL_EVERYWHERE", "") == "full"
# A worker walks the reference release once (the session fixture) and runs the tests of its group
# (./dev.sh uses --dist loadgroup); the steps go to two groups, which run side by side, so the
# suite's tail is not one worker killing at every step in turn while the others wait.
pytestmark = pytest.mark.xdist_group("kill_demo")
HALVES = [pytest.param(step, marks=pytest.mark.xdist_group(f"kill_demo_{i % 2}"))
          for i, step in enumerate(RUNBOOK)]


def chosen(demo: Demo, step: str) -> list[int]:
    """Every boundary under FULL; by default the step's last effect (where a made-but-not-
    recorded effect hurts most), its first GitHub write, or its last boundary when it has no
    effect of its own."""
    found = demo.boundaries[step]
    if FULL:
        return [b.number for b in found]
    effects = [b for b in found if b.effect]
    picks = {effects[-1].number} if effects else {found[-1].number} if found else set()
    picks |= {b.number for b in effects[:1] if b.what.startswith("POST ")}
    return sorted(picks)


def test_reference_release_is_complete_and_counted(kill_demo: tuple[Demo, dict[str, Any]]) -> None:
    demo, reference = kill_demo
    assert reference["steps"] == dict.fromkeys(RUNBOOK, "done")
    assert reference["state"] == "completed" and reference["journal"] == []
    assert reference["tags"] == ["v1.3.0"] and reference["tag_verifies"]
    assert reference["releases"] == [(False, False, "PAI v1.3.0")]
    # six files, and minisign.pub and allowed_signers: the demo publishes its keys
    assert len(reference["assets"]) == 8 and reference["dirty"] == ""
    total = sum(len(b) for b in demo.boundaries.values())
    sampled = sum(len(chosen(demo, step)) for step in RUNBOOK)
    print(f"\nkill-everywhere: {total} boundaries in {len(RUNBOOK)} steps; "
          f"{'all' if FULL else sampled} killed in this run")
    for step in RUNBOOK:
        print(f"  {step}: {len(demo.boundaries[step])} boundaries, killed at {chosen(demo, step)}")
        if os.environ.get("RELEASE_CONSOLE_KILL_LIST"):
            for boundary in demo.boundaries[step]:
                print(f"    {boundary.number:>3} {'*' if boundary.effect else ' '} "
                      f"{boundary.what[:90]}")
    assert all(demo.boundaries[step] for step in RUNBOOK)


@pytest.mark.parametrize("step", HALVES)
def test_killed_at_each_boundary_then_resumed_ends_like_the_reference(
        kill_demo: tuple[Demo, dict[str, Any]], step: str) -> None:
    demo, reference = kill_demo
    with pytest.MonkeyPatch.context() as mp:
        isolated_env(mp, demo.work.parent)
        for n in chosen(demo, step):
            world, said = trial(demo, step, n)
            what = next(b.what for b in demo.boundaries[step] if b.number == n)
            assert world == reference, f"{step}, killed after boundary {n} ({what}):\n{said}"
            assert CANARY not in said
