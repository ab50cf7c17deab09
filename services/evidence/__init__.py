"""Typed evidence: what a step recorded, for the steps, screens and services that read it later.

A step's evidence is stored in the session as a JSON object (``StepRecord.evidence``), exactly as
before these classes existed, so sessions written by older consoles load unchanged. Where another
part reads a step's evidence, it goes through the step's class here and one accessor,
``session.evidence(ChangelogEvidence)``, instead of string keys scattered over the code: a renamed
key is then one change here, checked by mypy everywhere it is read.

Each class names its step (``STEP``); ``to_json`` gives the very object the step has always
recorded (the step builds the class and stores ``to_json()``), and ``from_json`` reads it back,
keeping keys it does not know in ``extra`` so nothing is lost. Fields marked :func:`optional` are
left out of the JSON when they are ``None`` (the step did not record them); lists are tuples here.

The classes live in :mod:`services.evidence.release` (the release's own steps) and
:mod:`services.evidence.after` (yank, promote, hotfix, the hand-off); :mod:`services.evidence.record`
is how they are built. Import them from here.
"""

from __future__ import annotations

from services.evidence.after import (
    HandoffBackEvidence,
    HandoffOutEvidence,
    HotfixBranchEvidence,
    MergeBackEvidence,
    PostReleaseEvidence,
    PromoteEvidence,
    ReuseSignoffsEvidence,
    YankChangelogEvidence,
    YankGitHubEvidence,
)
from services.evidence.record import StepEvidence
from services.evidence.release import (
    ChangelogEvidence,
    ChecksumsEvidence,
    DraftEvidence,
    MigrationEvidence,
    PreflightEvidence,
    PublishEvidence,
    ReviewedAsset,
    ReviewEvidence,
    SignedArtifact,
    SignedList,
    SignEvidence,
    TagEvidence,
)

# The steps whose evidence other parts read; a step whose evidence nobody else reads keeps a dict.
EVIDENCE: tuple[type[StepEvidence], ...] = (
    PreflightEvidence, ChangelogEvidence, MigrationEvidence, ChecksumsEvidence, SignEvidence,
    TagEvidence, DraftEvidence, ReviewEvidence, PublishEvidence, YankChangelogEvidence,
    YankGitHubEvidence, PromoteEvidence, HotfixBranchEvidence, HandoffOutEvidence,
    HandoffBackEvidence, ReuseSignoffsEvidence, MergeBackEvidence, PostReleaseEvidence,
)

__all__ = [
    "EVIDENCE", "ChangelogEvidence", "ChecksumsEvidence", "DraftEvidence", "HandoffBackEvidence",
    "HandoffOutEvidence", "HotfixBranchEvidence", "MergeBackEvidence", "MigrationEvidence",
    "PostReleaseEvidence", "PreflightEvidence",
    "PromoteEvidence", "PublishEvidence", "ReuseSignoffsEvidence", "ReviewEvidence",
    "ReviewedAsset", "SignEvidence",
    "SignedArtifact", "SignedList",
    "StepEvidence", "TagEvidence", "YankChangelogEvidence", "YankGitHubEvidence",
]
