"""``changelog`` and ``migration`` commands: the document edits of the runbook, by hand.

With ``--file`` they work on any file, in or out of a repository, with no ``release.toml``: the tag
style comes from the file's own links and headings. Without it they use the repository's policy
(changelog and migration paths, tag format). ``--dry-run`` prints the diff and writes nothing; a
refused edit leaves the file byte-for-byte as it was and exits 1 naming the file.
"""

from __future__ import annotations

import argparse
import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from console.commands.common import add_group, context, yank_options
from console.json_envelope import json_flag
from console.output import print_json, say
from services.errors import ConsoleError, UsageError

if TYPE_CHECKING:
    import semver

    from services.changelog import Change, Changelog


def register(sub: argparse._SubParsersAction) -> None:
    commands = add_group(sub, "changelog", "edit CHANGELOG.md the way the release runbook does",
                         "Keep a Changelog edits that keep the file's own style: move, reopen, "
                         "section, yank, bump.", dest="changelog_command")

    p = commands.add_parser("move", help="move [Unreleased] under a new version heading",
                            description="Move the [Unreleased] entries under VERSION dated DATE "
                            "(default today, UTC) and update the footer links.")
    p.add_argument("version", metavar="VERSION", help="the version being released (1.4.0 or v1.4.0)")
    p.add_argument("--date", default="", help="release date, YYYY-MM-DD (default: today, UTC)")
    _file_and_dry_run(p)
    p.set_defaults(handler=cmd_move)

    p = commands.add_parser("reopen", help="re-add an empty [Unreleased] section",
                            description="Re-add an empty [Unreleased] section above the newest "
                            "version and its footer link <latest tag>...HEAD, written as the "
                            "file's git history last wrote them when there is one.")
    _file_and_dry_run(p)
    p.set_defaults(handler=cmd_reopen)

    p = commands.add_parser("section", help="print the body of one version's section",
                            description="Print the body of VERSION's section verbatim (the "
                            "release notes). VERSION may be 'Unreleased'.")
    p.add_argument("version", metavar="VERSION", help="the version (1.4.0), or 'Unreleased'")
    p.add_argument("--file", type=Path, default=None, metavar="PATH",
                   help="the changelog (default: the policy's changelog in the repository)")
    p.set_defaults(handler=cmd_section)

    p = commands.add_parser("yank", help="add the YANKED mark and note to a version",
                            description="Mark VERSION as yanked: the heading gets '— YANKED' "
                            "and the yank note (the reason, the replacement and a link to MIGRATION.md) goes "
                            "under it. Running it again changes nothing.")
    p.add_argument("version", metavar="VERSION", help="the version to mark, e.g. 1.2.0")
    yank_options(p)
    _file_and_dry_run(p)
    p.set_defaults(handler=cmd_yank)

    p = commands.add_parser("bump", help="print the bump the [Unreleased] entries call for",
                            description="Print major, minor or patch on the first line, then why.")
    p.add_argument("--file", type=Path, default=None, metavar="PATH",
                   help="the changelog (default: the policy's changelog in the repository)")
    json_flag(p)
    p.set_defaults(handler=cmd_bump)

    mcommands = add_group(sub, "migration", "check or add the MIGRATION.md section for a release",
                          "MIGRATION.md needs a section for each version transition, or a line "
                          "saying no migration is required (not enough for a MAJOR bump).",
                          dest="migration_command")
    for name, help_text, handler in (
        ("check", "check the section for FROM -> TO (exit 1 when missing)", cmd_migration_check),
        ("template", "print the template section for FROM -> TO", cmd_migration_template),
        ("add", "insert the template section for FROM -> TO", cmd_migration_add),
        ("none", "write the section for FROM -> TO as 'No migration required.' (the TUI's m; "
                 "refused for a MAJOR bump)", cmd_migration_none),
    ):
        p = mcommands.add_parser(name, help=help_text,
                                 description=f"{help_text[:1].upper()}{help_text[1:]}.")
        p.add_argument("from_version", metavar="FROM", nargs="?", help="the previous version "
                       "or tag ('none' for a first release; default: the release in progress's "
                       "last release)")
        p.add_argument("to_version", metavar="TO", nargs="?", help="the new version or tag "
                       "(default: the release in progress's)")
        p.add_argument("--file", type=Path, default=None, metavar="PATH",
                       help="the migration guide (default: the policy's MIGRATION.md)")
        if name in ("add", "none"):
            p.add_argument("--dry-run", action="store_true", help="print the diff; write nothing")
        p.set_defaults(handler=handler)


