"""`--help` of every command says what it does and what it needs.

Walked as a captain who only has the command line: `smoke sign --help` printed options and no
sentence at all, `skip`, `abandon`, `checklist` and `github` listed bare positionals (`step`,
`tag`, `{show,tick}`), and `draft`, `publish` and `yank` never said they need a GitHub token or,
for the irreversible ones, `--yes` where there is no terminal to ask on.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from console.cli import build_parser, every_subcommand
from tests.conftest import run_cli

GLOBAL = {"repo", "config", "offline"}


def _own_arguments(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    return [a for a in parser._actions
            if not isinstance(a, argparse._HelpAction | argparse._SubParsersAction)
            and a.dest not in GLOBAL]


def test_every_command_has_a_description_and_every_argument_a_help_line() -> None:
    bare: list[str] = []
    for parser in every_subcommand(build_parser()):
        if not (parser.description or "").strip():
            bare.append(f"{parser.prog}: no description")
        for action in _own_arguments(parser):
            if not action.help or action.help == argparse.SUPPRESS:
                bare.append(f"{parser.prog}: {action.dest} has no help")
    assert not bare, bare


@pytest.mark.parametrize("command", ["draft", "publish", "review", "yank"])
def test_github_commands_say_they_need_a_token(command: str, tmp_path: Path) -> None:
    shown = run_cli(command, "--help", cwd=tmp_path)
    assert shown.returncode == 0
    text = " ".join(shown.stdout.split())
    assert "Needs " in text and "GITHUB_TOKEN" in text and "github login" in text


@pytest.mark.parametrize("command", [["next"], ["push"], ["publish"], ["yank"],
                                     ["bundle", "import"]])
def test_commands_that_ask_say_what_happens_without_a_terminal(command: list[str],
                                                               tmp_path: Path) -> None:
    shown = run_cli(*command, "--help", cwd=tmp_path)
    text = " ".join(shown.stdout.split())
    assert "no terminal" in text and "--yes" in text


def test_smoke_sign_help_says_what_a_sign_off_records(tmp_path: Path) -> None:
    text = " ".join(run_cli("smoke", "sign", "--help", cwd=tmp_path).stdout.split())
    assert "tested on real hardware" in text and "sha256" in text
