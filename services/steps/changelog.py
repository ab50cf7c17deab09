"""Step ``changelog``: [Unreleased] becomes ``[X.Y.Z] — YYYY-MM-DD``, the compare-link footer
is updated, the policy's version references (README, version files) are brought up to the new
version, the diffs are shown, and the change is committed as ``Release vX.Y.Z: changelog``.

Resumable: if the process died after writing the files but before committing, the next run sees
each file holds either HEAD's text or exactly this step's edit of it, writes what is missing and
only commits; if the commit was made, it records it without doing anything twice.
"""

from __future__ import annotations

import hashlib

from services import changelog, channels, reconcile, version_refs, versions, wording
from services.atomic import write_bytes_atomic
from services.blocker import as_blocker
from services.changelog import (
    RANK,
    BumpDecision,
    Change,
    commit_files,
    compute_bump,
    head_bytes,
    head_message,
    modified,
)
from services.errors import ConsoleError
from services.evidence import ChangelogEvidence
from services.session_lifecycle import release_commit
from services.step_protocol import Blocker, Context, Evidence, FileChange, Plan, Step
from services.subjects import CHANGELOG, subject


def commit_message(ctx: Context) -> str:
    return subject(CHANGELOG, ctx.require_session().tag)


def plan_move(ctx: Context, raw: bytes | None = None) -> Change:
    """The move the session asks for, on the file as it is (or on ``raw``, e.g. HEAD's)."""
    session = ctx.require_session()
    rel = ctx.policy.changelog
    doc = (changelog.parse(raw, rel) if raw is not None
           else changelog.load(ctx.path(rel), rel))
    if raw is not None:
        doc.path = ctx.path(rel)
    if channels.is_candidate(session):  # rc.1 moves to the final [X.Y.Z]; later rcs fold into it
        return changelog.rc_change(doc, channels.final_version(session), changelog.today(ctx.clock()),
                         tag=channels.final_tag(ctx.policy, session),
                         previous_tag=session.previous_tag, tag_format=ctx.policy.tag_format)
    return changelog.move(doc, session.version, changelog.today(ctx.clock()), tag=session.tag,
                          previous_tag=session.previous_tag,
                          tag_format=ctx.policy.tag_format)


def ref_updates(ctx: Context, revision: str = "", *,
                tags: list[str] | None = None) -> list[version_refs.RefUpdate]:
    """The version references' updates, planned on the work tree or on ``revision``'s files;
    ``tags``: the repository's, when the caller has just read them (None: read here)."""
    session = ctx.require_session()
    read = (ctx.repo.work_file if not revision else
            ctx.repo.head_file if revision == "HEAD" else
            (lambda rel: ctx.repo.show(revision, rel)))
    # An rc's commit becomes the stable release's (promote tags it): its files name X.Y.Z.
    return version_refs.plan_updates(ctx.policy, version=channels.final_version(session),
                                     tag=channels.final_tag(ctx.policy, session),
                                     tags=ctx.repo.tags() if tags is None else tags, read=read)


def ref_paths(ctx: Context) -> list[str]:
    """Every file a version reference names (each may need its uncommitted edits guarded)."""
    return list(dict.fromkeys(ref.path for ref in ctx.policy.version_references))


def bump_decision(ctx: Context, doc: changelog.Changelog) -> BumpDecision:
    session = ctx.require_session()
    previous = versions.version_from_tag(session.previous_tag, ctx.policy.tag_format) \
        if session.previous_tag else None
    return compute_bump(doc, current=str(previous) if previous else None,
                        prefer_higher=ctx.policy.prefer_higher_bump)


def bump_note(decision: BumpDecision) -> str:
    """The plan's note of the bump: the one place ``run changelog --dry-run`` says it (the TUI's
    changelog screen shows it in its own panel and leaves the note out)."""
    return f"The entries call for a {decision.bump} release: " + "; ".join(decision.reasons) + "."


