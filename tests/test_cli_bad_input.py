"""What a captain types often, typed wrong: one sentence, a non-zero exit, nothing changed.

Walked on the demo from the command line: `checklist tick 1` (the help's LIST defaults to
preflight) was refused as "invalid choice: '1'", a CHANGELOG whose `## [Unreleased` lost its
bracket was given a second `[Unreleased]` by `changelog reopen`, and `sign`/`verify` of a file
that is not there printed the signer or a "signature MISSING" line instead of naming the file.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import commit_file, git, run_cli

CHECKLIST_POLICY = '[checklist]\npreflight = ["Docs reflect the release", "Blog post drafted"]\n'


def _session(repo: Path) -> dict[str, object]:
    loaded: dict[str, object] = json.loads(
        (repo / ".release" / "v0.2.0" / "session.json").read_text())
    return loaded


@pytest.fixture
def started(repo_path: Path) -> Path:
    commit_file(repo_path, "release.toml", CHECKLIST_POLICY)
    assert run_cli("start", "0.2.0", cwd=repo_path).returncode == 0
    return repo_path


def test_checklist_tick_with_the_list_left_out_ticks_a_preflight_item(started: Path) -> None:
    ticked = run_cli("checklist", "tick", "2", cwd=started)
    assert ticked.returncode == 0, ticked.stderr
    assert "Ticked: Blog post drafted" in ticked.stdout
    checklist = _session(started)["data"]["checklist"]["preflight"]  # type: ignore[index]
    assert list(checklist) == ["Blog post drafted"]
    shown = run_cli("checklist", "show", cwd=started).stdout
    assert "[ ] 1. Docs reflect the release" in shown and "[✔] 2. Blog post drafted" in shown


def test_checklist_json_arguments_name_the_list_it_took(started: Path) -> None:
    document = json.loads(run_cli("checklist", "tick", "1", "--json", cwd=started).stdout)
    assert document["ok"] is True
    assert document["arguments"] == {"action": "tick", "list": "preflight", "item": "1"}


@pytest.mark.parametrize(("words", "said"), [
    (["7"], "No preflight checklist item '7'."),
    (["preflight", "Blog"], "No preflight checklist item 'Blog'."),
    (["postrelease", "1"], "Unknown checklist 'postrelease'; expected one of: preflight, "
                           "post_release."),
])
def test_checklist_tick_of_what_is_not_there_is_a_usage_error(started: Path, words: list[str],
                                                              said: str) -> None:
    before = (started / ".release" / "v0.2.0" / "session.json").read_bytes()
    refused = run_cli("checklist", "tick", *words, cwd=started)
    assert refused.returncode == 2, refused.stderr
    assert said in refused.stderr and "Traceback" not in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    assert (started / ".release" / "v0.2.0" / "session.json").read_bytes() == before


@pytest.mark.parametrize("heading", ["## [Unreleased", "## Unreleased]"])
@pytest.mark.parametrize("command", [["reopen"], ["move", "0.2.0"], ["bump"],
                                     ["section", "Unreleased"]])
def test_a_broken_unreleased_heading_is_named_and_the_file_kept(
        tmp_path: Path, heading: str, command: list[str]) -> None:
    changelog = tmp_path / "CHANGELOG.md"
    changelog.write_text(f"# Changelog\n\n{heading}\n\n### Fixed\n\n- A fix.\n\n"
                         "## [0.1.0] - 2026-01-02\n\n- First.\n")
    before = changelog.read_bytes()
    refused = run_cli("changelog", *command, "--file", str(changelog), cwd=tmp_path)
    assert refused.returncode == 1, refused.stdout
    assert f"line 3: '{heading}' is not an [Unreleased] heading" in refused.stderr
    assert "expected '## [Unreleased]'" in refused.stderr and "Traceback" not in refused.stderr
    assert changelog.read_bytes() == before


@pytest.mark.parametrize(("command", "nothing_was"), [
    (["sign"], "signed"), (["verify"], "verified"), (["verify", "--json"], "verified"),
    (["checksums"], "written"), (["checksums", "--check"], "checked")])
def test_a_file_that_is_not_there_is_named_before_anything_else(
        repo_path: Path, command: list[str], nothing_was: str) -> None:
    (repo_path / "dist").mkdir()
    (repo_path / "dist" / "app.tar.gz").write_bytes(b"built\n")
    refused = run_cli(*command, "dist/app.tar.gz", "dist/app.tgz", cwd=repo_path)
    assert refused.returncode == 2, refused.stdout + refused.stderr
    if "--json" in command:  # the error document, and nothing before it
        assert json.loads(refused.stdout)["error"]["exit_code"] == 2
    else:
        assert refused.stdout == ""  # no signer, no "signature MISSING" line before it
    assert refused.stderr.strip().splitlines() == [
        f"error: dist/app.tgz does not exist; nothing was {nothing_was}. Name the files as they "
        "are on disk."]
    assert sorted(p.name for p in (repo_path / "dist").iterdir()) == ["app.tar.gz"]
    assert git(repo_path, "status", "--porcelain") == "?? dist/\n"


@pytest.mark.parametrize("command", [["status"], ["smoke", "show"], ["journal", "show"],
                                     ["changelog", "bump"], ["review"]])
def test_a_json_form_of_its_own_is_one_document_when_refused(tmp_path: Path,
                                                             command: list[str]) -> None:
    """`status --json` outside a checkout printed nothing on stdout: a script had no document."""
    refused = run_cli(*command, "--json", cwd=tmp_path)
    assert refused.returncode == 1
    assert json.loads(refused.stdout) == {"schema": 1, "error": {
        "message": f"{tmp_path} is not a git repository.",
        "remedy": "Run the console inside your project's checkout, or pass --repo PATH.",
        "exit_code": 1}}
    assert "is not a git repository" in refused.stderr


def test_verify_json_that_fails_prints_its_report_once(repo_path: Path) -> None:
    (repo_path / "app.tar.gz").write_bytes(b"built\n")
    failed = run_cli("verify", "app.tar.gz", "--json", cwd=repo_path)
    assert failed.returncode == 1
    report = json.loads(failed.stdout)  # one document: the report, not an error one after it
    assert [f["file"] for f in report["files"]] == ["app.tar.gz"]
    assert "Verification failed for app.tar.gz." in failed.stderr


def test_a_hotfix_release_candidate_is_refused_at_start(repo_path: Path) -> None:
    """`start 0.1.1 --kind hotfix --channel rc` started v0.1.1-rc.1, a hotfix whose picks the
    `hotfix` command (and its --list, which the status line named) then refused."""
    refused = run_cli("start", "0.1.1", "--kind", "hotfix", "--channel", "rc", cwd=repo_path)
    assert refused.returncode == 1
    assert refused.stderr.strip().splitlines() == [
        "error: Hotfix 0.1.1-rc.1 is not the next patch of a shipped release: a hotfix is X.Y.Z "
        "with no pre-release or build part, so it has no release candidates. Start it as 0.1.1: "
        "`release-console hotfix 0.1.1 --pick SHA` (or `release-console start 0.1.1 --kind "
        "hotfix`)."]
    assert not (repo_path / ".release").exists()
    assert git(repo_path, "branch", "--list").split() == ["*", "main"]


@pytest.mark.parametrize(("where", "said"), [("nowhere", "does not exist"),
                                             ("a-file", "is a file, not a directory")])
def test_repo_that_names_no_directory_is_a_usage_error_as_config_is(
        repo_path: Path, tmp_path: Path, where: str, said: str) -> None:
    (tmp_path / "a-file").write_text("x\n")
    refused = run_cli("--repo", str(tmp_path / where), "status", cwd=repo_path)
    assert refused.returncode == 2  # `--config` naming no file was 2, `--repo` 1
    assert refused.stderr.strip().splitlines() == [
        f"error: {tmp_path / where} {said}; --repo names the project's checkout. Pass the "
        "directory that holds the repository."]
    config = run_cli("--config", str(tmp_path / "nowhere.toml"), "status", cwd=repo_path)
    assert config.returncode == 2


@pytest.mark.parametrize(("args", "said"), [
    (["start", "--bump", "huge"], "error: argument --bump: invalid choice: 'huge' (choose from "
     "'patch', 'minor', 'major'). See `release-console start --help`."),
    (["skip", "preflight"], "error: the following arguments are required: --reason. See "
     "`release-console skip --help`."),
    (["smoke", "sign", "--hardware", "x"], "error: the following arguments are required: "
     "--arch. See `release-console smoke sign --help`."),
])
def test_a_command_line_argparse_refuses_is_one_sentence(repo_path: Path, args: list[str],
                                                         said: str) -> None:
    """The usage block came first (four lines for `start`), the sentence after it."""
    refused = run_cli(*args, cwd=repo_path)
    assert refused.returncode == 2
    assert refused.stderr.splitlines() == [said]
    assert not (repo_path / ".release").exists()


def test_json_asked_on_a_command_line_argparse_refuses_gets_the_error_document(
        repo_path: Path) -> None:
    refused = run_cli("run", "preflight", "--json", "--dryrun", cwd=repo_path)
    assert refused.returncode == 2
    assert json.loads(refused.stdout) == {"schema": 1, "error": {
        "message": "unrecognized arguments: --dryrun.", "remedy": "See `release-console --help`.",
        "exit_code": 2}}


def test_checksums_combined_into_no_folder_writes_nothing(tmp_path: Path) -> None:
    """It wrote every FILE.sha256, then refused the list saying "nothing was written"."""
    (tmp_path / "app.tar.gz").write_bytes(b"built\n")
    refused = run_cli("checksums", "app.tar.gz", "--combined", "no-such-dir/SHA256SUMS",
                      cwd=tmp_path)
    assert refused.returncode == 3
    assert refused.stderr.strip().splitlines() == [
        f"error: Cannot write in {tmp_path / 'no-such-dir'}: No such file or directory; nothing "
        "was written. Check the directory exists and is writable."]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app.tar.gz"]


@pytest.mark.parametrize("option", ["--minisign-pub", "--allowed-signers"])
def test_a_key_file_that_is_not_there_is_named_not_blamed_on_the_artifact(
        repo_path: Path, option: str) -> None:
    """`verify --minisign-pub typo.pub` said "signature FAILED" and "Verification failed for
    app.tar.gz", as if the download were bad."""
    (repo_path / "app.tar.gz").write_bytes(b"built\n")
    refused = run_cli("verify", "app.tar.gz", option, "typo.key", cwd=repo_path)
    assert refused.returncode == 2
    assert refused.stdout == ""
    assert refused.stderr.strip().splitlines() == [
        f"error: typo.key ({option}) does not exist; nothing was verified. Give {option} "
        "the key file's path."]
    assert git(repo_path, "status", "--porcelain") == "?? app.tar.gz\n"


