"""Helpers shared by the subcommand modules."""

from __future__ import annotations

import argparse

from console.wiring import Options, build_context
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
