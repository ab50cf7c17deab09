"""The sign step and the combined list it signs (``[checksums] sign_combined``): follow-ups from
the review (the list read once, its signature's size in the summary, old signatures set aside)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from collections.abc import Callable
from dataclasses import FrozenInstanceError
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from services import engine
from services.errors import ConsoleError
from services.evidence import SignedArtifact, SignedList, SignEvidence
from services.signing import PASSPHRASE_OPTION
from services.signing.set_aside import earlier_release_signature
from services.step_protocol import Context, NonInteractive
from services.steps import registry
from services.steps import sign as sign_step
from tests.conftest import run_cli
from tests.signing_keys import POLICY_BASE, checksummed, minisign_project
from tests.test_signed_checksum_list import SIGNED_LIST


@pytest.fixture
def listing(repo_path: Path, make_ctx: Callable[..., Context]) -> Context:
    """The sign step is next, under a policy that signs SHA256SUMS."""
    minisign_project(repo_path, passphrase="open sesame", base=SIGNED_LIST)
    context = checksummed(make_ctx(), repo_path)
    context.prompter = NonInteractive(secrets={PASSPHRASE_OPTION: "open sesame"})
    return context


def test_the_list_is_read_once_and_what_was_read_is_recorded(
        listing: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    """Review: the step read SHA256SUMS twice (once to hash, once more to compare with the
    checksums step); a list rewritten between the two was recorded from one read, checked
    from the other. Now it is read once and its digest and size passed on."""
    ctx = listing
    sums = ctx.root / "build" / "SHA256SUMS"
    data = sums.read_bytes()
    reads: list[Path] = []
    read_bytes = Path.read_bytes

    def counted(path: Path) -> bytes:
        if path.name == "SHA256SUMS":
            reads.append(path)
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", counted)
    evidence = registry()["sign"].run(ctx)
    assert len(reads) == 1
    assert evidence["combined"]["sha256"] == hashlib.sha256(data).hexdigest()
    assert evidence["combined"]["size"] == len(data)


def test_the_summary_shows_the_list_signatures_size_before_the_review(listing: Context) -> None:
    """Review: the summary showed SHA256SUMS.minisig's size as 0 until the review step ran."""
    ctx = listing
    engine.run_step(ctx, registry()["sign"])
    assert "review" not in ctx.require_session().steps or not ctx.require_session().done("review")
    ctx.record("test", "finished", update=lambda s: setattr(s, "state", "completed"))
    shown = run_cli("status", "--json", cwd=ctx.root)
    assert shown.returncode == 0, shown.stderr
    assets = {a["name"]: a for a in json.loads(shown.stdout)["last"]["assets"]}
    signature = ctx.root / "build" / "SHA256SUMS.minisig"
    assert assets["SHA256SUMS.minisig"]["size"] == signature.stat().st_size > 0


def test_the_list_part_of_the_sign_evidence_is_a_typed_record_stored_as_before(
        listing: Context) -> None:
    """Review: ``SignEvidence.combined`` (and ``signatures``) were mappings read by string keys;
    they are frozen records now, and sessions written before load and write back the very same
    JSON."""
    ctx = listing
    stored = {"backend": "minisign", "signatures": [{"artifact": "a.iso",
                                                     "signature": "build/a.iso.minisig"}],
              "combined": {"list": "build/SHA256SUMS", "sha256": "ab" * 32, "size": 140,
                           "signature": "build/SHA256SUMS.minisig",
                           "signature_sha256": "cd" * 32, "signer": "RWQ", "reused": False,
                           "set_aside": ".release/v0.2.0/set-aside/SHA256SUMS.minisig",
                           "from_a_later_console": 1}}
    loaded = SignEvidence.from_json(stored)
    listed = loaded.combined
    assert isinstance(listed, SignedList)
    assert (listed.list, listed.size, listed.signature_size) == ("build/SHA256SUMS", 140, None)
    assert listed.set_aside == ".release/v0.2.0/set-aside/SHA256SUMS.minisig"
    artifact = loaded.signatures[0]  # the artifacts' part too, however sparse an old entry
    assert isinstance(artifact, SignedArtifact) and artifact.signature == "build/a.iso.minisig"
    assert (artifact.sha256, artifact.mtime_ns) == ("", None)
    assert loaded.to_json() == stored  # the same shape, key for key, an unknown key kept
    with pytest.raises(FrozenInstanceError):
        listed.sha256 = "0" * 64  # type: ignore[misc]

    engine.run_step(ctx, registry()["sign"])
    made = ctx.require_session().evidence(SignEvidence)
    assert made is not None and isinstance(made.combined, SignedList)
    sums = (ctx.root / "build" / "SHA256SUMS").read_bytes()
    assert made.combined.sha256 == hashlib.sha256(sums).hexdigest()
    assert made.combined.signature == "build/SHA256SUMS.minisig" and not made.combined.reused
    iso = ctx.root / "build" / "pai-v0.2.0-amd64.iso"
    first = made.signatures[0]
    assert isinstance(first, SignedArtifact) and first.artifact == iso.name
    assert first.sha256 == hashlib.sha256(iso.read_bytes()).hexdigest()
    assert first.mtime_ns == iso.stat().st_mtime_ns