def bump_blocker(ctx: Context, decision: BumpDecision) -> list[Blocker]:
    """PAI: the release must be at least the bump its entries call for (hotfixes are patches)."""
    session = ctx.require_session()
    if session.kind == "hotfix" or not session.previous_tag:
        return []
    previous = versions.version_from_tag(session.previous_tag, ctx.policy.tag_format)
    if previous is None:
        return []
    chosen = versions.effective_bump(
        versions.bump_between(previous, versions.parse_version(session.version)), previous)
    if RANK[chosen] >= RANK[decision.bump]:
        return []
    return [Blocker(
        f"The [Unreleased] entries call for a {decision.bump} release ({decision.reasons[0]}), "
        f"but {session.tag} is only a {chosen} step from {session.previous_tag}.",
        f"Abandon this session and start {decision.next_version}, or file the entries under the "
        "right Keep a Changelog heading.")]


def done_already(ctx: Context) -> bool:
    session = ctx.require_session()
    return head_message(ctx).strip() == commit_message(ctx) and not any(
        modified(ctx, rel) for rel in [ctx.policy.changelog, *ref_paths(ctx)]) and changelog.load(
        ctx.path(ctx.policy.changelog), ctx.policy.changelog).heading_for(
        channels.final_version(session)) is not None


def abandoned_move(ctx: Context) -> Blocker | None:
    """This version started again after an abandoned attempt whose changelog commit is still on
    the branch: its section is there, so the move would be refused as "pick the next version",
    a dead end for the version the captain means to ship. Say which commit wrote it and how to
    drop it (only when it was never pushed), or to start the next version."""
    from services.session_lifecycle import ABANDONED_ATTEMPT

    session = ctx.require_session()
    rel = ctx.policy.changelog
    if not session.data.get(ABANDONED_ATTEMPT) or changelog.load(ctx.path(rel), rel).heading_for(
            channels.final_version(session)) is None:
        return None
    sha = reconcile.find_commit(ctx, commit_message(ctx), session.previous_tag)
    if not sha:
        return None
    remote = f"refs/remotes/{ctx.policy.project.remote}/{ctx.repo.branch()}"
    pushed = ctx.repo.is_ancestor(sha, remote)
    said = (f"{rel}'s section for {session.version} was written by the abandoned attempt's "
            f"commit {sha[:12]} (\"{commit_message(ctx)}\"), still on {ctx.repo.branch()}.")
    if pushed:
        return Blocker(said, "It is pushed, so it stays: abandon this session and start the "
                       "next version.")
    return Blocker(said, f"It was never pushed: drop the attempt's commits with `git reset "
                   f"--keep {sha[:12]}^`, redo pre-flight on that commit (`release-console redo "
                   "preflight --reason \"...\"`) and run this step again; or start the next version.")


def writes_from_head(ctx: Context) -> list[tuple[str, bytes, bytes]] | None:
    """(path, HEAD's bytes, the bytes this step writes) for every file it changes, planned on
    HEAD's files; None when HEAD has no changelog or the plan is refused."""
    rel = ctx.policy.changelog
    committed = head_bytes(ctx, rel)
    if committed is None:
        return None
    try:
        move = plan_move(ctx, committed).data()
        refs = ref_updates(ctx, "HEAD")
    except ConsoleError:
        return None
    return [(rel, committed, move),
            *((u.path, u.before.encode("utf-8"), u.data()) for u in refs if u.changed)]


def resumable(ctx: Context) -> bool:
    """Every file holds HEAD's text or exactly this step's edit of it, and at least one was
    written (the process died between writing and committing)."""
    writes = writes_from_head(ctx)
    if writes is None:
        return False
    written = False
    for rel, before, after in writes:
        try:
            now = ctx.path(rel).read_bytes()
        except OSError:
            return False
        if now not in (before, after):
            return False
        written = written or (now == after and after != before)
    return written



def footer_hint(ctx: Context, note: str) -> str:
    """A note that the file has no footer link to copy, with the line that would give it one.

    Release Console's own CHANGELOG had none before its first release: the note said no link was
    added, not how to have one. The [Unreleased] link the console copies is on GitHub's form
    (``commits/BRANCH`` before the first release, ``compare/TAG...BRANCH`` after)."""
    from services.notes import web_base

    base = web_base(ctx.policy)
    if "has no footer links to copy" not in note or not base:
        return note
    session = ctx.require_session()
    branch = ctx.policy.project.default_branch
    target = (f"{base}/compare/{session.previous_tag}...{branch}" if session.previous_tag
              else f"{base}/commits/{branch}")
    return (f"{note} To have one, add `[Unreleased]: {target}` as the last line of "
            f"{ctx.policy.changelog}, commit it and run this step again.")

