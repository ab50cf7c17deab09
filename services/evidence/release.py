"""The evidence of the release's own steps, pre-flight to publish."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from services.evidence.record import (
    JsonRecord,
    Record,
    StepEvidence,
    optional,
    record,
    table,
)


@record(frozen=True, kw_only=True, eq=False)
class PreflightEvidence(StepEvidence):
    """What pre-flight saw: the commit it checked, the branch, the ticked checklist, CI."""

    STEP: ClassVar[str] = "preflight"
    commit: str = ""
    branch: str = ""
    checklist: tuple[str, ...] = ()
    offline: bool = False
    ci: Mapping[str, Any] = table()  # CIResult.to_json(), or {"status": "deferred", "reason"}
    # What the plan said would stop a later step (no tag key pinned): said after the run too,
    # since `next` shows no plan and the tag step is reached only after build, smoke and signing.
    warnings: tuple[str, ...] | None = optional()

    @property
    def ci_deferred(self) -> bool:
        """Pre-flight did not ask CI (offline workstation): push asks before anything leaves."""
        return isinstance(self.ci, Mapping) and self.ci.get("status") == "deferred"


@record(frozen=True, kw_only=True, eq=False)
class ChangelogEvidence(StepEvidence):
    """The changelog move: its commit, and how the file wrote [Unreleased] (for the reopen)."""

    STEP: ClassVar[str] = "changelog"
    file: str = ""
    commit: str = ""
    sha256: str | None = optional()
    bump: str | None = optional()
    bump_reasons: tuple[str, ...] | None = optional()
    already: bool | None = optional()  # the move was found committed, not made by this run
    references: tuple[str, ...] | None = optional()  # version-reference files in the commit
    # What the move did (``Change.facts``), so post-release can write [Unreleased] back alike.
    version: str | None = optional()
    date: str | None = optional()
    tag: str | None = optional()
    previous_tag: str | None = optional()
    heading: str | None = optional()
    link: str | None = optional()
    unreleased_heading: str | None = optional()
    unreleased_label: str | None = optional()
    unreleased_url: str | None = optional()
    # Old irregular sections the move left as they were (a placeholder date, a heading written
    # twice): said after the run, as the plan said them before it.
    warnings: tuple[str, ...] | None = optional()


@record(frozen=True, kw_only=True, eq=False)
class MigrationEvidence(StepEvidence):
    """The MIGRATION.md check, and its commit when this step made one."""

    STEP: ClassVar[str] = "migration"
    file: str | None = optional()
    status: str = ""  # "first-release" when there is nothing to migrate from
    message: str | None = optional()
    heading: str | None = optional()
    line: int | None = optional()
    major: bool | None = optional()
    commit: str | None = optional()  # only when this step committed MIGRATION.md
    sha256: str | None = optional()


@record(frozen=True, kw_only=True, eq=False)
class ChecksumsEvidence(StepEvidence):
    """The digest of every artifact and the checksum files written for them."""

    STEP: ClassVar[str] = "checksums"
    # One entry per artifact: arch, name, size, sha256, mtime_ns, checksum_file.
    artifacts: tuple[Mapping[str, Any], ...] = ()
    combined: str | None = optional()
    files: tuple[Mapping[str, Any], ...] = ()  # the checksum files written: path, sha256

    def by_name(self) -> dict[str, Mapping[str, Any]]:
        """Each hashed artifact's entry by file name (entries without a digest left out)."""
        return {str(entry["name"]): entry for entry in self.artifacts
                if isinstance(entry, Mapping) and entry.get("name") and entry.get("sha256")}

    def digests(self) -> dict[str, str]:
        """``{artifact name: sha256}`` as recorded."""
        return {str(entry.get("name")): str(entry.get("sha256")) for entry in self.artifacts
                if isinstance(entry, Mapping)}


@record(frozen=True, kw_only=True, eq=False)
class SignedArtifact(JsonRecord):
    """One artifact the sign step signed, and its signature (``SignEvidence.signatures``):
    stored as the plain JSON object it always was."""

    SPARSE: ClassVar[bool] = True
    artifact: str = ""  # the artifact's file name
    sha256: str = ""  # of the artifact that was signed
    size: int = 0
    mtime_ns: int | None = optional()  # None in sessions from before times were kept
    signature: str = ""  # its path from the root
    signature_sha256: str = ""
    signer: str = ""
    reused: bool = False  # a resumed run kept the signature it found
    set_aside: str | None = optional()  # where an earlier release's signature was moved


