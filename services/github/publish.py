"""Publishing the reviewed draft: refused unless the review is clean and still true right now.

The draft is reviewed again immediately before the PATCH, and compared with what the recorded
review saw; anything edited in between (by a colleague, a bot, a browser tab) refuses the publish
and names the difference. ``draft=False`` is always passed explicitly, stable releases become
"latest", release candidates are pre-releases that never become latest. Afterwards the release is
read back to prove it is published.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from services.errors import ConsoleError
from services.evidence import ReviewEvidence
from services.github.client import GitHubClient, retrying, status_of
from services.github.review import Review, differences


class PublishRefused(ConsoleError):
    """Publishing would not be safe; nothing was changed on GitHub."""


@dataclass(frozen=True)
class PublishResult:
    tag: str
    release_id: int
    html_url: str
    published_at: str
    prerelease: bool
    make_latest: str
    latest_tag: str  # what GitHub shows as latest after publishing ("" when none)

    def to_json(self) -> dict[str, Any]:
        return {"tag": self.tag, "release_id": self.release_id, "html_url": self.html_url,
                "published_at": self.published_at, "prerelease": self.prerelease,
                "make_latest": self.make_latest, "latest": self.latest_tag}


def require_fresh(review: Review, recorded: ReviewEvidence | None, *, remedy: str) -> None:
    """Refuse unless ``review`` (just made) is clean and equals the recorded clean review.

    ``remedy`` is where a real problem leads (a re-draft, or the captain's own files); a change
    that left the draft correct only needs a fresh review.
    """
    if recorded is None or not recorded.fingerprint:
        raise PublishRefused(f"Publishing {review.tag} is refused: there is no clean review on "
                             "record.", remedy="Run `release-console review` first.")
    if review.fingerprint != recorded.fingerprint:
        changes = differences(dict(recorded.seen or {}), review.seen)
        detail = "; ".join(changes) or "its assets or fields changed"
        if review.problems:
            detail += f"; now: {review.problems[0]}"
            advice = remedy
        else:
            advice = ("It still matches the local files: run `release-console review` to "
                      "review it as it is now, then publish.")
        if review.body_diff:
            advice += "\nThe body now differs from the notes:\n" + review.body_diff
        raise PublishRefused(f"Publishing {review.tag} is refused: the draft changed on GitHub "
                             f"after it was reviewed ({detail}).", remedy=advice)
    if not review.clean:
        more = f" (and {len(review.problems) - 1} more)" if len(review.problems) > 1 else ""
        raise PublishRefused(f"Publishing {review.tag} is refused: {review.problems[0]}{more}",
                             remedy=remedy)


def publish(client: GitHubClient, review: Review, *, prerelease: bool,
            make_latest: str) -> PublishResult:
    """PATCH the reviewed draft to published and read it back."""
    if review.release is None:  # require_fresh refuses this first; never PATCH blindly
        raise PublishRefused(f"Publishing {review.tag} is refused: GitHub shows no release for "
                             "it to publish.", remedy="Run the draft and review steps first.")
    release_id = int(review.release["id"])
    repo = client.repo()
    rel = client.call(f"read release {release_id}", lambda: repo.get_release(release_id))
    if not rel.draft:
        raise PublishRefused(f"{review.tag} is already published ({rel.html_url}).")

    def patch() -> Any:
        return rel.update_release(name=review.expected_title, message=review.notes, draft=False,
                                  prerelease=prerelease, make_latest=make_latest)

    def look() -> Any:
        fresh = client.call(f"read release {release_id}", lambda: repo.get_release(release_id))
        return fresh if not fresh.draft else None

    retrying(f"publish {review.tag}", patch, client=client, before_retry=look)
    fresh = client.call(f"read release {release_id}", lambda: repo.get_release(release_id))
    by_tag = client.call(f"read the release for {review.tag}", lambda: repo.get_release(review.tag))
    if fresh.draft or by_tag.id != release_id:
        raise ConsoleError(f"GitHub still shows {review.tag} as a draft after publishing.",
                           remedy="Check the release page; run `release-console publish` again.")
    return PublishResult(review.tag, release_id, fresh.html_url,
                         fresh.published_at.isoformat() if fresh.published_at else "",
                         fresh.prerelease, make_latest, latest_tag(client))


def latest_tag(client: GitHubClient) -> str:
    repo = client.repo()
    try:
        return str(repo.get_latest_release().tag_name)
    except Exception as exc:
        if status_of(exc) == 404:
            return ""
        from services.github.client import translate

        raise translate(exc, what="read the latest release", client=client) from None