def empty_blocker(ctx: Context) -> Blocker:
    """An [Unreleased] with no entries, in blocker words: walked at 80x24, the move's refusal
    ("…, nothing was changed") stood as the blocker before anything had run, and again as the
    plan and the screen's panel."""
    rel = ctx.policy.changelog
    return Blocker(empty_reason(rel), f"Add the changes {ctx.require_session().tag} ships under "
                   f"[Unreleased] in {rel} and commit them; this step then moves them.")


def refusal_blocker(ctx: Context, err: ConsoleError) -> Blocker:
    """The move's refusal as a blocker: what is wrong, then what to do, as the empty
    [Unreleased] says it. Walked: the blockers read "…; pick the next version, nothing was
    changed" before anything had been tried; a fix in the file is to be committed too (the step
    refuses a changelog with uncommitted changes)."""
    if not isinstance(err, changelog.ChangelogError) or not err.fact:
        return as_blocker(err)
    rel = ctx.policy.changelog
    todo = err.instead or (
        f"{err.todo[:1].upper()}{err.todo[1:]} and commit {rel}; this step then moves "
        "[Unreleased]." if err.todo else f"Put {rel} right and commit it; this step then moves "
        "[Unreleased].")
    return Blocker(f"{err.fact}.", todo)


def empty_reason(rel: str) -> str:
    """The empty [Unreleased] blocker's sentence (the step screen's panel leaves it to it)."""
    return f"The [Unreleased] section of {rel} has no entries yet."


