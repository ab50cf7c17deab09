"""A pick that conflicts only in the CHANGELOG resolves itself.

A fix on the default branch usually adds its line to ``[Unreleased]``, next to entries of other
work that the hotfix does not take; the base tag's CHANGELOG has no ``[Unreleased]`` at all (the
release moved it). So nearly every pick that carries its own entry conflicts in the CHANGELOG,
and resolving it by hand is the same edit every time: keep the branch's file and add the lines
the picked commit added, under the heading it put them under. Any other conflicted file still
stops the pick for the captain.
"""

from __future__ import annotations

from services import changelog
from services.changelog import unreleased_from_history
from services.hotfix import picks
from services.hotfix.entries import FIXED, add_entries
from services.session import Session
from services.step_protocol import Context

ITEM = ("- ", "* ")


def entries_added(ctx: Context, sha: str) -> list[tuple[str, str]]:
    """``(heading, entry)`` for each list item ``sha`` added to the CHANGELOG, in file order;
    an entry's indented continuation lines stay with it."""
    rel = ctx.policy.changelog
    diff = ctx.repo.git("diff", "--unified=0", f"{sha}^", sha, "--", rel)
    added = [line[1:] for line in diff.splitlines()
             if line.startswith("+") and not line.startswith("+++")]
    items: list[list[str]] = []
    for line in added:
        if line.lstrip().startswith(ITEM) and not line.startswith((" ", "\t")):
            items.append([line.rstrip()])
        elif items and line.startswith((" ", "\t")) and line.strip():
            items[-1].append(line.rstrip())
        elif line.strip():
            items.append([])  # a line that is not part of an entry ends the one before it
    text = ctx.repo.git("show", f"{sha}:{rel}").splitlines()
    found: list[tuple[str, str]] = []
    for item in (i for i in items if i):
        found.append((_heading_above(text, item[0]), "\n".join(item)))
    return found


def _heading_above(text: list[str], first: str) -> str:
    """The ``### Kind`` heading the entry sits under in the picked commit's file."""
    if first not in text:
        return FIXED
    for line in reversed(text[:text.index(first)]):
        if line.startswith("### "):
            return line.strip()
        if line.startswith("## "):
            break
    return FIXED


def resolve(ctx: Context, sha: str, base_tag: str) -> list[str]:
    """Keep the branch's CHANGELOG, add ``sha``'s entries to its [Unreleased] (reopened the way
    the file wrote it when the base tag's file has none), stage it. Returns the entries."""
    rel = ctx.policy.changelog
    entries = entries_added(ctx, sha)
    ctx.repo.git("checkout", "--ours", "--", rel)
    path = ctx.path(rel)
    doc = changelog.load(path, rel)
    if doc.unreleased is None:
        facts = unreleased_from_history(path)
        changelog.reopen(doc, latest_tag=base_tag, tag_format=ctx.policy.tag_format,
                         heading_text=facts.get("unreleased_heading", ""),
                         link_label=facts.get("unreleased_label", ""),
                         unreleased_url=facts.get("unreleased_url", "")).write()
    for heading in dict.fromkeys(h for h, _ in entries):
        doc = changelog.load(path, rel)
        add_entries(doc, heading, [e for h, e in entries if h == heading]).write()
    ctx.repo.git("add", "--", rel)
    return [e for _, e in entries]


def only_changelog(ctx: Context, conflict: picks.PickConflict) -> bool:
    return conflict.files == [ctx.policy.changelog]


def pick(ctx: Context, shas: list[str], *, branch: str, version: str,
         base_tag: str) -> list[str]:
    """``picks.cherry_pick``, resolving CHANGELOG-only conflicts; returns the shas resolved so.
    A conflict in any other file is raised as it was, for the captain."""
    try:
        picks.cherry_pick(ctx.repo, shas, branch=branch, version=version)
    except picks.PickConflict as conflict:
        return _resolve_on(ctx, conflict, branch=branch, version=version, base_tag=base_tag)
    return []


def continue_picks(ctx: Context, *, branch: str, version: str, base_tag: str) -> list[str]:
    """``picks.continue_picks`` after the captain's resolution, resolving later CHANGELOG-only
    conflicts the same way."""
    try:
        picks.continue_picks(ctx.repo, branch=branch, version=version)
    except picks.PickConflict as conflict:
        return _resolve_on(ctx, conflict, branch=branch, version=version, base_tag=base_tag)
    return []


def _resolve_on(ctx: Context, stopped: picks.PickConflict, *, branch: str, version: str,
                base_tag: str) -> list[str]:
    resolved: list[str] = []
    while only_changelog(ctx, stopped):
        sha = picks.git_dir_path(ctx.repo, "CHERRY_PICK_HEAD").read_text().strip()
        resolve(ctx, sha, base_tag)
        resolved.append(sha)
        try:
            picks.continue_picks(ctx.repo, branch=branch, version=version)
            return resolved
        except picks.PickConflict as again:
            stopped = again
    stopped.resolved = resolved
    raise stopped


RESOLVED = "hotfix_changelog_resolved"  # session.data: picks resolved so in runs that stopped


def remember(ctx: Context, shas: list[str]) -> None:
    """Journal picks whose CHANGELOG conflict resolved itself in a run that then stopped on
    another conflict: the run that finishes the branch reports them too (it said "none")."""
    if not shas:
        return

    def keep(s: Session) -> None:
        s.data[RESOLVED] = [*remembered(s), *(sha for sha in shas if sha not in remembered(s))]

    ctx.record("hotfix-branch", "changelog conflicts resolved", outputs={"picks": shas},
               update=keep)


def remembered(session: Session) -> list[str]:
    raw = session.data.get(RESOLVED)
    return [str(sha) for sha in raw] if isinstance(raw, list) else []