def test_verify_without_the_public_key_says_so_not_that_the_download_is_bad(
        tmp_path: Path) -> None:
    """Verifying the console's own v0.1.0 where it was downloaded (no minisign.pub there, no
    --minisign-pub): "✘ app.tar.gz: sha256 OK; signature FAILED (The public key … does not
    exist.)" and "Verification failed for app.tar.gz", exit 1, as if the download were bad."""
    (tmp_path / "app.tar.gz").write_bytes(b"built\n")
    refused = run_cli("verify", "app.tar.gz", cwd=tmp_path)
    assert refused.returncode == 2
    assert refused.stdout == ""
    assert refused.stderr.strip().splitlines() == [
        f"error: There is no public key to verify with: {tmp_path / 'minisign.pub'} does not "
        "exist; nothing was verified. Give --minisign-pub the project's key file (minisign.pub "
        "in its repository at the release's tag, or attached to the release), or run verify in "
        "a clone of the project."]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app.tar.gz"]


@pytest.mark.parametrize("command", ["verify", "sign", "checksums"])
def test_files_commands_refuse_a_repo_that_names_nothing(tmp_path: Path, command: str) -> None:
    """`verify FILE --repo /typo` went on outside any repository, with the defaults' pinned key."""
    (tmp_path / "app.tar.gz").write_bytes(b"built\n")
    refused = run_cli(command, "app.tar.gz", "--repo", str(tmp_path / "typo"), cwd=tmp_path)
    assert refused.returncode == 2
    assert refused.stdout == ""
    assert refused.stderr.strip().splitlines() == [
        f"error: {tmp_path / 'typo'} does not exist; --repo names the project's checkout. Pass "
        "the directory that holds the repository."]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app.tar.gz"]


def test_verify_of_a_folder_says_it_is_a_folder(repo_path: Path) -> None:
    """It said "sha256 NO CHECKSUM ...; signature MISSING (dist.minisig does not exist)"."""
    (repo_path / "dist").mkdir()
    refused = run_cli("verify", "dist", cwd=repo_path)
    assert refused.returncode == 2 and refused.stdout == ""
    assert refused.stderr.strip().splitlines() == [
        "error: dist is a folder, not a file; nothing was verified. Name the files in it "
        "(`dist/*`)."]
