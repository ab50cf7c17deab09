"""The evidence of what comes after or beside a release: yank, promote, hotfix, hand-off."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from services.evidence.record import StepEvidence, optional, record, table


@record(frozen=True, kw_only=True, eq=False)
class YankGitHubEvidence(StepEvidence):
    """``YankResult.to_json()``: what the GitHub half of a yank did."""

    STEP: ClassVar[str] = "yank-github"
    tag: str = ""
    release_id: int | None = None
    html_url: str = ""
    # False when it was already yanked exactly like this; None (not recorded) when adopted: a run
    # killed after GitHub's edit lost GitHub's answer, so who changed it is not known
    changed: bool | None = optional()
    # "banner added", "banner replaced", "none" (already there), "in place" (found so, adopted)
    banner: str = "none"
    prerelease: bool = False
    # The latest release right before GitHub's edit; when adopted, as the interrupted run
    # journaled it before sending the edit ("" and latest_before_known False when it did not)
    latest_before: str = ""
    latest_after: str = ""
    refused: tuple[str, ...] = ()  # what GitHub would not change
    # GitHub showed the banner at the top of the notes when the step ended (None: recorded by a
    # console before this field; every yank it recorded had verified the banner)
    banner_shown: bool | None = optional()
    adopted: bool | None = optional()  # found yanked after an interrupted run, not yanked again
    # Adopted only: whether latest_before is the interrupted run's own record (None: recorded by
    # a console before this field, which never knew it when adopting)
    latest_before_known: bool | None = optional()


@record(frozen=True, kw_only=True, eq=False)
class ReuseSignoffsEvidence(StepEvidence):
    """``Reuse.to_json()``: which candidate sign-offs a promotion carried over, and why not the
    others (the smoke step says why an architecture still needs its test)."""

    STEP: ClassVar[str] = "reuse-signoffs"
    reused: Mapping[str, str] = table()  # arch -> who tested it, on what, in which rc
    not_reused: Mapping[str, str] = table()  # arch -> why not


@record(frozen=True, kw_only=True, eq=False)
class PromoteEvidence(StepEvidence):
    """The candidate a promotion stands on: its commit is the release commit (tagged, pushed)."""

    STEP: ClassVar[str] = "promote"
    commit: str = ""
    rc_tag: str = ""
    branch: str = ""
    ci: Mapping[str, Any] = table()


@record(frozen=True, kw_only=True, eq=False)
class HandoffOutEvidence(StepEvidence):
    """What left for the signing workstation (``services.bundle.crossing.export_evidence``):
    both machines record the same object, so the return trip checks against it."""

    STEP: ClassVar[str] = "handoff-out"
    needed: bool = False
    direction: str = ""
    bundle_sha256: str = ""
    fingerprint: str = ""
    commit: str = ""
    tag_object: str = ""
    # The build host's digests: name, arch, size, sha256, mtime_ns per artifact.
    artifacts: tuple[Mapping[str, Any], ...] = ()
    members: int = 0
    # Whether the artifacts went into the bundle (False: made --without-artifacts, carried
    # beside it); None in a session from before it was recorded.
    artifacts_included: bool | None = optional()

    def digests(self) -> dict[str, Mapping[str, Any]]:
        return {str(a.get("name")): a for a in self.artifacts if isinstance(a, Mapping)}

    def artifacts_held(self) -> str:
        """Whether the bundle held the artifacts, to follow "the bundle" in a sentence ("" when
        the session is older than this record)."""
        if self.artifacts_included is None:
            return ""
        if self.artifacts_included:
            return "held the artifacts"
        if self.direction == "to-offline":
            return "was made without artifacts: they travel beside it"
        return ("was made without artifacts: the online machine's own are checked against its "
                "digests")


@record(frozen=True, kw_only=True, eq=False)
class HandoffBackEvidence(HandoffOutEvidence):
    STEP: ClassVar[str] = "handoff-back"


@record(frozen=True, kw_only=True, eq=False)
class YankChangelogEvidence(StepEvidence):
    """The yank's note in the changelog: its commit, when this run made one (push sends it)."""

    STEP: ClassVar[str] = "yank-changelog"
    file: str = ""
    version: str | None = optional()
    reason: str | None = optional()
    replacement: str | None = optional()
    already: bool | None = optional()  # the note was there already: nothing committed
    commit: str | None = optional()
    sha256: str | None = optional()


@record(frozen=True, kw_only=True, eq=False)
class HotfixBranchEvidence(StepEvidence):
    """The hotfix branch: the picks on it and the [Unreleased] entries written for them."""

    STEP: ClassVar[str] = "hotfix-branch"
    branch: str = ""
    base_tag: str = ""
    base_commit: str = ""
    picks: tuple[str, ...] = ()
    # picks found on the branch already (a killed run, by hand); the engine writes True over it
    # when the whole branch was adopted after an interruption
    adopted: tuple[str, ...] | bool = ()
    entries: tuple[str, ...] = ()
    changelog_commit: str = ""
    branch_created: bool = False
    commit: str = ""
    # picks whose changelog conflict was resolved; None when the branch was adopted whole
    changelog_conflicts_resolved: tuple[str, ...] | None = optional()


@record(frozen=True, kw_only=True, eq=False)
class MergeBackEvidence(StepEvidence):
    """What merge-back did to the default branch, for a hotfix's summary."""

    STEP: ClassVar[str] = "merge-back"
    mode: str = ""  # "fast-forward", "merge", or "merged" (found merged: adopted)
    branch: str = ""
    commit: str = ""  # the default branch's head after the step
    remote: str = ""
    tag: str = ""
    pushed: tuple[str, ...] = ()  # the commits sent ("sha subject" lines)
    changelog_resolved: bool = False
    changelog_carried: str | None = optional()  # the hotfix's other CHANGELOG edits carried
    # mode "merged" (adopted): the hotfix's commits the merge found on the branch brought, as
    # "sha subject" lines; None when recorded by a console before this field
    merged: tuple[str, ...] | None = optional()


@record(frozen=True, kw_only=True, eq=False)
class PostReleaseEvidence(StepEvidence):
    """The reopen commit, for what a finished release leaves to push (the summary's p)."""

    STEP: ClassVar[str] = "post-release"
    reopened: bool = False
    reason: str | None = optional()  # why nothing was reopened
    file: str | None = optional()
    commit: str | None = optional()
    sha256: str | None = optional()
