"""Signing-workstation commands: smoke sign-offs, checksums, sign, verify, tag, provenance.

``checksums``, ``sign`` and ``verify`` on explicit files need no release session (nor a git
repository): they use ``release.toml`` when there is one, else the defaults and the options given.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from console.commands import smoke_cli
from console.commands.common import (
    FORCE_HELP,
    PASSPHRASE_HELP,
    add_parser,
    context,
    require_passphrase_file,
)
from console.commands.files import (
    absolute,
    beside_key_line,
    file_context,
    require_key_files,
    require_pinned_key,
    require_present,
    require_writable_folder,
    shown,
)
from console.json_envelope import json_flag
from console.output import error, print_json, say, say_wrapped
from console.progress import ProgressRenderer, rendering
from services.errors import ConsoleError, UsageError
from services.policy import Policy
from services.step_protocol import Context
from services.wording import counted

if TYPE_CHECKING:
    from services.signing.batch import FileReport
    from services.signing.lists import ListRules


class _Mark(argparse.Action):
    """Collects --pass/--fail/--note in the order given, so a --note belongs to the check before."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> None:
        marks: list[list[str]] = list(getattr(namespace, "marks", None) or [])
        if option_string == "--note":
            if not marks:
                raise argparse.ArgumentError(self, "--note must follow a --pass or --fail check")
            marks[-1][2] = str(values)
        else:
            result = "pass" if option_string == "--pass" else "fail"
            items = values if isinstance(values, list) else [values]
            marks += [[result, str(v), ""] for v in items]
        namespace.marks = marks