# --- an earlier release's signatures: set aside, one mechanism for the list and the artifacts --------

FIXED_NAMES = POLICY_BASE.replace("pai-{tag}-amd64.iso", "pai-amd64.iso").replace(
    "pai-{tag}-arm64.iso", "pai-arm64.iso")


def minisign_sign(ctx_root: Path, path: Path, out: Path) -> None:
    subprocess.run(["minisign", "-S", "-s", str(ctx_root / "keys" / "minisign.key"), "-m",
                    str(path), "-x", str(out)], input="open sesame\n", capture_output=True,
                   text=True, check=True)


@pytest.fixture
def kept_folder(repo_path: Path, make_ctx: Callable[..., Context]) -> Context:
    """Artifacts named without a version (pai-amd64.iso) in a build folder kept between releases:
    the last release's pai-amd64.iso.minisig is still there when 0.2.0's ISO is built."""
    minisign_project(repo_path, passphrase="open sesame", base=FIXED_NAMES)
    build = repo_path / "build"
    build.mkdir()
    iso = build / "pai-amd64.iso"
    iso.write_bytes(b"the 0.1.0 image")
    minisign_sign(repo_path, iso, build / "pai-amd64.iso.minisig")
    for arch in ("amd64", "arm64"):  # 0.2.0's images
        (build / f"pai-{arch}.iso").write_bytes(f"0.2.0 {arch}".encode() * 1000)
    context = checksummed(make_ctx(), repo_path)
    earlier = context.clock().timestamp() - 86400 * 30  # written before this release started
    os.utime(build / "pai-amd64.iso.minisig", (earlier, earlier))
    context.prompter = NonInteractive(secrets={PASSPHRASE_OPTION: "open sesame"})
    return context


def test_an_earlier_releases_artifact_signature_is_set_aside_like_the_lists(
        kept_folder: Context) -> None:
    """Review: only the list's old signature was moved aside; an artifact with a fixed name still
    stopped the step on "already exists and does not verify" from the second release on."""
    ctx = kept_folder
    build = ctx.root / "build"
    old = (build / "pai-amd64.iso.minisig").read_bytes()
    plan = registry()["sign"].plan(ctx)
    assert ("move aside to .release/v0.2.0/set-aside/ (it signs another file: an earlier "
            "release's) and create build/pai-amd64.iso.minisig") in plan.notes
    assert "create build/pai-arm64.iso.minisig" in plan.notes

    evidence = engine.run_step(ctx, registry()["sign"])
    moved = ".release/v0.2.0/set-aside/pai-amd64.iso.minisig"
    entries = {e["artifact"]: e for e in evidence["signatures"]}
    assert entries["pai-amd64.iso"]["set_aside"] == moved and "set_aside" not in entries[
        "pai-arm64.iso"]
    assert (ctx.root / moved).read_bytes() == old  # kept, never deleted
    journalled = [e for e in ctx.journal.entries() if e["action"] == "set aside"]
    assert [e["outputs"]["moved_to"] for e in journalled] == [moved]
    assert journalled[0]["outputs"]["signature"] == "build/pai-amd64.iso.minisig"
    assert subprocess.run(["minisign", "-Vm", "pai-amd64.iso", "-p", "../minisign.pub"],
                          cwd=build, capture_output=True, check=False).returncode == 0


