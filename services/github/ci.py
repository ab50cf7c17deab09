"""Is CI green on a commit? Combined commit status plus check-runs, as GitHub reports them.

Green only when something reported and nothing failed or is still running. A commit no CI has
reported on at all is "none", never green: the gates in ``services/steps/preflight_ci.py`` decide
whether that means "not yet" (wait) or "this project has no CI" (see docs/github.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from services.github.client import GitHubClient, GitHubError, status_of, translate

OK_CONCLUSIONS = {"success", "neutral", "skipped"}


@dataclass
class CIResult:
    commit: str
    state: str  # green, pending, red, none (nothing reported at all)
    failing: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)
    passing: list[str] = field(default_factory=list)

    def summary(self) -> str:
        short = self.commit[:12]
        if self.state == "green":
            return f"CI is green on {short} ({', '.join(self.passing)})."
        if self.state == "red":
            return f"CI failed on {short}: {', '.join(self.failing)}."
        if self.pending:
            return f"CI is still running on {short}: {', '.join(self.pending)}."
        return f"No CI has reported on {short}."

    def to_json(self) -> dict[str, Any]:
        return {"status": self.state, "commit": self.commit, "failing": self.failing,
                "pending": self.pending, "passing": self.passing}


def ci_status(client: GitHubClient, commit: str) -> CIResult:
    """Ask GitHub about ``commit``: its statuses (combined) and its check-runs."""
    repo = client.repo()
    try:
        gh_commit = repo.get_commit(commit)
    except Exception as exc:
        if status_of(exc) in (404, 422):
            raise GitHubError(f"GitHub does not know commit {commit[:12]} in "
                              f"{client.repository}.",
                              remedy="Push it and let CI run, then check again.") from None
        raise translate(exc, what=f"read commit {commit[:12]}", client=client) from None
    combined = client.call("read the combined commit status", gh_commit.get_combined_status)
    runs = client.call("read the check-runs", lambda: list(gh_commit.get_check_runs()))
    result = CIResult(commit=commit, state="pending")
    for status in combined.statuses:
        name = f"{status.context} (status)"
        if status.state in ("failure", "error"):
            result.failing.append(f"{name}: {status.state}")
        elif status.state == "pending":
            result.pending.append(name)
        else:
            result.passing.append(name)
    for run in runs:
        name = f"{run.name} (check)"
        if run.status != "completed":
            result.pending.append(f"{name}: {run.status}")
        elif run.conclusion in OK_CONCLUSIONS:
            result.passing.append(name)
        else:
            result.failing.append(f"{name}: {run.conclusion}")
    if result.failing:
        result.state = "red"
    elif result.pending:
        result.state = "pending"
    elif not result.passing:
        result.state = "none"
    else:
        result.state = "green"
    return result
