"""The return bundle's manifest, signed and verified with the pinned key (the policy's backend).

The signature tells the online machine the bundle came from the signing workstation: a manifest
changed on the way, or signed with any key but the pinned one, is refused before anything in the
bundle is used.
"""

from __future__ import annotations

from pathlib import Path

from services import signing
from services.bundle.manifest import MANIFEST, SIGNED_ELSEWHERE, BundleError, BundleRefused, Manifest
from services.step_protocol import Context
from services.wording import mid_sentence


def sign_manifest(ctx: Context, manifest: Manifest, work: Path) -> tuple[str, bytes]:
    backend = signing.make_backend(ctx.policy, ctx.root)
    name = MANIFEST + backend.suffix
    manifest.signature = name
    path = work / MANIFEST
    path.write_bytes(manifest.to_bytes())
    ready = backend.readiness()
    if ready.blockers:
        first = ready.blockers[0]
        raise BundleError("The return bundle's manifest cannot be signed: "
                          f"{mid_sentence(first.reason)}",
                          remedy=first.remedy)
    passphrase = None
    if ready.needs_passphrase:
        passphrase = signing.passphrase_source(ctx, ready.prompt or "The signing key's passphrase")
        backend.unlock(passphrase)
    output = work / name
    with signing.terminal(ctx.prompter, ready.needs_terminal):
        backend.sign_to(path, output, passphrase=passphrase,
                        comment=f"file:{MANIFEST}\ttag:{manifest.tag}")
    backend.verify(path, output)
    return name, output.read_bytes()


def verify_manifest(ctx: Context, raw: bytes, name: str, signature: bytes, work: Path) -> str:
    """Verify with the pinned key only; returns the signer in words."""
    backend = signing.make_backend(ctx.policy, ctx.root, verifying=True)
    expected = MANIFEST + backend.suffix
    if not signature or name != expected:
        raise BundleRefused(f"The return bundle's manifest is not signed ({expected} is missing); "
                            "it was refused.")
    (work / MANIFEST).write_bytes(raw)
    (work / name).write_bytes(signature)
    try:
        verified = backend.verify(work / MANIFEST, work / name)
    except signing.SigningError as err:
        raise BundleRefused(f"The return bundle's manifest signature does not verify with the "
                            f"pinned key ({err.message.rstrip('.')}); the bundle was refused.",
                            remedy=SIGNED_ELSEWHERE) from None
    pinned = backend.pin_description()
    signer = "" if verified.signer in pinned else f", {verified.signer}"  # minisign's id is in it
    # not in parentheses: the minisign pin has its own ("minisign key ID (minisign.pub)")
    return f"manifest signed by the pinned key: {pinned}{signer}"
