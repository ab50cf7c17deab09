"""The second CLI audit's findings: a path typed wrong refused before anything is written or
signed, a folder or an empty file called what it is, a malformed or unknown value exiting 2 as
docs/cli.md's table says, and `status` blockers wrapped at the terminal's width.

Walked from the command line: `provenance --output /typo/dir/x.json` made the folders (as root it
made /nonexistent), `sign --passphrase-file /nonexistent` with a key that needs no passphrase
signed without a word, and `start 1.x` exited 1 as if the version had been checked and refused.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import tarfile
from pathlib import Path

import pytest

from tests.conftest import commit_file, git, run_cli
from tests.signing_keys import minisign_project


def _files(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (outside .git) and its bytes: what a refusal must leave."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".git" not in p.relative_to(root).parts}


@pytest.fixture
def started(repo_path: Path) -> Path:
    assert run_cli("start", "0.2.0", cwd=repo_path).returncode == 0
    return repo_path


def _one_line(refused: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in refused.stderr
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1, refused.stderr
    return lines[0]


# --- 1. provenance --output into a folder that is not there -----------------------------------

def test_provenance_output_into_no_folder_is_refused_and_makes_none(started: Path,
                                                                    tmp_path: Path) -> None:
    before = _files(started)
    target = tmp_path / "typo" / "dir" / "x.json"
    refused = run_cli("provenance", "--output", str(target), cwd=started)
    assert refused.returncode == 3  # as `bundle export --output` into no folder
    assert _one_line(refused) == (
        f"error: The folder {target.parent} does not exist; the provenance index was not "
        "written. Create it first or pick another --output.")
    assert not (tmp_path / "typo").exists()
    assert _files(started) == before  # nor a journal entry saying it was written


def test_provenance_output_naming_a_folder_writes_the_index_in_it(started: Path,
                                                                  tmp_path: Path) -> None:
    """It said the folder "has 5 hard links" and wrote nothing."""
    (tmp_path / "usb").mkdir()
    wrote = run_cli("provenance", "--output", str(tmp_path / "usb"), cwd=started)
    assert wrote.returncode == 0, wrote.stderr
    assert json.loads((tmp_path / "usb" / "provenance-index.json").read_text())["tag"] == "v0.2.0"


# --- 2. --passphrase-file naming no file, whatever the key --------------------------------------

def test_sign_refuses_a_passphrase_file_that_is_not_there_with_a_key_that_needs_none(
        repo_path: Path, tmp_path: Path) -> None:
    minisign_project(repo_path)  # a minisign key with no passphrase: the option was never read
    (repo_path / "app.tar.gz").write_bytes(b"built\n")
    refused = run_cli("sign", "app.tar.gz", "--passphrase-file", str(tmp_path / "nope.txt"),
                      cwd=repo_path)
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert refused.stdout == ""  # no signer shown either
    assert _one_line(refused) == (
        f"error: {tmp_path / 'nope.txt'} (--passphrase-file) does not exist; nothing was signed. "
        "Give --passphrase-file the file that holds the key's passphrase.")
    assert not (repo_path / "app.tar.gz.minisig").exists()
    signed = run_cli("sign", "app.tar.gz", cwd=repo_path)  # the same key without the typo
    assert signed.returncode == 0, signed.stderr
    assert (repo_path / "app.tar.gz.minisig").exists()


@pytest.mark.parametrize(("command", "nothing_was"), [
    (["next"], "run"), (["run", "preflight"], "run"), (["bundle", "export"], "exported")])
@pytest.mark.parametrize("given", ["nope.txt", "a-folder"])
def test_step_commands_refuse_a_passphrase_file_that_names_no_file(
        started: Path, command: list[str], nothing_was: str, given: str) -> None:
    (started / "a-folder").mkdir()
    before = _files(started)
    refused = run_cli(*command, "--passphrase-file", given, cwd=started)
    assert refused.returncode == 2, refused.stdout + refused.stderr
    what = "is a folder, not a file" if given == "a-folder" else "does not exist"
    assert _one_line(refused) == (
        f"error: {given} (--passphrase-file) {what}; nothing was {nothing_was}. Give "
        "--passphrase-file the file that holds the key's passphrase.")
    assert _files(started) == before


# --- 4. a folder to sign, an empty bundle ---------------------------------------------------

def test_sign_of_a_folder_says_it_is_a_folder(repo_path: Path) -> None:
    """It said "dist does not exist or is not a file" of a folder that was there."""
    (repo_path / "dist").mkdir()
    refused = run_cli("sign", "dist", cwd=repo_path)
    assert refused.returncode == 2 and refused.stdout == ""  # as verify of a folder
    assert _one_line(refused) == ("error: dist is a folder, not a file; nothing was signed. Name "
                                  "the files in it (`dist/*`).")


def test_an_empty_bundle_is_called_empty_not_cut_off(repo_path: Path) -> None:
    (repo_path / "bundle.tar").write_bytes(b"")
    refused = run_cli("bundle", "import", "bundle.tar", "--yes", cwd=repo_path)
    assert refused.returncode == 1
    assert _one_line(refused) == ("error: The bundle bundle.tar is empty (0 bytes); nothing was "
                                  "extracted. Copy the bundle again and compare its fingerprint.")
    assert not list(repo_path.glob(".release/*/session.json"))


def _paths(root: Path) -> list[str]:
    """Every file and folder under ``root`` outside .git: an empty folder made counts too."""
    return sorted(str(p.relative_to(root)) for p in root.rglob("*")
                  if ".git" not in p.relative_to(root).parts)


@pytest.mark.parametrize("bundle", ["empty", "garbage", "cut off", "no manifest"])
def test_a_refused_bundle_makes_no_release_folder(repo_path: Path, bundle: str) -> None:
    """Walked: an empty bundle was refused after an empty .release/ was made in the clone."""
    stick = repo_path.parent / "usb"
    stick.mkdir()
    tar = io.BytesIO()
    with tarfile.open(fileobj=tar, mode="w") as archive:
        info = tarfile.TarInfo("session.json")
        info.size = 2
        archive.addfile(info, io.BytesIO(b"{}"))
    data = {"empty": b"", "garbage": bytes(range(256)) * 40,
            "cut off": tar.getvalue()[:-1024], "no manifest": tar.getvalue()}[bundle]
    (stick / "bundle.tar").write_bytes(data)
    before = _paths(repo_path)
    refused = run_cli("bundle", "import", str(stick / "bundle.tar"), "--yes", cwd=repo_path)
    assert refused.returncode == 1 and "nothing was" in _one_line(refused)
    assert _paths(repo_path) == before
    assert not (repo_path / ".release").exists()


# --- 5. a malformed value or one that names nothing: exit 2 -------------------------------------

CHANGELOG = "# Changelog\n\n## [Unreleased]\n\n## [0.1.0] - 2026-01-02\n\n- First.\n"


@pytest.mark.parametrize(("args", "said"), [
    (["start", "1.x"], "'1.x' is not a SemVer version."),
    (["hotfix", "banana", "--pick", "HEAD"], "'banana' is not a SemVer version."),
    (["yank", "0.1.0", "--reason", "Broken", "--replacement", "banana", "--yes"],
     "The replacement 'banana' is not a version"),
    (["changelog", "section", "9.9.9"], "CHANGELOG.md has no section for version 9.9.9"),
    (["changelog", "section", "1.x"], "'1.x' is not a SemVer version, so it names no section"),
    (["changelog", "yank", "9.9.9", "--reason", "Broken", "--replacement", "9.9.10"],
     "CHANGELOG.md has no section for version 9.9.9; nothing was changed."),
    (["changelog", "move", "1.x"], "'1.x' is not a SemVer version, so CHANGELOG.md was not"),
    (["abandon", "v9.9.9", "--reason", "Typo"], "There is no release session for v9.9.9 here"),
    (["migration", "check", "1.x", "2.0.0"], "'1.x' is not a SemVer version, so no transition"),
    (["migration", "check", "1.0.0", "banana"], "'banana' is not a SemVer version, so no"),
    (["migration", "add", "1.x", "2.0.0"], "'1.x' is not a SemVer version, so no transition"),
    (["migration", "none", "none", "2.x"], "'2.x' is not a SemVer version, so no transition"),
])
def test_a_value_that_is_malformed_or_names_nothing_exits_2(repo_path: Path, args: list[str],
                                                            said: str) -> None:
    commit_file(repo_path, "CHANGELOG.md", CHANGELOG)
    before = _files(repo_path)
    refused = run_cli(*args, cwd=repo_path)
    assert refused.returncode == 2, refused.stderr
    assert said in _one_line(refused)
    assert _files(repo_path) == before
    assert git(repo_path, "status", "--porcelain") == ""


def test_a_version_that_parses_and_is_refused_still_exits_1(repo_path: Path) -> None:
    """The table's 1: the version was checked and refused as things stand."""
    refused = run_cli("start", "0.0.9", cwd=repo_path)
    assert refused.returncode == 1
    assert "is not greater than the last release v0.1.0" in _one_line(refused)


