"""Uploading release assets: streamed, with progress, and resumable after any interruption.

Each expected file is compared with what the draft already carries: an asset with the right size
and digest is kept; a partial (``state: open``) or mismatching one is replaced, on a draft only. An
upload that fails with a dropped connection or a 5xx is retried with backoff, but only after
looking at the draft again, because a POST that "failed" may have landed: repeating it blindly
would meet ``422 already_exists`` or, worse, leave two copies.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from services.github.client import GitHubClient, GitHubError, Transient, retrying, status_of
from services.github.expected import ExpectedFile
from services.github.releases import ReleaseStateError
from services.progress import ProgressEvent, ProgressSink

if TYPE_CHECKING:
    from github.GitRelease import GitRelease
    from github.GitReleaseAsset import GitReleaseAsset

CHUNK = 1 << 20
Retried = Callable[[str, int, GitHubError], None]  # (file name, attempt now starting, why)


@dataclass(frozen=True)
class UploadOutcome:
    name: str
    action: str  # kept, uploaded, replaced, removed (attached but not expected)
    size: int
    sha256: str
    asset_id: int
    attempts: int

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "action": self.action, "size": self.size,
                "digest": f"sha256:{self.sha256}" if self.sha256 else None, "asset_id": self.asset_id,
                "attempts": self.attempts}


class ProgressReader:
    """A file opened for reading that reports how far the HTTP client has read it."""

    def __init__(self, path: Path, total: int, report: Callable[[int], None]) -> None:
        self._file = open(path, "rb")  # noqa: SIM115 - closed by close()/the context manager
        self._total = total
        self._report = report
        self.done = 0
        self._reported = -1

    def read(self, size: int = -1) -> bytes:
        piece = self._file.read(size if size and size > 0 else CHUNK)
        self.done += len(piece)
        if piece and (self.done - self._reported >= CHUNK or self.done >= self._total):  # 1/MiB
            self._reported = self.done
            self._report(self.done)
        return piece

    def __len__(self) -> int:
        return self._total

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> ProgressReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def remote_sha256(asset: GitReleaseAsset) -> str:
    """Download an asset and hash it (for servers that give no ``digest``)."""
    _status, _headers, chunks = asset.download_asset(chunk_size=CHUNK)
    digest = hashlib.sha256()
    for piece in chunks:
        digest.update(piece)
    return digest.hexdigest()


def remote_digest(asset: GitReleaseAsset, *, download: bool = True) -> tuple[str | None, str]:
    """(sha256 hex, how it was learnt: "digest" or "download"); (None, "") when unknown."""
    digest = asset.digest
    if digest and digest.startswith("sha256:"):
        return digest.split(":", 1)[1].lower(), "digest"
    if download and asset.state == "uploaded":
        return remote_sha256(asset), "download"
    return None, ""


def matches(asset: GitReleaseAsset, size: int, sha256: str) -> bool:
    if asset.state != "uploaded" or asset.size != size:
        return False
    remote, _how = remote_digest(asset)
    return remote == sha256


def current_assets(client: GitHubClient, release: GitRelease) -> dict[str, GitReleaseAsset]:
    listed = retrying(f"list the assets of {release.tag_name}",
                      lambda: list(release.get_assets()), client=client)
    return {a.name: a for a in listed}


def _delete(client: GitHubClient, asset: GitReleaseAsset, release: GitRelease) -> None:
    if not release.draft:
        raise ReleaseStateError(
            f"Asset {asset.name} on the published release {release.tag_name} does not match "
            "the local file; published assets are never replaced.",
            remedy="Investigate: users may already have downloaded it. Yank the release if it "
            "is wrong.")

    def delete() -> bool:
        try:
            return bool(asset.delete_asset())
        except Exception as exc:
            if status_of(exc) == 404:  # already gone (a retried DELETE)
                return True
            raise

    retrying(f"remove the incomplete asset {asset.name}", delete, client=client)


def upload_one(client: GitHubClient, release: GitRelease, item: ExpectedFile, sha256: str,
               existing: GitReleaseAsset | None, progress: ProgressSink,
               retried: Retried | None = None) -> UploadOutcome:
    size = item.size
    label = f"upload {item.name}"
    if existing is not None and matches(existing, size, sha256):
        progress(ProgressEvent("upload", item.name, size, size))
        return UploadOutcome(item.name, "kept", size, sha256, existing.id, 0)
    action = "uploaded"
    if existing is not None:
        _delete(client, existing, release)
        action = "replaced"
    attempts = 0

    def attempt() -> GitReleaseAsset:
        nonlocal attempts
        attempts += 1
        with ProgressReader(item.path, size,
                            lambda done: progress(ProgressEvent("upload", item.name, done, size))
                            ) as reader:
            try:
                asset = release.upload_asset_from_memory(reader, size, item.name,  # type: ignore[arg-type]
                                                         content_type=item.content_type)
            except Exception as exc:
                if status_of(exc) == 422 and "already_exists" in str(getattr(exc, "data", "")):
                    raise Transient(f"{item.name} is already on the draft.") from None
                raise
        if not matches(asset, size, sha256):
            raise Transient(f"GitHub stored {item.name} with a different size or digest.")
        return asset

    def look() -> GitReleaseAsset | None:
        """Before repeating the POST: did it land after all? Remove what is half there."""
        found = current_assets(client, release).get(item.name)
        if found is None:
            return None
        if matches(found, size, sha256):
            return found
        _delete(client, found, release)
        return None

    def notice(number: int, err: GitHubError) -> None:
        if retried is not None:
            retried(item.name, number, err)

    asset = retrying(label, attempt, client=client, before_retry=look, on_retry=notice)
    return UploadOutcome(item.name, action, size, sha256, asset.id, attempts)


def _refuse_other_keys(files: list[ExpectedFile], existing: dict[str, GitReleaseAsset],
                       digests: dict[str, str], release: GitRelease) -> None:
    """A public key already attached whole with other bytes is refused, before any upload.

    Someone attached it by hand (or a keyring changed since the last run): replacing it would
    silently swap the key users trust, so the captain looks first. A partial one (``open``, a run
    killed mid-upload) is no key anyone can have downloaded, and is replaced as usual."""
    from services.public_keys import KIND

    for item in files:
        found = existing.get(item.name)
        if item.kind != KIND or found is None or found.state != "uploaded" \
                or matches(found, item.size, digests[item.name]):
            continue
        remote, _how = remote_digest(found)
        raise ReleaseStateError(
            f"The draft for {release.tag_name} already carries {item.name} with other bytes "
            f"(sha256 {(remote or 'unknown')[:12]}…) than the key this release publishes "
            f"(sha256 {digests[item.name][:12]}…, from its tag); the console never swaps a "
            "release's key by itself, so nothing was uploaded.",
            remedy=f"Find out who attached that {item.name}; if it is wrong, delete it from the "
            "draft on GitHub and run the draft step again.")


def upload_all(client: GitHubClient, release: GitRelease, files: list[ExpectedFile], *,
               progress: ProgressSink, digests: dict[str, str],
               on_done: Callable[[UploadOutcome], None] | None = None,
               retried: Retried | None = None) -> list[UploadOutcome]:
    """Make the draft carry exactly ``files``; returns what was kept, uploaded, replaced or
    removed. ``digests`` are the files' sha256, hashed once by the caller (the same digests it
    checked against the checksum records), so what is compared is what was verified."""
    if not release.draft:
        raise ReleaseStateError(f"The release {release.tag_name} is published; assets are only "
                                "uploaded to a draft.")
    existing = current_assets(client, release)
    _refuse_other_keys(files, existing, digests, release)
    outcomes = []
    for item in files:
        outcome = upload_one(client, release, item, digests[item.name], existing.get(item.name),
                             progress, retried)
        outcomes.append(outcome)
        if on_done is not None:
            on_done(outcome)
    wanted = {item.name for item in files}
    for name, asset in sorted(existing.items()):
        if name in wanted:
            continue
        _delete(client, asset, release)  # a draft only: published assets are never deleted
        outcome = UploadOutcome(name, "removed", asset.size, remote_digest(asset, download=False)[0]
                                or "", asset.id, 0)
        outcomes.append(outcome)
        if on_done is not None:
            on_done(outcome)
    return outcomes