def register(sub: argparse._SubParsersAction) -> None:
    p = add_parser(sub, "smoke", "record or show hardware smoke-test sign-offs",
                   "Per architecture, the policy's smoke checks ticked pass/fail by a named tester "
                   "on named hardware, tied to the sha256 of the artifact that was tested.")
    smoke_sub = p.add_subparsers(dest="smoke_command", metavar="ACTION", required=True)
    s = smoke_sub.add_parser("sign", help="record a sign-off for one architecture", description=(
        "Record that ARCH's artifact was tested on real hardware: every smoke check of the "
        "policy passed or failed, by whom, on what. The artifact's sha256 is recorded with it (a "
        "rebuilt image needs a new sign-off). Needs a release in progress whose artifacts are "
        "built; air-gapped, it is recorded on the machine that has the bundle."))
    s.add_argument("--arch", required=True, help="architecture, as the policy names it")
    s.add_argument("--tester", default="", help="who tested (default: git user.name)")
    s.add_argument("--hardware", required=True, help="the machine and medium it was tested on")
    s.add_argument("--pass", dest="marks", nargs="+", action=_Mark, metavar="CHECK",
                   help="checks that passed ('all' for every check not failed)")
    s.add_argument("--fail", dest="marks", action=_Mark, metavar="CHECK",
                   help="a check that failed (repeatable); follow it with --note")
    s.add_argument("--note", dest="marks", action=_Mark, metavar="TEXT",
                   help="a note for the check just before it")
    s.set_defaults(handler=smoke_cli.cmd_smoke_sign, marks=[])
    s = smoke_sub.add_parser("show", help="show each architecture's sign-off", description="Each "
                             "architecture's sign-off for the release in progress, or the last "
                             "finished one.")
    json_flag(s)
    s.set_defaults(handler=smoke_cli.cmd_smoke_show)

    p = add_parser(sub, "checksums", "write or check sha256 checksums (sha256sum-compatible)",
                   "Hash FILEs (streamed, in parallel) and write a checksum file beside each "
                   "(release.toml's [checksums] per_file: FILE.sha256 by default, none when it is "
                   "\"\"), plus a combined list with --combined. With --check, check FILEs "
                   "against their checksum file, FILE.sha256 or a combined list beside them (or "
                   "check checksum lists, like `sha256sum -c`).")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE", help="the files to hash (or check)")
    p.add_argument("--combined", type=Path, metavar="PATH", help="also write a combined list")
    p.add_argument("--check", action="store_true", help="check instead of writing")
    p.set_defaults(handler=cmd_checksums)

    p = add_parser(sub, "sign", "sign files with the pinned key (verified right after)",
                   "Detached signatures beside each FILE with the policy's backend and key, or the "
                   "key given here. A key that does not match the pinned public key is refused "
                   "before signing; an existing signature is never replaced without --force.")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE", help="the files to sign")
    _key_options(p, signing=True)
    p.add_argument("--force", action="store_true", help=FORCE_HELP)
    p.add_argument("--passphrase-file", type=Path, metavar="PATH", help=PASSPHRASE_HELP)
    p.add_argument("--tag", default="", help="tag named in minisign's trusted comment")
    p.set_defaults(handler=cmd_sign)

    p = add_parser(sub, "verify", "check the .sha256 and the signature of each file",
                   "Verify each FILE as a user would: its sha256 against its checksum file "
                   "(release.toml's [checksums] per_file), FILE.sha256 or a combined list "
                   "(SHA256SUMS, checksums.txt, sha256sums.txt) beside it, and its signature with "
                   "the pinned key. A combined list given as a FILE is checked by its own "
                   "signature, and a signed list a digest came from is checked too. Exits 1 "
                   "naming every file that fails.")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE", help="the files to verify")
    _key_options(p, signing=False)
    p.add_argument("--unsigned-list", action="store_true",
                   help="accept the policy's combined list without a signature beside it (a "
                   "release made before [checksums] sign_combined); one that is there must "
                   "still verify")
    json_flag(p)
    p.set_defaults(handler=cmd_verify)

    p = add_parser(sub, "tag", "make the signed release tag and verify it",
                   "Run the release's `tag` step: git tag -s on the release commit with the "
                   "policy's message and key, then git verify-tag.")
    p.add_argument("--dry-run", action="store_true", help="print the plan; change nothing")
    p.add_argument("--yes", action="store_true",
                   help="accepted for scripts: making the tag asks nothing (the push asks)")
    p.set_defaults(handler=cmd_tag)

    p = add_parser(sub, "provenance", "write the release's provenance index (JSON)",
                   "List the source commit, tag, each artifact's size, sha256, signature and "
                   "signer, the smoke sign-offs and the journal head in provenance-index.json.")
    p.add_argument("--output", type=Path, metavar="PATH",
                   help="where to write it (default: the artifacts directory)")
    p.add_argument("--tag", default="", help="a finished release's tag (default: the one in "
                   "progress)")
    p.set_defaults(handler=cmd_provenance)


def _key_options(p: argparse.ArgumentParser, *, signing: bool) -> None:
    group = p.add_argument_group("key (default: from release.toml)", "A relative PATH is "
                                 "taken from the repository's root, as the policy's paths are.")
    if signing:
        group.add_argument("--minisign-key", default="", metavar="PATH", help="minisign secret key")
        group.add_argument("--gpg-key", default="", metavar="FPR", help="OpenPGP key fingerprint")
        group.add_argument("--ssh-key", default="", metavar="PATH", help="ssh private key")
    else:
        group.add_argument("--gpg-fingerprint", default="", metavar="FPR",
                           help="the OpenPGP fingerprint the signature must be from")
    group.add_argument("--minisign-pub", default="", metavar="PATH", help="minisign public key")
    group.add_argument("--allowed-signers", default="", metavar="PATH",
                       help="ssh allowed-signers file")
    group.add_argument("--identity", default="", metavar="ID", help="ssh signer identity")


# --- smoke ---------------------------------------------------------------------------------------

# --- checksums -----------------------------------------------------------------------------------

