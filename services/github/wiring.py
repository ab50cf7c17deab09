"""The GitHub service as the runbook steps use it: a client for the context, the release id the
draft step recorded, and the review of the current session's draft."""

from __future__ import annotations

from typing import Any

from services.github import expected
from services.github.client import OFFLINE, GitHubClient, GitHubOffline, connect
from services.github.review import Review, review_draft
from services.runbook import Context
from services.session import Session

DATA_KEY = "github"


def client_for(ctx: Context) -> GitHubClient:
    if ctx.offline:
        raise GitHubOffline(f"This workstation is offline: {OFFLINE}.")
    return connect(ctx.policy)


def recorded(ctx: Context) -> dict[str, Any]:
    data = ctx.require_session().data.get(DATA_KEY)
    return dict(data) if isinstance(data, dict) else {}


def recorded_release_id(ctx: Context) -> int | None:
    value = recorded(ctx).get("release_id")
    return int(value) if isinstance(value, int) else None


def remember(**values: Any) -> Any:
    """An ``update`` for :meth:`Context.record` that stores ``values`` under session.data."""

    def update(session: Session) -> None:
        data = session.data.setdefault(DATA_KEY, {})
        data.update(values)

    return update


def review_now(ctx: Context, client: GitHubClient) -> Review:
    tag = ctx.require_session().tag
    return review_draft(client, tag=tag, title=expected.release_title(ctx),
                        commit=expected.release_commit(ctx), notes=expected.read_notes(ctx),
                        files=expected.expected_files(ctx),
                        release_id=recorded_release_id(ctx))
