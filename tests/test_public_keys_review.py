"""``[signing] publish_keys`` as a user verifying a download and a captain running the draft.

Found walking the demo release: the notes' tag block said a bare ``git verify-tag`` for an
ssh-signed tag, which a fresh clone refuses ("gpg.ssh.allowedSignersFile needs to be configured").
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from services import engine
from services.notes import verification_block
from services.policy import ArtifactSpec, Policy, ProjectPolicy
from services.step_protocol import Context, StepFailed
from services.steps import registry
from tests.conftest import commit_file, git
from tests.github_helpers import (
    REPO,
    Sandbox,
    complete_steps_before,
    prepare_release,
    release_json,
    run,
)
from tests.signing_keys import (
    allowed_signers,
    gpg_export,
    gpg_key,
    gpg_stop_agent,
    minisign_keypair,
    ssh_keypair,
    stop_gpg_agent,
)
from tests.test_public_keys import attached, keyed, publishing

__all__ = ["keyed", "stop_gpg_agent"]


def tag_block(block: str, tag: str) -> list[str]:
    """The commands of the notes' block that checks the tag, as a user copies them."""
    found = re.search(rf"the signature of the tag {re.escape(tag)}:\n\n```sh\n(.*?)```", block,
                      re.DOTALL)
    assert found is not None, block
    return found.group(1).splitlines()


def test_the_notes_verify_an_ssh_signed_tag_in_a_fresh_clone_as_written(
        repo_path: Path, tmp_path: Path) -> None:
    """The demo's tag is ssh-signed and its allowed_signers attached: the block's command, run
    as written in a fresh clone (no git configuration of the user's), must pass."""
    key, public = ssh_keypair(tmp_path / "ssh", "id_tag")
    allowed_signers(repo_path / "allowed_signers", "captain@pai.example", public)
    commit_file(repo_path, "allowed_signers", (repo_path / "allowed_signers").read_text())
    git(repo_path, "-c", "gpg.format=ssh", "-c", f"user.signingkey={key}", "tag", "-s",
        "v1.0.0", "-m", "PAI v1.0.0")
    policy = Policy(project=ProjectPolicy(name="PAI"), tag_signing="ssh",
                    signing_allowed_signers="allowed_signers", signing_publish_keys=True,
                    artifacts=(ArtifactSpec("amd64", "pai-{tag}-amd64.iso"),))
    commands = tag_block(verification_block(policy, tag="v1.0.0", version="1.0.0"), "v1.0.0")

    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(repo_path), str(clone))
    home = tmp_path / "home"  # the user's own git configuration: none
    home.mkdir()
    env = {**os.environ, "HOME": str(home), "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_CONFIG_GLOBAL": os.devnull}
    (clone / "apps").mkdir()  # wherever in the clone the user is
    for command in commands:
        proc = subprocess.run(["sh", "-c", command], cwd=clone / "apps", env=env,
                              capture_output=True, text=True, check=False)
        assert proc.returncode == 0, (command, proc.stderr)
    assert any("verify-tag v1.0.0" in c for c in commands)


def test_a_key_attached_by_hand_with_other_bytes_is_refused_and_kept(
        keyed: tuple[Context, bytes], sandbox: Sandbox, tmp_path: Path) -> None:
    """Someone replaced minisign.pub on the draft by hand: running the draft again must not
    delete it and upload the tag's key over it, but stop and say so."""
    ctx, committed = keyed
    run(ctx, "draft")
    rel = sandbox.github().get_repo(REPO).get_release(release_json(sandbox, "v0.2.0")["id"])
    next(a for a in rel.get_assets() if a.name == "minisign.pub").delete_asset()
    forged, _ = minisign_keypair(tmp_path / "forged", "minisign")
    rel.upload_asset(str(forged), content_type="text/plain")
    with pytest.raises(StepFailed) as reviewed:  # the review says where that leads first
        run(ctx, "review")
    assert "if it is wrong, delete it from the draft on GitHub, then" in str(reviewed.value)
    engine.redo_step(ctx, registry()["draft"], "key replaced by hand")
    since = len(sandbox.server.requests)

    with pytest.raises(StepFailed) as caught:
        run(ctx, "draft")

    said = str(caught.value)
    assert ("the draft for v0.2.0 already carries minisign.pub with other bytes" in said
            and "nothing was uploaded" in said and "delete it from the draft on GitHub" in said)
    assert attached(sandbox, "minisign.pub") == forged.read_bytes() != committed
    assert [r for r in sandbox.server.requests[since:] if r.method in ("DELETE", "POST")] == []



BASE = """[project]
name = "PAI"
[[artifacts.files]]
arch = "amd64"
name = "{artifact}"
[checksums]
combined = "SHA256SUMS"
[signing]
publish_keys = true
"""


