"""Finding and creating the release on GitHub without ever making a second draft for a tag.

GitHub happily keeps several drafts with the same tag, and its by-tag lookup sees only published
releases, so drafts are found by listing. A tag that is already published is refused outright:
a released tag is never reused or silently edited.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from services.errors import ConsoleError
from services.github.client import GitHubClient, retrying, status_of

if TYPE_CHECKING:
    from github.GitRelease import GitRelease


class ReleaseStateError(ConsoleError):
    """The release on GitHub is not in a state this step may touch."""


@dataclass(frozen=True)
class DraftSpec:
    tag: str
    title: str
    body: str
    commit: str
    prerelease: bool


def published(client: GitHubClient, tag: str) -> GitRelease | None:
    """The published release for ``tag``, or None (GitHub answers 404 for drafts)."""
    from github.GithubException import UnknownObjectException

    repo = client.repo()
    try:
        return repo.get_release(tag)
    except UnknownObjectException:
        return None
    except Exception as exc:
        raise _translated(client, exc, f"look up the release for {tag}") from None


def _translated(client: GitHubClient, exc: BaseException, what: str) -> BaseException:
    from services.github.client import translate

    return translate(exc, what=what, client=client)


def drafts(client: GitHubClient, tag: str) -> list[GitRelease]:
    repo = client.repo()
    listed = retrying(f"list the releases of {client.repository}",
                      lambda: list(repo.get_releases()), client=client)
    return [r for r in listed if r.draft and r.tag_name == tag]


def find_release(client: GitHubClient, tag: str, release_id: int | None = None, *,
                 any_tag: bool = False) -> GitRelease | None:
    """The release for ``tag`` as GitHub shows it now: the recorded one, a published one, or the
    single draft. With ``any_tag`` the recorded release is returned even when someone changed
    its tag (so the draft step can put the tag back instead of making a second draft)."""
    if release_id:
        repo = client.repo()
        try:
            rel = repo.get_release(int(release_id))
            if rel.tag_name == tag or (any_tag and rel.draft):
                return rel
        except Exception as exc:
            if status_of(exc) != 404:
                raise _translated(client, exc, f"read release {release_id}") from None
    found = published(client, tag)
    if found is not None:
        return found
    candidates = drafts(client, tag)
    if len(candidates) > 1:
        ids = ", ".join(str(r.id) for r in candidates)
        raise ReleaseStateError(
            f"GitHub has {len(candidates)} drafts for {tag} (ids {ids}); the console will not "
            "guess which one is the release.",
            remedy="Delete the extra drafts on GitHub (drafts are not published), then run the "
            "step again.")
    return candidates[0] if candidates else None


@dataclass(frozen=True)
class DraftFound:
    release: GitRelease
    created: bool
    repaired: list[str]  # fields put back to the spec on an existing draft (title, body, ...)


def differing_fields(rel: GitRelease, spec: DraftSpec) -> list[str]:
    have = {"title": rel.name or "", "body": rel.body or "", "tag": rel.tag_name,
            "target commit": rel.target_commitish, "pre-release flag": rel.prerelease}
    want = {"title": spec.title, "body": spec.body, "tag": spec.tag,
            "target commit": spec.commit, "pre-release flag": spec.prerelease}
    return [name for name in have if have[name] != want[name]]


def find_or_create_draft(client: GitHubClient, spec: DraftSpec,
                         release_id: int | None = None) -> DraftFound:
    """The draft for ``spec.tag``, with title, body, tag, target and flags put back to the spec
    where someone changed them; created only when there is none (never a second one)."""
    existing = find_release(client, spec.tag, release_id, any_tag=True)
    if existing is not None and not existing.draft:
        raise ReleaseStateError(
            f"{spec.tag} is already published on GitHub ({existing.html_url}); a released tag "
            "is never drafted again.",
            remedy="Start the next version instead (a hotfix or a patch release).")
    if existing is not None:
        repaired = differing_fields(existing, spec)
        if repaired:
            rel = existing
            existing = retrying(f"update the draft for {spec.tag}", lambda: rel.update_release(
                name=spec.title, message=spec.body, draft=True, prerelease=spec.prerelease,
                tag_name=spec.tag, target_commitish=spec.commit), client=client)
        return DraftFound(existing, False, repaired)
    repo = client.repo()

    def look() -> GitRelease | None:
        found = drafts(client, spec.tag)
        return found[0] if found else None

    created = retrying(f"create the draft release for {spec.tag}", lambda: repo.create_git_release(
        spec.tag, name=spec.title, message=spec.body, draft=True, prerelease=spec.prerelease,
        target_commitish=spec.commit), client=client, before_retry=look)
    return DraftFound(created, True, [])


def snapshot(rel: GitRelease) -> dict[str, Any]:
    """The parts of a release the review compares, in a stable, JSON-able form."""
    return {
        "id": rel.id, "name": rel.name or "", "tag": rel.tag_name,
        "target": rel.target_commitish, "body": rel.body or "", "draft": rel.draft,
        "prerelease": rel.prerelease, "html_url": rel.html_url,
    }