def cmd_checksums(args: argparse.Namespace) -> int:
    from services import checksum_check, checksums

    policy, _root, _ctx = file_context(args)
    files = absolute(args.files)
    require_present(files, "checked" if args.check else "written")  # before any file is read
    if args.check:
        if args.combined:
            raise UsageError("--combined writes a list; with --check, name the list as a FILE.")
        with ProgressRenderer() as bar:
            results = checksum_check.check(files, policy.checksum_file_for, bar)
        for result in results:
            detail = f" ({result.detail})" if result.detail and not result.ok else ""
            say(f"{shown(result.path)}: {result.status}{detail}")
        bad = [r for r in results if not r.ok]
        if bad:
            raise ConsoleError(f"{len(bad)} of {counted(len(results), 'file')} did not match: "
                               f"{', '.join(shown(r.path) for r in bad)}.")
        return 0
    target = Path(os.path.abspath(args.combined)) if args.combined else None
    if target is not None:
        require_writable_folder(target)
    with ProgressRenderer() as bar:
        digests = checksums.hash_files(files, bar, per_file=True)
    if target is not None:  # first: refused, it leaves no FILE.sha256 behind either
        checksums.write_combined(digests, target)
    for digest in digests:
        name = policy.checksum_file_for(digest.path.name)
        written = checksums.write_per_file(digest, name) if name else None
        say(checksums.line_for(digest.sha256, shown(digest.path)).rstrip("\n")
            + (f"   -> {shown(written)}" if written else ""))
    if target is not None:
        say(f"Wrote {shown(target)} ({counted(len(digests), 'file')}).")
    return 0


# --- sign / verify -------------------------------------------------------------------------------

