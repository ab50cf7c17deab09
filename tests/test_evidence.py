"""Typed evidence reads and writes exactly the JSON the steps have always recorded."""

from __future__ import annotations

from typing import Any

import pytest

from services.evidence import (
    EVIDENCE,
    ChangelogEvidence,
    ChecksumsEvidence,
    DraftEvidence,
    HandoffBackEvidence,
    HandoffOutEvidence,
    HotfixBranchEvidence,
    MergeBackEvidence,
    MigrationEvidence,
    PostReleaseEvidence,
    PreflightEvidence,
    PublishEvidence,
    ReviewEvidence,
    SignEvidence,
    StepEvidence,
    TagEvidence,
    YankChangelogEvidence,
    YankGitHubEvidence,
)
from services.session import Session, StepRecord
from services.step_status import StepStatus
from services.steps import CATALOGUE

# As recorded by the steps (shapes taken from their run methods), key order included: the TUI's
# evidence panel and `status --json` show keys in this order.
RECORDED: list[tuple[type[StepEvidence], dict[str, Any]]] = [
    (PreflightEvidence, {"commit": "a" * 40, "branch": "main", "checklist": ["docs"],
                         "offline": True, "ci": {"status": "deferred", "reason": "offline"}}),
    (ChangelogEvidence, {"file": "CHANGELOG.md", "commit": "b" * 40, "sha256": "c" * 64,
                         "bump": "minor", "bump_reasons": ["### Added"], "version": "1.2.0",
                         "date": "2026-01-02", "tag": "v1.2.0", "previous_tag": "v1.1.0",
                         "heading": "## [1.2.0] - 2026-01-02", "link": "",
                         "unreleased_heading": "## [Unreleased]", "unreleased_label": "",
                         "unreleased_url": "", "some_new_fact": 1}),
    (ChangelogEvidence, {"file": "CHANGELOG.md", "commit": "b" * 40, "already": True}),
    (MigrationEvidence, {"status": "first-release"}),
    (MigrationEvidence, {"file": "MIGRATION.md", "status": "ok", "message": "found",
                         "heading": None, "line": None, "major": False, "sha256": "d" * 64}),
    (ChecksumsEvidence, {"artifacts": [{"arch": "amd64", "name": "a.iso", "size": 3,
                                        "sha256": "e" * 64, "mtime_ns": 1,
                                        "checksum_file": "a.iso.sha256"}],
                         "combined": "SHA256SUMS", "files": [{"path": "a", "sha256": "f"}]}),
    (SignEvidence, {"backend": "none", "signatures": []}),
    (TagEvidence, {"tag": "v1", "object": "1" * 40, "commit": "2" * 40, "signing": "none",
                   "message": "Release v1"}),
    (DraftEvidence, {"release_id": 7, "html_url": "http://x", "created": True,
                     "repaired": [], "assets": [{"name": "a.iso", "action": "uploaded"}],
                     "uploaded": 1, "kept": 0, "removed": [], "body_sha256": "9",
                     "ci": {"state": "green"}}),
    (ReviewEvidence, {"tag": "v1", "clean": True, "problems": [], "release": {"id": 7},
                      "expected_title": "v1", "expected_commit": "3" * 40,
                      "body_matches_notes": True,
                      "assets": [{"name": "a.iso", "expected_size": 3,
                                  "expected_sha256": "e" * 64}],
                      "extra_assets": [], "fingerprint": "fp", "seen": {"id": 7}}),
    (YankGitHubEvidence, {"tag": "v1", "release_id": 7, "html_url": "http://x", "changed": True,
                          "banner": "banner added", "prerelease": True, "latest_before": "v1",
                          "latest_after": "v0", "refused": []}),
    # adopted after an interrupted run: what GitHub showed, no `changed` (its answer was lost)
    (YankGitHubEvidence, {"tag": "v1", "release_id": 7, "html_url": "http://x",
                          "banner": "in place", "prerelease": True, "latest_before": "",
                          "latest_after": "v0", "refused": [], "banner_shown": True,
                          "adopted": True}),
    (HandoffOutEvidence, {"needed": True, "direction": "to-offline", "bundle_sha256": "4" * 64,
                          "fingerprint": "4444 4444 4444 4444", "commit": "5" * 40,
                          "tag_object": "", "artifacts": [{"name": "a.iso", "arch": "amd64",
                                                           "size": 3, "sha256": "e" * 64,
                                                           "mtime_ns": 1}], "members": 6}),
    (HandoffOutEvidence, {"needed": True, "direction": "to-offline", "bundle_sha256": "4" * 64,
                          "fingerprint": "4444 4444 4444 4444", "commit": "5" * 40,
                          "tag_object": "", "artifacts": [], "members": 4,
                          "artifacts_included": False}),
    (HandoffBackEvidence, {"needed": True, "direction": "to-online", "bundle_sha256": "6" * 64,
                           "fingerprint": "6666 6666 6666 6666", "commit": "5" * 40,
                           "tag_object": "7" * 40, "artifacts": [], "members": 12}),
    (PublishEvidence, {"tag": "v1.2.0", "release_id": 7, "html_url": "http://x/releases/v1.2.0",
                       "published_at": "2026-01-02T03:04:05Z", "prerelease": False,
                       "make_latest": "true", "latest": "v1.2.0"}),
    (YankChangelogEvidence, {"file": "CHANGELOG.md", "version": "1.2.0", "reason": "broken",
                             "replacement": "1.2.1", "commit": "d" * 40, "sha256": "e" * 64}),
    (YankChangelogEvidence, {"file": "CHANGELOG.md", "version": "1.2.0", "reason": "broken",
                             "replacement": "", "already": True}),
    (HotfixBranchEvidence, {"branch": "hotfix/v1.2.1", "base_tag": "v1.2.0",
                            "base_commit": "f" * 40, "picks": ["1" * 40], "adopted": [],
                            "entries": ["Fix the crash"], "changelog_commit": "2" * 40,
                            "branch_created": True, "commit": "3" * 40,
                            "changelog_conflicts_resolved": []}),
    (MergeBackEvidence, {"mode": "merge", "branch": "main", "commit": "4" * 40,
                         "remote": "origin", "tag": "v1.2.1", "pushed": ["4a4a4a4 Merge"],
                         "changelog_resolved": True, "changelog_carried": ""}),
    (MergeBackEvidence, {"mode": "merged", "branch": "main", "commit": "4" * 40,
                         "remote": "origin", "tag": "v1.2.1", "pushed": [],
                         "changelog_resolved": False}),
    (MergeBackEvidence, {"mode": "merged", "branch": "main", "commit": "4" * 40,
                         "remote": "origin", "tag": "v1.2.1", "pushed": [],
                         "changelog_resolved": True, "changelog_carried": "the section of 1.1.0",
                         "merged": ["4b4b4b4 Fix the crash"]}),
    (PostReleaseEvidence, {"reopened": True, "file": "CHANGELOG.md", "commit": "5" * 40,
                           "sha256": "6" * 64, "link": "[Unreleased]: x"}),
    (PostReleaseEvidence, {"reopened": False, "reason": "CHANGELOG.md already has [Unreleased]"}),
]


