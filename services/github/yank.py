"""Yanking a published release on GitHub: signal, never unpublish.

The release becomes a pre-release that is not "latest", and its notes start with a ``⚠️ YANKED``
banner giving the reason and the version to use instead. The tag and the assets stay: users need
them to verify what they installed. Running it twice changes nothing the second time. If GitHub
refuses the flag change (an immutable release), the banner is still applied and the refusal is
reported.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from services.errors import ConsoleError
from services.github.client import GitHubClient, GitHubError, retrying
from services.github.publish import latest_tag
from services.github.releases import drafts, published

if TYPE_CHECKING:
    from github.GitRelease import GitRelease

MARK = "⚠️ YANKED"


class YankError(ConsoleError):
    """The release cannot be yanked (not published, not found)."""


@dataclass
class YankResult:
    tag: str
    release_id: int
    html_url: str
    # False when it was already yanked exactly like this; None when it is not known (found yanked
    # after an interrupted run, whose answer from GitHub was lost: see found_yanked)
    changed: bool | None
    prerelease: bool
    latest_before: str
    latest_after: str
    refused: list[str] = field(default_factory=list)  # what GitHub would not change
    # what was done to the body, judged from GitHub's body before the update: "banner added",
    # "banner replaced" (a new reason or replacement), "none" (it was already there as wanted)
    # "in place" when found so after an interrupted run
    banner: str = "none"
    banner_shown: bool = True  # GitHub showed the banner at the top of the notes afterwards

    def to_json(self) -> dict[str, Any]:
        data = {"tag": self.tag, "release_id": self.release_id, "html_url": self.html_url,
                "changed": self.changed, "banner": self.banner, "prerelease": self.prerelease,
                "latest_before": self.latest_before, "latest_after": self.latest_after,
                "refused": self.refused, "banner_shown": self.banner_shown}
        if self.changed is None:
            del data["changed"]
        return data


def banner(reason: str, replacement: str) -> str:
    return (f"> **{MARK}** — {reason.strip()}\n"
            f"> Use **{replacement}** instead.\n\n")


def strip_banner(body: str) -> str:
    """The body without a banner this function's :func:`banner` put there (idempotence)."""
    if not body.startswith(f"> **{MARK}**"):
        return body
    lines = body.splitlines(keepends=True)
    index = 0
    while index < len(lines) and lines[index].startswith(">"):
        index += 1
    if index < len(lines) and not lines[index].strip():
        index += 1
    return "".join(lines[index:])


def yanked_body(body: str, reason: str, replacement: str) -> str:
    return banner(reason, replacement) + strip_banner(body)


def require_published(client: GitHubClient, tag: str) -> GitRelease:
    """The published release for ``tag``; refuses a draft or a missing one (checked before
    anything else of a yank is done, so a refused yank changes nothing anywhere)."""
    rel = published(client, tag)
    if rel is None:
        if drafts(client, tag):
            raise YankError(f"{tag} is still a draft on GitHub; there is nothing published to "
                            "yank.", remedy="Finish or delete the draft instead.")
        raise YankError(f"{client.repository} has no published release {tag} on GitHub.",
                        remedy="Check the version; yank only withdraws published releases.")
    return rel


def found_yanked(client: GitHubClient, *, tag: str, reason: str,
                 replacement: str) -> YankResult | None:
    """The release as GitHub shows it when it is yanked exactly as asked (published, a
    pre-release, this banner at the top of its notes), else None: what a yank killed after
    GitHub's edit and before its record adopts. Whether that run changed it or found it so is
    lost with its answer (``changed`` None), and so is what was latest before it."""
    rel = published(client, tag)
    if rel is None or not rel.prerelease:
        return None
    body = rel.body or ""
    if body != yanked_body(body, reason, replacement):
        return None
    return YankResult(tag, rel.id, rel.html_url, None, True, "", latest_tag(client),
                      banner="in place", banner_shown=True)


def yank(client: GitHubClient, *, tag: str, reason: str, replacement: str,
         before_edit: Callable[[str], object] | None = None) -> YankResult:
    """Yank ``tag``; ``before_edit`` hears which release is latest right before GitHub's edit
    is sent (not when nothing is to change), so a caller can record it first: a kill after the
    edit loses GitHub's answer, and GitHub cannot say afterwards what was latest before."""
    if not reason.strip():
        raise YankError("A yank needs a reason; it goes at the top of the release notes.",
                        remedy='Pass --reason "one line".')
    rel = require_published(client, tag)
    before = latest_tag(client)
    body = yanked_body(rel.body or "", reason, replacement)
    result = YankResult(tag, rel.id, rel.html_url, False, rel.prerelease, before, before)
    body_done = (rel.body or "") == body
    if not body_done:
        result.banner = ("banner replaced" if (rel.body or "").startswith(f"> **{MARK}**")
                         else "banner added")
    if rel.prerelease and body_done:
        return result  # already yanked exactly like this
    if before_edit is not None:
        before_edit(before)
    name = rel.name or ""
    target = rel

    def full() -> Any:
        return target.update_release(name=name, message=body, draft=False, prerelease=True,
                                     make_latest="false")

    try:
        retrying(f"mark {tag} as yanked", full, client=client)
        result.changed = True
    except GitHubError as err:
        if err.status not in (403, 422):  # only "GitHub will not change this release"
            raise
        result.refused.append(f"GitHub refused to mark it pre-release and not latest ({err})")
        keep = rel.prerelease

        def banner_only() -> Any:
            return target.update_release(name=name, message=body, draft=False, prerelease=keep)

        if not body_done:
            retrying(f"add the YANKED banner to {tag}", banner_only, client=client)
            result.changed = True
    fresh = client.call(f"read release {tag}", lambda: client.repo().get_release(rel.id))
    result.prerelease = fresh.prerelease
    result.latest_after = latest_tag(client)
    if not (fresh.body or "").startswith(f"> **{MARK}**"):
        raise GitHubError(f"GitHub does not show the YANKED banner on {tag} after the update.",
                          remedy="Check the release page and run the yank again.")
    return result
