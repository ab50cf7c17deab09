"""Which SemVer bump the [Unreleased] entries call for, and why (the PAI versioning rules).

``### Removed`` or an entry marked breaking asks for MAJOR (MINOR before 1.0.0); ``### Added`` or
``### Deprecated`` for MINOR; ``Fixed``, ``Security`` and ``Changed`` alone for PATCH. A category
Keep a Changelog does not define (or entries under no category) cannot be classified, so the PAI rule
"when in doubt, prefer the higher bump" applies. Every decision carries its reasons so the captain
can see them before trusting the number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import semver

from services import versions
from services.changelog.model import Changelog, ChangelogError

RANK = {"patch": 0, "minor": 1, "major": 2}
CATEGORIES = {
    "removed": "major", "breaking": "major", "breaking changes": "major",
    "added": "minor", "deprecated": "minor",
    "fixed": "patch", "security": "patch", "changed": "patch",
}
_BREAKING = re.compile(
    r"\*\*breaking(?: changes?)?\*\*|__breaking(?: changes?)?__|\[breaking\]"
    r"|^\W*breaking(?: changes?)?\s*:|⚠️\s*breaking", re.IGNORECASE)
_BREAKING_UPPER = re.compile(r"\bBREAKING\b")
_ENTRY = re.compile(r"^\s{0,3}(?:[-*+]|\d+[.)])\s+")


@dataclass
class BumpDecision:
    bump: str  # major, minor or patch
    reasons: list[str] = field(default_factory=list)
    current: str = ""  # the version it bumps from ("" for a first release)
    next_version: str = ""

    def render(self) -> str:
        lines = [self.bump]
        lines += [f"  - {reason}" for reason in self.reasons]
        base = self.current or "nothing released yet"
        lines.append(f"Next version: {self.next_version} (from {base}).")
        return "\n".join(lines)

    def to_json(self) -> dict[str, object]:
        return {"bump": self.bump, "reasons": self.reasons, "current": self.current,
                "next": self.next_version}


def _is_breaking(entry: str) -> bool:
    text = entry.strip()
    # "BREAKING" in capitals anywhere, or an explicit marker such as **Breaking**
    return bool(_BREAKING_UPPER.search(text) or _BREAKING.search(text))


def compute_bump(doc: Changelog, *, current: str | None = None,
                 prefer_higher: bool = True) -> BumpDecision:
    """The bump for the [Unreleased] entries of ``doc``; ``current`` defaults to the newest
    version in the file."""
    unreleased = doc.unreleased
    if unreleased is None:
        raise ChangelogError(f"{doc.display} has no [Unreleased] section, so there is nothing to "
                             "decide a bump from.")
    counts: dict[str, int] = {}
    breaking: list[str] = []
    category = ""
    for line in doc.section_lines(unreleased):
        stripped = line.strip()
        if not stripped or (stripped.startswith("<!--") and stripped.endswith("-->")):
            continue
        if stripped.startswith("#"):
            category = stripped.lstrip("#").strip().rstrip(":").strip()
            continue
        if _ENTRY.match(line):
            counts[category] = counts.get(category, 0) + 1
        elif category not in counts:
            counts[category] = 1  # prose under a category counts as one entry
        if _is_breaking(stripped):
            breaking.append(stripped)
    if not counts:
        raise ChangelogError(f"The [Unreleased] section of {doc.display} is empty, so there is "
                             "nothing to release yet.")
    bump = "patch"
    reasons: list[str] = []
    doubt = "minor" if prefer_higher else "patch"
    for name, count in counts.items():
        entries = f"{count} entr{'y' if count == 1 else 'ies'}"
        if not name:
            wanted = doubt
            reasons.append(f"{entries} under no category: when in doubt, the higher bump "
                           f"({wanted})")
        elif name.lower() in CATEGORIES:
            wanted = CATEGORIES[name.lower()]
            reasons.append(f"### {name} has {entries} ({wanted})")
        else:
            wanted = doubt
            reasons.append(f"### {name} is not a Keep a Changelog category ({entries}): when in "
                           f"doubt, the higher bump ({wanted})")
        if RANK[wanted] > RANK[bump]:
            bump = wanted
    for entry in breaking[:3]:
        reasons.append(f"marked breaking: {entry[:80]} (major)")
    if breaking:
        bump = "major"
    newest = doc.highest()
    base_text = current or (newest.version if newest is not None and newest.version else "")
    base = versions.parse_version(base_text) if base_text else None
    effective = versions.effective_bump(bump, base)
    if effective != bump:
        reasons.append("before 1.0.0 a breaking change bumps MINOR")
        bump = effective
    nxt: semver.Version = versions.next_release(base, bump)
    if base is not None and base.prerelease and nxt == base.finalize_version():
        reasons.append(f"{base} is a pre-release of {nxt}, so this {bump} release finishes it")
    return BumpDecision(bump=bump, reasons=reasons, current=str(base) if base else "",
                        next_version=str(nxt))
