"""``[signing] publish_keys``: the release carries the public keys users verify with.

The minisign key attached is the one committed at the tag (an edited working copy is not what
users get), the review refuses a draft whose attached key differs, and an OpenPGP tag key is
exported by real gpg holding exactly the pinned key and nothing secret.
"""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from services.errors import BlockedError
from services.github import wiring
from services.public_keys import PublicKeyError, _export_problem
from services.step_protocol import Context, StepFailed
from tests import github_helpers
from tests.conftest import commit_file
from tests.github_helpers import (
    REPO,
    Sandbox,
    complete_steps_before,
    git,
    prepare_release,
    release_json,
    release_patches,
    run,
)
from tests.signing_keys import gpg_export, gpg_key, minisign_keypair, stop_gpg_agent

__all__ = ["stop_gpg_agent"]

Factory = Callable[..., Context]


def publishing(monkeypatch: pytest.MonkeyPatch, signing: str = 'backend = "minisign"') -> None:
    """The sandbox project's policy, its [signing] table publishing the keys."""
    policy = github_helpers.POLICY.replace('backend = "minisign"\n',
                                           f"{signing}\npublish_keys = true\n")
    monkeypatch.setattr(github_helpers, "POLICY", policy)


def attached(sandbox: Sandbox, name: str) -> bytes:
    rel = sandbox.github().get_repo(REPO).get_release(release_json(sandbox, "v0.2.0")["id"])
    asset = next(a for a in rel.get_assets() if a.name == name)
    _status, _headers, chunks = asset.download_asset()
    return b"".join(chunks)


@pytest.fixture
def keyed(make_ctx: Factory, repo_path: Path, sandbox: Sandbox, tmp_path: Path,
          monkeypatch: pytest.MonkeyPatch) -> tuple[Context, bytes]:
    """A release whose policy publishes the minisign key, a real one committed before the tag;
    returns the context and the committed key's bytes."""
    pub, _sec = minisign_keypair(tmp_path / "keys")
    commit_file(repo_path, "minisign.pub", pub.read_text(), "Pin the release key")
    publishing(monkeypatch)
    ctx = prepare_release(make_ctx, repo_path, sandbox)
    complete_steps_before(ctx, "draft")
    return ctx, pub.read_bytes()


def test_the_draft_attaches_the_key_committed_at_the_tag_not_the_working_copy(
        keyed: tuple[Context, bytes], repo_path: Path, sandbox: Sandbox, tmp_path: Path) -> None:
    ctx, committed = keyed
    other, _ = minisign_keypair(tmp_path / "other", "other")
    (repo_path / "minisign.pub").write_bytes(other.read_bytes())  # edited, not committed

    evidence = run(ctx, "draft")

    assert attached(sandbox, "minisign.pub") == committed
    assert attached(sandbox, "minisign.pub") != other.read_bytes()
    assert "minisign.pub" in {a["name"] for a in evidence["assets"]}
    review = run(ctx, "review")
    key = next(a for a in review["assets"] if a["name"] == "minisign.pub")
    assert key["kind"] == "public-key" and key["ok"]


def test_the_review_flags_an_attached_key_that_differs_and_publish_refuses(
        keyed: tuple[Context, bytes], sandbox: Sandbox, tmp_path: Path) -> None:
    ctx, committed = keyed
    run(ctx, "draft")
    run(ctx, "review")
    rel = sandbox.github().get_repo(REPO).get_release(release_json(sandbox, "v0.2.0")["id"])
    next(a for a in rel.get_assets() if a.name == "minisign.pub").delete_asset()
    # same size, another key: one character of the key line changed (a fresh keypair's
    # comment names its key id without leading zeros, so its size differed now and then)
    comment, key, *rest = committed.split(b"\n")
    swapped = key[:20] + (b"A" if key[20:21] != b"A" else b"B") + key[21:]
    forged = tmp_path / "forged" / "minisign.pub"
    forged.parent.mkdir()
    forged.write_bytes(b"\n".join([comment, swapped, *rest]))
    rel.upload_asset(str(forged), content_type="text/plain")

    problems = wiring.review_now(ctx, wiring.client_for(ctx)).problems
    assert any(p.startswith("minisign.pub on GitHub has sha256") for p in problems), problems
    since = len(sandbox.server.requests)
    with pytest.raises(StepFailed, match=r"minisign\.pub"):
        run(ctx, "publish")
    assert release_patches(sandbox, since) == []


def test_the_review_compares_with_the_tag_even_when_the_local_copy_was_edited(
        keyed: tuple[Context, bytes], sandbox: Sandbox) -> None:
    """The folder the draft uploads from is no authority: the review writes the tag's key
    there again, so a draft that carries the right key stays clean."""
    ctx, committed = keyed
    run(ctx, "draft")
    local = ctx.store.directory("v0.2.0") / "public-keys" / "minisign.pub"
    local.write_bytes(committed.replace(b"minisign public key", b"minisign public kex"))
    assert wiring.review_now(ctx, wiring.client_for(ctx)).problems == []
    assert local.read_bytes() == committed