def _file_and_dry_run(p: argparse.ArgumentParser) -> None:
    p.add_argument("--file", type=Path, default=None, metavar="PATH",
                   help="the changelog (default: the policy's changelog in the repository)")
    p.add_argument("--dry-run", action="store_true", help="print the diff; write nothing")


@dataclass(frozen=True)
class Target:
    """The document a command works on, and the tag format to use for it."""

    path: Path
    display: str
    tag_format: str | None  # None: infer from the file
    pointer: str = ""  # how a refusal names another file: --file is this command's


def _target(args: argparse.Namespace, *, migration: bool = False) -> Target:
    from services.changelog.files import file_pointer

    what = "migration notes" if migration else "changelog"
    if args.file is not None:
        return Target(path=args.file, display=str(args.file), tag_format=None,
                      pointer=file_pointer(what, given=True))
    ctx = context(args)
    rel = ctx.policy.migration if migration else ctx.policy.changelog
    return Target(path=ctx.path(rel), display=rel, tag_format=ctx.policy.tag_format,
                  pointer=file_pointer(what, given=False))


def _load(target: Target) -> Changelog:
    from services import changelog

    return changelog.load(target.path, target.display, pointer=target.pointer)


def _finish(change: Change, dry_run: bool, display: str) -> int:
    if not change.changed:
        say(change.summary)
        return 0
    if dry_run:
        say(change.diff(display).rstrip("\n"))
        say(change.summary.replace("Move", "Would move", 1) if change.summary.startswith("Move")
            else change.summary)
        for note in change.notes:
            say(f"Note: {note}")
        say("(dry run: nothing was written)")
        return 0
    change.write()
    say(change.summary)
    for note in change.notes:
        say(f"Note: {note}")
    return 0