def test_abandon_of_a_finished_release_still_exits_1(started: Path) -> None:
    assert run_cli("abandon", "v0.2.0", "--reason", "Replanned", cwd=started).returncode == 0
    again = run_cli("abandon", "v0.2.0", "--reason", "Again", cwd=started)
    assert again.returncode == 1  # there is a session: it is refused, not unknown
    assert "The session for v0.2.0 is abandoned, not in progress" in _one_line(again)


# --- 6. status blockers wrapped at the terminal's width -----------------------------------------

def _blocked(repo: Path) -> None:
    """A release whose pre-flight is blocked by long sentences (a dirty tree, no pinned key)."""
    assert run_cli("start", "0.2.0", cwd=repo).returncode == 0
    (repo / "minisign.pub").unlink()
    (repo / "README.md").write_text("# Changed\n")


def _blocker_lines(out: str) -> list[list[str]]:
    """Each "- " blocker of `status` with the lines it continues on."""
    found: list[list[str]] = []
    for line in out.splitlines():
        if line.startswith("      - "):
            found.append([line])
        elif found and line.startswith("        ") and not line.startswith("         "):
            found[-1].append(line)
    return found


@pytest.mark.parametrize("columns", [None, "60"])
def test_status_wraps_blockers_at_the_width_with_a_hanging_indent(
        repo_path: Path, monkeypatch: pytest.MonkeyPatch, columns: str | None) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)  # not a terminal: 80
    _blocked(repo_path)
    shown = run_cli("status", cwd=repo_path, env={"COLUMNS": columns} if columns else None)
    assert shown.returncode == 0, shown.stderr
    width = int(columns or 80)
    document = json.loads(run_cli("status", "--json", cwd=repo_path).stdout)
    said = [str(b["reason"]) + (" " + str(b["remedy"]) if b.get("remedy") else "")
            for b in document["steps"][0]["blockers"]]
    blockers = _blocker_lines(shown.stdout)
    assert len(blockers) == len(said) and any(len(lines) > 1 for lines in blockers)
    for lines, text in zip(blockers, said, strict=True):
        assert all(len(line) <= width for line in lines), lines
        # the words as the JSON has them, none cut: the lines joined again give the sentence
        assert " ".join(line.strip() for line in lines)[2:] == re.sub(r"\s+", " ", text)
    assert not any("\n" in text for text in said)  # --json keeps each blocker one string