def cmd_sign(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from console.prompts import TerminalPrompter
    from services.signing import (
        Overrides,
        make_backend,
        passphrase_from,
        signer_lines,
        trusted_comment,
    )
    from services.signing.batch import sign_files

    files = absolute(args.files)
    require_present(files, "signed")  # before the signer is shown or a passphrase asked
    require_passphrase_file(args.passphrase_file, "signed")  # also for a key that needs none
    policy, root, ctx = file_context(args)
    overrides = Overrides(minisign_key=args.minisign_key, minisign_pub=args.minisign_pub,
                          gpg_key=args.gpg_key, ssh_key=args.ssh_key,
                          allowed_signers=args.allowed_signers, identity=args.identity)
    backend = make_backend(policy, root, overrides)
    ready = backend.readiness()  # sign_files reuses it
    if not ready.blockers:  # the card's serial and the key are shown before pinentry asks
        for line in signer_lines(backend, ready):
            say(line)
        if ready.notice:
            say(ready.notice)
    tag = args.tag or (ctx.session.tag if ctx is not None and ctx.session is not None else "")
    stamp = int(datetime.now(UTC).timestamp())

    def passphrase() -> str:
        return passphrase_from(ready.prompt or "Passphrase", file=args.passphrase_file,
                               prompter=TerminalPrompter())

    with ProgressRenderer() as bar:
        signed = sign_files(backend, files, passphrase=passphrase,
                            comment=lambda path: trusted_comment(path, timestamp=stamp, tag=tag),
                            existing="replace" if args.force else "refuse", progress=bar)
    for item in signed:
        say(f"✔ {shown(item.signature)} (verified with {backend.pin_description()})")
    if ctx is not None and ctx.session is not None:
        ctx.record("sign", "signed files", inputs={"force": bool(args.force)}, outputs={
            "backend": backend.name, "signer": ready.signer,
            "signatures": [shown(s.signature) for s in signed]})
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from services.signing import Overrides, make_backend
    from services.signing.batch import verify_files

    files = absolute(args.files)
    require_present(files, "verified")
    policy, root, ctx = file_context(args)
    require_key_files(args, root, "verified")
    beside = require_pinned_key(args, policy, root, files)  # a downloaded release's own key
    overrides = Overrides(minisign_pub=args.minisign_pub or (
        str(beside) if beside and policy.signing_backend == "minisign" else ""),
                          gpg_key=args.gpg_fingerprint, identity=args.identity,
                          allowed_signers=args.allowed_signers or (
                              str(beside) if beside and policy.signing_backend == "ssh" else ""))
    backend = make_backend(policy, root, overrides, verifying=True)
    with ProgressRenderer() as bar:
        reports = verify_files(backend, files,
                               checksum_name=policy.checksum_file_for, progress=bar,
                               lists=_list_rules(policy, ctx, unsigned_ok=args.unsigned_list))
    if args.json:
        print_json({"schema": 1, "files": [_report_json(r) for r in reports]})
    else:
        for r in reports:
            mark = "✔" if r.ok else "✘"
            sums = ("checksum list" if r.checksum == "LIST" else "sha256 " + r.checksum
                    + (f" ({r.checksum_detail})" if r.checksum != "OK" else ""))
            sig = r.signature + (f" ({r.signature_detail})" if r.signature_detail else "")
            listed = r.listed_by
            said = "not signed" if listed and listed.status == "NOT SIGNED" else (
                f"signature {listed.status}" if listed else "")
            also = (f"; {listed.path.name} {said}"
                    + (f" ({listed.detail})" if listed.detail else "")) if listed else ""
            say(f"{mark} {shown(r.artifact)}: {sums}; signature {sig}{also}",
                style=None if r.ok else "red")
        if beside is not None:  # OK says only that this key made them: which key it was
            say_wrapped(beside_key_line(policy, beside,
                                        args.identity or policy.signing_identity))
    bad = [shown(r.artifact) for r in reports if not r.ok]
    if bad and args.json:  # the document above says it: no second one (cli.main's error)
        error(f"Verification failed for {', '.join(bad)}.")
        return 1
    if bad:
        raise ConsoleError(f"Verification failed for {', '.join(bad)}.")
    return 0


def _list_rules(policy: Policy, ctx: Context | None, *, unsigned_ok: bool) -> ListRules:
    """The policy's combined list as verify sees it: recognised by its name pattern, whatever
    release the files are from (no session needed). A missing list signature is accepted only
    when the captain says so, or a release recorded here wrote that very list and did not sign it
    (made before ``sign_combined``)."""
    from services.signing.lists import ListRules, released_before_signing

    if unsigned_ok:
        return ListRules(policy.checksum_combined, policy.checksum_sign_combined,
                         lambda _path: "accepted with --unsigned-list")
    if ctx is None:
        return ListRules(policy.checksum_combined, policy.checksum_sign_combined)
    return ListRules(policy.checksum_combined, policy.checksum_sign_combined,
                     released_before_signing(ctx.store.sessions))


def _report_json(r: FileReport) -> dict[str, Any]:
    listed = r.listed_by
    return {"file": shown(r.artifact), "ok": r.ok, "checksum": r.checksum,
            "checksum_detail": r.checksum_detail, "signature": r.signature,
            "signature_detail": r.signature_detail, "signer": r.signer,
            "checksum_list": None if listed is None else {
                "file": shown(listed.path), "signature": listed.status,
                "signature_detail": listed.detail, "signer": listed.signer}}


# --- tag / provenance ----------------------------------------------------------------------------

def cmd_tag(args: argparse.Namespace) -> int:
    from console.commands.session import run_one

    ctx = context(args, assume_yes=args.yes)
    ctx.require_session()
    return run_one(ctx, "tag", dry_run=args.dry_run)


def cmd_provenance(args: argparse.Namespace) -> int:
    from services import provenance

    ctx = context(args)
    if args.tag:
        ctx.session = ctx.store.load(args.tag)
    session = ctx.require_session()
    output = Path(os.path.abspath(args.output)) if args.output else None
    with rendering(ctx):
        target, index = provenance.write(ctx.policy, ctx.repo, session, ctx.record,
                                         now=ctx.now_iso(), output=output, progress=ctx.progress)
    say(f"Wrote {shown(target)}: {counted(len(index['artifacts']), 'artifact')}, tag {index['tag']}, "
        f"journal head {index['journal']['head'][:12]}.")
    return 0
