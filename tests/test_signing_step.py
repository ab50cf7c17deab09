"""The checksums and sign steps in a release session: what is signed is what was checked."""

from __future__ import annotations

import base64
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from services import engine
from services.errors import BlockedError, NeedsInput
from services.session import Session
from services.signing import PASSPHRASE_OPTION, Readiness
from services.step_protocol import Context, NonInteractive, Step, StepFailed
from services.step_status import StepStatus
from services.steps import registry
from tests.signing_keys import (
    MINISIGN_SIGNING,
    checksummed,
    minisign_keypair,
    minisign_project,
    write_policy,
)


@pytest.fixture
def ctx(repo_path: Path, make_ctx: Callable[..., Context]) -> Context:
    minisign_project(repo_path, passphrase="open sesame")
    context = checksummed(make_ctx(), repo_path)
    return context


def sign_step() -> Step:
    return registry()["sign"]


def test_checksums_step_writes_sha256sum_files(ctx: Context) -> None:
    build = ctx.root / "build"
    for listing in ("pai-v0.2.0-amd64.iso.sha256", "pai-v0.2.0-arm64.iso.sha256", "SHA256SUMS"):
        proc = subprocess.run(["sha256sum", "-c", listing], cwd=build, capture_output=True,
                              check=False)
        assert proc.returncode == 0
    evidence = ctx.store.load("v0.2.0").steps["checksums"].evidence
    assert evidence["combined"] == "build/SHA256SUMS"
    assert [a["name"] for a in evidence["artifacts"]] == ["pai-v0.2.0-amd64.iso",
                                                          "pai-v0.2.0-arm64.iso"]


def test_sign_step_asks_the_passphrase_then_signatures_verify(ctx: Context) -> None:
    with pytest.raises(NeedsInput, match="RELEASE_CONSOLE_PASSPHRASE"):
        engine.run_step(ctx, sign_step())
    assert not list((ctx.root / "build").glob("*.minisig"))
    ctx.prompter = NonInteractive(secrets={PASSPHRASE_OPTION: "open sesame"})
    evidence = engine.run_step(ctx, sign_step())
    assert evidence["backend"] == "minisign" and len(evidence["signatures"]) == 2
    for iso in (ctx.root / "build").glob("*.iso"):
        proc = subprocess.run(["minisign", "-Vm", str(iso), "-p", "minisign.pub"], cwd=ctx.root,
                              capture_output=True, text=True, check=False)
        assert proc.returncode == 0 and "tag:v0.2.0" in proc.stdout
    journal = (ctx.store.directory("v0.2.0") / "journal.jsonl").read_text()
    assert "open sesame" not in journal
    assert "open sesame" not in ctx.store.path("v0.2.0").read_text()


def test_rerun_keeps_valid_signatures_and_asks_nothing(ctx: Context) -> None:
    ctx.prompter = NonInteractive(secrets={PASSPHRASE_OPTION: "open sesame"})
    engine.run_step(ctx, sign_step())
    before = {p.name: p.read_bytes() for p in (ctx.root / "build").glob("*.minisig")}

    def reset(s: Session) -> None:
        s.step("sign").status = StepStatus.PENDING

    ctx.record("test", "reset", update=reset)
    ctx.prompter = NonInteractive()  # no passphrase available: must not be needed
    evidence = engine.run_step(ctx, sign_step())
    assert all(s["reused"] for s in evidence["signatures"])
    assert {p.name: p.read_bytes() for p in (ctx.root / "build").glob("*.minisig")} == before


def test_wrong_passphrase_fails_the_step_and_writes_nothing(ctx: Context) -> None:
    ctx.prompter = NonInteractive(secrets={PASSPHRASE_OPTION: "not the one"})
    with pytest.raises(StepFailed, match="passphrase for the minisign key is wrong"):
        engine.run_step(ctx, sign_step())
    assert not list((ctx.root / "build").glob("*.minisig"))
    assert ctx.store.load("v0.2.0").steps["sign"].status == "failed"


def test_artifact_changed_after_checksums_is_not_signed(ctx: Context) -> None:
    ctx.prompter = NonInteractive(secrets={PASSPHRASE_OPTION: "open sesame"})
    with open(ctx.root / "build" / "pai-v0.2.0-amd64.iso", "ab") as handle:
        handle.write(b"x")
    with pytest.raises(BlockedError, match=r'release-console redo smoke --reason "\.\.\."'):
        engine.run_step(ctx, sign_step())
    # belt and braces: the step's own run compares with the checksums it is about to vouch for
    with pytest.raises(StepFailed, match=r"amd64\.iso changed since its checksum was made"):
        sign_step().run(ctx)
    assert not list((ctx.root / "build").glob("*.minisig"))


