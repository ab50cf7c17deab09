"""``release-console verify`` on an older release's downloads, under ``[checksums] sign_combined``:
the combined list is recognised from the policy's name pattern itself (no session needed), and a
list signature is required unless the release record here, or the captain, says the release
was made before the option."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from services import engine
from services.signing import PASSPHRASE_OPTION
from services.signing.lists import match_list_name
from services.step_protocol import Context, NonInteractive
from services.steps import registry
from tests.conftest import git, run_cli
from tests.signing_keys import MINISIGN_SIGNING, POLICY_BASE, checksummed, minisign_project

SIGNED = 'combined = "SHA256SUMS"\nsign_combined = true\n'


def released(repo_path: Path, make_ctx: Callable[..., Context], base: str) -> Context:
    """Release v0.2.0 signed under ``base`` and finished: no release is in progress."""
    minisign_project(repo_path, passphrase="open sesame", base=base)
    ctx = checksummed(make_ctx(), repo_path)
    ctx.prompter = NonInteractive(secrets={PASSPHRASE_OPTION: "open sesame"})
    engine.run_step(ctx, registry()["sign"])
    ctx.record("test", "finished", update=lambda s: setattr(s, "state", "completed"))
    return ctx


def isos(ctx: Context) -> list[str]:
    return sorted(str(p.relative_to(ctx.root)) for p in (ctx.root / "build").glob("*.iso"))


def test_the_pattern_is_matched_reading_the_tag_or_version_out() -> None:
    assert match_list_name("SHA256SUMS-{tag}", "SHA256SUMS-v1.3.0").tag == "v1.3.0"  # type: ignore[union-attr]
    found = match_list_name("pai-{version}-{tag}.sums", "pai-1.3.0-v1.3.0.sums")
    assert found is not None and (found.version, found.tag) == ("1.3.0", "v1.3.0")
    assert match_list_name("SHA256SUMS-{tag}", "SHA256SUMS") is None
    assert match_list_name("{tag}.{tag}.sums", "v1.v2.sums") is None  # one tag, written twice
    assert match_list_name("SHA256SUMS", "SHA256SUMS") is not None


def test_a_list_named_with_its_tag_is_known_with_no_release_in_progress(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    """Review: the list's name came from the session in progress; with none, SHA256SUMS-v0.2.0
    was taken for a plain file (NO CHECKSUM) and its signature never checked."""
    ctx = released(repo_path, make_ctx, POLICY_BASE.replace(
        'combined = "SHA256SUMS"\n', 'combined = "SHA256SUMS-{tag}"\nsign_combined = true\n'))
    as_list = run_cli("verify", "build/SHA256SUMS-v0.2.0", cwd=ctx.root)
    assert as_list.returncode == 0, as_list.stdout + as_list.stderr
    assert as_list.stdout.startswith("✔ build/SHA256SUMS-v0.2.0: checksum list; signature OK")

    artifacts = run_cli("verify", *isos(ctx), cwd=ctx.root)
    assert artifacts.returncode == 0, artifacts.stdout + artifacts.stderr
    assert artifacts.stdout.count("; SHA256SUMS-v0.2.0 signature OK (") == 2

    (ctx.root / "build" / "SHA256SUMS-v0.2.0.minisig").unlink()  # still required: fail closed
    gone = run_cli("verify", isos(ctx)[0], cwd=ctx.root)
    assert gone.returncode == 1
    assert "SHA256SUMS-v0.2.0 signature MISSING (SHA256SUMS-v0.2.0.minisig does not exist" in (
        gone.stdout)


@pytest.fixture
def before_the_option(repo_path: Path, make_ctx: Callable[..., Context]) -> Context:
    """v0.2.0 released with an unsigned SHA256SUMS; then the policy turns sign_combined on."""
    ctx = released(repo_path, make_ctx, POLICY_BASE)
    (repo_path / "release.toml").write_text(
        POLICY_BASE.replace('combined = "SHA256SUMS"\n', SIGNED) + MINISIGN_SIGNING)
    git(repo_path, "commit", "-qam", "Sign SHA256SUMS from now on")
    return ctx


def test_an_older_release_made_before_the_option_verifies_by_its_record(
        before_the_option: Context) -> None:
    """Review: its downloads failed "signature MISSING" though that release never signed its list."""
    ctx = before_the_option
    ok = run_cli("verify", *isos(ctx), str(ctx.root / "build" / "SHA256SUMS"), cwd=ctx.root)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert ok.stdout.count(
        "; SHA256SUMS not signed (v0.2.0 was signed before sign_combined, by its record here)") == 2

    sums = ctx.root / "build" / "SHA256SUMS"  # a list the record does not know: fail closed
    sums.write_text(sums.read_text() + f"{'0' * 64}  other.iso\n")
    edited = run_cli("verify", isos(ctx)[0], cwd=ctx.root)
    assert edited.returncode == 1 and "SHA256SUMS signature MISSING" in edited.stdout


def test_without_the_record_a_missing_list_signature_fails_and_says_what_to_do(
        before_the_option: Context, tmp_path: Path) -> None:
    ctx = before_the_option
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    for path in [*(ctx.root / "build").iterdir(), ctx.root / "release.toml",
                 ctx.root / "minisign.pub"]:
        if path.suffix != ".sha256":  # as users download them: the list, the ISOs, signatures
            shutil.copy(path, downloads / path.name)
    iso = Path(isos(ctx)[0]).name
    refused = run_cli("verify", iso, cwd=downloads)
    assert refused.returncode == 1
    assert ("SHA256SUMS signature MISSING (SHA256SUMS.minisig does not exist; the policy signs "
            "its combined list ([checksums] sign_combined). If these files are from a release "
            "made before that, run verify again with --unsigned-list)") in refused.stdout

    accepted = run_cli("verify", iso, "--unsigned-list", cwd=downloads)
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert "; SHA256SUMS not signed (accepted with --unsigned-list)" in accepted.stdout
    # every download at once, the list among them (review: the list itself failed MISSING)
    everything = run_cli("verify", iso, "SHA256SUMS", "--unsigned-list", cwd=downloads)
    assert everything.returncode == 0, everything.stdout + everything.stderr

    # A list signature that is there must verify, --unsigned-list or not.
    (downloads / "SHA256SUMS.minisig").write_bytes((downloads / f"{iso}.minisig").read_bytes())
    forged = run_cli("verify", iso, "--unsigned-list", cwd=downloads)
    assert forged.returncode == 1 and "SHA256SUMS signature FAILED" in forged.stdout
