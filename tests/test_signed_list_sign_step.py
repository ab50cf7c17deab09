"""The sign step and the combined list it signs (``[checksums] sign_combined``): follow-ups from
the review (the list read once, its signature's size in the summary, old signatures set aside)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import FrozenInstanceError
from pathlib import Path

import pytest

from services import engine
from services.evidence import SignedList, SignEvidence
from services.step_protocol import Context
from services.steps import registry
from tests.conftest import run_cli
from tests.test_signed_checksum_list import ctx  # noqa: F401  (the fixture)


def test_the_list_is_read_once_and_what_was_read_is_recorded(
        ctx: Context, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    """Review: the step read SHA256SUMS twice (once to hash, once more to compare with the
    checksums step); a list rewritten between the two was recorded from one read, checked
    from the other. Now it is read once and its digest and size passed on."""
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


def test_the_summary_shows_the_list_signatures_size_before_the_review(ctx: Context) -> None:  # noqa: F811
    """Review: the summary showed SHA256SUMS.minisig's size as 0 until the review step ran."""
    engine.run_step(ctx, registry()["sign"])
    assert "review" not in ctx.require_session().steps or not ctx.require_session().done("review")
    ctx.record("test", "finished", update=lambda s: setattr(s, "state", "completed"))
    shown = run_cli("status", "--json", cwd=ctx.root)
    assert shown.returncode == 0, shown.stderr
    assets = {a["name"]: a for a in json.loads(shown.stdout)["last"]["assets"]}
    signature = ctx.root / "build" / "SHA256SUMS.minisig"
    assert assets["SHA256SUMS.minisig"]["size"] == signature.stat().st_size > 0


def test_the_list_part_of_the_sign_evidence_is_a_typed_record_stored_as_before(
        ctx: Context) -> None:  # noqa: F811
    """Review: ``SignEvidence.combined`` was a mapping read by string keys; it is a frozen
    record now, and sessions written before load and write back the very same JSON."""
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
    assert loaded.to_json() == stored  # the same shape, an unknown key kept
    with pytest.raises(FrozenInstanceError):
        listed.sha256 = "0" * 64  # type: ignore[misc]

    engine.run_step(ctx, registry()["sign"])
    made = ctx.require_session().evidence(SignEvidence)
    assert made is not None and isinstance(made.combined, SignedList)
    sums = (ctx.root / "build" / "SHA256SUMS").read_bytes()
    assert made.combined.sha256 == hashlib.sha256(sums).hexdigest()
    assert made.combined.signature == "build/SHA256SUMS.minisig" and not made.combined.reused