@record(frozen=True, kw_only=True, eq=False)
class SignedList(JsonRecord):
    """The combined checksum list the sign step signed ([checksums] sign_combined), and its
    signature: stored as the plain JSON object it always was (``SignEvidence.combined``)."""

    SPARSE: ClassVar[bool] = True
    list: str = ""  # the list's path from the root (build/SHA256SUMS)
    sha256: str = ""  # of the list that was signed
    size: int = 0
    signature: str = ""  # its path from the root
    signature_sha256: str = ""
    signer: str = ""
    reused: bool = False  # a resumed run kept the signature it found
    signature_size: int | None = optional()  # recorded since the summary shows it
    set_aside: str | None = optional()  # where an earlier release's signature was moved


@record(frozen=True, kw_only=True, eq=False)
class SignEvidence(StepEvidence):
    """The signing backend, the pinned key, and one entry per signature made."""

    STEP: ClassVar[str] = "sign"
    NESTED: ClassVar[Mapping[str, type[JsonRecord]]] = {"signatures": SignedArtifact,
                                                         "combined": SignedList}
    backend: str = ""
    pinned_key: str | None = optional()
    signer: str | None = optional()
    device: Mapping[str, Any] | None = optional()  # the token, when the backend names it
    signatures: tuple[SignedArtifact, ...] = ()  # one per artifact
    # None when the policy does not ask for the list's signature (and in sessions from before).
    combined: SignedList | None = optional()

    def signature_paths(self) -> list[str]:
        """Every signature file the step wrote (paths from the root), the list's last."""
        paths = [item.signature for item in self.signatures if item.signature]
        if self.combined and self.combined.signature:
            paths.append(self.combined.signature)
        return paths


@record(frozen=True, kw_only=True, eq=False)
class TagEvidence(StepEvidence):
    """The signed tag: its object, the commit it points at, and who signed it."""

    STEP: ClassVar[str] = "tag"
    tag: str = ""
    object: str = ""
    commit: str = ""
    signing: str = ""
    message: str = ""
    signer: str | None = optional()


@record(frozen=True, kw_only=True, eq=False)
class DraftEvidence(StepEvidence):
    """The GitHub draft: its id and URL, what was uploaded, and the notes it got as body."""

    STEP: ClassVar[str] = "draft"
    release_id: int | None = None
    html_url: str = ""
    created: bool = False
    repaired: tuple[str, ...] = ()  # what was put right on an existing draft
    assets: tuple[Mapping[str, Any], ...] = ()  # UploadOutcome.to_json() per file
    uploaded: int = 0
    kept: int = 0
    removed: tuple[str, ...] = ()
    body_sha256: str = ""
    ci: Mapping[str, Any] = table()

    def actions(self) -> dict[str, str]:
        """What the last run did to each asset: ``{name: uploaded|replaced|kept|...}``."""
        return {str(a["name"]): str(a["action"]) for a in self.assets}


@record(frozen=True, kw_only=True, eq=False)
class ReviewEvidence(StepEvidence):
    """``Review.to_json()`` without the body diff: what publish shows and re-checks."""

    STEP: ClassVar[str] = "review"
    tag: str = ""
    clean: bool = False
    problems: tuple[str, ...] = ()
    release: Mapping[str, Any] | None = None
    expected_title: str = ""
    expected_commit: str = ""
    body_matches_notes: bool = False
    # One entry per expected asset: name, expected_size, expected_sha256, ...
    assets: tuple[Mapping[str, Any], ...] = ()
    extra_assets: tuple[str, ...] = ()
    fingerprint: str = ""
    seen: Mapping[str, Any] = table()

    @property
    def release_id(self) -> Any:
        return (self.release or {}).get("id")

    @property
    def release_name(self) -> Any:
        return (self.release or {}).get("name")

    @property
    def asset_names(self) -> list[str]:
        return [str(a["name"]) for a in self.assets]

    def expected_assets(self) -> list[ReviewedAsset]:
        """Each expected asset as the review checked it: name, local size and sha256."""
        return [ReviewedAsset(name=str(a["name"]), size=a["expected_size"],
                              sha256=str(a["expected_sha256"])) for a in self.assets]


@record(frozen=True, kw_only=True, eq=False)
class ReviewedAsset(Record):
    """One expected asset as the review checked it."""

    name: str
    size: int
    sha256: str


@record(frozen=True, kw_only=True, eq=False)
class PublishEvidence(StepEvidence):
    """``PublishResult.to_json()``: the published release, for the summary and ``status``."""

    STEP: ClassVar[str] = "publish"
    tag: str = ""
    release_id: int | None = None
    html_url: str = ""
    published_at: str = ""
    prerelease: bool = False
    make_latest: str = ""
    latest: str = ""
