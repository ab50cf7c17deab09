"""``release-console``: the command line. With no command it opens the TUI.

Each group of subcommands lives in ``console/commands/<group>.py`` with a ``register`` function;
handlers import what they need when they run, so ``status`` never pays for Textual or PyGithub.
Exit codes: 0 ok; 1 blocked, refused or check failed, also for what the user named as things
stand (a bundle path already taken, a pick that is not a fix); 2 usage: the command line itself is
wrong (an unknown command or option, a missing argument, a value that names nothing, such as a
commit that does not exist, or input a step needs and the command line did not give); 3
environment (missing tool, unwritable dir, no network). docs/cli.md has the table.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from console import __version__

COMMAND_MODULES = (
    "session", "choices", "hotfix", "journal", "changelog", "signing", "github", "demo", "promote",
    "bundle",
)

Handler = Callable[[argparse.Namespace], int]


class Parser(argparse.ArgumentParser):
    """argparse that exits 2 with one sentence instead of a usage dump on error.

    It printed the usage block first (four lines for ``start``, the whole option list), the
    sentence last: one line naming what is wrong and where the help is, as every other refusal."""

    def error(self, message: str) -> None:  # type: ignore[override]
        said = message.rstrip(".")
        sys.stderr.write(f"error: {said}. See `{self.prog} --help`.\n")
        raise CommandLineRefused(f"{said}.", f"See `{self.prog} --help`.")


class CommandLineRefused(SystemExit):
    """Exit 2 for a command line argparse refuses, with its sentence: ``--json`` prints it as
    the error document, since a script asked for one (``run STEP --json --dryrun`` printed none)."""

    def __init__(self, message: str, remedy: str) -> None:
        super().__init__(2)
        self.message, self.remedy = message, remedy


def add_global_options(parser: argparse.ArgumentParser, *, after_command: bool = False) -> None:
    """--repo, --config and --offline: every command's and the TUI's.

    ``after_command`` adds them to a subcommand too (``bundle import FILE --offline``: a captain
    types the option where the thought comes, and was refused). There they default to SUPPRESS,
    so a value given before the command is not reset by the subcommand's own default."""
    target: argparse._ActionsContainer = parser
    if after_command:
        target = parser.add_argument_group("global options (before or after the command)")
    def default(value: object) -> object:
        return argparse.SUPPRESS if after_command else value

    target.add_argument("--repo", type=Path, default=default(Path.cwd()), metavar="PATH",
                        help="the project's git repository (default: the current directory)")
    target.add_argument("--config", type=Path, default=default(None), metavar="FILE",
                        help="policy file (default: release.toml at the repository root)")
    target.add_argument("--offline", action="store_true", default=default(False),
                        help="treat this machine as the air-gapped workstation (no network)")


def every_subcommand(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    """Every parser below ``parser`` (``bundle``, ``bundle import``...), each once (an alias
    names the same parser twice)."""
    found: dict[int, argparse.ArgumentParser] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                if id(child) not in found:
                    found[id(child)] = child
                    for below in every_subcommand(child):
                        found.setdefault(id(below), below)
    return list(found.values())


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="release-console",
        description="Walk a signed, auditable release one checklist step at a time. "
        "Run with no command to open the terminal UI.",
        epilog="Exit codes: 0 ok, 1 blocked or check failed, 2 usage error, 3 environment problem.",
    )
    parser.add_argument("--version", action="version", version=f"release-console {__version__}")
    add_global_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"console.commands.{name}")
        module.register(sub)
    from console.json_envelope import add_json_flags

    add_json_flags(sub)
    for command in every_subcommand(parser):
        add_global_options(command, after_command=True)
    return parser


def tui_arguments(argv: Sequence[str] | None) -> argparse.Namespace | None:
    """The global options when the command line names no command (the TUI opens), else None.

    Building the whole parser imports every command module and much of ``services`` (~0.1 s);
    the TUI needs none of it, and its first frame should not wait for it."""
    words = list(sys.argv[1:] if argv is None else argv)
    if any(w in ("-h", "--help", "--version") for w in words):
        return None
    quick = QuietParser(add_help=False)
    add_global_options(quick)
    try:
        args, rest = quick.parse_known_args(words)
    except argparse.ArgumentError:  # a malformed option: the whole parser says what is wrong
        return None
    return None if rest else args


class QuietParser(argparse.ArgumentParser):
    """Raises instead of printing and exiting: only :func:`tui_arguments`'s first look."""

    def error(self, message: str) -> NoReturn:
        raise argparse.ArgumentError(None, message)


def main(argv: Sequence[str] | None = None) -> int:
    from services.errors import ConsoleError

    try:
        args = tui_arguments(argv) or build_parser().parse_args(argv)
    except CommandLineRefused as refused:
        if "--json" in (sys.argv[1:] if argv is None else argv):
            from console.output import print_json

            print_json({"schema": 1, "error": {"message": refused.message,
                                               "remedy": refused.remedy, "exit_code": 2}})
        return 2
    handler: Handler | None = getattr(args, "handler", None)
    try:
        if handler is None:
            from console.tui import run_tui

            return run_tui(args)
        from console.json_envelope import run_enveloped, wants_envelope

        if wants_envelope(args):
            return run_enveloped(args, handler)
        return handler(args)
    except ConsoleError as exc:
        from console.output import error
        from services.secrets import scrub

        error(scrub(str(exc)))
        if getattr(args, "json", False):  # a command's own --json form: one document all the same
            from console.json_envelope import error_document
            from console.output import print_json

            print_json(error_document(exc))
        return exc.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("\ninterrupted; nothing more was done.\n")
        return 130
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except Exception as exc:  # a bug: show where, but never a secret (no locals, scrubbed)
        import traceback

        from services.secrets import scrub

        sys.stderr.write(scrub("".join(traceback.format_exception(exc))))
        sys.stderr.write("error: Release Console hit an unexpected error (a bug: please report "
                         "it); the session and journal are as the last finished action left "
                         "them.\n")
        return 70

