"""Smoke sign-offs of a release candidate, reused for its stable release when the bytes match.

A tester booted the rc's ISO and signed off its sha256. The stable artifact has another name
(``pai-v1.3.0-amd64.iso``, not ``pai-v1.3.0-rc.1-amd64.iso``) but, built from the same commit, it
may be byte for byte the same file. Then the sign-off still holds and is carried over with the
evidence (the rc's file, its digest, who tested it); an architecture whose stable bytes differ is
left unsigned, so the smoke step asks for a new test as for any release.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from services import checksums, promote, smoke
from services.session import Session, SessionError
from services.step_protocol import Context


@dataclass
class Reuse:
    reused: dict[str, str] = field(default_factory=dict)  # arch -> who/what was reused
    not_reused: dict[str, str] = field(default_factory=dict)  # arch -> why not

    def to_json(self) -> dict[str, Any]:
        return {"reused": self.reused, "not_reused": self.not_reused}


def candidate_signoffs(ctx: Context, rc_tag: str) -> dict[str, dict[str, Any]]:
    """The rc session's sign-offs, or none when this machine has no record of that session."""
    if not ctx.store.exists(rc_tag):
        return {}
    try:
        return smoke.signoffs(ctx.store.load(rc_tag))
    except SessionError:
        return {}


def _stable_name(name: str, data: dict[str, str]) -> str:
    return name.replace(data["rc_tag"], data["tag"]).replace(data["rc_version"], data["version"])


def reuse_signoffs(ctx: Context) -> Reuse:
    """Carry each rc sign-off whose files have the same sha256 as the stable artifacts."""
    session = ctx.require_session()
    data = promote.recorded(session)
    result = Reuse()
    if not data.get("rc_tag"):
        return result
    rc = candidate_signoffs(ctx, data["rc_tag"])
    existing = smoke.signoffs(session)
    for arch in ctx.policy.architectures():
        if arch in existing:
            result.not_reused[arch] = "a sign-off for the stable artifacts is already recorded"
            continue
        entry = rc.get(arch)
        if entry is None:
            result.not_reused[arch] = f"{data['rc_tag']} has no sign-off for {arch} here"
            continue
        if smoke.failed_checks(entry):
            result.not_reused[arch] = f"the {data['rc_tag']} sign-off for {arch} failed"
            continue
        why = _adopt(ctx, arch, entry, data)
        if why:
            result.not_reused[arch] = why
        else:
            result.reused[arch] = (f"{entry.get('tester')} on {entry.get('hardware')} "
                                   f"({data['rc_tag']})")
    return result


def _adopt(ctx: Context, arch: str, entry: dict[str, Any], data: dict[str, str]) -> str:
    """Record the sign-off for the stable files; returns why not ("" when adopted)."""
    found = smoke.arch_artifacts(ctx.policy, ctx.root, ctx.require_session(), arch)
    missing = [a.name for a in found if not a.ok]
    if missing or not found:
        return f"the stable {arch} artifacts are not all there ({', '.join(missing) or 'none'})"
    rc_files: dict[str, dict[str, Any]] = entry.get("files", {})
    wanted = {_stable_name(name, data): info for name, info in rc_files.items()}
    if set(wanted) != {a.name for a in found}:
        return (f"the {arch} artifact names do not match the rc's "
                f"({', '.join(sorted(rc_files))})")
    digests = checksums.hash_files([a.path for a in found], ctx.progress)
    files: dict[str, dict[str, Any]] = {}
    for artifact, digest in zip(found, digests, strict=True):
        if digest.sha256 != wanted[artifact.name].get("sha256"):
            return (f"{artifact.name} is not the file the rc's testers signed off (sha256 "
                    f"{digest.sha256[:12]}…, rc {str(wanted[artifact.name].get('sha256'))[:12]}…)")
        files[artifact.name] = {"sha256": digest.sha256, "size": digest.size,
                                "mtime_ns": digest.mtime_ns}
    adopted = {**entry, "files": files, "reused_from": data["rc_tag"],
               "rc_files": {n: i.get("sha256") for n, i in rc_files.items()}}
    adopted["artifact"] = found[0].name
    adopted["sha256"] = files[found[0].name]["sha256"]

    def store(session: Session) -> None:
        session.data.setdefault("smoke", {})[arch] = adopted

    ctx.record("smoke", "sign-off reused", inputs={"arch": arch, "from": data["rc_tag"]},
               outputs={"files": {n: f["sha256"] for n, f in files.items()},
                        "tester": entry.get("tester"), "hardware": entry.get("hardware")},
               update=store)
    return ""
