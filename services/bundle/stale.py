"""What a bundle already at the export's path is, when it is not this export: never overwritten,
and named so the captain knows whether to delete it or to write beside it.

A bundle of the same tag written for an abandoned attempt, or by this release before its
hand-off was redone (`redo ... --bundle-lost`), must leave the stick: written beside it under
another name, the signing workstation could import the old one instead.
"""

from __future__ import annotations

from pathlib import Path

from services.bundle import crossing, tarstream
from services.bundle.manifest import Manifest, parse
from services.errors import BlockedError, ConsoleError
from services.step_protocol import Context


def taken(ctx: Context, target: Path, direction: str) -> BlockedError:
    """The refusal for ``target``, which exists and is not this export of ``direction``: exit 1,
    a refusal for what is on the stick (the path may be the default, typed by nobody), not a
    command line that is wrong (exit 2)."""
    tag = ctx.require_session().tag
    old = _manifest(target)
    if old is not None and (old.tag, old.direction) == (tag, direction):
        why = _written_before(ctx, old)
        if why:
            return BlockedError(f"{target} already exists: it is {why}, which the other "
                                "workstation must not import; a bundle is never overwritten.",
                                remedy="Delete it from the stick, then export again.")
    free = next(target.with_name(f"{target.stem}-{n}{target.suffix}") for n in range(2, 10_000)
                if not target.with_name(f"{target.stem}-{n}{target.suffix}").exists())
    return BlockedError(f"{target} already exists, and it is not this export (another state "
                        "of the release); a bundle is never overwritten.",
                        remedy=f"Move it aside or pass --output with another name (e.g. {free}).")


def _manifest(target: Path) -> Manifest | None:
    try:
        return parse(tarstream.scan(target).manifest_raw)
    except ConsoleError:
        return None


def _written_before(ctx: Context, old: Manifest) -> str:
    """Which earlier bundle of this tag ``old`` is, in words; "" when it is neither. Told by the
    journals, never by comparing times: a bundle going back to the online machine carries the
    signing workstation's clock, the session the online machine's."""
    from services.session_lifecycle import ABANDONED_ATTEMPT

    session = ctx.require_session()
    journal = crossing.lines(ctx.store.directory(session.tag) / "journal.jsonl")
    if 0 < old.journal_count < len(journal) and \
            crossing.line_hash(journal[old.journal_count - 1]) == old.journal_head:
        return (f"a bundle this release wrote earlier (at {old.created}), before its hand-off "
                "was redone as lost or damaged")
    if session.data.get(ABANDONED_ATTEMPT):  # its journal is not this one's: that attempt's
        return (f"the bundle of an earlier, abandoned attempt at {session.tag} (written "
                f"{old.created}; `abandon` said to delete it)")
    return ""