def test_signature_that_does_not_verify_is_never_written(ctx: Context, tmp_path: Path) -> None:
    """A key that claims the pinned key id but is another key: caught by verify-after-sign."""
    _, impostor = minisign_keypair(tmp_path / "impostor")
    pinned_id = base64.b64decode((ctx.root / "minisign.pub").read_text().splitlines()[1])[2:10]
    raw = bytearray(base64.b64decode(impostor.read_text().splitlines()[1]))
    raw[54:62] = pinned_id  # unencrypted key: the id is plain text
    key = ctx.root / "keys" / "minisign.key"
    key.write_text("untrusted comment: impostor\n" + base64.b64encode(bytes(raw)).decode() + "\n")
    key.chmod(0o600)
    with pytest.raises(StepFailed, match="does not verify with the pinned key"):
        engine.run_step(ctx, sign_step())
    assert not list((ctx.root / "build").glob("*.minisig"))


def test_a_signature_replaced_after_the_step_makes_it_stale(ctx: Context) -> None:
    ctx.prompter = NonInteractive(secrets={PASSPHRASE_OPTION: "open sesame"})
    engine.run_step(ctx, sign_step())
    sig = ctx.root / "build" / "pai-v0.2.0-arm64.iso.minisig"
    good = sig.read_bytes()
    sig.write_bytes(good.replace(b"tag:v0.2.0", b"tag:v9.9.9"))
    views = {v.id: v for v in engine.views(ctx)}
    assert views["sign"].status == "stale" and views["tag"].status == "waiting"
    assert views["sign"].blockers[0].reason == (
        "build/pai-v0.2.0-arm64.iso.minisig was changed after the sign step wrote it.")
    sig.write_bytes(good)
    assert {v.id: v for v in engine.views(ctx)}["sign"].status == "done"


def test_the_token_is_looked_at_once_per_run(ctx: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    """prepare() is what talks to the token (gpg: three processes, --card-status among them): the
    engine's check finds it ready and the run and the batch signer reuse that finding."""
    from services.signing.minisign import MinisignBackend

    calls: list[str] = []
    real = MinisignBackend.prepare

    def counted(self: MinisignBackend) -> Readiness:
        calls.append("prepare")
        return real(self)

    monkeypatch.setattr(MinisignBackend, "prepare", counted)
    ctx.prompter = NonInteractive(secrets={PASSPHRASE_OPTION: "open sesame"})
    evidence = engine.run_step(ctx, sign_step())
    assert len(evidence["signatures"]) == 2 and calls == ["prepare"]
    assert sign_step().plan(ctx).notes[0].startswith("Backend minisign")  # same context: reused
    assert calls == ["prepare"]


def test_a_policy_key_path_is_named_without_dot_dot(tmp_path: Path) -> None:
    from services.signing import resolve

    # what a plan shows for `key = "../token/id_tag_ed25519"`: the file, not the detour
    assert str(resolve(tmp_path / "pai", "../token/id_tag_ed25519")) == \
        str((tmp_path / "token" / "id_tag_ed25519").resolve())
    assert ".." not in str(resolve(tmp_path / "pai", "../token/id_tag_ed25519"))


def test_without_a_configured_key_the_sign_step_uses_minisigns_default(
        repo_path: Path, make_ctx: Callable[..., Context], monkeypatch: pytest.MonkeyPatch) -> None:
    """The project's own release.toml names no secret key (each maintainer's differs) and the
    step takes no key option in the TUI or ``next``: minisign's own default is where it looks."""
    keys = repo_path.parent / "token"
    minisign_keypair(keys)
    shutil.copy(keys / "minisign.pub", repo_path / "minisign.pub")
    write_policy(repo_path, MINISIGN_SIGNING.replace('secret_key = "keys/minisign.key"\n', ""))
    context = checksummed(make_ctx(), repo_path)
    default = Path.home() / ".minisign" / "minisign.key"
    with pytest.raises(BlockedError) as refused:
        engine.run_step(context, sign_step())
    assert f"there is none at {default} (minisign's own default)" in str(refused.value)
    assert not list((repo_path / "build").glob("*.minisig"))

    monkeypatch.setenv("MINISIGN_CONFIG_DIR", str(keys))  # minisign's own way to move it
    evidence = engine.run_step(make_ctx(), sign_step())  # a new command: a fresh look
    assert [s["reused"] for s in evidence["signatures"]] == [False, False]
    for iso in (repo_path / "build").glob("*.iso"):
        proc = subprocess.run(["minisign", "-Vm", str(iso), "-p", "minisign.pub"], cwd=repo_path,
                              capture_output=True, text=True, check=False)
        assert proc.returncode == 0, proc.stderr
