"""The security-fix clock under a frozen clock, and sessions that complete when finished."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from console.demo import build_sandbox
from services.errors import ConsoleError
from services.flows import runbook
from services.headline import headline
from services.hotfix.clock import session_clock
from services.hotfix.start import HotfixRequest, start_hotfix
from services.policy import load_policy
from services.repo import Repository
from services.session import SessionStore
from services.step_protocol import Context
from services.step_status import StepStatus
from tests.conftest import FIXED_NOW, flat, git, run_cli
from tests.hotfix_helpers import commit, quick_world
from tests.journal_helpers import journal_finishes


@pytest.fixture
def project(tmp_path: Path) -> Path:
    path = build_sandbox(tmp_path / "demo", built="1.3.0")
    quick_world(path)
    commit(path, "src/unlock.sh", "retry=2\n", "Unlock: two retries")
    return path


def context(project: Path, now: datetime, **sla: int) -> Context:
    repo = Repository(project)
    policy = load_policy(project / "release.toml")
    if sla:
        policy = dataclasses.replace(policy, sla_hours=sla)
    store = SessionStore(repo.root)
    ctx = Context(policy=policy, repo=repo, store=store, clock=lambda: now)
    ctx.session = store.active()
    return ctx


def test_the_deadline_and_time_left_follow_the_frozen_clock(project: Path) -> None:
    ctx = context(project, FIXED_NOW)  # 2026-11-21 12:00 UTC
    start_hotfix(ctx, HotfixRequest("1.3.1", ["HEAD"], severity="critical",
                                    since="2026-11-21T05:12:00Z"))
    assert "critical: 17 h 12 min left" in headline(ctx)
    assert "⚠" not in headline(ctx)
    session = json.loads((project / ".release" / "v1.3.1" / "session.json").read_text())
    assert session["data"]["security"]["deadline"] == "2026-11-22T05:12:00Z"
    journal = (project / ".release" / "v1.3.1" / "journal.jsonl").read_text()
    assert '"deadline": "2026-11-22T05:12:00Z"' in journal

    later = context(project, datetime(2026, 11, 22, 0, 0, tzinfo=UTC))  # 5 h 12 min left of 24
    assert "⚠ critical: 5 h 12 min left" in headline(later)
    late = context(project, datetime(2026, 11, 22, 6, 0, tzinfo=UTC))
    assert "⚠ critical: overdue by 0 h 48 min" in headline(late)
    clock = session_clock(late.require_session())
    assert clock is not None and clock.outcome(late.clock())["met"] is False


@pytest.mark.parametrize(("severity", "sla", "shown"), [
    ("high", {}, "high: 72 h 0 min left"),
    ("critical", {"critical": 12}, "critical: 12 h 0 min left"),
    ("low", {}, "low: no deadline set"),
])
def test_the_deadline_comes_from_the_policy_with_secai_defaults(
        project: Path, severity: str, sla: dict[str, int], shown: str) -> None:
    ctx = context(project, FIXED_NOW, **sla)
    start_hotfix(ctx, HotfixRequest("1.3.1", ["HEAD"], severity=severity))
    assert shown in headline(ctx)


def test_status_json_reports_the_clock(project: Path) -> None:
    result = run_cli("hotfix", "1.3.1", "--yes", "--pick", "HEAD", "--severity", "critical",
                     cwd=project)
    assert result.returncode == 0, result.stderr
    status = json.loads(run_cli("status", "--json", cwd=project).stdout)
    security = status["session"]["security"]
    assert security["severity"] == "critical" and security["sla_hours"] == 24
    assert security["level"] == "ok" and 23 * 3600 < security["seconds_left"] <= 24 * 3600


def test_a_session_whose_last_step_is_skipped_is_completed(project: Path) -> None:
    ctx = context(project, FIXED_NOW)
    start_hotfix(ctx, HotfixRequest("1.3.1", ["HEAD"], severity="critical"))
    session = ctx.store.load("v1.3.1")  # everything before merge-back was done (the CLI test does it)
    for step in runbook("hotfix")[:-1]:
        session.step(step.id).status = StepStatus.DONE
    ctx.store.save(session)
    journal_finishes(ctx.store, "v1.3.1", "done by the CLI test")
    result = run_cli("skip", "merge-back", "--reason", "merged by the team lead", cwd=project)
    assert result.returncode == 0, result.stderr
    status = run_cli("status", cwd=project).stdout
    assert "the last session: v1.3.1 released" in status
    assert json.loads(run_cli("status", "--json", cwd=project).stdout)["session"] is None
    journal = [json.loads(line) for line in
               (project / ".release" / "v1.3.1" / "journal.jsonl").read_text().splitlines()]
    completed = [e for e in journal if e["action"] == "completed"]
    assert len(completed) == 1 and completed[0]["outputs"]["summary"] == "v1.3.1 released"
    # The clock started at the frozen 2026-11-21 12:00; the skip ran days later, on today's clock.
    assert completed[0]["outputs"]["security"]["met"] is False
    # ... and the summary says so, as `status` prints it once the hotfix is out
    assert "  Security clock: critical: deadline missed by " in status
    git(project, "switch", "-q", "main")
    assert run_cli("start", "1.4.0", cwd=project).returncode == 0  # a new session can start


def test_a_hotfix_started_with_no_severity_gets_its_clock_when_the_picks_are_given(
        project: Path) -> None:
    """The yank wizard's "Start the replacement hotfix" starts one with no severity; the picker
    (or `hotfix 1.3.1 --pick ... --severity critical`) then refused the severity for good: "was
    started with no severity, not critical". It starts the clock now, once the picks are taken."""
    from services.session_lifecycle import ReleaseRequest, start_release

    ctx = context(project, FIXED_NOW)
    start_release(ctx, ReleaseRequest(version="1.3.1", kind="hotfix"))  # as the yank's offer
    ctx = context(project, FIXED_NOW)
    start_hotfix(ctx, HotfixRequest("1.3.1", ["HEAD"], severity="critical",
                                    since="2026-11-21T05:12:00Z"))
    later = context(project, FIXED_NOW)
    assert "critical: 17 h 12 min left" in headline(later)
    clock = session_clock(later.require_session())
    assert clock is not None and clock.severity == "critical"
    journal = (project / ".release" / "v1.3.1" / "journal.jsonl").read_text()
    assert "security clock started" in journal
    with pytest.raises(ConsoleError, match="was started with critical, not high"):
        start_hotfix(context(project, FIXED_NOW), HotfixRequest("1.3.1", ["HEAD"],
                                                                severity="high"))


def test_the_branch_plan_says_the_clock_it_starts(project: Path) -> None:
    """Walked by hand: `hotfix 1.3.1 --pick ... --severity critical` showed the branch, the picks
    and the commit, and nothing of the clock it was about to start."""
    asked = run_cli("hotfix", "1.3.1", "--pick", "HEAD", "--severity", "critical", "--since",
                    "2026-11-21T05:12:00Z", cwd=project)
    assert asked.returncode == 2  # no terminal to ask on: the plan, then the refusal
    assert ("Security clock: critical, started 2026-11-21T05:12:00Z; deadline "
            "2026-11-22T05:12:00Z") in flat(asked.stdout)
    assert not (project / ".release" / "v1.3.1").exists()  # nothing started
