"""Release notes: the changelog section verbatim, links at the tag, required sections."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from services import engine
from services.notes import (
    NotesError,
    missing_sections,
    notes_for,
    notes_path,
    read_notes,
    render_notes,
    verification_block,
)
from services.policy import ArtifactSpec, Policy, ProjectPolicy
from services.session_lifecycle import ReleaseRequest, start_release
from services.step_protocol import Context
from tests.conftest import commit_file

CHANGELOG = (
    "# Changelog\n\n## [Unreleased]\n\n### Summary\n\nFaster boot.\n\n### Fixed\n\n"
    "- Boot on ARM64 — «quiet» splash.\n\n"
    "## [0.1.0] - 2026-10-01\n\n- First.\n\n"
    "[Unreleased]: https://github.com/acme/pai/compare/v0.1.0...HEAD\n"
    "[0.1.0]: https://github.com/acme/pai/releases/tag/v0.1.0\n"
)
BODY = "### Summary\n\nFaster boot.\n\n### Fixed\n\n- Boot on ARM64 — «quiet» splash.\n"


def test_render_is_the_section_verbatim_then_links_at_the_tag() -> None:
    text = render_notes(BODY, tag="v1.4.0", base_url="https://github.com/acme/pai")
    assert text == (BODY + "\n---\n\nSee [CHANGELOG.md](https://github.com/acme/pai/blob/v1.4.0/"
                    "CHANGELOG.md) and [MIGRATION.md](https://github.com/acme/pai/blob/v1.4.0/"
                    "MIGRATION.md) at v1.4.0.\n")
    plain = render_notes(BODY, tag="v1.4.0")
    assert plain.endswith("See CHANGELOG.md and MIGRATION.md at v1.4.0.\n")


def test_missing_required_sections_are_each_reported() -> None:
    required = ["Summary", "Breaking Changes", "Migration Steps", "Rollback Steps", "Security",
                "Verification", "Known Caveats"]
    text = BODY + "\n**Known caveats**\n\nNone.\n\n## Security (CVE-2026-1)\n\n- x\n"
    assert missing_sections(text, required) == ["Breaking Changes", "Migration Steps",
                                                "Rollback Steps", "Verification"]


def test_verification_block_from_the_policy() -> None:
    policy = Policy(project=ProjectPolicy(name="pai"),
                    artifacts=(ArtifactSpec("amd64", "pai-{tag}-{arch}.iso"),
                               ArtifactSpec("arm64", "pai-{tag}-{arch}.iso")))
    block = verification_block(policy, tag="v1.4.0", version="1.4.0")
    assert "sha256sum -c pai-v1.4.0-amd64.iso.sha256\n" in block
    assert "minisign -Vm pai-v1.4.0-arm64.iso -p minisign.pub\n" in block
    assert "git verify-tag v1.4.0\n" in block
    gpg = verification_block(replace(policy, signing_backend="gpg", checksum_combined=
                                     "SHA256SUMS"), tag="v1.4.0", version="1.4.0")
    assert "sha256sum -c --ignore-missing SHA256SUMS\n" in gpg
    assert "gpg --verify pai-v1.4.0-amd64.iso.asc pai-v1.4.0-amd64.iso\n" in gpg


def test_verification_block_claims_only_what_the_policy_makes_true() -> None:
    unsigned = Policy(project=ProjectPolicy(name="demo"), tag_signing="none")
    nothing = verification_block(unsigned, tag="v1.4.1", version="1.4.1")
    assert nothing == ("### Verification\n\nThis release has no files to download and its tag "
                       "v1.4.1 is not signed, so there is nothing to verify.\n")
    assert "signed tag" not in nothing and "Download" not in nothing
    tag_only = verification_block(replace(unsigned, tag_signing="openpgp",
                                          checksum_combined="SHA256SUMS"),
                                  tag="v1.4.1", version="1.4.1")
    assert "git verify-tag v1.4.1\n" in tag_only
    assert "Download" not in tag_only and "sha256sum" not in tag_only
    files = verification_block(replace(unsigned, artifacts=(ArtifactSpec("amd64", "demo-{arch}"),)),
                               tag="v1.4.1", version="1.4.1")
    assert "minisign -Vm demo-amd64 -p minisign.pub\n" in files
    assert "verify-tag" not in files and "signed tag" not in files


def test_notes_step_writes_the_file_the_draft_reads(repo_path: Path,
                                                    make_ctx: Callable[..., Context]) -> None:
    commit_file(repo_path, "CHANGELOG.md", CHANGELOG)
    commit_file(repo_path, "MIGRATION.md",
                "# Migration\n\n## v0.1.0 -> v0.2.0\n\nNo migration required.\n")
    ctx = make_ctx()
    start_release(ctx, ReleaseRequest(version="0.2.0"))
    for step_id in ("preflight", "changelog", "migration"):
        engine.run_step(ctx, engine.find_step(ctx, step_id))
    step = engine.find_step(ctx, "notes")
    plan = step.plan(ctx)
    assert plan.changes[0].path == ".release/v0.2.0/notes.md"
    assert "+### Summary" in plan.changes[0].diff
    evidence = engine.run_step(ctx, step)
    path = notes_path(ctx)
    assert path == repo_path / ".release" / "v0.2.0" / "notes.md"
    text = path.read_text(encoding="utf-8")
    assert text == BODY + ("\n---\n\nSee [CHANGELOG.md](https://github.com/acme/pai/blob/v0.2.0/"
                           "CHANGELOG.md) and [MIGRATION.md](https://github.com/acme/pai/blob/"
                           "v0.2.0/MIGRATION.md) at v0.2.0.\n")
    assert evidence["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert evidence["source"] == "0.2.0"
    journal = (repo_path / ".release" / "v0.2.0" / "journal.jsonl").read_text()
    assert evidence["sha256"] in journal
    assert read_notes(ctx) == text  # what the GitHub draft publishes


def test_reading_notes_before_the_notes_step_names_the_file_and_the_step(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    commit_file(repo_path, "CHANGELOG.md", CHANGELOG)
    ctx = make_ctx()
    start_release(ctx, ReleaseRequest(version="0.2.0"))
    with pytest.raises(NotesError) as caught:
        read_notes(ctx)
    assert str(caught.value) == ("The release notes .release/v0.2.0/notes.md do not exist yet; "
                                 "run the notes step first (`release-console run notes`).")


def test_rc_notes_are_the_final_section_marked_as_a_candidate(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    commit_file(repo_path, "CHANGELOG.md", CHANGELOG)
    commit_file(repo_path, "MIGRATION.md", "# Migration\n\n## v0.1.0 -> v0.2.0\n\n"
                "No migration required.\n")  # the final version's transition, not the rc's
    ctx = make_ctx()
    start_release(ctx, ReleaseRequest(version="0.2.0", channel="rc"))
    assert ctx.require_session().kind == "rc"
    for step in ("preflight", "changelog"):
        engine.run_step(ctx, engine.find_step(ctx, step))
    changelog = (repo_path / "CHANGELOG.md").read_text()
    assert "## [0.2.0] - " in changelog and "rc.1" not in changelog  # the final version's
    assert "[0.2.0]: https://github.com/acme/pai/compare/v0.1.0...v0.2.0" in changelog
    engine.run_step(ctx, engine.find_step(ctx, "migration"))
    engine.run_step(ctx, engine.find_step(ctx, "notes"))
    text = notes_path(ctx).read_text(encoding="utf-8")
    assert text.startswith("> **Release candidate** v0.2.0-rc.1 of v0.2.0: for testing")
    assert BODY in text and "at v0.2.0-rc.1." in text


def test_an_rc_with_empty_notes_is_blocked(repo_path: Path,
                                           make_ctx: Callable[..., Context]) -> None:
    commit_file(repo_path, "CHANGELOG.md", "# Changelog\n\n## [Unreleased]\n\n"
                "## [0.2.0] - 2026-11-01\n\n## [0.1.0] - 2026-10-01\n\n- First.\n")
    ctx = make_ctx()
    start_release(ctx, ReleaseRequest(version="0.2.0", channel="rc"))
    blockers = engine.find_step(ctx, "notes").check(ctx)
    assert [b.reason for b in blockers] == [
        "The [0.2.0] section of CHANGELOG.md has no entries, so the release notes would be "
        "empty."]


def test_required_sections_block_and_verification_is_generated(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    commit_file(repo_path, "CHANGELOG.md", CHANGELOG.replace(  # as rc.1's changelog step left it
        "## [Unreleased]\n\n", "## [Unreleased]\n\n## [0.2.0] - 2026-11-01\n\n"))
    policy = Policy(project=ProjectPolicy(name="pai", repository="acme/pai"),
                    required_sections=("Summary", "Security", "Verification"),
                    artifacts=(ArtifactSpec("amd64", "pai-{tag}-{arch}.iso"),))
    ctx = make_ctx(policy)
    start_release(ctx, ReleaseRequest(version="0.2.0", channel="rc"))
    notes = notes_for(ctx)
    assert notes.missing == ["Security"] and notes.generated == ["Verification"]
    assert "minisign -Vm pai-v0.2.0-rc.1-amd64.iso -p minisign.pub" in notes.text
    blockers = engine.find_step(ctx, "notes").check(ctx)
    assert [b.reason for b in blockers] == [
        "The release notes have no 'Security' section, which the default policy requires."]
    assert "[0.2.0] section of CHANGELOG.md" in blockers[0].remedy


def test_the_verification_block_says_where_the_keys_come_from(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    """Found rehearsing the console's own release: a user who downloaded the release's files
    and ran `minisign -Vm … -p minisign.pub` had no minisign.pub (no asset), and `git verify-tag`
    named no key to import."""
    commit_file(repo_path, "CHANGELOG.md", CHANGELOG.replace(  # as the changelog step left it
        "## [Unreleased]\n\n", "## [Unreleased]\n\n## [0.2.0] - 2026-11-01\n\n"))
    fingerprint = "0123456789ABCDEF0123456789ABCDEF01234567"
    policy = Policy(project=ProjectPolicy(name="pai", repository="acme/pai"),
                    required_sections=("Verification",), tag_key=fingerprint,
                    artifacts=(ArtifactSpec("amd64", "pai-{tag}-{arch}.iso"),))
    ctx = make_ctx(policy)
    start_release(ctx, ReleaseRequest(version="0.2.0"))
    text = notes_for(ctx).text
    assert ("```\n\n[minisign.pub](https://github.com/acme/pai/blob/v0.2.0/minisign.pub) is the "
            "project's public key, in the repository at v0.2.0.") in text
    assert (f"`git verify-tag` runs in a clone of the repository and needs the tagger's OpenPGP "
            f"key, fingerprint `{fingerprint}`, in your keyring.") in text
    unpinned = verification_block(replace(policy, tag_key="", artifacts=()), tag="v0.2.0",
                                  version="0.2.0")
    assert "fingerprint" not in unpinned and "public key" not in unpinned  # nothing to download


def test_notes_longer_than_github_takes_block_the_notes_step(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    """A project's [Unreleased] can outgrow a release body (this console's own held ~370 entries
    before it was condensed); GitHub refuses a body over 125,000 characters, and the draft step
    comes after the push."""
    entries = "".join(f"- Fix number {n}: {'a long sentence about it. ' * 10}\n" for n in range(500))
    commit_file(repo_path, "CHANGELOG.md", f"# Changelog\n\n## [Unreleased]\n\n## [0.2.0] - "
                f"2026-11-01\n\n### Fixed\n\n{entries}\n## [0.1.0] - 2026-10-01\n\n- First.\n")
    ctx = make_ctx()
    start_release(ctx, ReleaseRequest(version="0.2.0"))
    length = len(notes_for(ctx).text)
    blockers = engine.find_step(ctx, "notes").check(ctx)
    assert [b.reason for b in blockers] == [
        f"The release notes are {length:,} characters, and GitHub refuses a release body over "
        "125,000 (the draft step would fail after the tag is pushed)."]
    assert blockers[0].remedy.startswith("Shorten the [0.2.0] section of CHANGELOG.md")


def test_the_consoles_own_verification_block_can_be_pasted_where_the_downloads_are() -> None:
    """Rehearsing the console's own v0.1.0: its notes said to download the files "with their
    checksum and signature files", then ran `sha256sum -c --ignore-missing SHA256SUMS` (a user
    who took FILE.sha256 had no SHA256SUMS), and put `git verify-tag` in the same block as the
    download commands, where it fails: the tag is checked in a clone."""
    from services.policy import load_policy

    own = load_policy(Path(__file__).resolve().parents[1] / "release.toml")
    own = replace(own, tag_key="0123456789ABCDEF0123456789ABCDEF01234567")  # pinned in a clone
    block = verification_block(own, tag="v0.1.0", version="0.1.0")
    assert block.startswith(  # release.toml publishes the keys: the tag key is imported first
        "### Verification\n\nDownload the files you need, SHA256SUMS and each file's `.minisig` "
        "signature, then run:\n\n```sh\ngpg --import release-console-tag-key.asc\n"
        "sha256sum -c --ignore-missing SHA256SUMS\n"
        "minisign -Vm release_console-0.1.0-py3-none-any.whl -p minisign.pub\n"
        "minisign -Vm release_console-0.1.0.tar.gz -p minisign.pub\n```\n\n"
        "In a clone of the repository, check the signature of the tag v0.1.0:\n\n"
        "```sh\ngit verify-tag v0.1.0\n```\n\n`minisign.pub`, attached to this release, is the "
        "project's public key"), block
    unsigned = verification_block(replace(own, signing_backend="none", tag_signing="none"),
                                  tag="v0.1.0", version="0.1.0")
    assert "Download the files you need, SHA256SUMS, then run:" in unsigned
    assert "verify-tag" not in unsigned
