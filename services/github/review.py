"""The review gate: the draft as GitHub shows it, compared with what the captain built.

Title, tag, target commit, body (must equal the notes file byte for byte) and every expected asset
(present, fully uploaded, same size, ``digest`` equal to the local sha256; where GitHub gives no
digest the asset is downloaded and hashed). The local artifacts are themselves checked against
their checksum files and the checksums step's record: a file changed after it was checksummed
must not pass just because GitHub carries the same changed bytes. The result is a table to read
at a glance plus a list of problems; publishing is allowed only when that list is empty. A
fingerprint of what was seen lets publish notice a draft edited by someone else after the review.
"""

from __future__ import annotations

import difflib
import hashlib
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from services.artifacts import human_size
from services.github.client import GitHubClient, status_of
from services.github.expected import ExpectedFile, integrity_problem
from services.github.releases import find_release, snapshot
from services.github.uploads import current_assets, remote_digest

if TYPE_CHECKING:
    from github.GitRelease import GitRelease


@dataclass
class AssetCheck:
    name: str
    kind: str
    local_size: int | None
    local_sha256: str | None
    attached: bool = False
    size: int | None = None
    sha256: str | None = None
    how: str = ""  # digest, download
    state: str = ""
    problem: str = ""
    local_problem: str = ""  # the local file differs from its checksum records

    @property
    def ok(self) -> bool:
        return not self.problem

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "expected_size": self.local_size,
                "expected_sha256": self.local_sha256, "attached": self.attached,
                "size": self.size, "sha256": self.sha256, "verified_by": self.how,
                "state": self.state, "ok": self.ok, "problem": self.problem}


@dataclass
class Review:
    tag: str
    expected_title: str
    expected_commit: str
    notes: str
    release: dict[str, Any] | None = None
    assets: list[AssetCheck] = field(default_factory=list)
    extra_assets: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    body_diff: str = ""
    seen: dict[str, Any] = field(default_factory=dict)  # compact view of the draft, for publish
    published_ok: bool = False  # reviewing after publish: "published" is the expected state

    @property
    def local_problems(self) -> list[str]:
        """Problems with the captain's own files: re-drafting cannot fix these."""
        return [a.local_problem for a in self.assets if a.local_problem]

    @property
    def fingerprint(self) -> str:
        if not self.seen:
            return ""
        data = json.dumps(self.seen, sort_keys=True).encode("utf-8")
        return hashlib.sha256(data).hexdigest()

    @property
    def clean(self) -> bool:
        return not self.problems

    def field_marks(self) -> list[tuple[str, str, bool]]:
        rel = self.release or {}
        return [
            ("Title", str(rel.get("name", "-")), rel.get("name") == self.expected_title),
            ("Tag", str(rel.get("tag", "-")), rel.get("tag") == self.tag),
            ("Commit", str(rel.get("target", "-"))[:12], rel.get("target") == self.expected_commit),
            ("Body", "equals the notes" if rel.get("body") == self.notes else "differs from the notes",
             rel.get("body") == self.notes),
            ("State", "draft" if rel.get("draft") else ("published" if rel else "missing"),
             bool(rel) and bool(rel.get("draft")) != self.published_ok),
        ]

    def table(self) -> str:
        what = "Release" if self.published_ok else "Draft"
        lines = [f"{what} review for {self.tag}" + (f" — {self.release['html_url']}"
                                                     if self.release else "")]
        for label, value, ok in self.field_marks():
            lines.append(f"  {'✔' if ok else '✘'} {label:<7} {value}")
        width = max([len(a.name) for a in self.assets] + [10])
        lines.append(f"  {'':2}{'asset':<{width}}  {'expected':>10}  {'attached':>10}  digest")
        for a in self.assets:
            attached = human_size(a.size) if a.attached else "-"
            if a.local_problem:
                digest = "LOCAL FILE CHANGED"
            elif not a.attached:
                digest = "not attached"
            elif a.sha256 is None:
                digest = "unknown"
            else:
                same = a.sha256 == a.local_sha256
                digest = f"{'matches' if same else 'DIFFERS'} ({a.how})"
            lines.append(f"  {'✔' if a.ok else '✘'} {a.name:<{width}}  "
                         f"{human_size(a.local_size):>10}  {attached:>10}  {digest}")
        for name in self.extra_assets:
            lines.append(f"  ✘ {name:<{width}}  {'-':>10}  {'attached':>10}  not expected")
        if self.problems:
            lines.append("Differs from the local files:" if self.published_ok
                         else "Blocks publishing:")
            lines.extend(f"  - {p}" for p in self.problems)
        else:
            lines.append("The published release matches the local files." if self.published_ok
                         else "Nothing blocks publishing.")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        rel = dict(self.release or {})
        rel.pop("body", None)
        return {"tag": self.tag, "clean": self.clean, "problems": self.problems,
                "release": rel or None, "expected_title": self.expected_title,
                "expected_commit": self.expected_commit,
                "body_matches_notes": bool(self.release)
                and (self.release or {}).get("body") == self.notes,
                "assets": [a.to_json() for a in self.assets], "extra_assets": self.extra_assets,
                "fingerprint": self.fingerprint, "seen": self.seen, "body_diff": self.body_diff}