def names_a_version(handler: Callable[[argparse.Namespace], int]
                    ) -> Callable[[argparse.Namespace], int]:
    """A VERSION on the command line that is not one, or names no section of the file, is a
    usage error (exit 2, docs/cli.md: a value that names nothing); it exited 1 as a refusal."""
    from services.changelog import UnknownVersion

    @functools.wraps(handler)
    def run(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except UnknownVersion as err:
            raise UsageError(err.message, remedy=err.remedy) from None
    return run


@names_a_version
def cmd_move(args: argparse.Namespace) -> int:
    from services import changelog
    from services.session import utc_now

    target = _target(args)
    day = changelog.parse_date(args.date, target.display) if args.date else changelog.today(
        utc_now())
    doc = _load(target)
    change = changelog.move(doc, args.version, day, tag_format=target.tag_format)
    return _finish(change, args.dry_run, target.display)


def cmd_reopen(args: argparse.Namespace) -> int:
    from services import changelog

    target = _target(args)
    doc = _load(target)
    remembered = changelog.unreleased_from_history(target.path) if doc.unreleased is None else {}
    change = changelog.reopen(doc, tag_format=target.tag_format,
                              heading_text=remembered.get("unreleased_heading", ""),
                              link_label=remembered.get("unreleased_label", ""),
                              unreleased_url=remembered.get("unreleased_url", ""))
    return _finish(change, args.dry_run, target.display)


@names_a_version
def cmd_section(args: argparse.Namespace) -> int:
    import sys

    from services import changelog

    target = _target(args)
    sys.stdout.write(changelog.section(_load(target),
                                       args.version))
    return 0


@names_a_version
def cmd_yank(args: argparse.Namespace) -> int:
    from services import changelog
    from services.yank_choices import check_replacement

    target = _target(args)
    doc = _load(target)
    # As `yank` checks it: an older replacement sent users back without anyone saying so.
    check_replacement(args.version, args.replacement, allow_older=args.allow_older)
    change = changelog.yank(doc, args.version, args.reason, args.replacement)
    return _finish(change, args.dry_run, target.display)


def cmd_bump(args: argparse.Namespace) -> int:
    from services import changelog

    target = _target(args)
    prefer_higher = True
    if args.file is None:
        prefer_higher = context(args).policy.prefer_higher_bump
    decision = changelog.compute_bump(_load(target),
                                      prefer_higher=prefer_higher)
    if args.json:
        print_json(decision.to_json())
    else:
        say(decision.render())
    return 0


# --- migration ----------------------------------------------------------------------------------
def _migration_args(
        args: argparse.Namespace) -> tuple[Target, semver.Version | None, semver.Version, str, str]:
    from services import migration, versions

    target = _target(args, migration=True)
    _release_in_progress_pair(args)
    old, new = migration.parse_pair(args.from_version, args.to_version, target.display)
    fmt = target.tag_format

    def tag(text: str, version: semver.Version | None) -> str:
        if version is None:
            return ""
        if fmt is not None:
            return versions.tag_for(fmt, str(version))
        return text.strip() if text.strip()[:1] in {"v", "V"} else f"v{version}"

    return target, old, new, tag(args.from_version, old), tag(args.to_version, new)


def _release_in_progress_pair(args: argparse.Namespace) -> None:
    """FROM and TO left out name the release in progress's transition, as its migration step
    reads it: during a release the captain typed both again (the blocker spelled them out)."""
    if args.from_version is not None and args.to_version is not None:
        return
    typed = f"release-console migration {args.migration_command}"
    if args.from_version is not None:
        raise UsageError(f"`{typed} {args.from_version}` names FROM but not TO; nothing was "
                         "read or written.", remedy=f"Give both, e.g. `{typed} "
                         f"{args.from_version} TO`, or neither during a release.")
    from services import channels

    ctx = context(args)
    session = ctx.session
    if session is None:
        raise UsageError(f"No release is in progress, so `{typed}` needs FROM and TO; nothing "
                         "was read or written.",
                         remedy=f"Give them, e.g. `{typed} v1.2.0 v1.3.0`.")
    if not session.previous_tag:
        raise UsageError(f"{session.tag} is a first release: there is no earlier version to "
                         "migrate from, and its migration step needs no section; nothing was "
                         "read or written.", remedy=f"To write one anyway: `{typed} none "
                         f"{channels.final_tag(ctx.policy, session)}`.")
    args.from_version = session.previous_tag
    args.to_version = channels.final_tag(ctx.policy, session)


def cmd_migration_check(args: argparse.Namespace) -> int:
    from services import migration

    target, old, new, old_tag, new_tag = _migration_args(args)
    doc = migration.read(target.path, target.display, pointer=target.pointer)
    result = migration.check(doc, old, new, old_tag=old_tag, new_tag=new_tag)
    if not result.ok:
        raise ConsoleError(result.message, remedy=(
            f"`release-console migration add {args.from_version} {args.to_version}"
            f"{' --file ' + str(args.file) if args.file else ''}` inserts a template to fill in."
            if result.status == "missing" else ""))
    say(result.message)
    return 0


def cmd_migration_template(args: argparse.Namespace) -> int:
    from services import migration

    target, old, new, old_tag, new_tag = _migration_args(args)
    doc = migration.read(target.path, target.display, pointer=target.pointer)
    lines = migration.template(doc, old, new, old_tag=old_tag, new_tag=new_tag)
    say("\n".join(lines))
    return 0


def cmd_migration_add(args: argparse.Namespace) -> int:
    from services import migration

    target, old, new, old_tag, new_tag = _migration_args(args)
    doc = migration.read(target.path, target.display, pointer=target.pointer)
    change = migration.add_template(doc, old, new, old_tag=old_tag, new_tag=new_tag)
    code = _finish(change, args.dry_run, target.display)
    if not args.dry_run:
        say(f"Fill in the TODO lines under '{change.facts['heading']}' in {target.display}.")
    return code


def cmd_migration_none(args: argparse.Namespace) -> int:
    """The CLI's twin of the migration screen's ``m``: one command, not an editor session."""
    from services import migration, versions
    from services.errors import UsageError

    target, old, new, old_tag, new_tag = _migration_args(args)
    if old is not None and versions.is_major_bump(old, new):
        raise UsageError(f"{old_tag} -> {new_tag} is a MAJOR release: the migration guide must "
                         "give real steps, so 'No migration required.' is refused; nothing was "
                         "written.", remedy=f"`release-console migration add {args.from_version} "
                         f"{args.to_version}` inserts a template to fill in.")
    doc = migration.read(target.path, target.display, pointer=target.pointer)
    heading = migration.template(doc, old, new, old_tag=old_tag, new_tag=new_tag)[0]
    change = migration.save_section(doc, old, new, f"{heading}\n\nNo migration required.\n")
    if args.dry_run or not change.changed:
        return _finish(change, args.dry_run, target.display)
    change.write()  # said as done, not as the plan's "Add a migration section"
    say(f"Wrote '{heading}' with \"No migration required.\" to {target.display}.")
    return 0
