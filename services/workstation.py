"""Which machine this is, and which side of the air gap a step belongs to.

The committed policy says *where* signing happens (``[signing] workstation = "air-gapped"``); both
machines share it, so it can never say which of them *this* one is. That is a machine-local fact:
``--offline``, ``RELEASE_CONSOLE_OFFLINE=1``, or ``offline = true`` in
``$XDG_CONFIG_HOME/release-console/workstation.toml`` (outside every repository).
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from services.errors import ConsoleError, UsageError
from services.policy import Policy
from services.session import Session
from services.step_protocol import Blocker, Context, Plan, Step

ONLINE = "online"
OFFLINE = "offline"
AIR_GAPPED = "air-gapped"
ENV_OFFLINE = "RELEASE_CONSOLE_OFFLINE"


def settings_path(environ: dict[str, str] | None = None) -> Path:
    """``$XDG_CONFIG_HOME/release-console/workstation.toml`` (``~/.config`` when unset)."""
    env = os.environ if environ is None else environ
    base = env.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(base) / "release-console" / "workstation.toml"


def env_offline(environ: dict[str, str] | None = None) -> bool:
    env = os.environ if environ is None else environ
    return env.get(ENV_OFFLINE, "").strip().lower() in {"1", "true", "yes"}


def settings_offline(path: Path | None = None) -> bool:
    """``offline`` from the machine-local settings file; a broken file is refused, not guessed."""
    path = path or settings_path()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return False
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(f"The workstation settings file {path} cannot be read ({exc}).",
                         remedy="Fix it (one line: `offline = true` or `offline = false`).") from None
    value = data.get("offline", False)
    if not isinstance(value, bool):
        raise UsageError(f"{path}: key 'offline' must be true or false, but it is {value!r}.")
    return value


def marked_offline() -> bool:
    """Whether this machine is offline without the flag (the environment or the settings), for
    advice only: a broken settings file counts as not marked (the next command names it)."""
    try:
        return env_offline() or settings_offline()
    except UsageError:
        return False


def is_offline(flag: bool = False) -> bool:
    """Whether this machine is the air-gapped one: the flag, the environment or the settings."""
    return flag or env_offline() or settings_offline()


def air_gapped(policy: Policy) -> bool:
    return policy.signing_workstation == AIR_GAPPED


def machine(offline: bool, *, air_gapped: bool = False) -> str:
    """What every sentence calls a machine: "the online machine", or "the signing workstation"
    ("the air-gapped signing workstation" where the air gap is the point, e.g. where a bundle
    goes). One wording, chosen here, not by hand at each sentence."""
    if not offline:
        return "the online machine"
    return "the air-gapped signing workstation" if air_gapped else "the signing workstation"


def other_machine(offline: bool, *, air_gapped: bool = False) -> str:
    """The machine that is not this one (``offline``: this is the signing workstation)."""
    return machine(not offline, air_gapped=air_gapped)


def bound_for(direction: str) -> str:
    """The machine a bundle of ``direction`` goes to ("to-offline": the signing workstation)."""
    return machine(direction == "to-offline", air_gapped=True)


def written_on(direction: str) -> str:
    """The machine that writes a bundle of ``direction`` ("to-online": the signing workstation)."""
    return machine(direction == "to-online", air_gapped=True)


def this_side(ctx: Context) -> str:
    return OFFLINE if ctx.offline else ONLINE


def other(side: str) -> str:
    return ONLINE if side == OFFLINE else OFFLINE


def side_of(step: Step) -> str:
    """The side a step runs on when signing is air-gapped (the catalogue says; default online)."""
    return getattr(step, "side", ONLINE) or ONLINE


def waits_for_other_side(ctx: Context, step: Step) -> Blocker | None:
    """A step of the other side, on this machine: it waits for the other workstation."""
    if not air_gapped(ctx.policy) or step.id.startswith("yank"):
        return None
    side = side_of(step)
    if side == this_side(ctx):
        return None
    if side == OFFLINE and imported_for_signing(ctx):
        return Blocker(
            "This clone imported the hand-off bundle for signing: it is the signing workstation, "
            "but the console runs here as the online machine.",
            "Run every command here with --offline, or `export RELEASE_CONSOLE_OFFLINE=1`, or "
            f"put `offline = true` in {settings_path()}.",
            "Quit (q) and start the console here with --offline, or with "
            f"RELEASE_CONSOLE_OFFLINE=1, or put `offline = true` in {settings_path()}.")
    if side == OFFLINE:  # this is the online machine: the signed bundle comes back here
        return _carry_out(ctx)
    return _carry_back(ctx)


def _carry_out(ctx: Context) -> Blocker:
    """The online machine, its bundle away: which file to carry to the signing workstation
    (walked: the checklist said "the hand-off bundle" once the export's line had gone)."""
    from services.bundle import paths
    from services.bundle.manifest import TO_ONLINE

    written = paths.written_bundle(ctx, "handoff-out")
    if written is None:
        return Blocker(
            "Waits for the offline side.",
            "Carry the hand-off bundle to the offline workstation and run `release-console "
            "bundle import FILE --offline` there; when the signed bundle comes back, run "
            "`release-console bundle import FILE` here.",
            "Carry the hand-off bundle to the offline workstation and import it there (i on its "
            "checklist); when the signed bundle comes back, press i here to import it.")
    back = written.parent / paths.file_name(ctx, TO_ONLINE)
    return Blocker(
        "Waits for the offline side.",
        # the whole path: the file name alone, typed anywhere but the stick's folder, found
        # nothing (the stick may be mounted elsewhere there: said so)
        f"Carry {written.name} to the signing workstation and run `release-console bundle "
        f"import {written} --offline` there (the path it was written to here); when the "
        f"signed bundle comes back, run `release-console bundle import {back}` here.",
        f"Carry {written.name} (written to {written.parent}) to the signing workstation and "
        "import it there (i on its checklist); when the signed bundle comes back, press i here "
        "to import it.")


def _carry_back(ctx: Context) -> Blocker:
    """The signing workstation, once it wrote the signed bundle: which file goes back."""
    from services.bundle import paths

    written = paths.written_bundle(ctx, "handoff-back")
    if written is None:
        return Blocker("Waits for the online side.",
                       "Carry the signed bundle to the online workstation and run "
                       "`release-console bundle import FILE` there.",
                       "Carry the signed bundle to the online workstation and import it there "
                       "(i on its checklist).")
    return Blocker("Waits for the online side.",
                   f"Carry {written.name} to the online machine and run `release-console "
                   f"bundle import {written}` there (the path it was written to here).",
                   f"Carry {written.name} (written to {written.parent}) to the online machine "
                   "and import it there (i on its checklist).")


def imported_for_signing(ctx: Context) -> bool:
    """This clone, run as the online machine, holds the release as the signing workstation (it
    imported the hand-off bundle last): the flag or the setting was forgotten."""
    if ctx.session is None:
        return False
    from services.bundle.crossing import holds_for_signing

    return holds_for_signing(ctx.journal.path)


def expects_bundle(ctx: Context, step: Step) -> bool:
    """``step`` waits for the other workstation and its bundle is still to come here: the signed
    bundle back to the online machine. The signing workstation expects nothing once it has
    written the signed bundle (walked by hand: its footer still offered "i Import…")."""
    if waits_for_other_side(ctx, step) is None:
        return False
    session = ctx.session
    return side_of(step) == OFFLINE or session is None or not session.done("handoff-back")


def done_on_signing_workstation(ctx: Context, step: Step) -> bool:
    """An offline-side step (sign, tag) looked at on the online machine: it runs on the signing
    workstation with that machine's token and key paths, never here."""
    return (air_gapped(ctx.policy) and not ctx.offline and side_of(step) == OFFLINE
            and not step.id.startswith("yank"))


NOTHING_SIGNED_HERE = "Nothing is signed on this machine, and no key or token is needed here."


def signing_workstation_plan(ctx: Context, summary: str, *,
                             also: tuple[str, ...] = (NOTHING_SIGNED_HERE,)) -> Plan:
    """The plan the online machine shows for a step the signing workstation does (``summary``
    says what it does there): what this machine does instead, for where the release is now,
    then the ``also`` notes. The same plan is ``run STEP --dry-run`` and the step's screen."""
    session = ctx.require_session()
    if session.done("handoff-back"):
        here = "Here: nothing more; the signed bundle came back and was imported."
    elif not session.done("handoff-out"):
        here = ("Here: once the steps before the hand-off are done, export the bundle "
                "(`release-console bundle export`, or the hand-off step's screen) and carry it "
                "to the signing workstation.")
    else:
        here = ("Here: the bundle is with the signing workstation; when the signed bundle comes "
                "back, import it (`release-console bundle import FILE`, or i on the checklist).")
    return Plan(summary=f"Done on the air-gapped signing workstation, not on this machine: "
                f"{summary}", notes=[here, *also])


def done_on_online_machine(ctx: Context, step: Step) -> bool:
    """An online-side step (push, draft, ...) looked at on the signing workstation: it runs on
    the online machine, with its network, remote and GitHub token, never here."""
    return (air_gapped(ctx.policy) and ctx.offline and side_of(step) == ONLINE
            and not step.id.startswith("yank"))


def online_machine_plan(ctx: Context, summary: str) -> Plan:
    """The plan the signing workstation shows for a step the online machine does (``summary``
    says what it does there): what this machine does instead, for where the release is now."""
    if ctx.require_session().done("handoff-back"):
        here = "Here: nothing more; the signed bundle went back to the online machine."
    else:
        here = ("Here: once the signing steps are done, export the signed bundle "
                "(`release-console bundle export`, or the hand-off step's screen) and carry it "
                "to the online machine, which imports it.")
    return Plan(summary=f"Done on the online machine, not on this air-gapped one: {summary}",
                notes=[here, "Nothing here goes to the network, and no GitHub token is needed "
                       "here."])


# What the other machine does with a step, as the first word of its blocker on this one.
DONE_THERE = {"reuse-signoffs": "Reused", "smoke": "Signed off", "checksums": "Hashed",
              "sign": "Signed", "tag": "Tagged", "handoff-back": "Written", "push": "Pushed",
              "draft": "Drafted and uploaded", "review": "Reviewed", "publish": "Published"}
IMPORT_BACK = Blocker("", "When the signed bundle comes back, import it with `release-console "
                      "bundle import FILE`.", "When the signed bundle comes back, press i to "
                      "import it.")


def _import_back(ctx: Context) -> str:
    """How the signed bundle is imported here, naming where it is expected: beside the bundle
    this machine wrote (the signing workstation writes it back to the stick it came on)."""
    from services.bundle import paths
    from services.bundle.manifest import TO_ONLINE

    written = paths.written_bundle(ctx, "handoff-out")
    if written is None:
        return IMPORT_BACK.remedy
    back = written.parent / paths.file_name(ctx, TO_ONLINE)
    return f"When the signed bundle comes back, import it with `release-console bundle import {back}`."


def waiting_across(ctx: Context, step: Step, holding: Step) -> Blocker | None:
    """Why ``step`` waits for the unfinished ``holding`` step, when the wait crosses the air
    gap: a step of the other machine (sign, seen online) is done there, not after a step of
    this one; a step of this machine behind the other's (push, seen online) waits for the
    signed bundle. None when both are this machine's (the runbook order says it)."""
    if waits_for_other_side(ctx, step) is not None:
        return _done_there(ctx, step, holding)
    if not ctx.offline and waits_for_other_side(ctx, holding) is not None:
        return Blocker("Waits for the signed bundle from the air-gapped signing workstation.",
                       _import_back(ctx), IMPORT_BACK.tui)
    return None


def _done_there(ctx: Context, step: Step, holding: Step) -> Blocker:
    session = ctx.require_session()
    done = DONE_THERE.get(step.id, "Done")
    if not ctx.offline and not session.done("handoff-out"):
        first = ("" if holding.id == "handoff-out"  # the hand-off is what this machine does now
                 else "once the steps before the hand-off are done, ")
        cli = f"{first}export the bundle (`release-console bundle export`) and carry it there."
        tui = f"{first}write the bundle on the hand-off step's screen (ctrl+s) and carry it there."
        return Blocker(
            f"{done} on the air-gapped signing workstation, once the hand-off bundle is there.",
            cli[0].upper() + cli[1:], tui[0].upper() + tui[1:])
    if not ctx.offline:
        return Blocker(f"{done} on the air-gapped signing workstation: here it waits for the "
                       "signed bundle to come back.", _import_back(ctx), IMPORT_BACK.tui)
    if session.done("handoff-back"):
        return Blocker(f"{done} on the online machine: the signed bundle went back there.",
                       "Nothing more to do here; the online machine imports the bundle.")
    first = ("" if holding.id == "handoff-back"  # signed and tagged: the export is what is left
             else "once the signing steps here are done, ")
    cli = (f"{first}export the signed bundle (`release-console bundle export`), carry it to the "
           "online machine and import it there.")
    tui = (f"{first}write the signed bundle on the hand-off step's screen (ctrl+s), carry it to "
           "the online machine and import it there.")
    return Blocker(f"{done} on the online machine, once the signed bundle is back there.",
                   cli[0].upper() + cli[1:], tui[0].upper() + tui[1:])


def bundle_away(ctx: Context, what: str) -> Blocker | None:
    """Why ``what`` (a smoke sign-off) may not be recorded on this machine now: the release's
    bundle has left it. Online, once exported and until the signed bundle is imported, a record
    made here is not in the signing workstation's journal, and the bundle coming back would be
    refused as diverging; offline, once sent back, it would never reach the online machine."""
    session = ctx.session
    if session is None or not air_gapped(ctx.policy):
        return None
    if ctx.offline:
        if not session.done("handoff-back"):
            return None
        return Blocker(f"{session.tag} was signed and sent back from here: a {what} recorded now "
                       "would never reach the online machine.",
                       "Record it on the online machine if the release still needs it.")
    if not bundle_in_transit(ctx, session):
        return None
    if imported_for_signing(ctx):  # the flag forgotten here: this is that workstation
        return Blocker(f"This clone is the signing workstation of {session.tag} (it imported "
                       f"the bundle), but the console runs here as the online machine: a {what} "
                       "is recorded here only once it is marked offline.",
                       f"Give --offline, or `export {ENV_OFFLINE}=1`, and record it again.")
    return Blocker(f"The {session.tag} bundle is with the signing workstation: a {what} recorded "
                   "here would not be in its journal, and the signed bundle coming back would be "
                   "refused.", "Record it on the signing workstation, which has the bundle.")


def bundle_in_transit(ctx: Context, session: Session) -> bool:
    """The release's bundle left for the other workstation and the signed one is not back:
    exported (online) or imported and not yet sent back (offline)."""
    return air_gapped(ctx.policy) and session.done("handoff-out") and \
        not session.done("handoff-back")


def require_bundle_here(ctx: Context, what: str) -> None:
    refused = bundle_away(ctx, what)
    if refused is not None:
        raise ConsoleError(f"{refused.reason} Nothing was recorded.", remedy=refused.remedy)


def start_refused(ctx: Context) -> Blocker | None:
    """Why no release may start on this machine now, if so: an interrupted import (a new journal
    would be mixed with its journal) or the signing workstation (once a session exists there, the
    online machine's bundle can never be imported)."""
    interrupted = ctx.store.interrupted_imports()
    if interrupted:
        return Blocker(
            f"An import of {interrupted[0]} was interrupted here: its journal is written, its "
            "session is not.",
            "Run `release-console bundle import FILE` again with the same bundle; it finishes "
            "the import.",
            "Press i and import the same bundle again; it finishes the import.")
    if air_gapped(ctx.policy) and ctx.offline:
        return Blocker(
            "This is the air-gapped signing workstation: a release starts on the online machine.",
            "Import the hand-off bundle it writes with `release-console bundle import FILE`.",
            "Press i to import the hand-off bundle it writes.")
    return None


START_ONE = Blocker("No release in progress.",
                    "Start one with `release-console start VERSION` or `release-console start "
                    "--bump patch|minor|major`.", "Press s to start one.")


def start_one(ctx: Context) -> Blocker:
    """How to start a release here. ``--bump`` is suggested only once there is a release tag to
    bump from: on a project with none it is refused, so the first release names its version."""
    from services.versions import highest_release

    if highest_release(ctx.repo.tags(), ctx.policy.tag_format) is not None:
        return START_ONE
    first = ctx.policy.tag_format.format(version="X.Y.Z")
    return Blocker(START_ONE.reason,
                   "Start the first release with `release-console start VERSION` (there is no "
                   f"release tag like {first} yet to bump from).", START_ONE.tui)


def no_release_yet(ctx: Context) -> Blocker:
    """What to do on a machine with no release in progress (``status``, the checklist)."""
    return start_refused(ctx) or start_one(ctx)


def refuse_start_here(ctx: Context) -> None:
    refused = start_refused(ctx)
    if refused is not None:
        raise ConsoleError(f"{refused.reason} Nothing was started.", remedy=refused.remedy)
