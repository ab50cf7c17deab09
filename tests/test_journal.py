"""The audit journal: the chain holds, and every kind of tampering is found and located."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from services import secrets
from services.journal import Journal
from services.session_lifecycle import ReleaseRequest, start_release
from services.step_protocol import Context
from tests.conftest import run_cli


@pytest.fixture
def journaled(repo_path: Path, make_ctx: Callable[..., Context]) -> Path:
    """A session with five journal entries."""
    ctx = make_ctx()
    start_release(ctx, ReleaseRequest(version="0.2.0"))
    for n in range(4):
        ctx.record("preflight", f"note {n}", inputs={"n": n}, outputs={"digest": f"sha256:{n}"})
    return repo_path / ".release" / "v0.2.0" / "journal.jsonl"


def lines(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines(keepends=True)


def verify(repo_path: Path) -> tuple[int, str]:
    result = run_cli("journal", "verify", cwd=repo_path)
    return result.returncode, result.stdout + result.stderr


def test_a_journal_of_one_entry_says_one_entry(repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    start_release(make_ctx(), ReleaseRequest(version="0.2.0"))
    code, text = verify(repo_path)
    assert code == 0, text
    assert "1 entry, chain intact" in text


def test_intact_journal_verifies(journaled: Path, repo_path: Path) -> None:
    code, text = verify(repo_path)
    assert code == 0, text
    assert "5 entries, chain intact" in text
    entry = json.loads(lines(journaled)[1])
    assert entry["actor"] == "Casey Captain <casey@example.org>"
    assert entry["time"] == "2026-11-21T12:00:00Z"
    assert set(entry) == {"seq", "time", "actor", "step", "action", "inputs", "outputs", "prev"}


def test_edited_entry_is_named(journaled: Path, repo_path: Path) -> None:
    content = lines(journaled)
    content[2] = content[2].replace(b"note 1", b"note X")
    journaled.write_bytes(b"".join(content))
    code, text = verify(repo_path)
    assert code == 1
    assert "line 4" in text  # the entry after the edited one no longer chains


def test_removed_entry_is_named(journaled: Path, repo_path: Path) -> None:
    content = lines(journaled)
    del content[1]
    journaled.write_bytes(b"".join(content))
    code, text = verify(repo_path)
    assert code == 1 and "line 2" in text


def test_reordered_entries_are_named(journaled: Path, repo_path: Path) -> None:
    content = lines(journaled)
    content[2], content[3] = content[3], content[2]
    journaled.write_bytes(b"".join(content))
    code, text = verify(repo_path)
    assert code == 1 and "line 3" in text


def test_truncated_journal_is_detected(journaled: Path, repo_path: Path) -> None:
    journaled.write_bytes(b"".join(lines(journaled)[:3]))
    code, text = verify(repo_path)
    assert code == 1 and "removed from the end" in text


def test_cut_off_last_line_is_detected(journaled: Path, repo_path: Path) -> None:
    data = journaled.read_bytes()
    journaled.write_bytes(data[:-20])
    code, text = verify(repo_path)
    assert code == 1 and "line 5" in text


def test_edited_last_entry_is_detected(journaled: Path, repo_path: Path) -> None:
    content = lines(journaled)
    content[-1] = content[-1].replace(b"note 3", b"note 9")
    journaled.write_bytes(b"".join(content))
    code, text = verify(repo_path)
    assert code == 1 and "line 5" in text and "edited" in text


def test_secrets_never_enter_the_journal(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "journal.jsonl")
    with pytest.raises(secrets.SecretKeyError, match="passphrase"):
        journal.append(actor="a", step="sign", action="x", inputs={"passphrase": "hunter22"})
    secrets.register("canary-7f3a9c")
    journal.append(actor="a", step="sign", action="x",
                   outputs={"message": "gpg said canary-7f3a9c was wrong"})
    assert b"canary-7f3a9c" not in (tmp_path / "journal.jsonl").read_bytes()
    assert journal.verify() == []


def test_scrub_masks_tokens_everywhere_and_short_secrets_as_words() -> None:
    secrets.register("ghp_0123456789abcdefghij")
    secrets.register("wrong")
    assert secrets.scrub("x=ghp_0123456789abcdefghijZZ") == "x=********ZZ"
    assert secrets.scrub("The passphrase is wrong; wrongly typed") == (
        "The passphrase is ********; wrongly typed")


def test_a_line_that_is_json_but_not_an_entry_is_named(journaled: Path, repo_path: Path) -> None:
    journaled.write_bytes(journaled.read_bytes() + b"[1, 2]\n")
    code, text = verify(repo_path)
    assert code == 1 and "line 6" in text and "not a journal entry" in text
    shown = run_cli("journal", "show", cwd=repo_path)
    assert shown.returncode == 1 and "line 6 is not a journal entry" in shown.stderr


def test_entries_written_after_the_session_are_counted_and_named(journaled: Path,
                                                                  repo_path: Path) -> None:
    """A kill between a journal write and the session's record leaves the file ahead of the
    session: verify counts what the file holds and says the rest is unrecorded, not fewer."""
    Journal(journaled).append(actor="Casey Captain <casey@example.org>", step="tag",
                              action="tagged", inputs={}, outputs={})
    code, text = verify(repo_path)
    assert code == 0, text
    assert "6 entries, chain intact" in text
    assert "The session records the first 5" in text


def test_with_no_release_in_progress_the_refusal_gives_the_command_to_type(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    """Walked by hand after two releases: `journal verify` said "say which session with --tag"
    and `journal verify --tag v9` (a typo) said to start a release."""
    from services.session_lifecycle import abandon_release

    for version in ("0.2.0", "0.3.0"):
        ctx = make_ctx()
        start_release(ctx, ReleaseRequest(version=version))
        abandon_release(make_ctx(), f"v{version}", "a rehearsal")
    for extra, first in (((), "No release is in progress, so `journal` needs to know which "
                              "session."),
                         (("--tag", "v9"), "There is no release session for v9 in this "
                                           "repository.")):
        refused = run_cli("journal", "verify", *extra, cwd=repo_path)
        said = " ".join(refused.stderr.split())
        assert refused.returncode == 1 and "Traceback" not in said
        assert first in said and "start" not in said
        assert "Name one with --tag, e.g. `release-console journal verify --tag v0." in said
        assert "(sessions here: v0.2.0, v0.3.0)" in said
    done = run_cli("journal", "verify", "--tag", "v0.3.0", cwd=repo_path)
    assert done.returncode == 0 and "chain intact" in done.stdout


def test_show_fits_80_columns_and_keeps_every_entrys_who_and_what(
        journaled: Path, repo_path: Path) -> None:
    """On one line each entry ran to 94 columns and its recorded values to hundreds, cut by an
    80-column terminal mid-word."""
    long_value = " ".join(f"word{n}" for n in range(40))
    Journal(journaled).append(actor="Casey Captain <casey@example.org>", step="notes",
                              action="done", inputs={}, outputs={"summary": long_value})
    shown = run_cli("journal", "show", cwd=repo_path)
    assert shown.returncode == 0, shown.stderr
    rows = shown.stdout.splitlines()
    assert max(len(row) for row in rows) <= 80, shown.stdout
    heads = [row for row in rows if row[:4].strip().isdigit()]
    assert [row.split()[0] for row in heads] == ["1", "2", "3", "4", "5", "6"]
    assert heads[5].split()[2:] == ["notes", "done"]
    after = rows[rows.index(heads[5]) + 1:]
    assert after[0].strip().startswith("by Casey Captain <casey@example.org>; summary=word0")
    assert " ".join(" ".join(after).split()).endswith("word38 word39")
