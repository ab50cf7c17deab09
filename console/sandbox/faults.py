"""Fault injection for tests: the server misbehaves on purpose, exactly when told to.

A rule fires on the Nth request that matches it (counted from when the rule was added), so a test
can say "the second upload dies after 1 000 bytes" or "the third request gets a 502" without timing
tricks. Rules fire once unless ``times`` says otherwise.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

KINDS = ("status", "drop", "drop_mid_upload", "status_after_upload", "rate_limit", "slow")


@dataclass
class Rule:
    kind: str
    nth: int = 1
    method: str = ""  # "" matches any method
    path_contains: str = ""
    status: int = 500
    after_bytes: int = 0
    seconds: float = 0.0
    reset: int = 0  # rate limit reset, epoch seconds
    times: int = 1
    seen: int = 0
    fired: int = 0

    def matches(self, method: str, path: str) -> bool:
        return ((not self.method or self.method == method)
                and (not self.path_contains or self.path_contains in path))


@dataclass
class Faults:
    """The active rules plus switches that change what the server shows."""

    rules: list[Rule] = field(default_factory=list)
    hide_digests: bool = False  # serve "digest": null, like an older GitHub Enterprise
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, rule: Rule) -> Rule:
        if rule.kind not in KINDS:
            raise ValueError(f"unknown fault kind {rule.kind!r}")
        with self._lock:
            self.rules.append(rule)
        return rule

    def fail(self, nth: int = 1, *, status: int = 502, method: str = "",
             path_contains: str = "", times: int = 1) -> Rule:
        """Answer the Nth matching request with ``status`` and a JSON error, doing nothing."""
        return self.add(Rule("status", nth, method, path_contains, status=status, times=times))

    def drop(self, nth: int = 1, *, method: str = "", path_contains: str = "",
             times: int = 1) -> Rule:
        """Close the connection on the Nth matching request without answering."""
        return self.add(Rule("drop", nth, method, path_contains, times=times))

    def drop_mid_upload(self, nth: int = 1, *, after_bytes: int = 1024) -> Rule:
        """Cut the Nth upload after ``after_bytes``; the asset stays behind in state ``open``."""
        return self.add(Rule("drop_mid_upload", nth, "POST", "/api/uploads/",
                             after_bytes=after_bytes))

    def fail_after_upload(self, nth: int = 1, *, status: int = 502) -> Rule:
        """Store the Nth upload completely, then answer ``status`` (the client cannot tell)."""
        return self.add(Rule("status_after_upload", nth, "POST", "/api/uploads/", status=status))

    def rate_limit(self, nth: int = 1, *, reset: int | None = None, method: str = "",
                   path_contains: str = "", times: int = 1) -> Rule:
        """Answer 403 'API rate limit exceeded' with X-RateLimit-* headers."""
        return self.add(Rule("rate_limit", nth, method, path_contains, status=403,
                             reset=reset if reset is not None else int(time.time()) + 3600,
                             times=times))

    def slow(self, nth: int = 1, *, seconds: float = 0.2, method: str = "",
             path_contains: str = "") -> Rule:
        """Wait ``seconds`` before answering the Nth matching request."""
        return self.add(Rule("slow", nth, method, path_contains, seconds=seconds))

    def clear(self) -> None:
        with self._lock:
            self.rules.clear()
            self.hide_digests = False

    def take(self, method: str, path: str) -> list[Rule]:
        """Count this request against every rule; return the rules that fire for it."""
        firing = []
        with self._lock:
            for rule in self.rules:
                if rule.fired >= rule.times or not rule.matches(method, path):
                    continue
                rule.seen += 1
                if rule.seen >= rule.nth:
                    rule.fired += 1
                    firing.append(rule)
        return firing
