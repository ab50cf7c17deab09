"""The signed tag: git tag -s with GnuPG or ssh, verified with git verify-tag; refused when unsafe."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from services import engine
from services.errors import BlockedError
from services.session_lifecycle import ReleaseRequest, start_release
from services.step_protocol import Context
from services.steps import registry
from tests.conftest import git, run_cli
from tests.signing_keys import (
    advance_to,
    allowed_signers,
    gpg_key,
    ssh_keypair,
    write_policy,
)

pytestmark = pytest.mark.usefixtures("stop_gpg_agent")  # no stray gpg-agent after a test


def start(repo: Path, make_ctx: Callable[..., Context], signing: str) -> Context:
    write_policy(repo, signing)
    ctx = make_ctx()
    start_release(ctx, ReleaseRequest(version="0.2.0"))
    advance_to(ctx, "tag")
    return ctx


def test_openpgp_tag_is_made_and_verified(repo_path: Path, make_ctx: Callable[..., Context]
                                          ) -> None:
    fpr = gpg_key()
    ctx = start(repo_path, make_ctx, f'[signing]\nbackend = "none"\ntag_format = "openpgp"\n'
                f'tag_key = "{fpr}"\ntag_message = "PAI {{tag}}"\n')
    plan = registry()["tag"].plan(ctx)
    assert any(c.startswith(f"git tag -s -u {fpr} -m 'PAI v0.2.0' v0.2.0") for c in plan.commands)
    evidence = engine.run_step(ctx, registry()["tag"])
    assert evidence["signer"] == fpr
    assert evidence["object"] == git(repo_path, "rev-parse", "refs/tags/v0.2.0").strip()
    assert evidence["commit"] == git(repo_path, "rev-parse", "HEAD").strip()
    git(repo_path, "verify-tag", "v0.2.0")  # raises if git does not accept it
    body = git(repo_path, "cat-file", "-p", "v0.2.0")
    assert "\nPAI v0.2.0\n" in body and "-----BEGIN PGP SIGNATURE-----" in body


def test_the_openpgp_tag_plan_does_not_take_a_keyring_key_for_a_card(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    """Rehearsing the console's own release with a gpg key in a keyring: the plan said "pinentry
    asks for the card's PIN", and there was no card."""
    fpr = gpg_key()
    ctx = start(repo_path, make_ctx, f'[signing]\nbackend = "none"\ntag_format = "openpgp"\n'
                f'tag_key = "{fpr}"\n')
    assert registry()["tag"].plan(ctx).notes == [
        f"Signed by the pinned OpenPGP key {fpr}; pinentry asks for the card's PIN, or for the "
        "key's passphrase where it is kept in a keyring."]


