"""``[checksums] sign_combined``: the combined list (SHA256SUMS) is signed with the pinned key, so
users verify one signature and then ``sha256sum -c`` (the Debian, Ubuntu and Tails way)."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from services import engine, provenance
from services.bundle import export
from services.bundle.import_ import apply, verify_bundle
from services.evidence import SignEvidence
from services.github import wiring
from services.notes import verification_block
from services.policy import ArtifactSpec, Policy, PolicyError, ProjectPolicy, load_policy
from services.session import StepRecord
from services.signing import PASSPHRASE_ENV, PASSPHRASE_OPTION
from services.step_protocol import Context, NonInteractive, StepFailed
from services.steps import registry
from tests.airgap_helpers import Workstations, offline_half, prepare_and_export
from tests.conftest import git, run_cli
from tests.github_helpers import REPO, Sandbox, complete_steps_before, prepare_release, run
from tests.signing_keys import (
    MINISIGN_SIGNING,
    POLICY_BASE,
    checksummed,
    minisign_keypair,
    minisign_project,
)

SIGNED_LIST = POLICY_BASE.replace('combined = "SHA256SUMS"\n',
                                  'combined = "SHA256SUMS"\nsign_combined = true\n')
ISO = "pai-v0.2.0-amd64.iso"


@pytest.fixture
def ctx(repo_path: Path, make_ctx: Callable[..., Context]) -> Context:
    """The sign step is next, under a policy that signs SHA256SUMS."""
    minisign_project(repo_path, passphrase="open sesame", base=SIGNED_LIST)
    context = checksummed(make_ctx(), repo_path)
    context.prompter = NonInteractive(secrets={PASSPHRASE_OPTION: "open sesame"})
    return context


def sign(ctx: Context) -> dict[str, Any]:
    return engine.run_step(ctx, registry()["sign"])


def views(ctx: Context) -> dict[str, engine.StepView]:
    return {v.id: v for v in engine.views(ctx)}


# --- the policy ----------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ('[checksums]\nsign_combined = true\n',
     "key 'checksums.sign_combined' is true, but no 'checksums.combined' list is named to sign"),
    ('[checksums]\ncombined = "SHA256SUMS"\nsign_combined = true\n[signing]\nbackend = "none"\n',
     'key \'checksums.sign_combined\' is true, but signing.backend is "none"'),
    ('[checksums]\ncombined = "SHA256SUMS"\nsign_combined = "yes"\n',
     "key 'checksums.sign_combined' must be true or false"),
])
def test_sign_combined_without_a_list_or_a_key_is_refused_naming_the_file(
        tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "release.toml"
    path.write_text(text)
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    assert str(caught.value).startswith(f"{path}: ") and expected in str(caught.value)


def test_the_cli_refuses_sign_combined_without_a_list_in_one_sentence(repo_path: Path) -> None:
    (repo_path / "release.toml").write_text("[checksums]\nsign_combined = true\n")
    result = run_cli("status", cwd=repo_path)
    assert result.returncode == 1
    assert "release.toml: key 'checksums.sign_combined' is true" in result.stderr
    assert "Traceback" not in result.stderr


def test_sign_combined_is_off_unless_asked(tmp_path: Path) -> None:
    path = tmp_path / "release.toml"
    path.write_text('[checksums]\ncombined = "SHA256SUMS"\nsign_combined = true\n')
    assert load_policy(path).checksum_sign_combined is True
    path.write_text('[checksums]\ncombined = "SHA256SUMS"\n')
    assert load_policy(path).checksum_sign_combined is False


# --- the sign step -------------------------------------------------------------------------------

def test_sign_step_signs_and_verifies_the_combined_list(ctx: Context) -> None:
    plan = registry()["sign"].plan(ctx)
    assert plan.summary.startswith("Sign 2 artifacts and SHA256SUMS with minisign")
    assert "create build/SHA256SUMS.minisig" in plan.notes

    evidence = sign(ctx)
    build = ctx.root / "build"
    listed = evidence["combined"]
    assert listed["list"] == "build/SHA256SUMS"
    assert listed["sha256"] == hashlib.sha256((build / "SHA256SUMS").read_bytes()).hexdigest()
    assert listed["signature"] == "build/SHA256SUMS.minisig" and listed["reused"] is False
    assert len(evidence["signatures"]) == 2  # the artifacts' own, as before
    # What a user does: one signature, then the list.
    proc = subprocess.run(["minisign", "-Vm", "SHA256SUMS", "-p", "../minisign.pub"], cwd=build,
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "file:SHA256SUMS" in proc.stdout and "tag:v0.2.0" in proc.stdout
    assert subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=build, capture_output=True,
                          check=False).returncode == 0
    assert views(ctx)["sign"].status == "done"

    # The signature travels back from the signing workstation with the others.
    assert "SHA256SUMS.minisig" in [p.name for p in export.returned_files(ctx)]

    # A resumed run keeps the list's signature and asks for nothing.
    ctx.record("test", "reset", update=lambda s: s.steps.__setitem__("sign", StepRecord()))
    ctx.prompter = NonInteractive()
    again = sign(ctx)
    assert again["combined"]["reused"] is True
    assert again["combined"]["signature_sha256"] == listed["signature_sha256"]


def test_an_earlier_releases_list_signature_is_moved_aside_not_stopped_on(ctx: Context) -> None:
    """Review: with a fixed list name (SHA256SUMS) in a build folder kept between releases, the
    last release's SHA256SUMS.minisig is still there when the checksums step writes the new list;
    the sign step stopped on "already exists and does not verify" from the second release on."""
    build = ctx.root / "build"
    old_list = build / "old-SHA256SUMS"
    old_list.write_text("0" * 64 + "  pai-v0.1.0-amd64.iso\n")
    subprocess.run(["minisign", "-S", "-s", str(ctx.root / "keys" / "minisign.key"), "-m",
                    str(old_list), "-x", str(build / "SHA256SUMS.minisig")],
                   input="open sesame\n", capture_output=True, text=True, check=True)
    old_signature = (build / "SHA256SUMS.minisig").read_bytes()
    before = ctx.clock().timestamp() - 86400 * 30  # written for the earlier release, before this
    os.utime(build / "SHA256SUMS.minisig", (before, before))
    old_list.unlink()
    plan = registry()["sign"].plan(ctx)
    assert ("move aside to .release/v0.2.0/set-aside/ (it signs another list: an earlier "
            "release's) and create build/SHA256SUMS.minisig") in plan.notes

    evidence = sign(ctx)
    assert evidence["combined"]["set_aside"] == ".release/v0.2.0/set-aside/SHA256SUMS.minisig"
    assert (ctx.root / evidence["combined"]["set_aside"]).read_bytes() == old_signature  # kept
    assert subprocess.run(["minisign", "-Vm", "SHA256SUMS", "-p", "../minisign.pub"], cwd=build,
                          capture_output=True, check=False).returncode == 0
    assert views(ctx)["sign"].status == "done"


def test_sign_evidence_from_before_the_option_loads_and_reads_back() -> None:
    old = {"backend": "minisign", "signatures": [{"artifact": ISO,
                                                  "signature": f"build/{ISO}.minisig"}]}
    loaded = SignEvidence.from_json(old)
    assert loaded.combined is None and "combined" not in loaded.to_json()
    assert loaded.signature_paths() == [f"build/{ISO}.minisig"]
    listed = {**old, "combined": {"list": "build/SHA256SUMS",
                                  "signature": "build/SHA256SUMS.minisig"}}
    assert SignEvidence.from_json(listed).signature_paths() == [
        f"build/{ISO}.minisig", "build/SHA256SUMS.minisig"]


def test_an_edited_list_after_signing_makes_sign_stale(ctx: Context) -> None:
    sign(ctx)
    sums = ctx.root / "build" / "SHA256SUMS"
    good = sums.read_bytes()
    sums.write_bytes(good + f"{'0' * 64}  evil.iso\n".encode())
    blockers = registry()["sign"].revalidate(ctx)
    assert [b.reason for b in blockers] == ["build/SHA256SUMS changed since it was signed."]
    assert "redo checksums" in blockers[0].remedy
    assert views(ctx)["checksums"].status == "stale"  # the earliest step that must be redone
    sums.write_bytes(good)
    assert registry()["sign"].revalidate(ctx) == []
    assert views(ctx)["sign"].status == "done"


def test_a_replaced_list_signature_makes_sign_stale(ctx: Context) -> None:
    sign(ctx)
    sig = ctx.root / "build" / "SHA256SUMS.minisig"
    good = sig.read_bytes()
    sig.write_bytes(good.replace(b"tag:v0.2.0", b"tag:v9.9.9"))
    shown = views(ctx)
    assert shown["checksums"].status == "done"
    assert shown["sign"].status == "stale" and shown["tag"].status == "waiting"
    assert shown["sign"].blockers[0].reason == (
        "build/SHA256SUMS.minisig was changed after the sign step wrote it.")
    sig.write_bytes(good)
    assert views(ctx)["sign"].status == "done"


def test_a_list_edited_before_signing_is_not_signed(ctx: Context) -> None:
    sums = ctx.root / "build" / "SHA256SUMS"
    sums.write_bytes(sums.read_bytes() + f"{'0' * 64}  evil.iso\n".encode())
    with pytest.raises(StepFailed, match=r"build/SHA256SUMS is not the list the checksums step "
                                         "wrote; nothing was signed"):
        registry()["sign"].run(ctx)
    assert not list((ctx.root / "build").glob("*.minisig"))


def test_a_policy_that_starts_signing_the_list_after_the_sign_step_makes_it_stale(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    minisign_project(repo_path, passphrase="open sesame")
    ctx = checksummed(make_ctx(), repo_path)
    ctx.prompter = NonInteractive(secrets={PASSPHRASE_OPTION: "open sesame"})
    sign(ctx)
    (repo_path / "release.toml").write_text(SIGNED_LIST + MINISIGN_SIGNING)
    shown = views(make_ctx())
    assert shown["sign"].status == "stale"
    assert shown["sign"].blockers[0].reason == (
        "The policy signs SHA256SUMS ([checksums] sign_combined), but the sign step did not "
        "sign it.")


@pytest.mark.parametrize("before", [POLICY_BASE, POLICY_BASE.replace('combined = "SHA256SUMS"\n', "")],
                         ids=["list-written", "no-list-yet"])
def test_turning_sign_combined_on_after_signing_is_one_runnable_command_away(
        repo_path: Path, make_ctx: Callable[..., Context], before: str) -> None:
    """The captain turns the option on once sign is done: status says why sign is stale and
    names one command (with its --reason) that reopens what must run again; then `next` runs
    it (whether or not the checksums step wrote the list), and the list's signature is there."""
    minisign_project(repo_path, passphrase="open sesame", base=before)
    ctx = checksummed(make_ctx(), repo_path)
    ctx.prompter = NonInteractive(secrets={PASSPHRASE_OPTION: "open sesame"})
    sign(ctx)
    (repo_path / "release.toml").write_text(SIGNED_LIST + MINISIGN_SIGNING)
    git(repo_path, "commit", "-qam", "Sign SHA256SUMS")

    status = run_cli("status", cwd=repo_path)
    assert status.returncode == 0, status.stderr
    said = " ".join(status.stdout.split())
    assert ("The policy signs SHA256SUMS ([checksums] sign_combined), but the sign step did not "
            "sign it.") in said
    commands = re.findall(r"`(release-console [^`]*)`", said)
    redo = [c for c in commands if c.startswith("release-console redo")]
    assert len(set(redo)) == 1 and '--reason "..."' in redo[0], said
    step = redo[0].split()[2]
    assert step == ("sign" if before == POLICY_BASE else "checksums")

    reopened = run_cli("redo", step, "--reason", "sign SHA256SUMS too", cwd=repo_path)
    assert reopened.returncode == 0, reopened.stderr
    env = {PASSPHRASE_ENV: "open sesame"}
    for _ in range(2 if step == "checksums" else 1):
        ran = run_cli("next", "--yes", cwd=repo_path, env=env)
        assert ran.returncode == 0, ran.stdout + ran.stderr
    assert (repo_path / "build" / "SHA256SUMS.minisig").is_file()
    shown = views(make_ctx())
    assert shown["checksums"].status == "done" and shown["sign"].status == "done"


