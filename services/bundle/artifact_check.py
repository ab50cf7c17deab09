"""The import's artifact check: every artifact hashed on this side and compared with the digest
the build host sent, before anything in a bundle is used.

On the way back a bundle usually comes without artifacts: the online machine built them and
still has them, so its own files are what is checked (and a missing or changed one is named with
how to get the signed release across again).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from services import artifacts, checksums
from services.bundle.manifest import TO_ONLINE, BundleError, BundleRefused, Manifest
from services.evidence import HandoffOutEvidence
from services.progress import ProgressEvent
from services.session import Session
from services.step_protocol import Context

# What the online machine does when its own artifacts do not prove a return bundle made
# without them: take the signed ones from the signing workstation instead.
AGAIN_WITH_ARTIFACTS = ("import a bundle the signing workstation exports again with the "
                        "artifacts (there: `release-console redo handoff-back --reason \"...\" "
                        "--bundle-lost`, as this machine never imported it, then "
                        "`release-console bundle export --with-artifacts`)")


def check_artifacts(ctx: Context, manifest: Manifest, members: Path,
                     artifacts_from: Path | None, local: Session | None) -> list[str]:
    """Every artifact hashed here and compared with the build host's digest."""
    build_host = {a["name"]: a for a in manifest.artifacts}
    if manifest.direction == TO_ONLINE:
        evidence = local.evidence(HandoffOutEvidence, done=True) if local else None
        sent = {name: dict(a) for name, a in (evidence.digests() if evidence else {}).items()}
        for name, item in build_host.items():
            if sent.get(name, {}).get("sha256") != item["sha256"]:
                raise BundleRefused(f"{name}: the bundle's digest differs from the one this "
                                    "machine sent; the bundle was refused and the release stops "
                                    "here.", remedy="Find out where the artifact changed: the "
                                    "signing workstation signed another file than the build host "
                                    "sent. Do not publish it; start again from a fresh hand-off.")
        build_host = sent
    directory = artifacts.artifacts_dir(ctx.policy, ctx.root)
    source = artifacts_from or (None if manifest.artifacts_included else directory)
    # the way back without artifacts (its default): this machine's own build is what is checked
    own = manifest.direction == TO_ONLINE and source == directory and artifacts_from is None
    staged = members / "artifacts"
    staged.mkdir(exist_ok=True)
    lines = []
    for name, item in build_host.items():
        if source is not None:
            found = source / name
            if not found.is_file() and own:
                raise BundleError(f"Artifact {name} is missing from {source}: the bundle was "
                                  "made without artifacts, so this machine's own are checked; "
                                  "nothing was changed.", remedy="Put it back as it was sent, "
                                  f"or {AGAIN_WITH_ARTIFACTS}.")
            if not found.is_file():
                elsewhere = "" if artifacts_from else (
                    ", name the folder that holds them (--artifacts DIR, or the artifacts "
                    "field on the import screen)")
                raise BundleError(f"Artifact {name} is missing from {source}; nothing was "
                                  "changed.", remedy=f"Copy every artifact there{elsewhere}, "
                                  "or import the bundle that holds them.")
            if found.resolve() != (directory / name).resolve():
                shutil.copyfile(found, staged / name)
            else:
                staged.joinpath(name).unlink(missing_ok=True)
        path = staged / name if (staged / name).exists() else source / name if source else None
        if path is None or not path.is_file():
            raise BundleError(f"Artifact {name} is not in the bundle (it was made without "
                              "artifacts); nothing was changed.", remedy="Name the folder that "
                              "holds them (--artifacts DIR, or the artifacts field on the "
                              "import screen).")
        size = path.stat().st_size

        def hashed(done: int, name: str = name, size: int = size) -> None:
            ctx.progress(ProgressEvent("hash", name, done, size))

        sha = checksums.hash_file(path, hashed).sha256
        if sha != item["sha256"] and own:
            raise BundleError(f"Artifact {name} here no longer matches the sha256 this machine "
                              "sent to be signed (it changed since; the bundle was made without "
                              "artifacts, so this machine's own are checked); nothing was "
                              "changed.", remedy="Put back the file that was sent (its sha256 "
                              "is in the hand-off step's evidence), or move it aside and "
                              f"{AGAIN_WITH_ARTIFACTS}.")
        if sha != item["sha256"]:
            raise BundleRefused(f"Artifact {name} does not match the build host's sha256 (it was "
                                "changed on the way); it was refused and the release stops here.",
                                remedy="Copy the artifact again from the build host (its sha256 "
                                "is in the bundle's manifest) and import again.")
        existing = directory / name
        if existing.exists() and path != existing and checksums.hash_file(existing).sha256 != sha:
            raise BundleError(f"{artifacts.display_path(existing, ctx.root)} already exists here "
                              "and differs from the build host's; nothing was changed.",
                              remedy="Move that file aside (it is not the one the build host "
                              "sent), then import again.")
        lines.append(f"{name}: sha256 {sha[:16]}… matches the build host's")
    for path in sorted((members / "files").glob("*")) if (members / "files").is_dir() else []:
        existing = directory / path.name
        if existing.exists() and existing.read_bytes() != path.read_bytes():
            raise BundleError(f"{artifacts.display_path(existing, ctx.root)} already exists here "
                              "and differs from the bundle's; nothing was changed.",
                              remedy="Move that file aside (another release's, or edited here: "
                              "nothing of this release wrote it), then import again.")
    return lines
