"""Channels as the policy defines them: SecAI (stable + candidate promoted on the same commit),
bao-kms-provider (tags without a leading v; rc, preview and stable) and Carapace (vX.Y.Z-previewN,
migration and rollback sections for stable releases only)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from services import channels, promote
from services.errors import ConsoleError
from services.policy import Policy, load_policy
from services.session_lifecycle import ReleaseRequest, resolve_version
from services.step_protocol import Context
from tests.conftest import commit_file, git, run_cli

SECAI = """
[channels.stable]
make_latest = true
[channels.candidate]
tag = "v{version}-rc.{n}"
prerelease = true
promotes_to = "stable"
"""

BAO = """
[versioning]
tag = "{version}"
[channels.stable]
make_latest = true
[channels.rc]
tag = "{version}-rc.{n}"
prerelease = true
promotes_to = "stable"
[channels.preview]
tag = "{version}"
prerelease = true
"""

CARAPACE = """
[project]
name = "carapace"
[release]
required_sections = []
[channels.stable]
make_latest = true
required_sections = ["Summary", "Breaking Changes", "Migration Steps", "Rollback Steps"]
[channels.preview]
tag = "v{version}-preview{n}"
prerelease = true
[artifacts]
dir = "dist"
[[artifacts.files]]
arch = "amd64"
name = "carapace-{version}-linux-amd64.tar.gz"
"""


def policy_at(tmp_path: Path, text: str) -> Policy:
    path = tmp_path / "release.toml"
    path.write_text(text)
    return load_policy(path)


def test_without_a_channels_table_stable_and_rc_are_the_defaults(tmp_path: Path) -> None:
    policy = policy_at(tmp_path, "")
    assert [c.name for c in policy.channels] == ["stable", "rc"]
    assert policy.channel("rc").promotes_to == "stable"


def test_secai_candidate_channel(tmp_path: Path) -> None:
    policy = policy_at(tmp_path, SECAI)
    assert [c.name for c in policy.channels] == ["stable", "candidate"]  # no built-in rc
    tags = ["v1.2.2", "v1.2.3-rc.1"]
    assert resolve_version(policy, tags, ReleaseRequest("1.2.3", channel="candidate")) == (
        "1.2.3-rc.2", "v1.2.3-rc.2")
    with pytest.raises(ConsoleError, match="Unknown channel 'rc'"):
        resolve_version(policy, tags, ReleaseRequest("1.2.3", channel="rc"))
    found = channels.channel_of_tag(policy, "v1.2.3-rc.1")
    assert found is not None and found.name == "candidate" and found.promotes_to == "stable"
    assert policy.channel("stable").make_latest and not policy.channel("candidate").make_latest


def test_bao_kms_provider_tags_without_v(tmp_path: Path) -> None:
    policy = policy_at(tmp_path, BAO)
    assert [c.name for c in policy.channels] == ["stable", "rc", "preview"]
    tags = ["0.1.0"]
    assert resolve_version(policy, tags, ReleaseRequest("0.2.0", channel="rc")) == (
        "0.2.0-rc.1", "0.2.0-rc.1")
    assert resolve_version(policy, tags, ReleaseRequest("0.2.0", channel="preview")) == (
        "0.2.0", "0.2.0")
    assert resolve_version(policy, tags, ReleaseRequest(bump="patch")) == ("0.1.1", "0.1.1")
    rc = channels.channel_of_tag(policy, "0.2.0-rc.1")
    assert rc is not None and rc.name == "rc"


def test_carapace_preview_records_its_own_version(repo_path: Path,
                                                  make_ctx: Callable[..., Context]) -> None:
    commit_file(repo_path, "release.toml", CARAPACE)
    git(repo_path, "tag", "v0.2.0-preview1")
    result = run_cli("start", "0.2.0", "--channel", "preview", cwd=repo_path)
    assert result.returncode == 0, result.stderr
    session = json.loads((repo_path / ".release" / "v0.2.0-preview2" / "session.json")
                         .read_text())
    assert session["version"] == "0.2.0-preview2" and session["channel"] == "preview"
    ctx = make_ctx()
    from services import artifacts

    assert [a.name for a in artifacts.for_session(ctx)] == [
        "carapace-0.2.0-preview2-linux-amd64.tar.gz"]
    assert channels.required_sections(ctx.policy, ctx.require_session()) == ()
    stable = ctx.require_session()
    stable.channel = "stable"
    assert channels.required_sections(ctx.policy, stable) == (
        "Summary", "Breaking Changes", "Migration Steps", "Rollback Steps")
    assert channels.final_version(ctx.require_session()) == "0.2.0"
    assert "rc" not in [c.name for c in ctx.policy.channels]


def test_a_carapace_preview_is_not_promoted(repo_path: Path,
                                            make_ctx: Callable[..., Context]) -> None:
    commit_file(repo_path, "release.toml", CARAPACE)
    git(repo_path, "tag", "v0.2.0-preview1")
    with pytest.raises(promote.PromoteError, match="belongs to the preview channel"):
        promote.local_checks(make_ctx(), "v0.2.0-preview1")


def test_channel_policy_mistakes_name_the_key(tmp_path: Path) -> None:
    with pytest.raises(ConsoleError, match=r"'channels\.rc\.promotes_to' names 'gold'"):
        policy_at(tmp_path, '[channels.rc]\npromotes_to = "gold"\n')
    with pytest.raises(ConsoleError, match="channel 'beta' is a pre-release and make_latest"):
        policy_at(tmp_path, "[channels.beta]\nprerelease = true\nmake_latest = true\n")
    with pytest.raises(ConsoleError, match=r"'channels\.nightly\.required_sections' must be a list"):
        policy_at(tmp_path, '[channels.nightly]\nrequired_sections = "Summary"\n')


def test_a_hotfix_on_an_older_line_does_not_take_latest(tmp_path: Path) -> None:
    """Walked by hand: hotfix 1.3.1 published with make_latest=true after 1.4.0, and GitHub's
    "latest" moved back to the older line for every user."""
    from services.github.expected import channel_flags, newer_release
    from services.session import Session

    policy = policy_at(tmp_path, SECAI)
    hotfix = Session(version="1.3.1", tag="v1.3.1", channel="stable", kind="hotfix",
                     created_at="2026-11-26T00:00:00Z")
    tags = ["v1.3.0", "v1.4.0-rc.1", "v1.4.0", "v1.3.1"]
    assert channel_flags(policy, hotfix, tags) == (False, "false")
    assert newer_release(policy, hotfix, tags) == "v1.4.0"
    # On the newest line (a newer rc alone does not count) it becomes latest as before.
    assert channel_flags(policy, hotfix, ["v1.3.0", "v1.3.1", "v1.4.0-rc.1"]) == (False, "true")
