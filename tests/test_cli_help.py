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


def _option_helps(option: str) -> dict[str, str]:
    """``{prog: help}`` of ``option`` on every command that has it."""
    found = {}
    for parser in every_subcommand(build_parser()):
        for action in parser._actions:
            if option in action.option_strings:
                found[parser.prog] = str(action.help)
    return found


def test_the_same_flag_is_explained_the_same_way_everywhere() -> None:
    """Walked: --yes was explained four ways (one untrue: `push --yes` printed no plan),
    --passphrase-file three, --replacement as "upgrade to" on one yank and "use instead" on the
    other."""
    from console.commands.common import FORCE_HELP, PASSPHRASE_HELP, YES_HELP
    from services.signing import PASSPHRASE_ENV

    yes = _option_helps("--yes")
    special = {"release-console tag", "release-console bundle import", "release-console journal"}
    assert {prog: text for prog, text in yes.items() if prog not in special} == {
        prog: YES_HELP for prog in yes if prog not in special}
    assert yes["release-console journal"] == f"repair: {YES_HELP}"
    assert "asks nothing" in yes["release-console tag"]  # the tag step never asks
    assert PASSPHRASE_ENV in PASSPHRASE_HELP
    assert all(text.startswith(PASSPHRASE_HELP)
               for text in _option_helps("--passphrase-file").values())
    assert set(_option_helps("--force").values()) == {FORCE_HELP}
    for option in ("--replacement", "--reason"):
        yanks = _option_helps(option)
        assert yanks["release-console yank"] == yanks["release-console changelog yank"], option


def test_both_yanks_take_their_options_from_one_declaration() -> None:
    """`yank` and `changelog yank` declared --reason, --replacement and --allow-older by hand, two
    copies that could drift (`changelog yank` once lacked --allow-older): each command's options
    are now the ones `yank_options` declares, word for word and flag for flag."""
    from console.commands.common import yank_options

    def declared(parser: argparse.ArgumentParser) -> list[tuple[object, ...]]:
        return [(tuple(a.option_strings), a.dest, a.help, a.metavar, a.required, a.default,
                 type(a)) for a in parser._actions
                if {"--reason", "--replacement", "--allow-older"} & set(a.option_strings)]

    one = argparse.ArgumentParser()
    yank_options(one)
    assert len(declared(one)) == 3
    commands = {p.prog: p for p in every_subcommand(build_parser())}
    for prog in ("release-console yank", "release-console changelog yank"):
        assert declared(commands[prog]) == declared(one), prog


def test_positionals_are_named_as_the_descriptions_name_them() -> None:
    """The descriptions say STEP, TAG, VERSION and FILE; the usage lines said step, tag..."""
    lower = []
    for parser in every_subcommand(build_parser()):
        for action in _own_arguments(parser):
            if not action.option_strings and not action.choices:
                name = action.metavar or action.dest
                if not str(name).isupper():
                    lower.append(f"{parser.prog} {name}")
    assert not lower, lower


def test_every_help_fits_80_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    parser = build_parser()
    wide = [f"{p.prog}: {line}" for p in (parser, *every_subcommand(parser))
            for line in p.format_help().splitlines() if len(line) > 80]
    assert not wide, wide
    # nor an option cut in two at the edge (`bundle import`'s "--without-" / "artifacts")
    cut = [f"{p.prog}: {line}" for p in (parser, *every_subcommand(parser))
           for line in p.format_help().splitlines() if line.rstrip().endswith("-")]
    assert not cut, cut


def test_descriptions_say_what_the_command_does_in_the_captains_words() -> None:
    """Walked: `changelog yank` put "the PAI note" under the heading (the demo project's name,
    not a thing a captain of another project knows), `provenance` sent to docs/signing.md for
    the file's name, and `review` never said it records the review step."""
    parser = build_parser()
    helps = {p.prog: " ".join(p.format_help().split()) for p in every_subcommand(parser)}
    assert not [prog for prog, text in helps.items() if "PAI" in text]
    assert "provenance-index.json" in helps["release-console provenance"]
    assert "record the result as the review step" in helps["release-console review"]
    for command in ("sign", "verify"):  # `--minisign-pub keys/x.pub` from a subfolder
        assert "relative PATH is taken from the repository's root" in helps[
            f"release-console {command}"]
    assert all(text.split(". ", 1)[0][:1].isupper() or text.split(". ", 1)[0][:1] == "`"
               for text in (p.description or "" for p in every_subcommand(parser))
               if not text.startswith(("login ", "show: "))), "a description starts lowercase"
