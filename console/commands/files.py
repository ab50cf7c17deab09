"""The files ``checksums``, ``sign`` and ``verify`` are given, and the policy they read.

Kept apart from ``signing.py`` (its commands) so each stays short. These commands work on
explicit files with no release session, and outside a git repository too.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from pathlib import Path

from console.commands.common import context
from services.errors import UsageError
from services.policy import POLICY_FILE, Policy, load_policy
from services.step_protocol import Context


def file_context(args: argparse.Namespace) -> tuple[Policy, Path, Context | None]:
    """Policy and root for commands on explicit files; works outside a repository too."""
    from services.repo import RepoError

    try:
        ctx = context(args)
    except RepoError as err:
        if err.exit_code == 2:  # `--repo /typo`: not "no repository here", a path naming nothing
            raise  # (it went on with the current directory's policy, or none)
        cwd = Path.cwd()
        if args.config is not None:
            return load_policy(args.config, required=True), cwd, None
        return load_policy(cwd / POLICY_FILE), cwd, None
    return ctx.policy, ctx.root, ctx


def absolute(paths: Sequence[Path]) -> list[Path]:
    return [Path(os.path.abspath(p)) for p in paths]


def shown(path: Path) -> str:
    """Relative to here when below here, else absolute (not ``../../../../x``)."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # pragma: no cover - other drive on Windows
        return str(path)
    return str(path) if relative.startswith("..") else relative


def require_present(files: Sequence[Path], nothing_was: str) -> None:
    """A FILE that is not there is a typo in the command line, said before anything is read or
    asked: ``sign`` printed its signer first and ``verify`` a "signature MISSING" line for it.

    ``nothing_was`` finishes the sentence: "checked", "written", "signed", "verified"."""
    missing = [path for path in files if not path.exists()]  # a folder or device: said later
    if missing:
        more = f" (nor {len(missing) - 1} more)" if len(missing) > 1 else ""
        raise UsageError(f"{shown(missing[0])} does not exist{more}; nothing was {nothing_was}.",
                         remedy="Name the files as they are on disk.")
    folder = next((path for path in files if path.is_dir()), None)
    # verify said "NO CHECKSUM; signature MISSING", sign "does not exist or is not a file"
    if folder is not None and nothing_was in {"verified", "signed"}:
        raise UsageError(f"{shown(folder)} is a folder, not a file; nothing was {nothing_was}.",
                         remedy=f"Name the files in it (`{shown(folder)}/*`).")


def require_writable_folder(target: Path) -> None:
    """``checksums --combined DIR/SUMS`` into a folder it cannot write: said before any file is
    hashed or written (it wrote every FILE.sha256, then refused the list saying "nothing was
    written")."""
    from services.errors import EnvironmentProblem

    folder = target.parent
    if not folder.is_dir() or not os.access(folder, os.W_OK | os.X_OK):
        why = "it is not a folder" if folder.exists() else "No such file or directory"
        raise EnvironmentProblem(f"Cannot write in {folder}: {why}; nothing was written.",
                                 remedy="Check the directory exists and is writable.")


# verify's: `sign` says of a missing secret key that the token holding it may be unplugged
KEY_OPTIONS = ("minisign_pub", "allowed_signers")


def require_pinned_key(args: argparse.Namespace, policy: Policy, root: Path,
                       files: Sequence[Path] = ()) -> Path | None:
    """With no key option, `verify` checks against the policy's key file, found beside the
    policy or, outside a project, in the current folder. A user who downloaded a release and
    ran `release-console verify FILE` there had none, and was told "signature FAILED" and
    "Verification failed for FILE", as if the download were bad (seen verifying the console's
    own v0.1.0).

    Where that file is not, the key a release carries (``[signing] publish_keys``), downloaded
    beside the FILEs under its own name, is used: returned, for the option it stands for."""
    from services.signing import resolve

    if any(getattr(args, dest, "") for dest in (*KEY_OPTIONS, "gpg_fingerprint")):
        return None
    pinned = {"minisign": ("--minisign-pub", policy.signing_public_key or "minisign.pub"),
              "ssh": ("--allowed-signers", policy.signing_allowed_signers)}.get(
                  policy.signing_backend)
    if pinned is None or not pinned[1]:
        return None
    option, value = pinned
    path = resolve(root, value)
    if path.exists():
        return None
    downloaded = [f.parent / Path(value).name for f in files]
    found = next((d for d in downloaded if d.is_file()), None)
    if found is not None:
        return found
    raise UsageError(f"There is no public key to verify with: {path} does not exist; "
                     "nothing was verified.",
                     remedy=f"Give {option} the project's key file ({Path(value).name} in its "
                     "repository at the release's tag, or attached to the release), or run "
                     "verify in a clone of the project.")


def require_key_files(args: argparse.Namespace, root: Path, nothing_was: str) -> None:
    """A key file named on the command line that is not there is a typo, said as one: `verify
    --minisign-pub typo.pub` printed every artifact as "signature FAILED" and "Verification failed
    for ...", as if the downloads were bad. Found as the backends find it (relative to ``root``)."""
    from services.signing import resolve

    for dest in KEY_OPTIONS:
        given = getattr(args, dest, "")
        if given and not resolve(root, given).exists():
            option = "--" + dest.replace("_", "-")
            raise UsageError(f"{given} ({option}) does not exist; nothing was {nothing_was}.",
                             remedy=f"Give {option} the key file's path.")


def beside_key_line(policy: Policy, beside: Path, identity: str) -> str:
    """What a verify with the key found beside the files proved: only that this key made the
    signatures. Its "✔ ... signature OK" read like a check against the project's pinned key;
    the line names the file and its key id, to compare with the repository's copy at the tag."""
    from services.signing import SigningError
    from services.signing.minisign import key_id_text, public_key_id
    from services.signing.ssh import allowed_keys, fingerprint

    try:
        if policy.signing_backend == "minisign":
            ids = [f"key id {key_id_text(public_key_id(beside))}"]
        else:
            ids = [fingerprint(blob) for blob in allowed_keys(beside, identity)]
    except (OSError, SigningError, ValueError):
        ids = []
    which = f" ({', '.join(ids)})" if ids else ""
    pinned = policy.signing_public_key or "minisign.pub" \
        if policy.signing_backend == "minisign" else policy.signing_allowed_signers
    return (f"Checked with {beside}{which}, the key found beside the files, not a pinned one: "
            f"compare it with {Path(pinned).name} in the project's repository at the release's "
            "tag.")
