"""Reconciling the GitHub side: is the release for this tag already published?

A publish whose answer was lost (a kill during ``run publish``, a 502 on the read-back after the
PATCH) leaves GitHub right and the session behind. The next run reads GitHub before doing anything:
a published release that is exactly the reviewed one (title, tag, target commit, body, every asset
byte for byte) is adopted; one that differs stops the step with what differs. A published release
is never edited or deleted by the console.
"""

from __future__ import annotations

from typing import Any

from services.github import expected, wiring
from services.github.client import GitHubClient
from services.github.publish import latest_tag
from services.github.releases import published
from services.reconcile import Diverged
from services.step_protocol import Context


def published_release(ctx: Context, client: GitHubClient) -> dict[str, Any] | None:
    """Evidence of the published release for the session's tag when it is exactly what this
    release would publish; None when nothing is published for the tag; :class:`Diverged` when
    something else is."""
    tag = ctx.require_session().tag
    rel = published(client, tag)
    if rel is None:
        return None
    review = wiring.review_now(ctx, client, draft=False)
    recorded_id = wiring.recorded_release_id(ctx)
    if recorded_id is not None and recorded_id != rel.id:
        review.problems.insert(0, f"it is release {rel.id}, not the draft {recorded_id} this "
                                  "session made")
    if review.problems:
        more = f" (and {len(review.problems) - 1} more)" if len(review.problems) > 1 else ""
        raise Diverged(
            f"{tag} is already published on GitHub ({rel.html_url}), but it is not this "
            f"release: {review.problems[0].rstrip('.')}{more}; nothing was changed.",
            remedy="A published release is never edited or deleted by the console: find out who "
            f"published it; if it is wrong, yank it (`release-console yank "
            f"{ctx.require_session().version} --reason ... --replacement ...`) and release a "
            "new version.")
    _prerelease, make_latest = expected.channel_flags(ctx.policy, ctx.require_session(),
                                                      ctx.repo.tags())
    return {"tag": tag, "release_id": rel.id, "html_url": rel.html_url,
            "published_at": rel.published_at.isoformat() if rel.published_at else "",
            "prerelease": rel.prerelease, "make_latest": make_latest,
            "latest": latest_tag(client)}