def test_ssh_tag_is_made_and_verified(repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    _key, public = ssh_keypair(repo_path / "keys")
    allowed_signers(repo_path / "allowed_signers", "casey@example.org", public)
    ctx = start(repo_path, make_ctx, '[signing]\nbackend = "none"\ntag_format = "ssh"\n'
                'ssh_key = "keys/id_release"\nallowed_signers = "allowed_signers"\n'
                'identity = "casey@example.org"\n')
    evidence = engine.run_step(ctx, registry()["tag"])
    assert evidence["signer"].startswith("SHA256:")
    git(repo_path, "-c", f"gpg.ssh.allowedSignersFile={repo_path / 'allowed_signers'}",
        "verify-tag", "v0.2.0")
    assert "-----BEGIN SSH SIGNATURE-----" in git(repo_path, "cat-file", "-p", "v0.2.0")


def test_dirty_tree_and_existing_tag_are_refused(repo_path: Path,
                                                 make_ctx: Callable[..., Context]) -> None:
    fpr = gpg_key()
    ctx = start(repo_path, make_ctx, f'[signing]\nbackend = "none"\ntag_key = "{fpr}"\n')
    (repo_path / "build").mkdir()
    (repo_path / "build" / "pai.iso").write_text("build outputs do not count")
    (repo_path / "README.md").write_text("# Project\nedited\n")
    reasons = [b.reason for b in registry()["tag"].check(ctx)]
    assert reasons == ["The working tree has uncommitted changes: README.md."]
    with pytest.raises(BlockedError, match="uncommitted changes"):
        engine.run_step(ctx, registry()["tag"])
    git(repo_path, "checkout", "README.md")
    git(repo_path, "tag", "v0.2.0")  # someone made it by hand
    before = git(repo_path, "rev-parse", "refs/tags/v0.2.0")
    blocked = run_cli("tag", cwd=repo_path)
    assert blocked.returncode == 1 and "Tag v0.2.0 already exists" in blocked.stderr
    assert git(repo_path, "rev-parse", "refs/tags/v0.2.0") == before


def test_tag_key_without_secret_key_blocks_before_tagging(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    ctx = start(repo_path, make_ctx, '[signing]\nbackend = "none"\n'
                'tag_key = "0123456789ABCDEF0123456789ABCDEF01234567"\n')
    reasons = [b.reason for b in registry()["tag"].check(ctx)]
    assert reasons == ["The pinned OpenPGP key 0123456789ABCDEF0123456789ABCDEF01234567 is not in "
                       "your GnuPG keyring."]
    dry = run_cli("tag", "--dry-run", cwd=repo_path)
    assert dry.returncode == 1 and "git tag -s -u 0123456789ABCDEF" in dry.stdout
    assert "v0.2.0" not in git(repo_path, "tag")


def test_tag_goes_on_the_release_commit_or_nowhere(repo_path: Path,
                                                   make_ctx: Callable[..., Context]) -> None:
    """A commit made after signing, or a checkout of another commit, is never what gets tagged."""
    fpr = gpg_key()
    ctx = start(repo_path, make_ctx, f'[signing]\nbackend = "none"\ntag_key = "{fpr}"\n')
    release = git(repo_path, "rev-parse", "HEAD").strip()
    old = git(repo_path, "rev-parse", "v0.1.0^{commit}").strip()

    git(repo_path, "commit", "-q", "--allow-empty", "-m", "sneaky")
    sneaky = git(repo_path, "rev-parse", "HEAD").strip()
    reasons = [b.reason for b in registry()["tag"].check(ctx)]
    assert reasons == [f"HEAD is {sneaky[:12]} (sneaky), not the release commit {release[:12]} "
                       "(Release policy) that was built, tested and signed."]
    refused = run_cli("tag", "--yes", cwd=repo_path)
    assert refused.returncode == 1 and sneaky[:12] in refused.stderr
    assert release[:12] in refused.stderr
    assert "v0.2.0" not in git(repo_path, "tag")

    git(repo_path, "checkout", "-q", old)
    refused = run_cli("tag", "--yes", cwd=repo_path)
    assert refused.returncode == 1
    assert f"HEAD is detached at {old[:12]}; the release commit is {release[:12]}" in refused.stderr
    git(repo_path, "checkout", "-q", release)  # detached even at the right commit: refused
    assert "HEAD is detached" in registry()["tag"].check(ctx)[0].reason
    assert "v0.2.0" not in git(repo_path, "tag")

    git(repo_path, "checkout", "-q", "-B", "main", release)
    evidence = engine.run_step(ctx, registry()["tag"])
    assert evidence["commit"] == release
    assert git(repo_path, "rev-parse", "v0.2.0^{commit}").strip() == release


def test_without_a_recorded_release_commit_nothing_is_tagged(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    from services import tagging

    write_policy(repo_path, '[signing]\nbackend = "none"\ntag_format = "none"\n')
    ctx = make_ctx()
    start_release(ctx, ReleaseRequest(version="0.2.0"))
    assert [b.reason for b in tagging.head_blockers(ctx)] == [
        "No release commit is recorded for this session (pre-flight records it)."]


def test_ssh_tag_with_a_passphrase_protected_key(repo_path: Path, make_ctx: Callable[..., Context],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from services.errors import NeedsInput
    from services.signing import PASSPHRASE_OPTION
    from services.step_protocol import NonInteractive

    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    _key, public = ssh_keypair(repo_path / "keys", passphrase="tag pass")
    allowed_signers(repo_path / "allowed_signers", "casey@example.org", public)
    ctx = start(repo_path, make_ctx, '[signing]\nbackend = "none"\ntag_format = "ssh"\n'
                'ssh_key = "keys/id_release"\nallowed_signers = "allowed_signers"\n'
                'identity = "casey@example.org"\n')
    with pytest.raises(NeedsInput, match="Passphrase for the ssh key"):
        engine.run_step(ctx, registry()["tag"])
    assert "v0.2.0" not in git(repo_path, "tag")
    ctx.prompter = NonInteractive(secrets={PASSPHRASE_OPTION: "tag pass"})
    evidence = engine.run_step(ctx, registry()["tag"])
    assert evidence["signer"].startswith("SHA256:")
    git(repo_path, "-c", f"gpg.ssh.allowedSignersFile={repo_path / 'allowed_signers'}",
        "verify-tag", "v0.2.0")


def test_a_tag_git_cannot_sign_keeps_all_of_gits_error_lines(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    from dataclasses import replace

    from services import tagging

    fpr = gpg_key()
    ctx = start(repo_path, make_ctx, f'[signing]\nbackend = "none"\ntag_key = "{fpr}"\n')
    plan = replace(tagging.make_plan(ctx), key="0123456789ABCDEF0123456789ABCDEF01234567")
    with pytest.raises(tagging.TagError) as caught:
        tagging.create(ctx, plan)
    assert "error: gpg failed to sign the data" in caught.value.message
    assert "error: unable to sign the tag" in caught.value.message
    assert "v0.2.0" not in git(repo_path, "tag", "--list")


def test_a_tag_with_no_pinned_key_is_said_at_preflight_and_blocks_the_tag_step(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    """The project's own release.toml signs its tag with OpenPGP and pins no key: the captain
    learns it from pre-flight's plan, not first at the tag step after smoke and signing, and the
    tag step's plan shows no `-u ''`."""
    write_policy(repo_path, '[signing]\nbackend = "none"\ntag_format = "openpgp"\n')
    ctx = make_ctx()
    start_release(ctx, ReleaseRequest(version="0.2.0"))
    said = " ".join(registry()["preflight"].plan(ctx).notes)
    assert said.startswith(f"The tag step will be blocked: {repo_path / 'release.toml'} signs "
                           'the release tag with OpenPGP ([signing] tag_format = "openpgp") but '
                           "pins no key for it.")
    assert "Set [signing] tag_key (or fingerprint)" in said
    advance_to(ctx, "tag")
    plan = registry()["tag"].plan(ctx)
    assert "-u ''" not in plan.commands[0] and "-u '<signing.tag_key>'" in plan.commands[0]
    assert plan.notes == ["No OpenPGP key is pinned for the tag yet (signing.tag_key); nothing "
                          "is tagged until it is."]
    with pytest.raises(BlockedError, match="pins no key for it"):
        engine.run_step(ctx, registry()["tag"])
    assert git(repo_path, "tag", "--list", "v0.2.0") == ""


def test_next_says_after_pre_flight_that_no_tag_key_is_pinned(repo_path: Path) -> None:
    """Found rehearsing the console's own release by README (`next` again and again): the
    warning was only in pre-flight's plan, which `next` never shows, so the captain learnt it
    at the tag step, when pinning the key takes a commit after the release commit."""
    write_policy(repo_path, '[signing]\nbackend = "none"\ntag_format = "openpgp"\n')
    assert run_cli("start", "0.2.0", cwd=repo_path).returncode == 0
    ran = run_cli("next", cwd=repo_path)
    assert ran.returncode == 0, ran.stderr
    assert "✔ Pre-flight checks: done." in ran.stdout
    assert (f"Warning: The tag step will be blocked: {repo_path / 'release.toml'} signs the "
            'release tag with OpenPGP ([signing] tag_format = "openpgp") but pins no key for it.'
            ) in " ".join(ran.stderr.split())
    assert "Set [signing] tag_key (or fingerprint)" in " ".join(ran.stderr.split())