def test_turning_sign_combined_on_after_the_tag_says_what_can_still_be_done(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    """Once the tag is made `redo sign` is refused, so the remedy must not offer it."""
    minisign_project(repo_path, passphrase="open sesame")
    ctx = checksummed(make_ctx(), repo_path)
    ctx.prompter = NonInteractive(secrets={PASSPHRASE_OPTION: "open sesame"})
    sign(ctx)
    engine.run_step(ctx, registry()["tag"])
    policy = repo_path / "release.toml"
    before = policy.read_text()
    policy.write_text(SIGNED_LIST + MINISIGN_SIGNING)
    status = run_cli("status", cwd=repo_path)
    said = " ".join(status.stdout.split())
    assert ("but the sign step did not sign it. The tag is made, so this release cannot sign "
            "SHA256SUMS in the sign step any more: set sign_combined = false in release.toml "
            "until this release is out") in said, said
    assert "redo sign" not in said
    refused = run_cli("redo", "sign", "--reason", "sign SHA256SUMS", cwd=repo_path)
    assert refused.returncode != 0 and "cannot be undone" in refused.stderr
    policy.write_text(before)
    assert views(make_ctx())["sign"].status == "done"


def test_provenance_lists_the_verified_signature_of_the_list(ctx: Context) -> None:
    sign(ctx)
    index = provenance.build(ctx.policy, ctx.repo, ctx.require_session(), now="2026-11-26")
    entry = index["checksums_combined_signature"]
    assert entry["file"] == "SHA256SUMS.minisig" and entry["verified"] is True
    assert entry["verified_at_signing"] is True
    assert json.dumps(index)  # it is written as JSON
    (ctx.root / "build" / "SHA256SUMS.minisig").unlink()
    with pytest.raises(provenance.ProvenanceError, match=r"SHA256SUMS\.minisig, the signature"):
        provenance.build(ctx.policy, ctx.repo, ctx.require_session(), now="2026-11-26")


# --- release-console verify ----------------------------------------------------------------------

def test_verify_checks_the_lists_own_signature_not_a_checksum_of_it(ctx: Context) -> None:
    sign(ctx)
    ok = run_cli("verify", "build/SHA256SUMS", cwd=ctx.root)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("✔ build/SHA256SUMS: checksum list; signature OK (")
    assert "file:SHA256SUMS" in ok.stdout and "NO CHECKSUM" not in ok.stdout

    sig = ctx.root / "build" / "SHA256SUMS.minisig"
    good = sig.read_bytes()
    sig.write_bytes(good.replace(b"tag:v0.2.0", b"tag:v9.9.9"))
    bad = run_cli("verify", "build/SHA256SUMS", "--json", cwd=ctx.root)
    assert bad.returncode == 1
    listed = json.loads(bad.stdout)["files"][0]
    assert listed["checksum"] == "LIST" and listed["signature"] == "FAILED" and not listed["ok"]
    sig.unlink()
    gone = run_cli("verify", "build/SHA256SUMS", cwd=ctx.root)
    assert gone.returncode == 1 and ("signature MISSING (SHA256SUMS.minisig does not exist; the "
                                     "policy signs its combined list") in gone.stdout


def test_verifying_artifacts_says_the_signed_list_verified_too_or_names_it_failing(
        ctx: Context) -> None:
    sign(ctx)
    isos = sorted(str(p.relative_to(ctx.root)) for p in (ctx.root / "build").glob("*.iso"))
    ok = run_cli("verify", *isos, cwd=ctx.root)
    assert ok.returncode == 0, ok.stderr
    lines = ok.stdout.splitlines()
    assert len(lines) == 2
    assert all("; SHA256SUMS signature OK (" in line for line in lines), ok.stdout

    sig = ctx.root / "build" / "SHA256SUMS.minisig"
    sig.write_bytes(sig.read_bytes().replace(b"tag:v0.2.0", b"tag:v9.9.9"))
    bad = run_cli("verify", *isos, "--json", cwd=ctx.root)
    assert bad.returncode == 1
    files = json.loads(bad.stdout)["files"]
    assert [f["checksum"] for f in files] == ["OK", "OK"]  # the digests match; the list is not
    assert [f["signature"] for f in files] == ["OK", "OK"]  # vouched for, so they fail
    assert {f["checksum_list"]["signature"] for f in files} == {"FAILED"}
    assert "Verification failed for build/pai-v0.2.0-amd64.iso, build/pai-v0.2.0-arm64.iso" in (
        bad.stderr)

    sig.unlink()  # the policy signs the list: its signature must be there
    gone = run_cli("verify", isos[0], cwd=ctx.root)
    assert gone.returncode == 1
    assert ("SHA256SUMS signature MISSING (SHA256SUMS.minisig does not exist; the policy signs "
            "its combined list") in gone.stdout


def test_a_download_checked_against_a_signed_list_without_a_policy(ctx: Context,
                                                                   tmp_path: Path) -> None:
    """What a user has: the ISO, SHA256SUMS and its signature, the pinned key; no release.toml."""
    sign(ctx)
    build, downloads = ctx.root / "build", tmp_path / "downloads"
    downloads.mkdir()
    for name in (ISO, f"{ISO}.minisig", "SHA256SUMS", "SHA256SUMS.minisig"):
        shutil.copy(build / name, downloads / name)
    pub = str(ctx.root / "minisign.pub")
    ok = run_cli("verify", ISO, "SHA256SUMS", "--minisign-pub", pub, cwd=downloads)
    assert ok.returncode == 0, ok.stderr + ok.stdout
    assert f"✔ {ISO}: sha256 OK; signature OK" in ok.stdout
    assert "; SHA256SUMS signature OK (" in ok.stdout
    assert "✔ SHA256SUMS: checksum list; signature OK" in ok.stdout
    other, _ = minisign_keypair(tmp_path / "other")
    wrong = run_cli("verify", ISO, "--minisign-pub", str(other), cwd=downloads)
    assert wrong.returncode == 1 and "SHA256SUMS signature FAILED" in wrong.stdout


# --- the end-of-release summary --------------------------------------------------------------------

def test_the_summary_lists_the_list_and_its_signature_with_their_digests(ctx: Context) -> None:
    evidence = sign(ctx)
    ctx.record("test", "finished", update=lambda s: setattr(s, "state", "completed"))
    listed = evidence["combined"]
    shown = run_cli("status", cwd=ctx.root)
    assert shown.returncode == 0, shown.stderr
    assert f"  SHA256SUMS\n    sha256:{listed['sha256']}\n" in shown.stdout
    assert f"  SHA256SUMS.minisig\n    sha256:{listed['signature_sha256']}\n" in shown.stdout
    assert f"  {ISO}\n    sha256:" in shown.stdout  # the artifacts, as before
    as_json = run_cli("status", "--json", cwd=ctx.root)
    assets = {a["name"]: a for a in json.loads(as_json.stdout)["last"]["assets"]}
    assert assets["SHA256SUMS.minisig"]["sha256"] == listed["signature_sha256"]
    assert assets["SHA256SUMS"]["size"] == (ctx.root / "build" / "SHA256SUMS").stat().st_size


def test_provenance_says_what_to_do_with_the_lists_signature_not_an_artifacts(
        ctx: Context) -> None:
    sign(ctx)
    build = ctx.root / "build"
    sig, sums = build / "SHA256SUMS.minisig", build / "SHA256SUMS"

    def refused() -> provenance.ProvenanceError:
        with pytest.raises(provenance.ProvenanceError) as caught:
            provenance.build(ctx.policy, ctx.repo, ctx.require_session(), now="2026-11-26")
        assert "artifact" not in caught.value.remedy
        return caught.value

    good_sig, good_sums = sig.read_bytes(), sums.read_bytes()
    sig.write_bytes(good_sig.replace(b"tag:v0.2.0", b"tag:v9.9.9"))
    err = refused()
    assert err.message.startswith("build/SHA256SUMS.minisig does not verify with the pinned key")
    assert err.remedy.startswith("Restore SHA256SUMS.minisig as the sign step made it")
    assert '`release-console redo sign --reason "..."`' in err.remedy

    sig.write_bytes(good_sig)
    sums.write_bytes(good_sums + f"{'0' * 64}  evil.iso\n".encode())
    err = refused()
    assert err.remedy.startswith("SHA256SUMS changed since it was signed")
    assert '`release-console redo checksums --reason "..."`' in err.remedy

    sums.write_bytes(good_sums)
    sig.unlink()
    assert '`release-console redo sign --reason "..."`' in refused().remedy


# --- the notes -----------------------------------------------------------------------------------

def test_the_notes_verify_the_lists_signature_then_the_files() -> None:
    policy = Policy(project=ProjectPolicy(name="pai"), checksum_combined="SHA256SUMS",
                    checksum_sign_combined=True,
                    artifacts=(ArtifactSpec("amd64", "pai-{tag}-{arch}.iso"),))
    block = verification_block(policy, tag="v1.4.0", version="1.4.0")
    assert ("```sh\nminisign -Vm SHA256SUMS -p minisign.pub\n"
            "sha256sum -c --ignore-missing SHA256SUMS\n```\n\nIn a clone of the repository, check "
            "the signature of the tag v1.4.0:\n\n```sh\ngit verify-tag v1.4.0\n```") in block
    assert "with SHA256SUMS and SHA256SUMS.minisig" in block


# --- GitHub: an expected asset -------------------------------------------------------------------

def test_the_draft_uploads_the_lists_signature_and_publish_refuses_without_it(
        make_ctx: Callable[..., Context], repo_path: Path, sandbox: Sandbox) -> None:
    ctx = prepare_release(make_ctx, repo_path, sandbox, checksums=(
        'per_file = "{name}.sha256"\ncombined = "SHA256SUMS"\nsign_combined = true'))
    build = repo_path / "build"
    (build / "SHA256SUMS").write_text("".join(p.read_text() for p in sorted(build.glob("*.sha256"))))
    complete_steps_before(ctx, "draft")
    names = [f.name for f in wiring.expected_files(ctx)]
    assert names[-2:] == ["SHA256SUMS", "SHA256SUMS.minisig"]
    draft_view = views(ctx)["draft"]
    assert draft_view.status == "blocked"
    assert draft_view.blockers[0].reason == "Signature build/SHA256SUMS.minisig is missing."

    sig = build / "SHA256SUMS.minisig"
    sig.write_text("untrusted comment: signature from minisign secret key\nRWQ...\n")
    evidence = run(ctx, "draft")
    assert "SHA256SUMS.minisig" in [a["name"] for a in evidence["assets"]]
    assert sandbox.server.asset_bytes(REPO, "SHA256SUMS.minisig") == sig.read_bytes()

    review = run(ctx, "review")
    listed = {a["name"]: a for a in review["assets"]}["SHA256SUMS.minisig"]
    assert listed["expected_sha256"] == hashlib.sha256(sig.read_bytes()).hexdigest()
    assert review["clean"] is True

    gh = sandbox.github().get_repo(REPO)
    release = next(r for r in gh.get_releases() if r.draft)
    next(a for a in release.get_assets() if a.name == "SHA256SUMS.minisig").delete_asset()
    with pytest.raises(StepFailed, match=r"SHA256SUMS\.minisig is not attached"):
        run(ctx, "publish")
    assert all(r["draft"] for r in sandbox.server.release_data(REPO))


# --- the air gap ---------------------------------------------------------------------------------

def test_the_signed_list_comes_back_across_the_air_gap(stations: Workstations) -> None:
    """Signed on the offline workstation, the list and its signature come back in the return
    bundle and land beside the artifacts online, ready for the draft."""
    ws = stations
    policy = ws.online / "release.toml"
    policy.write_text(policy.read_text() + '\n[checksums]\ncombined = "SHA256SUMS"\n'
                      "sign_combined = true\n")
    git(ws.online, "commit", "-qam", "Sign SHA256SUMS")
    git(ws.online, "push", "-q", "origin", "HEAD")
    prepare_and_export(ws)
    back = offline_half(ws)
    online = ws.ctx("online")
    assert not (ws.online / "build" / "SHA256SUMS.minisig").exists()
    apply(online, verify_bundle(online, back))
    build = ws.online / "build"
    proc = subprocess.run(["minisign", "-Vm", "SHA256SUMS", "-p", "../minisign.pub"], cwd=build,
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=build, capture_output=True,
                          check=False).returncode == 0
    online = ws.ctx("online")
    # the published keys are read at the tag when the draft runs, not carried in the bundle
    assert all(f.exists for f in wiring.expected_files(online) if f.kind != "public-key")