def test_a_signature_written_during_this_release_that_does_not_verify_is_still_refused(
        kept_folder: Context) -> None:
    """Fail closed: a signature that does not verify and was written since this release started
    (or that this release recorded) is not an earlier release's; it is left alone, unmoved."""
    ctx = kept_folder
    build = ctx.root / "build"
    sig = build / "pai-amd64.iso.minisig"
    os.utime(sig)  # written now, during this release
    before = sig.read_bytes()
    with pytest.raises(ConsoleError, match=r"pai-amd64\.iso\.minisig already exists and does not "
                                           "verify"):
        registry()["sign"].run(ctx)
    assert sig.read_bytes() == before
    assert not (ctx.store.directory("v0.2.0") / "set-aside").exists()

    # One this release recorded is not moved either, however old its file looks.
    earlier = ctx.clock().timestamp() - 86400 * 30
    os.utime(sig, (earlier, earlier))
    backend = sign_step.backend_for(ctx)
    assert backend is not None
    started = datetime.fromisoformat(ctx.require_session().created_at)
    iso = build / "pai-amd64.iso"
    assert earlier_release_signature(backend, iso, started=started, ours=()) == sig
    ours = [hashlib.sha256(before).hexdigest()]
    assert earlier_release_signature(backend, iso, started=started, ours=ours) is None


def test_a_set_aside_is_journalled_before_the_signature_moves(kept_folder: Context) -> None:
    """Review: the signature was moved, then journalled; stopped in between (a kill), a file left
    its place with no entry saying where it went. The entry comes first now: stopped right after
    it, the signature is still in place, and the next run sets it aside and signs."""
    ctx = kept_folder
    build = ctx.root / "build"
    record = ctx.record

    def stopped_after_the_entry(step: str, action: str, **kwargs: Any) -> None:
        record(step, action, **kwargs)
        if action == "set aside":
            raise KeyboardInterrupt  # as a kill right after the journal's append

    ctx.record = stopped_after_the_entry  # type: ignore[method-assign]
    with pytest.raises(KeyboardInterrupt):
        engine.run_step(ctx, registry()["sign"])
    assert (build / "pai-amd64.iso.minisig").is_file()  # not moved with no record of it
    assert [e["action"] for e in ctx.journal.entries()].count("set aside") == 1

    ctx.record = record  # type: ignore[method-assign]
    engine.run_step(ctx, registry()["sign"])
    assert (ctx.root / ".release/v0.2.0/set-aside/pai-amd64.iso.minisig").is_file()
    assert [e["action"] for e in ctx.journal.entries()].count("set aside") == 2


def test_a_signature_this_release_recorded_is_known_whatever_else_the_journal_holds(
        kept_folder: Context) -> None:
    """The journal's "sign" entries are read as ``SignEvidence``: an earlier run's record (reopened
    by a redo) still marks its signature as this release's, so it is not set aside as an earlier
    release's, and entries that are no signature record are passed over: ``release-console
    sign``'s paths, a set-aside, one from another console whose ``signatures`` is a count (it
    stopped the step with a TypeError)."""
    ctx = kept_folder
    sig = ctx.root / "build" / "pai-amd64.iso.minisig"  # old, and it does not verify 0.2.0's ISO
    before = sig.read_bytes()
    ctx.record("sign", "signed files", outputs={"backend": "minisign",
                                                "signatures": ["build/pai-amd64.iso.minisig"]})
    ctx.record("sign", "signed files", outputs={"backend": "minisign", "signatures": 2,
                                                "combined": "build/SHA256SUMS"})
    ctx.record("sign", "done", outputs=SignEvidence(backend="minisign", signatures=(
        SignedArtifact(artifact="pai-amd64.iso", signature="build/pai-amd64.iso.minisig",
                       signature_sha256=hashlib.sha256(before).hexdigest()),)).to_json())
    with pytest.raises(ConsoleError, match=r"pai-amd64\.iso\.minisig already exists and does not "
                                           "verify"):
        registry()["sign"].run(ctx)
    assert sig.read_bytes() == before  # this release's: left where it is, never moved
    assert not (ctx.store.directory("v0.2.0") / "set-aside").exists()