class ChangelogStep(Step):
    id = "changelog"

    def check(self, ctx: Context) -> list[Blocker]:
        rel = ctx.policy.changelog
        try:
            if done_already(ctx):
                return []
            if resumable(ctx):
                return []
            for path in [rel, *ref_paths(ctx)]:
                if modified(ctx, path):
                    return [Blocker(f"{path} has uncommitted changes.",
                                    "Commit them first, so the release commit holds only "
                                    "the release's own edits.")]
            earlier = abandoned_move(ctx)
            if earlier is not None:
                return [earlier]
            try:
                change = plan_move(ctx)
            except changelog.EmptyUnreleased:
                return [empty_blocker(ctx)]
            try:
                ref_updates(ctx)  # a pattern that no longer matches is refused before writing
            except version_refs.VersionReferenceError as err:
                return [as_blocker(err)]
            return bump_blocker(ctx, bump_decision(ctx, change.doc))
        except ConsoleError as err:
            return [refusal_blocker(ctx, err)]

    def plan(self, ctx: Context) -> Plan:
        rel = ctx.policy.changelog
        message = commit_message(ctx)

        def commands(paths: list[str]) -> list[str]:
            return [f"git add {' '.join(paths)}", f'git commit -m "{message}"']

        try:
            if done_already(ctx):
                return Plan(summary=f"{rel} is already moved and committed; nothing to do.")
            if resumable(ctx):
                paths = [path for path, *_ in writes_from_head(ctx) or []]
                return Plan(summary=f"{', '.join(paths)} already written; only the commit is "
                            "left.", commands=commands(paths))
            change = plan_move(ctx)
            refs = [u for u in ref_updates(ctx) if u.changed]
            decision = bump_decision(ctx, change.doc)
        except changelog.ChangelogError as err:
            # its blocker (check) says what is wrong and what to do: the plan, what it will do;
            # a note says what is wrong where the blocker is not shown yet (an earlier step is
            # to do first): `--dry-run` and the step screen leave out a note a blocker says
            session = ctx.require_session()
            empty = isinstance(err, changelog.EmptyUnreleased)
            return Plan(summary=f"Move [Unreleased] in {rel} to "
                        f"{channels.final_version(session)} dated "
                        f"{changelog.today(ctx.clock()).isoformat()} once "
                        f"{'it has entries' if empty else f'{rel} can be moved'}, "
                        f"and commit it as '{message}'.",
                        notes=[] if empty else [refusal_blocker(ctx, err).reason])
        except ConsoleError as err:
            return Plan(summary=f"Cannot move the changelog: {wording.mid_sentence(str(err))}")
        plan = Plan(summary=change.summary,
                    changes=[FileChange(rel, change.diff(rel)),
                             *(FileChange(u.path, u.diff()) for u in refs)],
                    commands=commands([rel, *(u.path for u in refs)]),
                    notes=[footer_hint(ctx, note) for note in change.notes])
        for update in refs:
            for old, new in update.replaced:
                plan.notes.append(f"Version reference: {old!r} becomes {new!r} in {update.path}, "
                                  "in the same commit.")
        plan.notes.append(bump_note(decision))
        return plan

    def reconcile(self, ctx: Context) -> Evidence | None:
        """The changelog commit already made (a kill right after ``git commit``) is recorded with
        the same evidence a run gives, once it is checked to be exactly the move of its parent's
        changelog plus the version references' updates of its parent's files."""
        session = ctx.require_session()
        rel = ctx.policy.changelog
        base = release_commit(session)
        if not base or any(modified(ctx, path) for path in [rel, *ref_paths(ctx)]):
            return None
        try:
            refs = [u for u in ref_updates(ctx, base) if u.changed]
        except ConsoleError:
            refs = []  # the step would have refused: a commit changing them is not its own
        found = reconcile.adoptable_commit(ctx, subject=commit_message(ctx), parent=base,
                                           rel=rel, what="changelog",
                                           also=tuple(u.path for u in refs))
        if found is None or ctx.repo.head_sha() != found.sha:
            return None
        before = reconcile.file_at(ctx, base, rel)
        if before is None:
            return None
        change = plan_move(ctx, before)
        data = ctx.path(rel).read_bytes()
        edited = [rel] if change.data() != data else []
        edited += [u.path for u in refs if ctx.path(u.path).read_bytes() != u.data()]
        if edited:
            raise reconcile.Diverged(
                f"The changelog commit {found.sha[:12]} is not the edit this step would make "
                f"of {', '.join(edited)} (it was edited by hand); nothing was changed.",
                remedy=f"Compare with `release-console run changelog --dry-run` after moving HEAD "
                f"back to {base[:12]}, then run this step again.")
        decision = bump_decision(ctx, change.doc)
        return ChangelogEvidence.from_json({
            "file": rel, "commit": found.sha, "sha256": hashlib.sha256(data).hexdigest(),
            "bump": decision.bump, "bump_reasons": decision.reasons,
            "references": [u.path for u in refs], **change.facts,
        }).to_json()

    def run(self, ctx: Context) -> Evidence:
        rel = ctx.policy.changelog
        if done_already(ctx):
            return ChangelogEvidence(file=rel, commit=ctx.repo.head_sha(), already=True).to_json()
        for blocker in self.check(ctx):
            raise ConsoleError(str(blocker))
        if resumable(ctx):  # write what the killed run had not written yet, then commit
            change = plan_move(ctx, head_bytes(ctx, rel))
            refs = [u for u in ref_updates(ctx, "HEAD") if u.changed]
        else:
            change = plan_move(ctx)
            refs = [u for u in ref_updates(ctx) if u.changed]  # refused before anything is written
            if not change.changed and not refs:  # a later rc with nothing new: it stands as it is
                return {"file": rel, "commit": ctx.repo.head_sha(), "already": True,
                        **change.facts}
        for update in refs:  # the references first: the changelog written last marks the run
            if ctx.path(update.path).read_bytes() != update.data():
                write_bytes_atomic(ctx.path(update.path), update.data())
        if ctx.path(rel).read_bytes() != change.data():
            change.write()
        decision = bump_decision(ctx, change.doc)
        sha = commit_files(ctx, [rel, *(u.path for u in refs)], commit_message(ctx))
        data = ctx.path(rel).read_bytes()
        return ChangelogEvidence.from_json({
            "file": rel, "commit": sha, "sha256": hashlib.sha256(data).hexdigest(),
            "bump": decision.bump, "bump_reasons": decision.reasons,
            "references": [u.path for u in refs],
            **change.facts,  # how the move was written, for post-release's reopen
            **({"warnings": list(change.doc.warnings)} if change.doc.warnings else {}),
        }).to_json()


STEP = ChangelogStep()
