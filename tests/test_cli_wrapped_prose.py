"""The CLI's sentences fit the terminal: `run STEP --dry-run`'s plan (its summary, GitHub API
calls and `Note:` lines) and `status`'s "Every step is stopped" line are wrapped at the terminal's
width (80 when stdout is not one) with a hanging indent, never cutting a word; commands stay whole,
and `--json`'s envelope keeps each thing said on one line.

Walked from the command line at 80 columns: the tag step's key note ran to 150-300 columns,
`publish --dry-run`'s summary to 320, and "Every step is stopped: ..." to 200, each cut mid-word
by the terminal.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from itertools import takewhile
from pathlib import Path

import pytest

from services.session_lifecycle import ReleaseRequest, start_release
from services.step_protocol import Context
from tests.conftest import git, run_cli
from tests.signing_keys import build_artifacts, write_policy
from tests.test_cli_refusals import _said
from tests.test_journal_broken import tampered
from tests.test_smoke import SIGNING


def signed_by(repo: Path) -> str:
    return git(repo, "config", "user.name").strip() or "?"


def _joined(lines: list[str]) -> str:
    return " ".join(line.strip() for line in lines)


def _fits(lines: list[str], width: int) -> bool:
    """Each line within ``width``, but for one that holds a word too long for any line (a long
    path, never cut: it stays after the words before it)."""
    return all(len(line) <= width or any(len(word) > width - 24 for word in line.split())
               for line in lines)


def _api_calls(out: str) -> list[str]:
    """Each GitHub API call of a plan, its continuation lines (four columns in) joined again."""
    found: list[list[str]] = []
    following = False
    for line in out.splitlines():
        if line.startswith(("  GET ", "  POST ", "  PATCH ")):
            found.append([line])
            following = True
        elif following and line.startswith("    "):
            found[-1].append(line)
        else:
            following = False
    return [_joined(lines) for lines in found]


@pytest.mark.parametrize("columns", [None, "60"])
def test_dry_run_plans_wrap_their_prose_and_keep_commands_whole(
        repo_path: Path, monkeypatch: pytest.MonkeyPatch, columns: str | None) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)  # not a terminal: 80
    width = int(columns or 80)
    assert run_cli("start", "0.2.0", cwd=repo_path).returncode == 0
    enveloped = json.loads(run_cli("run", "draft", "--dry-run", "--json", cwd=repo_path).stdout)
    one_each = enveloped["output"]  # one line per thing said, as before wrapping
    notes = [line for line in one_each if line.startswith("Note: ")]
    calls = [line for line in one_each if line.startswith("  GET ") or line.startswith("  POST ")]
    assert any(len(line) > 100 for line in notes) and any(len(line) > 100 for line in calls)

    dry = run_cli("run", "draft", "--dry-run", cwd=repo_path,
                  env={"COLUMNS": columns} if columns else None)
    assert dry.returncode == 1, dry.stderr
    assert all(len(line) <= width for line in dry.stdout.splitlines()), dry.stdout
    wrapped = _said(dry.stdout, "Note: ")
    assert any(len(lines) > 1 for lines in wrapped)
    assert [_joined(lines) for lines in wrapped] == notes  # no word cut or lost
    assert _api_calls(dry.stdout) == [call.strip() for call in calls]

    tag = run_cli("run", "tag", "--dry-run", cwd=repo_path,
                  env={"COLUMNS": columns} if columns else None)
    commands = [line for line in tag.stdout.splitlines() if line.startswith("  $ ")]
    assert any(len(line) > width for line in commands)  # a command is never cut to fit
    assert all(len(line) <= width for line in tag.stdout.splitlines()
               if not line.startswith("  $ ")), tag.stdout


@pytest.mark.parametrize("columns", [None, "60"])
def test_status_wraps_every_step_is_stopped(
        repo_path: Path, monkeypatch: pytest.MonkeyPatch, columns: str | None) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    width = int(columns or 80)
    tampered(repo_path)
    problem = json.loads(run_cli("status", "--json", cwd=repo_path).stdout)["journal_problem"]
    status = run_cli("status", cwd=repo_path, env={"COLUMNS": columns} if columns else None)
    assert status.returncode == 0, status.stderr
    [stopped] = _said(status.stdout, "Every step is stopped: ")
    assert len(stopped) > 1 and _fits(stopped, width), stopped
    assert _joined(stopped).startswith(f"Every step is stopped: {problem} ")
    assert _fits(status.stdout.splitlines(), width), status.stdout


def test_smoke_sign_and_show_wrap_a_long_sign_off(
        repo_path: Path, make_ctx: Callable[..., Context],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Walked: a sign-off on "ThinkPad X1 Carbon gen 11, SanDisk Extreme 64 GB USB stick, ..."
    was said in 143 columns by `smoke sign` and 165 by `smoke show`, and a failed check's note in
    156, each cut mid-word."""
    monkeypatch.delenv("COLUMNS", raising=False)
    write_policy(repo_path, SIGNING)
    start_release(make_ctx(), ReleaseRequest(version="0.2.0"))
    build_artifacts(repo_path)
    hardware = ("ThinkPad X1 Carbon gen 11, SanDisk Extreme 64 GB USB stick, booted via UEFI "
                "with secure boot on")
    note = ("Ollama failed to load the model: the board's memory was too small for the default "
            "model in models.txt")
    signed = run_cli("smoke", "sign", "--arch", "amd64", "--hardware", hardware, "--pass",
                     "boots", "--fail", "runs Ollama", "--note", note, "--pass", "all",
                     cwd=repo_path)
    assert signed.returncode == 0, signed.stderr
    recorded = _said(signed.stdout, "Recorded ")[0] + \
        [line for line in signed.stdout.splitlines()[1:] if line.startswith("  ")
         and "sha256" not in line]
    assert _fits(recorded, 80) and len(recorded) > 1
    assert _joined(recorded) == f"Recorded the amd64 sign-off by {signed_by(repo_path)} on " \
        f"{hardware}."
    detail = json.loads(run_cli("smoke", "show", "--json", cwd=repo_path).stdout)[
        "architectures"][0]["detail"]
    shown = run_cli("smoke", "show", cwd=repo_path).stdout
    assert _fits(shown.splitlines(), 80), shown
    [status] = _said(shown, "✘ ")  # the arch once, in the sentence; its checks under it
    sentence = list(takewhile(lambda line: not line.startswith("    ["), status))
    assert _joined(sentence) == f"✘ {detail}"
    assert detail.startswith("amd64 failed the smoke check")
    assert f"[!] runs Ollama: fail — {note}" in " ".join(shown.split())