@pytest.mark.parametrize(("kind", "data"), RECORDED)
def test_evidence_round_trips_to_the_same_json(kind: type[StepEvidence],
                                                data: dict[str, Any]) -> None:
    assert list(kind.from_json(data).to_json().items()) == list(data.items())


def test_every_evidence_class_names_a_catalogued_step() -> None:
    ids = {info.id for info in CATALOGUE}
    assert {kind.STEP for kind in EVIDENCE} <= ids


def test_session_reads_typed_evidence_only_where_recorded() -> None:
    session = Session(version="1.0.0", tag="v1.0.0")
    assert session.evidence(PreflightEvidence) is None
    session.steps["preflight"] = StepRecord(status=StepStatus.FAILED,
                                            evidence={"commit": "abc", "offline": True})
    found = session.evidence(PreflightEvidence)
    assert found is not None and found.commit == "abc" and found.offline
    assert session.evidence(PreflightEvidence, done=True) is None


def test_an_older_session_file_still_loads_with_typed_evidence() -> None:
    stored = {"schema": 1, "version": "1.0.0", "tag": "v1.0.0",
              "steps": {"checksums": {"status": "done", "evidence": RECORDED[5][1]}}}
    session = Session.from_json(stored)
    found = session.evidence(ChecksumsEvidence, done=True)
    assert found is not None and found.digests() == {"a.iso": "e" * 64}
    assert session.to_json()["steps"]["checksums"]["evidence"] == RECORDED[5][1]


def test_evidence_is_read_only_and_refuses_unknown_fields() -> None:
    import dataclasses

    evidence = PreflightEvidence(commit="abc")
    with pytest.raises(dataclasses.FrozenInstanceError):
        evidence.commit = "def"  # type: ignore[misc]
    with pytest.raises(TypeError, match="comit"):
        PreflightEvidence(comit="abc")  # type: ignore[call-arg]
    assert PreflightEvidence().ci is not PreflightEvidence().ci  # no shared mutable default
