"""An attacker's tools for the hostile-bundle tests: rewrite a real bundle with Python's tarfile,
optionally fixing the manifest's digests and re-signing it, so each test reaches the check it
is about instead of tripping over an earlier one."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import tarfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

Members = dict[str, bytes]


def read(bundle: Path) -> Members:
    with tarfile.open(bundle) as archive:
        return {m.name: archive.extractfile(m).read() for m in archive  # type: ignore[union-attr]
                if m.isreg()}


def write(target: Path, members: Members, extra: Sequence[tuple[tarfile.TarInfo, bytes]] = ()) -> Path:
    with tarfile.open(target, "w", format=tarfile.PAX_FORMAT) as archive:
        for info, data in extra:
            archive.addfile(info, io.BytesIO(data) if data else None)
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return target


def forge(source: Path, target: Path, *, change: Callable[[Members], None] | None = None,
          manifest: Callable[[dict[str, Any]], None] | None = None, fix_digests: bool = True,
          sign_key: Path | None = None,
          extra: Sequence[tuple[tarfile.TarInfo, bytes]] = ()) -> Path:
    members = read(source)
    if change:
        change(members)
    data = json.loads(members["manifest.json"])
    if fix_digests:
        data["members"] = [{"name": m["name"], "size": len(members[m["name"]]),
                            "sha256": hashlib.sha256(members[m["name"]]).hexdigest()}
                           for m in data["members"] if m["name"] in members]
    if manifest:
        manifest(data)
    raw = (json.dumps(data, indent=2, sort_keys=True) + "\n").encode()
    members["manifest.json"] = raw
    if sign_key is not None:
        work = target.parent / "forge-sign"
        work.mkdir(exist_ok=True)
        (work / "manifest.json").write_bytes(raw)
        sig = work / "manifest.json.minisig"
        sig.unlink(missing_ok=True)
        subprocess.run(["minisign", "-S", "-s", str(sign_key), "-m", str(work / "manifest.json"),
                        "-x", str(sig)], check=True, capture_output=True, input=b"\n")
        members["manifest.json.minisig"] = sig.read_bytes()
    ordered = {k: v for k, v in members.items() if not k.startswith("manifest.json")}
    ordered.update({k: v for k, v in members.items() if k.startswith("manifest.json")})
    return write(target, ordered, extra)


def link(name: str, kind: bytes, target: str) -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, target
    return info, b""


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``root`` with size and mtime: what 'nothing was written' compares."""
    result = {}
    for folder, _dirs, files in os.walk(root):
        for name in files:
            path = Path(folder) / name
            if path == root / ".git" / "index":  # `git status` refreshes its stat cache
                continue
            info = path.lstat()
            result[str(path.relative_to(root))] = (info.st_size, info.st_mtime_ns)
    return result
