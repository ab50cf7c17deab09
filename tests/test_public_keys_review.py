"""``[signing] publish_keys`` as a user verifying a download and a captain running the draft.

Found walking the demo release: the notes' tag block said a bare ``git verify-tag`` for an
ssh-signed tag, which a fresh clone refuses ("gpg.ssh.allowedSignersFile needs to be configured").
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from services.notes import verification_block
from services.policy import ArtifactSpec, Policy, ProjectPolicy
from tests.conftest import commit_file, git
from tests.signing_keys import allowed_signers, ssh_keypair


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