def test_a_key_not_committed_at_the_tag_blocks_the_draft(
        make_ctx: Factory, repo_path: Path, sandbox: Sandbox,
        monkeypatch: pytest.MonkeyPatch) -> None:
    publishing(monkeypatch, 'backend = "minisign"\npublic_key = "keys/release.pub"')
    ctx = prepare_release(make_ctx, repo_path, sandbox)
    complete_steps_before(ctx, "draft")
    (repo_path / "keys").mkdir()
    (repo_path / "keys" / "release.pub").write_text("untrusted comment: not committed\n")

    with pytest.raises(BlockedError, match=r"keys/release.pub \(the minisign public key\) is "
                       "not committed at v0.2.0"):
        run(ctx, "draft")
    assert sandbox.requests("POST", "/releases") == []


@pytest.mark.usefixtures("stop_gpg_agent")
def test_the_openpgp_tag_key_is_exported_and_imported_before_verify_tag(
        make_ctx: Factory, repo_path: Path, sandbox: Sandbox, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    fingerprint = gpg_key()
    gpg_key("Someone Else <else@example.org>")  # in the keyring too: must not be published
    publishing(monkeypatch, f'backend = "minisign"\ntag_format = "openpgp"\n'
                            f'tag_key = "{fingerprint}"')
    ctx = prepare_release(make_ctx, repo_path, sandbox)
    complete_steps_before(ctx, "draft")

    run(ctx, "draft")

    asc = attached(sandbox, "pai-tag-key.asc")
    assert asc.startswith(b"-----BEGIN PGP PUBLIC KEY BLOCK-----")
    shown = _show(asc)
    assert [line.split(":")[9] for line in shown if line.startswith("fpr:")] == [fingerprint]
    assert not any(line.startswith(("sec:", "ssb:")) for line in shown)
    assert attached(sandbox, "minisign.pub") == git(repo_path, "show", "v0.2.0:minisign.pub") \
        .encode()
    assert run(ctx, "review")["clean"]


def _show(data: bytes) -> list[str]:
    proc = subprocess.run(["gpg", "--batch", "--with-colons", "--import-options", "show-only",
                           "--import"], input=data, capture_output=True, check=True)
    return proc.stdout.decode().splitlines()


@pytest.mark.usefixtures("stop_gpg_agent")
def test_an_export_holding_another_key_or_a_missing_key_is_refused() -> None:
    from services.public_keys import export_openpgp

    first, second = gpg_key(), gpg_key("Second <second@example.org>")
    both = (gpg_export(first) + gpg_export(second)).encode()
    assert "holds 2 keys" in _export_problem(both, first)
    assert _export_problem(gpg_export(second).encode(), first) == "holds another key"
    assert _export_problem(gpg_export(first).encode(), first) == ""
    with pytest.raises(PublicKeyError, match="is not in this machine's GnuPG keyring"):
        export_openpgp("0" * 40)


@pytest.mark.parametrize(("signing", "message"), [
    ('publish_keys = "yes"', "key 'signing.publish_keys' must be true or false"),
    ('public_key = "/etc/minisign.pub"\npublish_keys = true',
     "key 'signing.publish_keys' is true, but signing.public_key (/etc/minisign.pub) is not a "
     "file in the repository"),
    ('backend = "none"\ntag_format = "none"\npublish_keys = true',
     "nothing is signed with a key it could publish"),
])
def test_bad_publish_keys_policies_are_refused_in_one_sentence(
        tmp_path: Path, signing: str, message: str) -> None:
    from services.policy import load_policy
    from services.policy_reader import PolicyError

    path = tmp_path / "release.toml"
    path.write_text(f"[signing]\n{signing}\n")
    with pytest.raises(PolicyError) as err:
        load_policy(path)
    assert message in str(err.value)
    assert str(err.value).count(". ") == 0 or str(err.value).endswith(".")


def test_the_verification_block_points_at_the_attached_keys() -> None:
    from dataclasses import replace

    from services.notes import verification_block
    from services.policy import ArtifactSpec, Policy, ProjectPolicy

    fingerprint = "548C262D799ABF0B420181703FD10D1BE56BC186"
    policy = Policy(project=ProjectPolicy(name="PAI", repository=REPO),
                    artifacts=(ArtifactSpec("amd64", "pai-{tag}-amd64.iso"),),
                    signing_public_key="keys/minisign.pub", tag_key=fingerprint,
                    signing_publish_keys=True)
    block = verification_block(policy, tag="v1.0.0", version="1.0.0",
                               base_url="https://github.com/acme/pai")
    commands = block.split("```sh\n")[1].split("```")[0].splitlines()
    # the attached key is downloaded beside the files, under its own name
    assert commands == ["gpg --import pai-tag-key.asc",
                        "sha256sum -c pai-v1.0.0-amd64.iso.sha256",
                        "minisign -Vm pai-v1.0.0-amd64.iso -p minisign.pub"]
    assert "`minisign.pub`, attached to this release, is the project's public key" in block
    assert "(https://github.com/acme/pai/blob/v1.0.0/keys/minisign.pub)" in block
    assert f"fingerprint `{fingerprint}`, attached to this release as `pai-tag-key.asc`" in block

    tag_only = verification_block(replace(policy, artifacts=()), tag="v1.0.0", version="1.0.0")
    # imported where it was downloaded, then checked in the clone: two places, two blocks
    assert ("```sh\ngpg --import pai-tag-key.asc\n```\n\nIn a clone of the repository, check "
            "the signature of the tag v1.0.0:\n\n```sh\ngit verify-tag v1.0.0\n```") in tag_only

    gpg = verification_block(replace(policy, signing_backend="gpg", tag_key="",
                                     signing_fingerprint=fingerprint), tag="v1.0.0",
                             version="1.0.0")
    assert "gpg --import pai-release-key.asc\n" in gpg
    assert "pai-tag-key.asc" not in gpg  # one key signs both: one file


def test_the_summary_lists_the_published_key(keyed: tuple[Context, bytes]) -> None:
    import hashlib

    from services.summary import summarise

    ctx, committed = keyed
    for step in ("draft", "review", "publish"):
        run(ctx, step)
    summary = summarise(ctx.require_session())
    key = next(a for a in summary.assets if a.name == "minisign.pub")
    assert (key.sha256, key.size) == (hashlib.sha256(committed).hexdigest(), len(committed))
    # told apart from the artifacts listed above it
    assert f"  minisign.pub (public key)\n    sha256:{key.sha256}" in "\n".join(summary.lines())


def test_verify_uses_the_key_downloaded_beside_the_files(tmp_path: Path) -> None:
    """A user who downloaded the release, minisign.pub among its assets, verifies from
    anywhere: the key beside the files is the one the release carries."""
    from tests.conftest import run_cli

    pub, sec = minisign_keypair(tmp_path / "token")
    downloads = tmp_path / "Downloads"
    downloads.mkdir()
    iso = downloads / "pai-v1.0.0-amd64.iso"
    iso.write_bytes(b"an iso\n")
    subprocess.run(["sha256sum", iso.name], cwd=downloads, check=True,
                   stdout=(downloads / f"{iso.name}.sha256").open("wb"))
    subprocess.run(["minisign", "-S", "-s", str(sec), "-m", str(iso)], check=True,
                   capture_output=True)
    (downloads / "minisign.pub").write_bytes(pub.read_bytes())
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    done = run_cli("verify", str(iso), cwd=elsewhere)
    assert done.returncode == 0, done.stderr
    assert "pai-v1.0.0-amd64.iso: sha256 OK; signature OK" in done.stdout
    # OK says only that this key made them: which key, and what to compare it with
    said = " ".join(done.stdout.split())
    key_id = pub.read_text().splitlines()[0].split()[-1]  # "minisign public key ID"
    assert f"Checked with {downloads / 'minisign.pub'} (key id {key_id})" in said, said
    assert (", the key found beside the files, not a pinned one: compare it with minisign.pub "
            "in the project's repository at the release's tag.") in said

    other, _ = minisign_keypair(tmp_path / "other", "other")
    (downloads / "minisign.pub").write_bytes(other.read_bytes())  # not the signer's key
    refused = run_cli("verify", str(iso), cwd=elsewhere)
    assert refused.returncode == 1 and "Verification failed" in refused.stderr


def test_a_committed_key_that_did_not_make_the_signatures_stops_the_draft(
        keyed: tuple[Context, bytes], repo_path: Path, sandbox: Sandbox, tmp_path: Path) -> None:
    """The sign step checked the signatures with the working copy's key; the key users get is
    the tag's. Signed with another key, they could not verify a single download."""
    ctx, _committed = keyed
    _pub, sec = minisign_keypair(tmp_path / "other", "other")
    for iso in sorted((repo_path / "build").glob("*.iso")):
        Path(f"{iso}.minisig").unlink()
        subprocess.run(["minisign", "-S", "-s", str(sec), "-m", str(iso)], check=True,
                       capture_output=True)

    with pytest.raises(StepFailed, match=r"pai-v0\.2\.0-amd64\.iso\.minisig was made by minisign "
                       r"key [0-9A-F]{16}, but minisign\.pub committed at v0\.2\.0 is key "
                       r"[0-9A-F]{16}, so users could not verify it with the attached key; "
                       "nothing was uploaded"):
        run(ctx, "draft")
    assert sandbox.requests("POST", "/releases") == []


async def test_the_draft_screen_lists_the_key_read_at_the_tag(
        keyed: tuple[Context, bytes], repo_path: Path) -> None:
    from textual.widgets import DataTable

    from console.app import ReleaseConsoleApp
    from console.wiring import Options
    from screens.step import screen_for
    from tests.tui_helpers import settle

    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(screen_for("draft"))
        await settle(pilot)
        table = app.screen.query_one("#draft-assets", DataTable)
        assert [str(c) for c in table.get_row("minisign.pub")] == \
            ["minisign.pub", "read at the tag", "-"]
        await pilot.press("r")
        await settle(pilot)
        assert str(table.get_cell("minisign.pub", "progress")) == "uploaded"


@pytest.mark.parametrize("backend", ["gpg", "none"])
def test_an_ssh_tags_allowed_signers_is_never_called_the_files_key(backend: str) -> None:
    """gpg (or nothing) signs the files and ssh the tag: the allowed_signers attached is the
    tagger's, and the notes called it "the project's public key; download it with the files"
    (the first attached file key was taken, whatever the backend)."""
    from services.notes import verification_block
    from services.policy import ArtifactSpec, Policy, ProjectPolicy

    fingerprint = "548C262D799ABF0B420181703FD10D1BE56BC186"
    policy = Policy(project=ProjectPolicy(name="PAI", repository=REPO),
                    artifacts=(ArtifactSpec("amd64", "pai-{tag}-amd64.iso"),),
                    signing_backend=backend, tag_signing="ssh",
                    signing_fingerprint=fingerprint if backend == "gpg" else "",
                    signing_allowed_signers="allowed_signers", signing_publish_keys=True)
    block = verification_block(policy, tag="v1.0.0", version="1.0.0",
                               base_url="https://github.com/acme/pai")
    assert "the project's public key" not in block, block
    assert ("`allowed_signers`, attached to this release, lists the tagger's ssh key; the clone "
            "has it as `allowed_signers`") in block
    commands = block.split("```sh\n")[1].split("```")[0].splitlines()
    if backend == "gpg":
        assert "`pai-release-key.asc`, attached to this release, is the project's OpenPGP key" \
            in block
        assert commands[-1] == "gpg --verify pai-v1.0.0-amd64.iso.asc pai-v1.0.0-amd64.iso"


def test_the_signer_check_branches_on_the_keys_kind_not_its_words(tmp_path: Path) -> None:
    """The pre-upload check that the attached minisign key made the signatures was skipped
    unless the key's prose read exactly "minisign public key": a reworded description would have
    let signatures users cannot verify go up. The key's kind decides; its words are free."""
    from dataclasses import replace

    from services.policy import Policy, ProjectPolicy
    from services.public_keys import planned, signer_problem

    policy = Policy(project=ProjectPolicy(name="PAI", repository=REPO),
                    signing_public_key="minisign.pub", signing_publish_keys=True)
    key = replace(planned(policy)[0], what="release key (minisign)")
    assert key.kind == "minisign"
    pub, _sec = minisign_keypair(tmp_path / "pinned")
    _other, sec = minisign_keypair(tmp_path / "other", "other")
    iso = tmp_path / "pai.iso"
    iso.write_bytes(b"iso")
    subprocess.run(["minisign", "-S", "-s", str(sec), "-m", str(iso)], check=True,
                   capture_output=True)
    said = signer_problem(key, pub, [Path(f"{iso}.minisig")], "v1.0.0")
    assert said.startswith("pai.iso.minisig was made by minisign key "), said
    assert "so users could not verify it with the attached key" in said


def test_a_draft_refused_by_ci_and_run_again_journals_the_key_once(
        keyed: tuple[Context, bytes], sandbox: Sandbox) -> None:
    """The key is prepared (and checked) before the CI gate: every refused run journaled
    "public key prepared" again, the same key each time."""
    ctx, committed = keyed
    commit = ctx.repo.git("rev-parse", "v0.2.0^{commit}").strip()
    sandbox.server.add_status(REPO, commit, "ci/smoke", "failure")
    for _ in range(2):
        with pytest.raises(StepFailed, match="CI failed on the release commit"):
            run(ctx, "draft")
    prepared = [e for e in ctx.journal.entries() if e.get("action") == "public key prepared"]
    assert [e["outputs"]["name"] for e in prepared] == ["minisign.pub"]
    assert prepared[0]["outputs"]["sha256"] == hashlib.sha256(committed).hexdigest()
    assert sandbox.requests("POST", "/releases") == []
