"""The security-fix clock (SecAI): a deadline by severity, time left, and whether it was met.

The clock starts when the report came in (``--since``) or when the hotfix starts, and the deadline
is that plus the policy's ``[security] sla_hours`` for the severity (SecAI's defaults: critical 24 h,
high 72 h; medium and low have none unless the policy sets one). Everything here takes ``now`` as
an argument, so tests freeze time instead of waiting for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from services.errors import UsageError
from services.policy import Policy
from services.session import Session, iso

KEY = "security"
SEVERITIES = ("critical", "high", "medium", "low")
DEFAULT_SLA_HOURS = {"critical": 24, "high": 72}


@dataclass(frozen=True)
class SecurityClock:
    severity: str
    started_at: datetime
    hours: int  # 0: no deadline for this severity

    @property
    def deadline(self) -> datetime | None:
        return self.started_at + timedelta(hours=self.hours) if self.hours else None

    def left(self, now: datetime) -> timedelta | None:
        deadline = self.deadline
        return deadline - now if deadline is not None else None

    def level(self, now: datetime) -> str:
        """``ok``, ``warning`` (under a quarter of the time left) or ``overdue``."""
        left = self.left(now)
        if left is None:
            return "ok"
        if left <= timedelta(0):
            return "overdue"
        return "warning" if left < timedelta(hours=self.hours) / 4 else "ok"

    def line(self, now: datetime) -> str:
        """"critical: 17 h 12 min left", "critical: overdue by 2 h 5 min"."""
        left = self.left(now)
        if left is None:
            return f"{self.severity}: no deadline set (clock started {iso(self.started_at)})"
        if left <= timedelta(0):
            return f"{self.severity}: overdue by {duration(-left)}"
        return f"{self.severity}: {duration(left)} left"

    def outcome(self, now: datetime) -> dict[str, Any]:
        """What the journal records when the release is out: was the deadline met?"""
        deadline = self.deadline
        result: dict[str, Any] = {**self.to_json(), "released_at": iso(now)}
        if deadline is not None:
            result["met"] = now <= deadline
            result["margin"] = duration(abs(deadline - now))
        return result

    def to_json(self) -> dict[str, Any]:
        deadline = self.deadline
        return {"severity": self.severity, "started_at": iso(self.started_at),
                "sla_hours": self.hours, "deadline": iso(deadline) if deadline else ""}


def duration(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"


def sla_hours(policy: Policy, severity: str) -> int:
    return int(policy.sla_hours.get(severity, DEFAULT_SLA_HOURS.get(severity, 0)))


def parse_since(text: str, now: datetime) -> datetime:
    """``--since``: an ISO 8601 time (UTC when no offset is given), not in the future."""
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f"--since {text!r} is not a time like 2026-11-21T08:30:00Z; nothing "
                         "was started.") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    if moment > now:
        raise UsageError(f"--since {text} is in the future; the clock starts when the report "
                         "came in. Nothing was started.")
    return moment.astimezone(UTC)


def start_clock(policy: Policy, severity: str, since: str, now: datetime) -> SecurityClock:
    if severity not in SEVERITIES:
        raise UsageError(f"Unknown severity {severity!r}; expected one of: "
                         f"{', '.join(SEVERITIES)}.")
    started = parse_since(since, now) if since else now
    return SecurityClock(severity, started, sla_hours(policy, severity))


def session_clock(session: Session) -> SecurityClock | None:
    raw = session.data.get(KEY)
    if not isinstance(raw, dict) or not raw.get("severity"):
        return None
    started = datetime.fromisoformat(str(raw["started_at"]).replace("Z", "+00:00"))
    return SecurityClock(str(raw["severity"]), started, int(raw.get("sla_hours") or 0))


def headline_part(session: Session, now: datetime) -> str:
    """The clock as the header and ``status`` show it, with a warning mark when it is short."""
    clock = session_clock(session)
    if clock is None:
        return ""
    mark = "⚠ " if clock.level(now) != "ok" else ""
    return mark + clock.line(now)
