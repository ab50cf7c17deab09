"""release.toml: good files, defaults, and each kind of bad file named precisely."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.policy import Policy, PolicyError, load_policy
from tests.conftest import run_cli

# The PAI runbook as a captain writes it (tests/fixtures/pai-release.toml): whatever the schema
# becomes, all of it must stay sayable.
EXAMPLE = Path(__file__).resolve().parent / "fixtures" / "pai-release.toml"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "release.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_missing_file_gives_pai_defaults(tmp_path: Path) -> None:
    policy = load_policy(tmp_path / "release.toml")
    assert policy.tag_for("1.4.0") == "v1.4.0"
    assert policy.changelog == "CHANGELOG.md" and policy.migration == "MIGRATION.md"
    assert [c.name for c in policy.channels] == ["stable", "rc"]
    assert policy.channel("rc").prerelease and policy.channel("stable").make_latest
    assert policy.source is None


def test_shared_pai_example_is_sayable() -> None:
    policy = load_policy(EXAMPLE)
    assert policy.project.repository == "example-org/pai"
    assert [a.filename(tag="v1.3.0", version="1.3.0", project="PAI") for a in policy.artifacts] \
        == ["pai-v1.3.0-amd64.iso", "pai-v1.3.0-arm64.iso"]
    assert policy.signing_backend == "minisign" and policy.signing_public_key == "minisign.pub"
    assert policy.tag_key == "0123456789ABCDEF0123456789ABCDEF01234567"
    # runbook section 5: minisign.pub "is also published on the GitHub Releases page"
    from services.public_keys import planned

    assert [k.name for k in planned(policy)] == ["minisign.pub", "pai-tag-key.asc"]
    assert policy.smoke_checks[2] == "runs Ollama"
    assert policy.title_for("v1.3.0", "1.3.0") == "PAI v1.3.0"
    assert policy.checklist_post_release[0] == "Announce on Mastodon"
    assert policy.version_references[0].pattern == "pai-v{version}-"
    assert policy.sla_hours == {"critical": 24, "high": 72}


def test_the_consoles_own_release_carries_its_keys_under_names_without_spaces() -> None:
    """Release Console's own policy publishes its keys; "Release Console" named the tag key
    "release console-tag-key.asc", a space GitHub rewrites in the URL the notes point at."""
    from dataclasses import replace

    from services.public_keys import planned

    own = load_policy(Path(__file__).resolve().parent.parent / "release.toml")
    assert [k.name for k in planned(own)] == ["minisign.pub"]  # tag_key is set before 0.1.0
    pinned = replace(own, tag_key="0123456789ABCDEF0123456789ABCDEF01234567")
    assert [k.name for k in planned(pinned)] == ["minisign.pub", "release-console-tag-key.asc"]


def test_a_project_with_no_name_gets_a_title_with_no_space_before_its_tag(
        tmp_path: Path) -> None:
    policy = load_policy(tmp_path / "release.toml")  # no policy file: no name, no repository
    assert policy.project_name == ""
    assert policy.title_for("v0.2.0", "0.2.0") == "v0.2.0"


def test_policy_is_immutable(tmp_path: Path) -> None:
    policy = load_policy(write(tmp_path, '[project]\nname = "X"\n'))
    with pytest.raises(AttributeError):
        policy.changelog = "OTHER.md"  # type: ignore[misc]
    assert isinstance(policy, Policy)


@pytest.mark.parametrize(("text", "expected"), [
    ("[project\nname = 1", "is not valid TOML"),
    ('[project]\nnmae = "x"\n', "unknown key 'project.nmae'; remove it or correct its "
     "spelling (keys allowed here are: default_branch, name, remote, repository)."),
    ('colour = "blue"\n', "unknown key 'colour'"),
    ("[project]\nname = 3\n", "key 'project.name' must be a string, but it is a number"),
    ('[versioning]\ntag = "release-{ver}"\n', "unknown placeholder {ver}"),
    ('[versioning]\ntag = "release"\n', "key 'versioning.tag' must contain {version}"),
    ('[versioning]\ntag = "v{version"\n', "unbalanced brace"),
    ('[signing]\nbackend = "pgp"\n', "key 'signing.backend' is 'pgp'; expected one of"),
    ("[smoke]\nchecks = [\"boots\", 3]\n", "key 'smoke.checks' must be a list of strings"),
    ('[artifacts]\nfiles = "x.iso"\n', "key 'artifacts.files' must be an array of tables"),
    ('[[artifacts.files]]\narch = "amd64"\nname = "a-{arch}-{flavour}.iso"\n',
     "key 'artifacts.files[0].name' uses unknown placeholder {flavour}"),
    ('[project]\nrepository = "just-a-name"\n', "must be 'owner/name'"),
    ('[workstation]\noffline = "yes"\n', "key 'workstation.offline' must be true or false"),
    ('[channels.rc]\nprerelease = 1\n', "key 'channels.rc.prerelease' must be true or false"),
    ('[versioning]\ntag = "v {version}"\n', "git does not accept as a tag name"),
    ('[versioning]\ntag = "../../escape-{version}"\n', "git does not accept as a tag name"),
    ('[channels.rc]\ntag = "rc:{version}-{n}"\n', "key 'channels.rc.tag' makes tags like"),
    ('[checksums]\nper_file = "SHA"\n', "key 'checksums.per_file' must contain {name}"),
    ('[[artifacts.files]]\nname = "a-{tag}.iso"\n', "key 'artifacts.files[0].arch' is required"),
    ('[[version_references]]\npath = "README.md"\n',
     "key 'version_references[0].pattern' is required"),
    ('[signing]\nfingerprint = "ABCD"\n', "must be a full OpenPGP fingerprint"),
    ('[signing]\ntag_key = "not-hex"\n', "key 'signing.tag_key' must be a full OpenPGP"),
    ('[security]\nsla_hours = { critical = "24" }\n', "for example critical = 24"),
])
def test_bad_policy_names_file_key_and_expectation(tmp_path: Path, text: str,
                                                   expected: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(PolicyError) as info:
        load_policy(path)
    message = str(info.value)
    assert str(path) in message
    assert expected in message


def test_non_utf8_policy_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "release.toml"
    path.write_bytes(b'[project]\nname = "\xff"\n')
    with pytest.raises(PolicyError, match="not UTF-8"):
        load_policy(path)


def test_cli_reports_bad_policy_without_traceback(repo_path: Path) -> None:
    (repo_path / "release.toml").write_text('[signing]\nbackend = "pgp"\n')
    result = run_cli("status", cwd=repo_path)
    assert result.returncode == 1
    assert "release.toml: key 'signing.backend'" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_committed_policy_gone_missing_is_refused_not_replaced_by_the_defaults(
        repo_path: Path) -> None:
    """Found walking the clear-errors standard: release.toml moved aside mid-release, and the
    changelog step ran and committed on the default policy (another repository, other keys)."""
    from tests.conftest import commit_file

    commit_file(repo_path, "release.toml", '[project]\nrepository = "acme/pai"\n')
    assert run_cli("start", "0.2.0", cwd=repo_path).returncode == 0
    (repo_path / "release.toml").unlink()
    session = (repo_path / ".release" / "v0.2.0" / "session.json").read_bytes()
    for command in (("status",), ("run", "preflight")):
        result = run_cli(*command, cwd=repo_path)
        assert result.returncode == 1
        assert result.stderr == (
            f"error: {repo_path / 'release.toml'} is missing, though the last commit has it; "
            "nothing runs on the defaults in its place. Restore it with `git checkout -- "
            "release.toml` (or commit its removal to release on the defaults).\n")
    assert (repo_path / ".release" / "v0.2.0" / "session.json").read_bytes() == session


def test_explicit_config_that_does_not_exist(repo_path: Path) -> None:
    result = run_cli("--config", "nope.toml", "status", cwd=repo_path)
    assert result.returncode == 2
    assert "nope.toml does not exist" in result.stderr


def test_ssh_tag_key_may_be_a_path(tmp_path: Path) -> None:
    policy = load_policy(write(tmp_path, '[signing]\ntag_format = "ssh"\n'
                               'tag_key = "~/.ssh/id_ed25519.pub"\n'))
    assert policy.tag_key == "~/.ssh/id_ed25519.pub"
