"""provenance-index.json: commit, tag, artifacts with digests and signatures, sign-offs, journal head."""

from __future__ import annotations

import hashlib
import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from services import engine, smoke
from services.session_lifecycle import ReleaseRequest, start_release
from services.step_protocol import Context
from services.steps import registry
from tests.conftest import git, run_cli, sign_off
from tests.signing_keys import (
    POLICY_BASE,
    advance_to,
    build_artifacts,
    gpg_key,
    write_policy,
)

pytestmark = pytest.mark.usefixtures("stop_gpg_agent")  # no stray gpg-agent after a test


def test_index_describes_the_signed_release(repo_path: Path, make_ctx: Callable[..., Context]
                                            ) -> None:
    fpr = gpg_key()
    write_policy(repo_path, f'[signing]\nbackend = "gpg"\nfingerprint = "{fpr}"\n'
                 f'tag_format = "openpgp"\ntag_key = "{fpr}"\n')
    ctx = make_ctx()
    start_release(ctx, ReleaseRequest(version="0.2.0"))
    isos = build_artifacts(repo_path)
    for arch in ("amd64", "arm64"):
        sign_off(ctx, arch=arch, hardware="bench", marks=[smoke.Mark("pass", "all")])
    advance_to(ctx, "artifacts")
    for step in ("artifacts", "smoke", "checksums", "sign", "tag"):
        engine.run_step(ctx, registry()[step])

    proc = run_cli("provenance", cwd=repo_path)
    assert proc.returncode == 0, proc.stderr
    index = json.loads((repo_path / "build" / "provenance-index.json").read_text())
    assert index["tag"] == "v0.2.0"
    assert index["source_commit"] == git(repo_path, "rev-parse", "HEAD").strip()
    assert index["tag_object"] == git(repo_path, "rev-parse", "refs/tags/v0.2.0").strip()
    assert index["tag_signer"] == fpr
    for entry, iso in zip(index["artifacts"], isos, strict=True):
        assert entry["name"] == iso.name and entry["size"] == iso.stat().st_size
        assert entry["sha256"] == hashlib.sha256(iso.read_bytes()).hexdigest()
        assert entry["checksum_file"] == f"{iso.name}.sha256"
        assert entry["signature"]["file"] == f"{iso.name}.asc"
        assert entry["signature"]["signer"] == fpr
        assert entry["signature"]["verified_at_signing"] is True
    assert set(index["smoke"]) == {"amd64", "arm64"}
    assert index["smoke"]["amd64"]["sha256"] == index["artifacts"][0]["sha256"]
    assert index["checksums_combined"] == "SHA256SUMS"
    session = ctx.store.load("v0.2.0")
    # the index names the journal head as it was before its own entry was appended
    journal = (ctx.store.directory("v0.2.0") / "journal.jsonl").read_text().splitlines()
    last = json.loads(journal[-1])
    assert last["action"] == "written" and last["prev"] == index["journal"]["head"]
    assert index["journal"]["entries"] == session.journal_count - 1