def test_checklist_and_journal_verify_wrap_their_sentences(
        repo_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`checklist show` and `tick` said a long item in one line, `journal verify` its path, its
    count and its head in 100 columns; each goes on under its text, the path never cut."""
    monkeypatch.delenv("COLUMNS", raising=False)
    item = ("The user documentation in docs/ and the README describe every option this release "
            "adds, and the screenshots show the new screens")
    write_policy(repo_path, f'[checklist]\npreflight = ["{item}"]\n')
    assert run_cli("start", "0.2.0", cwd=repo_path).returncode == 0
    ticked = run_cli("checklist", "tick", "1", cwd=repo_path).stdout
    [said] = _said(ticked, "Ticked: ")
    assert len(said) > 1 and _fits(said, 80) and _joined(said) == f"Ticked: {item}"
    shown = run_cli("checklist", "show", cwd=repo_path).stdout
    [row] = _said(shown, " [✔] 1. ")
    assert len(row) > 1 and _fits(row, 80), row
    assert _joined(row).startswith(f"[✔] 1. {item}  (")  # who ticked it and when, after it
    verified = run_cli("journal", "verify", cwd=repo_path).stdout
    journal = repo_path / ".release" / "v0.2.0" / "journal.jsonl"
    assert _fits(verified.splitlines(), 80), verified
    assert " ".join(verified.split()).startswith(f"{journal}: 2 entries, chain intact, head ")


def test_a_steps_long_evidence_wraps_under_its_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """After `next`, review's "release:" table ran to 196 columns and a sign-off's hardware to
    169; each goes on two columns in under its key, no word cut."""
    from console.commands.step_lines import evidence_lines

    monkeypatch.setenv("COLUMNS", "80")
    release = {"id": 4, "name": "PAI v1.3.0", "tag": "v1.3.0", "draft": True,
               "target": "23823dc185f3be038368a1f49cb9aa73fcad4889",
               "html_url": "http://127.0.0.1:46655/example-org/pai/releases/tag/untagged-4"}
    hardware = ("Demo Captain on ThinkPad X1 Carbon gen 11, SanDisk Extreme 64 GB USB stick, "
                "booted via UEFI with secure boot on at 2026-11-27T05:25:59Z")
    said = evidence_lines("release", release) + evidence_lines("signoffs", {"amd64": hardware}) \
        + evidence_lines("message", "MIGRATION.md says no migration is required for v1.2.0 -> "
                         "v1.3.0 (MIGRATION.md line 3).")
    lines = "\n".join(said).splitlines()
    assert len(lines) > len(said) and _fits(lines, 80), lines
    assert [" ".join(text.split()) for text in said] == [
        "release: " + ", ".join(f"{k}={v}" for k, v in release.items()),
        f"amd64: {hardware}",
        "message: MIGRATION.md says no migration is required for v1.2.0 -> v1.3.0 (MIGRATION.md "
        "line 3)."]


def test_hanging_keeps_a_texts_own_lines_and_its_commands_whole(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Walked: yank's note quotes the two-line banner it puts on GitHub, which wrapping ran into
    one paragraph; and `Next: \\`release-console` / `status\\`.` broke a command where a copy
    from the terminal would run half of it."""
    from console.output import hanging

    monkeypatch.setenv("COLUMNS", "40")
    banner = "put this banner at the top:\n> **YANKED** — Broken\n> Use **v1.3.1** instead."
    assert hanging(banner, "Note: ", " " * 6) == (
        "Note: put this banner at the top:\n      > **YANKED** — Broken\n"
        "      > Use **v1.3.1** instead.")
    assert hanging("Started v1.3.1 (channel stable). Next: `release-console status`.", "",
                   "  ") == "Started v1.3.1 (channel stable). Next:\n  `release-console status`."
    long = "Run `release-console redo smoke --reason \"session file edited\"` again."
    # too long for any line, it stays after the word before it, whole
    assert hanging(long, "", "  ").split("\n") == [
        "Run `release-console redo smoke --reason \"session file edited\"`", "  again."]
    path = "/tmp/a-project-deep-in/some/folder/.release/v1.3.0/journal.jsonl"
    assert hanging(f"{path}: 4 entries, chain intact.", "Remote origin: ", "  ") == \
        f"Remote origin: {path}:\n  4 entries, chain intact."


def test_a_refusal_is_wrapped_at_a_terminal_and_one_line_for_a_script(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    """Walked: `next` on a blocked step printed one line of 300 columns at the terminal, cut
    mid-word. A script reading stderr through a pipe still gets it on one line."""
    import os
    import pty
    import subprocess
    import sys

    start_release(make_ctx(), ReleaseRequest(version="0.2.0"))
    piped = run_cli("run", "publish", cwd=repo_path)
    assert piped.returncode == 1
    (line,) = piped.stderr.splitlines()
    assert line.startswith("error: ") and len(line) > 80
    main, child = pty.openpty()
    env = {**os.environ, "COLUMNS": "80", "NO_COLOR": "1"}
    with subprocess.Popen([sys.executable, "-m", "console", "run", "publish"], cwd=repo_path, env=env,
                          stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=child) as proc:
        os.close(child)
        chunks = []
        while True:
            try:
                chunk = os.read(main, 4096)
            except OSError:  # the console exited: the terminal has nothing more to read
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert proc.wait() == 1
    os.close(main)
    shown = b"".join(chunks).decode().replace("\r\n", "\n").rstrip("\n").splitlines()
    assert len(shown) > 1 and _fits(shown, 80), shown
    assert shown[0].startswith("error: ") and all(s.startswith(" " * 7) for s in shown[1:])
    assert _joined(shown) == line
