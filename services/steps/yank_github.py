"""Step ``yank-github``: withdraw a published release on GitHub without unpublishing it.

Pre-release, not latest, ``⚠️ YANKED`` banner with the reason and the replacement at the top of
its notes. Tags and assets are never deleted. The reason and replacement come from the session
(``session.data["yank"]``), where ``release-console yank`` puts them.
"""

from __future__ import annotations

from typing import Any

from services import versions
from services.errors import ConsoleError
from services.github import wiring
from services.github.yank import banner, yank
from services.runbook import Blocker, Context, Evidence, Plan, Step


def yank_inputs(ctx: Context) -> dict[str, Any]:
    data = ctx.require_session().data.get("yank")
    return dict(data) if isinstance(data, dict) else {}


def replacement_tag(ctx: Context, replacement: str) -> str:
    """The replacement as users see it on GitHub: a tag (``1.2.1`` -> ``v1.2.1``)."""
    try:
        return ctx.policy.tag_for(str(versions.parse_version(replacement)))
    except ConsoleError:
        return replacement


class YankGitHub(Step):
    id = "yank-github"
    title = "Yank on GitHub"
    description = ("Mark the GitHub release as a pre-release, not latest, with a YANKED banner "
                   "naming the reason and the replacement. Nothing is deleted.")
    needs_network = True
    needs_token = False  # the GitHub token is not the hardware token
    irreversible = True

    def check(self, ctx: Context) -> list[Blocker]:
        inputs = yank_inputs(ctx)
        if not inputs.get("reason") or not inputs.get("replacement"):
            return [Blocker("The yank has no reason or replacement version recorded.",
                            "Use `release-console yank VERSION --reason TEXT --replacement "
                            "VERSION`.")]
        return []

    def plan(self, ctx: Context) -> Plan:
        session = ctx.require_session()
        inputs = yank_inputs(ctx)
        repo = ctx.policy.project.repository or "<owner/name>"
        return Plan(
            summary=f"Yank {session.tag} on {repo}: mark it pre-release and not latest, and put "
            "this banner at the top of its notes:\n"
            + banner(str(inputs.get("reason", "")),
                     replacement_tag(ctx, str(inputs.get("replacement", "")))).rstrip(),
            api_calls=[f"GET /repos/{repo}/releases/tags/{session.tag}",
                       f"PATCH /repos/{repo}/releases/{{id}} prerelease=true make_latest=false "
                       "body=<banner + notes>"],
            notes=["The tag and every asset stay: users need them to verify what they "
                   "installed."],
        )

    def run(self, ctx: Context) -> Evidence:
        session = ctx.require_session()
        inputs = yank_inputs(ctx)
        result = yank(wiring.client_for(ctx), tag=session.tag, reason=str(inputs["reason"]),
                      replacement=replacement_tag(ctx, str(inputs["replacement"])))
        return result.to_json()


STEP = YankGitHub()
