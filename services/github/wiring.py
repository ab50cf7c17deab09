"""The GitHub service as the runbook steps use it: a client for the context, the release id the
draft step recorded, the review of the current session's draft, and where its remedies lead."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from services import public_keys
from services.github import expected
from services.github.client import GitHubClient, GitHubOffline, connect
from services.github.expected import ExpectedFile
from services.github.review import Review, review_draft
from services.notes import read_notes
from services.session import Session
from services.step_protocol import Context
from services.step_status import StepStatus

DATA_KEY = "github"
REDO_DRAFT = ('Repair the draft with `release-console redo draft --reason "..."`, then run '
              "draft, review and publish again (the draft step fixes the title, body and tag "
              "and re-uploads what is missing or wrong).")
# the draft step refuses to swap a key attached whole (services.github.uploads): redoing it
# first, as REDO_DRAFT says, would only meet that refusal
OTHER_KEY = ("Find out who attached that key; if it is wrong, delete it from the draft on GitHub, "
             'then `release-console redo draft --reason "..."` and run draft, review and publish '
             "again.")


def client_for(ctx: Context) -> GitHubClient:
    if ctx.offline:
        raise GitHubOffline("This workstation is the offline one (--offline, "
                            "RELEASE_CONSOLE_OFFLINE or its workstation.toml): what talks "
                            "to GitHub (push, draft, review, publish, yank) waits for the "
                            "online side.")
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


def is_published(ctx: Context) -> bool:
    """Has this session's publish step finished? (Not :func:`services.github.releases.published`,
    which asks GitHub for the published release itself.)"""
    record = ctx.require_session().steps.get("publish")
    return record is not None and record.status == StepStatus.DONE


def expected_files(ctx: Context) -> list[ExpectedFile]:
    """The files the release in progress must carry (:func:`services.github.expected.expected_files`)."""
    session = ctx.require_session()
    return expected.expected_files(ctx.policy, ctx.root, session, ctx.store.directory(session.tag))


def write_public_keys(ctx: Context) -> list[tuple[public_keys.KeyAsset, Path, bytes]]:
    """The public keys the policy publishes, written afresh from the tag's commit (and gpg) into
    the session's directory: the draft uploads them and the review compares them from there."""
    session = ctx.require_session()
    if not public_keys.planned(ctx.policy):
        return []
    return public_keys.write(ctx.policy, ctx.repo, ctx.store.directory(session.tag),
                             commit=expected.tag_commit(ctx.repo, session.tag), tag=session.tag)


def review_now(ctx: Context, client: GitHubClient, *, draft: bool = True) -> Review:
    """The release as GitHub shows it now against the local files (after publish: read-only,
    with "published" as the expected state). Artifacts still as the checksums step recorded
    them are not re-hashed (see :func:`services.github.expected.local_digests`).

    ``draft=False`` reviews the release published for the tag (reconciling a lost publish):
    no recorded draft id is asked for and "published" is the expected state.
    """
    session = ctx.require_session()
    write_public_keys(ctx)  # the tag's keys, not whatever a past run left in the folder
    files = expected_files(ctx)
    recorded = expected.checksummed(session)
    return review_draft(client, tag=session.tag, title=expected.release_title(ctx.policy, session),
                        commit=expected.tag_commit(ctx.repo, session.tag), notes=read_notes(ctx),
                        files=files, digests=expected.local_digests(files, recorded, ctx.progress),
                        release_id=recorded_release_id(ctx) if draft else None,
                        recorded=expected.recorded_digests(ctx.policy, files, recorded),
                        published_ok=is_published(ctx) if draft else True)


def remedy(review: Review) -> str:
    """Where a failed review or a refused publish leads: the captain's files, or a re-draft."""
    if review.local_problems:
        return expected.INTEGRITY_REMEDY
    if any(c.kind == public_keys.KIND and c.problem and c.attached and c.state == "uploaded"
           for c in review.assets):
        return OTHER_KEY
    return REDO_DRAFT
