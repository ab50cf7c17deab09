"""A redo that would reopen an air-gapped hand-off: refused on the machine that imported its
bundle, and asked for on the machine that wrote it while the bundle is away.

Walked by hand: on the online machine, ``redo notes`` while the bundle was with the signing
workstation reopened the hand-off without a word; the signed bundle coming back was then refused
("the journals diverge"), and the signed release was lost. On the machine that imported a bundle,
reopening the step that bundle finished adds a journal entry the writing machine never gets, so
no bundle it writes can be imported there again.
"""

from __future__ import annotations

from services import workstation
from services.errors import ConsoleError
from services.session import Session
from services.step_protocol import Context

WRITTEN_ON = {"handoff-out": workstation.ONLINE, "handoff-back": workstation.OFFLINE}


class BundleAway(ConsoleError):
    """The redo reopens a hand-off whose bundle has left this machine: right only when the other
    machine never imported it (``redo --bundle-lost``, or yes to the TUI's question, which shows
    ``consequence``: the sentence without "Nothing was reopened", said before the answer)."""

    def __init__(self, consequence: str, *, remedy: str) -> None:
        super().__init__(f"{consequence} Nothing was reopened.", remedy=remedy)
        self.consequence = consequence


def check_redo(ctx: Context, session: Session, reopened: list[str], *,
               bundle_lost: bool = False) -> None:
    """Refuse (or ask about) ``reopened`` when it takes back a hand-off across the air gap."""
    if not workstation.air_gapped(ctx.policy):
        return
    here = workstation.this_side(ctx)
    other = workstation.other_machine(ctx.offline, air_gapped=True)
    for handoff, writer in WRITTEN_ON.items():
        if handoff not in reopened or not session.done(handoff):
            continue
        if writer != here:
            raise ConsoleError(
                f"This redo reopens the hand-off that {other} wrote and this machine imported: "
                f"an entry here that {other} never gets would make every bundle it writes "
                "after this one refused here. Nothing was reopened.",
                remedy="Go on with the release as imported (`release-console status`); a change "
                f"to what {other} did is made there, before its bundle is imported here.")
        if not bundle_lost:
            online = here == workstation.ONLINE
            lost = (", and the work done there on it (a signature, a tag) cannot come back"
                    if online else ": it goes on from the one it imported")
            rest = ("go on with the release from the bundle it sends back; a change after that "
                    "is a new version" if online else "nothing more is needed here: the release "
                    "goes on there")
            raise BundleAway(
                f"This redo reopens the hand-off whose bundle {session.tag} went to {other}: if "
                f"{other} imported it, every bundle written here after this redo is refused "
                f"there{lost}.",
                remedy=f"Only if {other} never imported that bundle (the copy was damaged or "
                f"lost), redo with --bundle-lost. Otherwise {rest}.")
