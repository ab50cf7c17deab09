"""``release-console bundle export|import``: carry a release across the air gap.

Both print the bundle's sha256 as a short fingerprint so the captain can compare the two screens
by eye. Import shows what it verified and asks before it changes the repository (``--yes``
skips the question; ``--json`` prints the result as a document).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from console.commands.common import PASSPHRASE_HELP, add_parser, context, require_passphrase_file
from console.json_envelope import json_flag
from console.output import print_json, say, say_wrapped


def register(sub: argparse._SubParsersAction) -> None:
    p = add_parser(sub, "bundle", "carry the release to or from the air-gapped workstation",
                   "Hand-off bundles between the online machine and the air-gapped signing "
                   'workstation ([signing] workstation = "air-gapped"). See docs/handoff.md.')
    actions = p.add_subparsers(dest="bundle_action", metavar="ACTION", required=True,
                               parser_class=type(p))
    e = add_parser(actions, "export", "write the hand-off bundle for the other workstation",
                   "Write the hand-off bundle when the hand-off is the release's next step: on "
                   "the online machine after the artifacts, on the signing workstation after the "
                   "tag (its manifest signed with the pinned key). Prints the bundle's fingerprint; "
                   "carry it to the other workstation and import it there.")
    e.add_argument("--output", type=Path, default=None, metavar="FILE",
                   help="where to write it; a folder (the USB stick) gets the bundle's own "
                   "name in it (default: the folder used last time, else .release/<tag>/outbox/)")
    which = e.add_mutually_exclusive_group()
    which.add_argument("--with-artifacts", dest="artifacts", action="store_const", const=True,
                       default=None, help="put the artifacts in (the default on the way out; "
                       "the way back leaves them out: the online machine has its own)")
    which.add_argument("--without-artifacts", dest="artifacts", action="store_const",
                       const=False, help="leave the artifacts out (the default on the way back; "
                       "on the way out, carry them separately: import --artifacts DIR)")
    e.add_argument("--passphrase-file", default="", metavar="PATH",
                   help=f"{PASSPHRASE_HELP} (the return bundle is signed)")
    json_flag(e)
    e.set_defaults(handler=cmd_export)
    i = add_parser(actions, "import", "verify a hand-off bundle, then resume the release here",
                   "Verify a bundle from the other workstation (every member's sha256, the "
                   "signature of a bundle coming back, the journal, the git history, the "
                   "artifacts), show what was verified, ask (no terminal: --yes), then resume the "
                   "release here. On the signing workstation run it offline (--offline, or "
                   "RELEASE_CONSOLE_OFFLINE=1).")
    i.add_argument("file", type=Path, metavar="FILE", help="the bundle (.tar) to import")
    i.add_argument("--artifacts", type=Path, default=None, metavar="DIR",
                   help="for a bundle made with --without-artifacts: the folder that holds them")
    i.add_argument("--yes", action="store_true",
                   help="use the bundle once verified, without asking; what was verified is "
                   "still printed (needed without a terminal)")
    json_flag(i)
    i.set_defaults(handler=cmd_import)


def cmd_export(args: argparse.Namespace) -> int:
    from services.bundle.export import export_bundle
    from services.bundle.manifest import TO_OFFLINE
    from services.workstation import bound_for

    require_passphrase_file(args.passphrase_file, "exported")  # read only if the key asks
    ctx = context(args)
    ctx.require_session()
    if args.passphrase_file:
        ctx.answers["passphrase_file"] = args.passphrase_file
    output = Path(args.output).absolute() if args.output else None
    without = None if args.artifacts is None else not args.artifacts
    result = export_bundle(ctx, output, without_artifacts=without)
    if args.json:
        print_json(result.to_json())
        return 0
    where = bound_for(result.manifest.direction)
    # the signing workstation refuses it unless marked offline: the command says so at once
    offline = " --offline" if result.manifest.direction == TO_OFFLINE else ""
    say_wrapped(f"✔ {result.wrote} ({result.size} bytes: {len(result.manifest.members)} files "
                "and the manifest that lists them).")
    say(f"  Fingerprint: {result.fingerprint}", style="bold")
    # the whole path, as status says it: the file's name alone found nothing when typed from
    # any folder but the stick's
    say_wrapped(f"Carry it to {where} and run `release-console bundle import "
                f"{result.path}{offline}` there; compare the fingerprint it prints.",
                first="  ", rest="    ")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from services.bundle.import_ import apply, verify_bundle
    from services.step_protocol import Plan
    from services.workstation import ENV_OFFLINE, marked_offline

    ctx = context(args, assume_yes=args.yes)
    prepared = verify_bundle(ctx, Path(args.file).absolute(),
                             artifacts_from=Path(args.artifacts).absolute()
                             if args.artifacts else None)
    try:
        if not args.json:
            say_wrapped(f"{prepared.heading()}.")
            say(f"  Fingerprint: {prepared.fingerprint}", style="bold")
            for line in prepared.checks:
                say_wrapped(line, first="  ✔ ", rest="    ")
        plan = Plan(summary=prepared.plan_summary())
        if not args.yes and not ctx.prompter.confirm("Use this bundle?", plan):
            say("Nothing was changed.")
            return 1
        evidence = apply(ctx, prepared)
    finally:
        prepared.discard()
    if args.json:
        print_json({**prepared.to_json(), "imported": True, "evidence": evidence})
        return 0
    say_wrapped("✔ Imported; the release continues here: `release-console status`.")
    if ctx.offline and not marked_offline():
        say_wrapped("This workstation is offline only while --offline is given: give it to "
                    f"every command here, or `export {ENV_OFFLINE}=1` (each command here would "
                    "otherwise act as the online machine's and refuse).", first="  ", rest="    ")
    return 0