def _said(out: str, first: str) -> list[list[str]]:
    """Each line of ``out`` that starts with ``first``, with the lines right after it that
    continue it (indented under its text)."""
    found: list[list[str]] = []
    following = False
    for line in out.splitlines():
        if line.startswith(first):
            found.append([line])
            following = True
        elif following and line.startswith(" " * len(first)):
            found[-1].append(line)
        else:
            following = False
    return found


@pytest.mark.parametrize("columns", [None, "60"])
def test_the_next_and_blocked_lines_wrap_at_the_width(
        repo_path: Path, monkeypatch: pytest.MonkeyPatch, columns: str | None) -> None:
    """Walked: `status`'s blockers were wrapped, but its `Next:` line (the first blocker's remedy)
    and `run STEP --dry-run`'s `blocked:` lines still ran to 130 columns, cut mid-word."""
    monkeypatch.delenv("COLUMNS", raising=False)  # not a terminal: 80
    env = {"COLUMNS": columns} if columns else None
    width = int(columns or 80)
    assert run_cli("start", "0.2.0", cwd=repo_path).returncode == 0
    git(repo_path, "rm", "-q", "minisign.pub")  # a clean tree: the key's remedy comes first
    git(repo_path, "commit", "-q", "-m", "Drop the key")
    document = json.loads(run_cli("status", "--json", cwd=repo_path).stdout)
    blockers = document["steps"][0]["blockers"]
    said = [str(b["reason"]) + (" " + str(b["remedy"]) if b.get("remedy") else "")
            for b in blockers]
    status = run_cli("status", cwd=repo_path, env=env)
    assert status.returncode == 0, status.stderr
    [next_line] = _said(status.stdout, "Next: ")
    dry = run_cli("run", "preflight", "--dry-run", cwd=repo_path, env=env)
    assert dry.returncode == 1, dry.stderr
    blocked = _said(dry.stdout, "blocked: ")
    assert len(next_line) > 1 and any(len(lines) > 1 for lines in blocked)
    for lines in [next_line, *blocked]:
        assert all(len(line) <= width for line in lines), lines
    # the words as the JSON has them, none cut: the lines joined again give the sentence
    assert " ".join(line.strip() for line in next_line) == \
        f"Next: preflight — {blockers[0]['remedy']}"
    assert [" ".join(line.strip() for line in lines) for lines in blocked] == \
        [f"blocked: {text}" for text in said]


def test_changelog_yank_refuses_an_older_replacement_unless_allowed(repo_path: Path) -> None:
    """`yank` refused a downgrade without --allow-older; `changelog yank`, the same note written
    by hand, accepted one without a word."""
    commit_file(repo_path, "CHANGELOG.md", CHANGELOG.replace(
        "## [0.1.0]", "## [0.2.0] - 2026-02-03\n\n- Second.\n\n## [0.1.0]"))
    before = _files(repo_path)
    refused = run_cli("changelog", "yank", "0.2.0", "--reason", "Broken", "--replacement",
                      "0.1.0", cwd=repo_path)
    assert refused.returncode == 1
    assert _one_line(refused) == ("error: The replacement 0.1.0 is older than 0.2.0; nothing was "
                                  "changed. If users should go back to it on purpose, confirm "
                                  "the downgrade with --allow-older.")
    assert _files(repo_path) == before
    allowed = run_cli("changelog", "yank", "0.2.0", "--reason", "Broken", "--replacement",
                      "0.1.0", "--allow-older", cwd=repo_path)
    assert allowed.returncode == 0, allowed.stderr
    assert "should downgrade to 0.1.0" in (repo_path / "CHANGELOG.md").read_text()