@pytest.mark.parametrize(("artifact", "signing", "said"), [
    ("minisign.pub", 'public_key = "minisign.pub"',
     "the minisign public key (minisign.pub) would be attached as minisign.pub, a name the amd64 "
     "artifact can have"),
    ("pai-{tag}.iso", 'public_key = "keys/SHA256SUMS"',
     "the minisign public key (keys/SHA256SUMS) would be attached as SHA256SUMS, a name the "
     "combined checksum list can have"),
    ("pai-{version}.pub", 'public_key = "pai-key.pub"',
     "would be attached as pai-key.pub, a name the amd64 artifact can have"),
    ("pai-release-key", 'backend = "gpg"\nfingerprint = "' + "AB" * 20 + '"',
     "the OpenPGP key that signs the files and tags would be attached as pai-release-key.asc, a "
     "name the amd64 artifact's signature can have"),
    ("pai-{tag}.iso", 'public_key = "keys/release.pub"\ntag_format = "ssh"\n'
     'ssh_key = "/k/id"\nallowed_signers = "ssh/release.pub"',
     "the ssh allowed signers file (ssh/release.pub) and the minisign public key "
     "(keys/release.pub) would both be attached as release.pub"),
])
def test_a_key_asset_named_like_another_file_is_refused_in_one_sentence(
        tmp_path: Path, artifact: str, signing: str, said: str) -> None:
    """GitHub holds one asset per name: a key named like an artifact, a checksum or signature
    file would be downloaded as the other (or swapped with it on every draft run)."""
    from services.policy import load_policy
    from services.policy_reader import PolicyError

    path = tmp_path / "release.toml"
    path.write_text(BASE.replace("{artifact}", artifact) + signing + "\n")
    with pytest.raises(PolicyError) as err:
        load_policy(path)
    message = str(err.value)
    assert said in message, message
    assert message.startswith(f"{path}: key 'signing.publish_keys' is true, but ")
    assert message.count(". ") == 0 and message.endswith("or remove publish_keys.")



def test_the_demo_and_the_consoles_own_policies_clash_with_nothing(tmp_path: Path) -> None:
    from console.demo import POLICY
    from services.policy import load_policy

    demo = tmp_path / "release.toml"
    demo.write_text(POLICY)
    own = Path(__file__).resolve().parents[1] / "release.toml"
    for path in (demo, own):
        assert load_policy(path).signing_publish_keys


@pytest.mark.parametrize("committed_is_tagger", [True, False])
def test_the_draft_checks_the_ssh_tag_with_the_allowed_signers_it_attaches(
        make_ctx: Callable[..., Context], repo_path: Path, sandbox: Sandbox, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, committed_is_tagger: bool) -> None:
    """The captain added the tagger's key to allowed_signers without committing it: the tag step
    verified with that working copy, but users get the committed file, which rejects the tag."""
    tagger, tagger_line = ssh_keypair(tmp_path / "ssh", "id_tag")
    _other, other_line = ssh_keypair(tmp_path / "ssh", "id_old")
    signers = repo_path / "allowed_signers"
    allowed_signers(signers, "captain@pai.example",
                    tagger_line if committed_is_tagger else other_line)
    commit_file(repo_path, "allowed_signers", signers.read_text())
    publishing(monkeypatch, f'backend = "minisign"\ntag_format = "ssh"\nssh_key = "{tagger}"\n'
               'allowed_signers = "allowed_signers"\nidentity = "captain@pai.example"')
    pub, _sec = minisign_keypair(tmp_path / "keys")
    commit_file(repo_path, "minisign.pub", pub.read_text(), "Pin the release key")
    ctx = prepare_release(make_ctx, repo_path, sandbox)
    complete_steps_before(ctx, "draft")
    git(repo_path, "-c", "gpg.format=ssh", "-c", f"user.signingkey={tagger}", "tag", "-f", "-s",
        "v0.2.0", "-m", "PAI v0.2.0")
    allowed_signers(signers, "captain@pai.example", tagger_line)  # the working copy: edited

    if committed_is_tagger:
        evidence = run(ctx, "draft")
        assert "allowed_signers" in {a["name"] for a in evidence["assets"]}
        return
    with pytest.raises(StepFailed) as caught:
        run(ctx, "draft")
    said = str(caught.value)
    assert ("the tag v0.2.0 does not verify with allowed_signers as committed at it" in said
            and "nothing was uploaded" in said and "release a new version" in said), said
    assert sandbox.requests("POST", "/releases") == []


@pytest.mark.usefixtures("stop_gpg_agent")
def test_the_online_machine_without_the_tag_key_is_told_how_to_get_it(
        make_ctx: Callable[..., Context], repo_path: Path, sandbox: Sandbox, tmp_path: Path,
        tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Air-gapped: the tag key lives on the signing workstation. The online machine's draft
    exports it from the user's own keyring ($GNUPGHOME): missing there, the draft stops before
    anything goes to GitHub, saying how to bring the public key over; imported, it is attached."""
    online = os.environ["GNUPGHOME"]
    # short, like conftest's: the agent's socket path must fit a unix socket's 108 bytes
    monkeypatch.setenv("GNUPGHOME", str(tmp_path_factory.mktemp("ws") / ".gnupg"))
    fingerprint = gpg_key()
    public = gpg_export(fingerprint)
    gpg_stop_agent()
    monkeypatch.setenv("GNUPGHOME", online)
    publishing(monkeypatch, f'backend = "minisign"\ntag_format = "openpgp"\n'
                            f'tag_key = "{fingerprint}"')
    pub, _sec = minisign_keypair(tmp_path / "keys")
    commit_file(repo_path, "minisign.pub", pub.read_text(), "Pin the release key")
    ctx = prepare_release(make_ctx, repo_path, sandbox)
    complete_steps_before(ctx, "draft")

    with pytest.raises(StepFailed) as caught:
        run(ctx, "draft")
    said = str(caught.value)
    assert (f"the OpenPGP key that signs the tag, {fingerprint}, is not in this machine's GnuPG "
            "keyring" in said and f"gpg --armor --export {fingerprint} > key.asc" in said
            and "gpg --import key.asc" in said), said
    assert sandbox.requests("POST", "/releases") == []

    subprocess.run(["gpg", "--batch", "--import"], input=public.encode(), check=True,
                   capture_output=True)  # into $GNUPGHOME, the online user's keyring
    run(ctx, "draft")
    asc = attached(sandbox, "pai-tag-key.asc")
    assert asc.startswith(b"-----BEGIN PGP PUBLIC KEY BLOCK-----") and b"PRIVATE" not in asc
