"""``manifest.json``: what a bundle holds, who made it and for which release.

The manifest is the last tar member (its digests are known only once everything is written) and
lists every other member; a reader refuses any member it does not list, any listed member that is
missing, and any whose size or sha256 differs.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from services.errors import ConsoleError

FORMAT = "release-console-bundle"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
TO_OFFLINE = "to-offline"
TO_ONLINE = "to-online"
DIRECTIONS = (TO_OFFLINE, TO_ONLINE)
MAX_MANIFEST = 4 * 1024 * 1024
# Member names a bundle may hold: flat, plain names under a few fixed folders.
_NAME = re.compile(r"(session\.json|journal\.jsonl|notes\.md|repo\.bundle"
                   r"|artifacts/[A-Za-z0-9._+@=-]{1,200}|files/[A-Za-z0-9._+@=-]{1,200})")


class BundleError(ConsoleError):
    """A bundle cannot be written or read here; nothing outside a temporary folder changed."""


class BundleRefused(BundleError):
    """A bundle that does not prove itself (a changed member, a bad signature, a cut-off copy,
    one that belongs elsewhere): nothing from it was used. Without a remedy of its own it gets
    the one that always applies, a fresh copy from the other workstation."""

    def __init__(self, message: str, *, remedy: str = "") -> None:
        super().__init__(message, remedy=remedy or FRESH_COPY)


# The export refuses to run twice, so "export it again" alone sent the captain into a refusal:
# with no good copy left there, the hand-off step is redone first.
FRESH_COPY = ("Carry a fresh copy of the bundle from the other workstation and compare the "
              "fingerprint both screens show; with no good copy left there, redo its hand-off "
              "step there (o on its screen, or `release-console redo handoff-out --reason "
              "\"...\" --bundle-lost` on the online machine, `release-console redo handoff-back "
              "--reason \"...\" --bundle-lost` on the signing workstation: this machine never "
              "imported it) and export it again.")

# Once the manifest says which way the bundle travels, the refusal names the one machine and the
# one step to redo: walked at 80x24, the two-machine sentence above left a captain reading which
# half applied (each side's import showed both redo commands).
_REDO = {TO_OFFLINE: ("the online machine", "handoff-out", "Hand-off to the signing workstation"),
         TO_ONLINE: ("the signing workstation", "handoff-back",
                     "Hand-off back to the online machine")}


def fresh_copy(direction: str) -> tuple[str, str]:
    """The remedy for a refused ``direction`` bundle on the machine importing it: the command
    line's and the TUI's (a key on the other machine's screen instead of a command)."""
    if direction not in _REDO:
        return FRESH_COPY, ""
    writer, step, title = _REDO[direction]
    first = (f"Carry a fresh copy of the bundle from {writer} and check that the fingerprint "
             f"shown here after it verifies matches the one {writer} showed; with no good copy "
             f"left there, ")
    last = " (this machine never imported it) and export it again there."
    return (first + f"run `release-console redo {step} --reason \"...\" --bundle-lost` on "
            f"{writer}" + last,
            first + f"press o on its '{title}' screen, say why and answer y" + last)


# A signature that does not verify is not a damaged copy a redo fixes: another key signed it,
# or the bundle was changed after it was signed.
SIGNED_ELSEWHERE = ("Check that both machines pin the same key in release.toml (the signing "
                    "workstation signs with the key the online machine pins), then carry a fresh "
                    "copy and compare the fingerprint both screens show; a bundle that still does "
                    "not verify was changed on the way and is never used.")


def allowed_name(name: str) -> bool:
    return bool(_NAME.fullmatch(name)) and "/.." not in name and not name.endswith("/.")


def short(sha256: str) -> str:
    """The fingerprint a captain compares by eye on two screens: 4 groups of 4 hex digits."""
    return " ".join(sha256[i:i + 4] for i in range(0, 16, 4))


@dataclass
class Member:
    name: str
    size: int
    sha256: str


@dataclass
class Manifest:
    project: str
    repository: str
    tag: str
    version: str
    direction: str
    creator: str
    created: str
    session_sha256: str
    journal_head: str
    journal_count: int
    commit: str
    branch: str
    previous_tag: str = ""
    tag_object: str = ""  # the signed tag's object id (return trip)
    artifacts: list[dict[str, Any]] = field(default_factory=list)  # build host's digests
    artifacts_included: bool = True
    members: list[Member] = field(default_factory=list)
    signature: str = ""  # the member name of the manifest's signature (return trip)

    def to_bytes(self) -> bytes:
        data = {"format": FORMAT, "format_version": FORMAT_VERSION, **asdict(self)}
        return (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()

    def member(self, name: str) -> Member | None:
        return next((m for m in self.members if m.name == name), None)

    def total_size(self) -> int:
        return sum(m.size for m in self.members)


def _text(data: dict[str, Any], key: str, *, required: bool = True) -> str:
    value = data.get(key, "")
    if not isinstance(value, str) or (required and not value):
        raise BundleRefused(f"The bundle's manifest has no valid '{key}'; the bundle was refused.")
    return value


def parse(raw: bytes) -> Manifest:
    """Read and check the manifest's shape; every problem is one sentence naming the field."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise BundleRefused("The bundle's manifest.json is not valid JSON; the bundle was "
                            "refused.") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BundleError("This file is not a Release Console hand-off bundle (its manifest "
                          "names no bundle format).")
    if data.get("format_version") != FORMAT_VERSION:
        raise BundleError(f"The bundle has format version {data.get('format_version')!r}; this "
                          f"Release Console reads version {FORMAT_VERSION}.",
                          remedy="Use the same Release Console version on both workstations.")
    direction = _text(data, "direction")
    if direction not in DIRECTIONS:
        raise BundleRefused(f"The bundle's direction {direction!r} is unknown; it was refused.")
    members_raw = data.get("members")
    if not isinstance(members_raw, list):
        raise BundleRefused("The bundle's manifest lists no members; it was refused.")
    members = []
    for item in members_raw:
        if not (isinstance(item, dict) and isinstance(item.get("name"), str)
                and isinstance(item.get("size"), int) and item["size"] >= 0
                and isinstance(item.get("sha256"), str)
                and re.fullmatch(r"[0-9a-f]{64}", item["sha256"])):
            raise BundleRefused("The bundle's manifest has a malformed member entry; it was "
                                "refused.")
        if not allowed_name(item["name"]):
            raise BundleRefused(f"The bundle's manifest lists {item['name']!r}, which is not a "
                                "name a bundle may hold; it was refused.")
        members.append(Member(item["name"], item["size"], item["sha256"]))
    artifacts = data.get("artifacts", [])
    if not isinstance(artifacts, list) or not all(
            isinstance(a, dict) and isinstance(a.get("name"), str) and allowed_name(
                "artifacts/" + a["name"]) and isinstance(a.get("sha256"), str)
            and isinstance(a.get("size"), int) for a in artifacts):
        raise BundleRefused("The bundle's manifest has malformed artifact digests; it was refused.")
    count = data.get("journal_count")
    if not isinstance(count, int) or count < 1:
        raise BundleRefused("The bundle's manifest has no valid 'journal_count'; it was refused.")
    return Manifest(
        project=_text(data, "project", required=False),
        repository=_text(data, "repository", required=False),
        tag=_text(data, "tag"), version=_text(data, "version"), direction=direction,
        creator=_text(data, "creator"), created=_text(data, "created"),
        session_sha256=_text(data, "session_sha256"), journal_head=_text(data, "journal_head"),
        journal_count=count, commit=_text(data, "commit"), branch=_text(data, "branch"),
        previous_tag=_text(data, "previous_tag", required=False),
        tag_object=_text(data, "tag_object", required=False),
        artifacts=[dict(a) for a in artifacts],
        artifacts_included=bool(data.get("artifacts_included", True)),
        members=members, signature=_text(data, "signature", required=False),
    )