def test_index_is_refused_when_an_artifact_changed_after_checksums(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    write_policy(repo_path, '[signing]\nbackend = "none"\ntag_format = "none"\n')
    ctx = make_ctx()
    start_release(ctx, ReleaseRequest(version="0.2.0"))
    isos = build_artifacts(repo_path)
    for arch in ("amd64", "arm64"):
        sign_off(ctx, arch=arch, hardware="bench", marks=[smoke.Mark("pass", "all")])
    advance_to(ctx, "artifacts")
    for step in ("artifacts", "smoke", "checksums"):
        engine.run_step(ctx, registry()[step])
    with open(isos[1], "ab") as handle:
        handle.write(b"swapped")
    proc = run_cli("provenance", cwd=repo_path)
    assert proc.returncode == 1
    assert f"{isos[1].name} changed since its checksum was made" in proc.stderr
    assert not (repo_path / "build" / "provenance-index.json").exists()


def test_index_refuses_a_signature_that_does_not_verify_with_the_pin(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    import shutil

    from tests.signing_keys import minisign_keypair, minisign_project

    minisign_project(repo_path)
    ctx = make_ctx()
    start_release(ctx, ReleaseRequest(version="0.2.0"))
    amd, arm = build_artifacts(repo_path)
    for arch in ("amd64", "arm64"):
        sign_off(ctx, arch=arch, hardware="bench", marks=[smoke.Mark("pass", "all")])
    advance_to(ctx, "artifacts")
    for step in ("artifacts", "smoke", "checksums", "sign"):
        engine.run_step(ctx, registry()[step])
    # an earlier release's list signature left beside SHA256SUMS (review: it stopped the index,
    # with a remedy that could never sign the list): this policy does not sign the list
    shutil.copy(f"{amd}.minisig", repo_path / "build" / "SHA256SUMS.minisig")
    good = run_cli("provenance", cwd=repo_path)
    assert good.returncode == 0, good.stderr
    index = json.loads((repo_path / "build" / "provenance-index.json").read_text())
    assert index["artifacts"][1]["signature"]["verified"] is True
    assert "checksums_combined_signature" not in index
    before = (repo_path / "build" / "provenance-index.json").read_bytes()

    # a signature by another key, copied over the real one (the reviewer's `cp wrong.minisig`)
    _, other_key = minisign_keypair(repo_path / "other", "wrong")
    wrong = repo_path / "other" / "wrong.minisig"
    subprocess.run(["minisign", "-S", "-s", str(other_key), "-m", str(arm), "-x", str(wrong)],
                   check=True, capture_output=True)
    shutil.copy(wrong, f"{arm}.minisig")
    proc = run_cli("provenance", cwd=repo_path)
    assert proc.returncode == 1
    assert (f"build/{arm.name}.minisig does not verify with the pinned key" in proc.stderr
            and "the index was not written" in proc.stderr)
    assert (repo_path / "build" / "provenance-index.json").read_bytes() == before
    assert amd.exists()


def test_per_file_empty_releases_with_the_combined_list_only(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    """`[checksums] per_file = ""` means no per-file checksum files: none is written, and none
    is named by the sign step or the index (not even a stray FILE.sha256 someone left there)."""
    from tests.signing_keys import minisign_project

    minisign_project(repo_path, base=POLICY_BASE.replace('[checksums]\n',
                                                       '[checksums]\nper_file = ""\n'))
    ctx = make_ctx()
    start_release(ctx, ReleaseRequest(version="0.2.0"))
    isos = build_artifacts(repo_path)
    for arch in ("amd64", "arm64"):
        sign_off(ctx, arch=arch, hardware="bench", marks=[smoke.Mark("pass", "all")])
    advance_to(ctx, "artifacts")
    assert not any(".sha256" in note for note in registry()["checksums"].plan(ctx).notes)
    for step in ("artifacts", "smoke", "checksums", "sign"):
        engine.run_step(ctx, registry()[step])

    build = repo_path / "build"
    assert not list(build.glob("*.sha256"))
    evidence = ctx.store.load("v0.2.0").steps["checksums"].evidence
    assert [a["checksum_file"] for a in evidence["artifacts"]] == ["", ""]
    assert [f["path"] for f in evidence["files"]] == ["build/SHA256SUMS"]
    verified = run_cli("verify", *map(str, isos), cwd=repo_path)  # found in SHA256SUMS
    assert verified.returncode == 0, verified.stdout + verified.stderr

    Path(f"{isos[0]}.sha256").write_text("left over from a manual run\n")
    proc = run_cli("provenance", cwd=repo_path)
    assert proc.returncode == 0, proc.stderr
    index = json.loads((build / "provenance-index.json").read_text())
    assert [("checksum_file" in e) for e in index["artifacts"]] == [False, False]
    assert [e["signature"]["file"] for e in index["artifacts"]] == [f"{i.name}.minisig"
                                                                   for i in isos]
    assert index["checksums_combined"] == "SHA256SUMS"
