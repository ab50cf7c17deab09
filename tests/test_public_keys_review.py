"""``[signing] publish_keys`` as a user verifying a download and a captain running the draft.

Found walking the demo release: the notes' tag block said a bare ``git verify-tag`` for an
ssh-signed tag, which a fresh clone refuses ("gpg.ssh.allowedSignersFile needs to be configured").
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from services import engine
from services.notes import verification_block
from services.policy import ArtifactSpec, Policy, ProjectPolicy
from services.step_protocol import Context, StepFailed
from services.steps import registry
from tests.conftest import commit_file, git
from tests.github_helpers import REPO, Sandbox, release_json, run
from tests.signing_keys import allowed_signers, minisign_keypair, ssh_keypair
from tests.test_public_keys import attached, keyed

__all__ = ["keyed"]


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
    engine.redo_step(ctx, registry()["draft"], "key replaced by hand")
    since = len(sandbox.server.requests)

    with pytest.raises(StepFailed) as caught:
        run(ctx, "draft")

    said = str(caught.value)
    assert ("the draft for v0.2.0 already carries minisign.pub with other bytes" in said
            and "nothing was uploaded" in said and "delete it from the draft on GitHub" in said)
    assert attached(sandbox, "minisign.pub") == forged.read_bytes() != committed
    assert [r for r in sandbox.server.requests[since:] if r.method in ("DELETE", "POST")] == []

