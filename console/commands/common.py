"""Helpers shared by the subcommand modules."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from console.wiring import Options, build_context
from services.errors import UsageError
from services.step_protocol import Context


def context(args: argparse.Namespace, *, assume_yes: bool = False) -> Context:
    from console.prompts import TerminalPrompter

    options = Options.from_args(args)
    return build_context(options, TerminalPrompter(assume_yes=assume_yes))


def add_parser(sub: argparse._SubParsersAction, name: str, help_text: str,
               description: str = "") -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = sub.add_parser(
        name, help=help_text, description=description or help_text)
    return parser


def add_group(sub: argparse._SubParsersAction, name: str, help_text: str, description: str, *,
              dest: str) -> argparse._SubParsersAction:
    """A command made of actions (``changelog move``, ``migration check``): the actions' parsers
    are added to what this returns; the command alone prints its help and exits 2."""
    group = add_parser(sub, name, help_text, description)
    group.set_defaults(handler=lambda args: _help(group))
    actions: argparse._SubParsersAction = group.add_subparsers(
        dest=dest, metavar="ACTION", parser_class=type(group))
    return actions


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


# One flag, one explanation: `--yes` and `--passphrase-file` mean the same on every command that
# takes them, and their help said it four ways ("do not ask for confirmation", "... the plan is
# printed", "... the plan is still printed"), one of them untrue (`push --yes` printed no plan).
YES_HELP = "do not ask; the plan is still printed (needed without a terminal)"
PASSPHRASE_HELP = ("read the signing key's passphrase from PATH (mode 600) instead of asking, "
                   "or set RELEASE_CONSOLE_PASSPHRASE")
FORCE_HELP = "replace existing signatures (never done without it)"


def step_argument(parser: argparse.ArgumentParser) -> None:
    """STEP, the step a command acts on (``run``, ``skip``, ``redo``): one id, one explanation."""
    parser.add_argument("step", metavar="STEP", help="step id, as `status` lists them")


def reason_option(parser: argparse.ArgumentParser, what: str = "why") -> None:
    """``--reason``, required by every choice the journal keeps with its reason (``skip``,
    ``redo``, ``abandon``): ``what`` the captain says differs, where it goes does not."""
    parser.add_argument("--reason", required=True, help=f"{what}; recorded in the journal")


def yank_options(parser: argparse.ArgumentParser) -> None:
    """``--reason``, ``--replacement`` and ``--allow-older``, declared once for ``yank`` and
    ``changelog yank``: both write the same yank note and check the replacement the same way, and
    two hand copies of the options could drift (``changelog yank`` once lacked --allow-older)."""
    parser.add_argument("--reason", required=True, help="one line: why it is withdrawn")
    parser.add_argument("--replacement", required=True, metavar="VERSION",
                        help="the version users should use instead")
    parser.add_argument("--allow-older", action="store_true",
                        help="the replacement is older than the yanked version on purpose (a "
                        "downgrade)")


def require_passphrase_file(given: Path | str | None, nothing_was: str) -> None:
    """A ``--passphrase-file`` that names no file is a typo, refused before anything is signed:
    it was read only when the key asked for a passphrase, so with a key that needs none the
    option the captain typed was silently ignored. ``nothing_was`` finishes the sentence."""
    if not given:
        return
    path = Path(given)
    if path.is_file():
        return
    what = "is a folder, not a file" if path.is_dir() else "does not exist"
    shown = os.fspath(given)
    raise UsageError(f"{shown} (--passphrase-file) {what}; nothing was {nothing_was}.",
                     remedy="Give --passphrase-file the file that holds the key's passphrase.")
