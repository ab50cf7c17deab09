"""What a hotfix is: the version it ships, the tag it branches from, and what the session holds.

A hotfix ships X.Y.(Z+1) from the shipped tag of X.Y.Z, even when a newer minor exists (PAI section
8). The session keeps the base tag, its commit and the picked commits in ``data["hotfix"]``, so
every later command (``--continue``, the step's re-run after a kill, ``merge-back``) reads the same
facts instead of working them out again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import semver

from services import versions
from services.errors import ConsoleError
from services.policy import Policy
from services.session import Session
from services.step_protocol import Context, Plan
from services.subjects import HOTFIX_ENTRIES, subject
from services.wording import counted

KEY = "hotfix"


@dataclass
class HotfixData:
    """The hotfix facts stored in the session."""

    base_tag: str
    base_commit: str = ""
    branch: str = ""
    picks: list[str] = field(default_factory=list)  # full shas, in the order they are picked
    default_branch: str = "main"

    def to_json(self) -> dict[str, Any]:
        return {"base_tag": self.base_tag, "base_commit": self.base_commit,
                "branch": self.branch, "picks": list(self.picks),
                "default_branch": self.default_branch}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> HotfixData:
        return cls(base_tag=str(data.get("base_tag", "")),
                   base_commit=str(data.get("base_commit", "")),
                   branch=str(data.get("branch", "")),
                   picks=[str(p) for p in data.get("picks") or []],
                   default_branch=str(data.get("default_branch", "main")))


def branch_name(tag: str) -> str:
    return f"hotfix/{tag}"


def base_version(version: semver.Version) -> semver.Version | None:
    if version.prerelease or version.build or version.patch == 0:
        return None
    return semver.Version(version.major, version.minor, version.patch - 1)


def base_tag_for(policy: Policy, version: str, tags: list[str]) -> str:
    """The shipped tag a hotfix VERSION branches from; refused unless VERSION is its next patch."""
    parsed = versions.parse_version(version)
    base = base_version(parsed)
    shipped = versions.versions_from_tags(tags, policy.tag_format)
    if base is None or base not in shipped:
        newest = [str(v) for v in sorted(shipped)[-3:]]
        known = f" (shipped: {', '.join(newest)})" if newest else ""
        want = (f"there is no tag {policy.tag_for(str(base))} to branch from"
                 if base is not None else "a hotfix is X.Y.Z with a PATCH of 1 or more, and no "
                 "pre-release or build part")
        raise ConsoleError(
            f"Hotfix {parsed} is not the next patch of a shipped release: {want}{known}.",
            remedy="A hotfix bumps PATCH of the tag it branches from, e.g. 1.3.1 for v1.3.0.")
    return policy.tag_for(str(base))


def hotfix_data(session: Session, policy: Policy) -> HotfixData:
    """The session's hotfix facts; a session started with ``start --kind hotfix`` gets them
    derived from its version (no picks yet)."""
    raw = session.data.get(KEY)
    if isinstance(raw, dict) and raw.get("base_tag"):
        return HotfixData.from_json(raw)
    parsed = versions.parse_version(session.version)
    base = base_version(parsed)
    return HotfixData(base_tag=policy.tag_for(str(base)) if base else session.previous_tag,
                      branch=branch_name(session.tag),
                      default_branch=policy.project.default_branch)


def commit_message(ctx: Context, tag: str = "") -> str:
    """The branch step's CHANGELOG commit (``tag``: before the session exists)."""
    return subject(HOTFIX_ENTRIES, tag or ctx.require_session().tag)


def branch_plan(ctx: Context, data: HotfixData, tag: str) -> Plan:
    """What the branch step does for ``data``: the step's own plan, and the one ``hotfix --pick``
    asks before the session exists (the TUI's picker asks the step's, so both show the same)."""
    commands = []
    if not ctx.repo.branch_exists(data.branch):
        commands.append(f"git switch --no-track -c {data.branch} {data.base_tag}")
    if data.picks:
        commands.append("git cherry-pick -x " + " ".join(p[:12] for p in data.picks))
    rel = ctx.policy.changelog
    commands += [f"git add {rel}", f'git commit -m "{commit_message(ctx, tag)}"']
    return Plan(summary=f"Make {data.branch} from {data.base_tag} with "
                f"{counted(len(data.picks), 'picked commit')} and "
                f"{'its' if len(data.picks) == 1 else 'their'} CHANGELOG entries.",
                commands=commands)