def seen_state(rel: dict[str, Any], assets: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """What publish compares: every field the review judged, and each asset's identity."""
    state = {k: rel.get(k) for k in ("id", "name", "tag", "target", "draft", "prerelease")}
    state["body_sha256"] = hashlib.sha256(str(rel.get("body", "")).encode("utf-8")).hexdigest()
    state["assets"] = assets
    return state


def differences(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """What changed between two ``seen`` states, in words."""
    names = {"name": "title", "tag": "tag", "target": "target commit", "draft": "draft flag",
             "prerelease": "pre-release flag", "body_sha256": "body", "id": "release id"}
    result = []
    for key, label in names.items():
        if before.get(key) != after.get(key):
            if key == "body_sha256":
                result.append("the body was edited")
            else:
                result.append(f"{label} {before.get(key)!r} -> {after.get(key)!r}")
    old, new = before.get("assets", {}), after.get("assets", {})
    for name in sorted(set(old) | set(new)):
        if name not in new:
            result.append(f"asset {name} was removed")
        elif name not in old:
            result.append(f"asset {name} was added")
        elif old[name] != new[name]:
            result.append(f"asset {name} was replaced or changed")
    return result


def _by_id_or_tag(client: GitHubClient, tag: str, release_id: int | None) -> GitRelease | None:
    if release_id:
        try:
            return client.repo().get_release(int(release_id))
        except Exception as exc:
            if status_of(exc) != 404:
                from services.github.client import translate

                raise translate(exc, what=f"read release {release_id}", client=client) from None
    return find_release(client, tag)


def body_diff(notes: str, body: str) -> str:
    """The draft's body against the notes file, each side labelled with where it comes from."""
    return "".join(difflib.unified_diff(
        notes.splitlines(keepends=True), body.splitlines(keepends=True),
        fromfile="notes.md (local)", tofile="body of the release on GitHub"))


def review_draft(client: GitHubClient, *, tag: str, title: str, commit: str, notes: str,
                 files: list[ExpectedFile], digests: dict[str, str],
                 release_id: int | None = None,
                 recorded: dict[str, dict[str, str]] | None = None,
                 published_ok: bool = False) -> Review:
    """Compare the release on GitHub with the local files.

    ``digests`` are the local files' sha256 (see :func:`services.github.expected.local_digests`;
    a file without one is taken as missing): the caller decides what to hash, so a screen that
    reloads does not re-read every ISO. ``recorded`` holds each artifact's checksum records
    (see :func:`services.github.expected.recorded_digests`).
    """
    review = Review(tag=tag, expected_title=title, expected_commit=commit, notes=notes,
                    published_ok=published_ok)
    rel = _by_id_or_tag(client, tag, release_id)
    if rel is None:
        review.problems.append(f"There is no draft release for {tag} on GitHub; run the draft "
                               "step.")
        return review
    review.release = snapshot(rel)
    data = review.release
    if not data["draft"] and not published_ok:
        review.problems.append(f"The release for {tag} is already published, not a draft.")
    if data["draft"] and published_ok:
        review.problems.append(f"The release for {tag} is a draft again on GitHub, though it "
                               "was published.")
    if data["name"] != title:
        review.problems.append(f"The title is {data['name']!r}; expected {title!r}.")
    if data["tag"] != tag:
        review.problems.append(f"The draft's tag is {data['tag']}; expected {tag}.")
    if data["target"] != commit:
        review.problems.append(f"The draft targets {data['target']}; expected the release "
                               f"commit {commit}.")
    if data["body"] != notes:
        review.body_diff = body_diff(notes, data["body"])
        review.problems.append("The body differs from the release notes (.release/<tag>/notes.md);"
                               " see the diff.")
    attached = current_assets(client, rel)
    seen: dict[str, dict[str, Any]] = {}
    for item in files:
        local_sha256 = digests.get(item.name)
        local_ok = local_sha256 is not None and item.exists
        check = AssetCheck(item.name, item.kind, item.size if local_ok else None,
                           local_sha256 if local_ok else None)
        if check.local_sha256 is not None:
            check.local_problem = integrity_problem(item.name, check.local_sha256,
                                                    (recorded or {}).get(item.name, {}))
        asset = attached.get(item.name)
        if asset is not None:
            check.attached, check.size, check.state = True, asset.size, asset.state
            check.sha256, check.how = remote_digest(asset)
        check.problem = _asset_problem(check, local_ok)
        review.assets.append(check)
        if check.problem:
            review.problems.append(check.problem)
    expected_names = {f.name for f in files}
    for name, asset in attached.items():
        seen[name] = {"size": asset.size, "digest": asset.digest, "state": asset.state,
                      "id": asset.id}
        if name not in expected_names:
            review.extra_assets.append(name)
            review.problems.append(f"{name} is attached but not expected; it would be published "
                                   "too (remove it from the draft).")
    review.seen = seen_state(data, seen)
    return review


def _asset_problem(check: AssetCheck, local_ok: bool) -> str:
    if check.local_problem:
        return check.local_problem
    if not local_ok:
        return f"{check.name} is missing locally, so the attached copy cannot be checked."
    if not check.attached:
        return f"{check.name} is not attached to the draft."
    if check.state != "uploaded":
        return f"{check.name} is only partly uploaded (state {check.state}); run the draft step."
    if check.size != check.local_size:
        return (f"{check.name} is {check.size} bytes on GitHub but {check.local_size} bytes "
                "locally.")
    if check.sha256 is None:
        return f"{check.name} has no digest on GitHub and could not be downloaded to check it."
    if check.sha256 != check.local_sha256:
        return (f"{check.name} on GitHub has sha256 {check.sha256[:16]}…, the local file "
                f"{check.local_sha256[:16] if check.local_sha256 else '?'}….")
    return ""
