"""``--json`` for commands that report in sentences: one JSON document on stdout, always.

``run``, ``next`` (each with ``--dry-run`` too), ``checklist``, ``skip``, ``redo``, ``journal
verify``, ``draft``, ``publish`` and ``yank`` print sentences for people. With ``--json`` the
same handler runs with its stdout captured, and one document is printed instead, including on
refusal (then ``ok`` is false, ``error`` holds the sentence and the exit code is the command's
usual one). Commands with a JSON form of their own (``bundle``, ``hotfix``, ``promote``,
``abandon``, ``yank``...) print their own document when they succeed and this envelope when they
are refused, so a script always parses one document. Commands outside the envelope with a
``--json`` of their own (``status``, ``verify``...) print
:func:`error_document` when refused. The schemas are in docs/cli.md.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from services.errors import ConsoleError

SCHEMA = 1
ENVELOPED = ("run", "next", "checklist", "journal", "draft", "publish", "yank", "bundle",
             "hotfix", "promote", "skip", "redo", "abandon")


# Enveloped commands that print a JSON document of their own when they succeed.
OWN_DOCUMENT: set[str] = set()


def json_flag(parser: argparse.ArgumentParser,
              help_text: str = "one JSON document on stdout (docs/cli.md)") -> None:
    """``--json``, worded the same on every command that takes it."""
    parser.add_argument("--json", action="store_true", help=help_text)


def add_json_flags(sub: argparse._SubParsersAction) -> None:
    """Give every enveloped command a ``--json`` flag if it has none of its own."""
    for name in ENVELOPED:
        parser = sub.choices.get(name)
        if parser is None:
            continue
        if _has_json_flag(parser):
            OWN_DOCUMENT.add(name)
        else:
            json_flag(parser)


def _has_json_flag(parser: argparse.ArgumentParser) -> bool:
    """Whether the command, or any of its subcommands (``bundle export``), has ``--json``."""
    for action in parser._actions:
        if "--json" in action.option_strings:
            return True
        if isinstance(action, argparse._SubParsersAction):
            return any(_has_json_flag(child) for child in action.choices.values())
    return False


def wants_envelope(args: argparse.Namespace) -> bool:
    if not getattr(args, "json", False) or args.command not in ENVELOPED:
        return False
    return not (args.command == "journal" and getattr(args, "action", "") == "show")


def run_enveloped(args: argparse.Namespace, handler: Callable[[argparse.Namespace], int]) -> int:
    """Run ``handler`` with stdout captured and print the one JSON document."""
    from console.output import one_line_each
    from services.errors import ConsoleError
    from services.secrets import scrub

    captured = io.StringIO()
    error: dict[str, Any] | None = None
    with contextlib.redirect_stdout(captured), one_line_each():
        try:
            code = handler(args)
        except ConsoleError as exc:
            code = exc.exit_code
            error = {"message": scrub(exc.message), "remedy": scrub(exc.remedy),
                     "exit_code": exc.exit_code}
    if error is None and args.command in OWN_DOCUMENT and _is_one_document(captured.getvalue()):
        sys.stdout.write(captured.getvalue())
        return code
    document: dict[str, Any] = {
        "schema": SCHEMA,
        "command": args.command,
        "arguments": {k: v for k, v in sorted(vars(args).items())
                      if k in {"step", "action", "list", "item", "dry_run", "tag", "step_id"}},
        "ok": code == 0,
        "exit_code": code,
        "output": [scrub(line) for line in captured.getvalue().splitlines()],
        "error": error,
    }
    sys.stdout.write(json.dumps(document, indent=2, default=str) + "\n")
    return code


def error_document(exc: ConsoleError) -> dict[str, Any]:
    """What a command with a JSON form of its own (``status``, ``review``, ``verify``, ``smoke
    show``, ``changelog bump``...) prints when it is refused: a script parsing stdout found
    nothing there (``status --json`` outside a repository, on a broken release.toml)."""
    from services.secrets import scrub

    return {"schema": SCHEMA, "error": {"message": scrub(exc.message),
                                        "remedy": scrub(exc.remedy),
                                        "exit_code": exc.exit_code}}


def _is_one_document(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True
