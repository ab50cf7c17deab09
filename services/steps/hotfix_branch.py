"""Step ``hotfix-branch``: ``hotfix/vX.Y.Z`` from the base tag, the picked fixes, their CHANGELOG.

It reconciles before acting, so a re-run after a kill, a conflict or ``hotfix --continue`` picks up
where the last one stopped: the branch is made only if missing, a commit already picked (its ``-x``
trailer is on the branch) is not picked again, and a ``### Fixed`` entry already there is not added
twice. A conflict stops with the files named and git's cherry-pick state left for the captain.
"""

from __future__ import annotations

from collections.abc import Callable

from services import changelog, reconcile
from services.blocker import dirty_tree_blockers
from services.changelog import commit_files, modified, unreleased_from_history
from services.errors import ConsoleError
from services.evidence import HotfixBranchEvidence
from services.hotfix import changelog_conflict, picks
from services.hotfix.entries import add_fixed
from services.hotfix.plan import HotfixData, branch_plan, commit_message, hotfix_data
from services.step_protocol import Blocker, Context, Evidence, Plan, Step

# The blockers' words in the TUI: the step's screen and the checklist beside it both offer the
# key they name (screens/home_hotfix.py goes by CONTINUE_HERE, so its words and c cannot drift
# apart; p is offered wherever the branch step is not finished and no pick is stopped).
PICK_HERE = "Press p here to pick them in the picker."
CONTINUE_HERE = ("Resolve them in your editor and `git add` them, then press c here to continue, "
                 "or to abort the picks.")


def _data(ctx: Context) -> HotfixData:
    return hotfix_data(ctx.require_session(), ctx.policy)


class HotfixBranch(Step):
    id = "hotfix-branch"

    def check(self, ctx: Context) -> list[Blocker]:
        data = _data(ctx)
        repo = ctx.repo
        if picks.in_progress(repo):
            if not picks.unmerged(repo):  # resolved, or a run killed mid-pick: run continues it
                return []
            err = picks.conflict(repo, data.branch, ctx.require_session().version)
            return [Blocker(err.message, err.remedy, CONTINUE_HERE)]
        if not repo.tag_exists(data.base_tag):
            return [Blocker(f"The base tag {data.base_tag} is not in this repository.",
                            "Fetch the tags (`git fetch --tags`) and run the step again.")]
        if not data.picks and not ctx.repo.branch_exists(data.branch):
            version = ctx.require_session().version
            return [Blocker("No commits are picked for this hotfix yet.",
                            f"Pick them with `release-console hotfix {version} --pick SHA ...` "
                            "(the TUI shows a picker).",
                            PICK_HERE)]
        return dirty_tree_blockers(repo.dirty_paths(), "Commit or stash them; the hotfix branch is "
                                   "made from a clean tree.")

    def plan(self, ctx: Context) -> Plan:
        return branch_plan(ctx, _data(ctx), ctx.require_session().tag)

    def reconcile(self, ctx: Context) -> Evidence | None:
        """A kill after the branch was finished and before its record: the branch is checked out
        from the base tag with every pick on it (their ``-x`` trailers) and its CHANGELOG needs
        nothing more; that is recorded as done. Killed between writing the CHANGELOG and
        committing it, the file holding exactly the step's edit (and nothing else changed) is
        committed first. Anything less is left to ``run``, which picks up where it stopped."""
        data = _data(ctx)
        repo = ctx.repo
        base, head = f"refs/tags/{data.base_tag}", f"refs/heads/{data.branch}"
        if not data.picks or not repo.tag_exists(data.base_tag) or \
                repo.branch() != data.branch or picks.in_progress(repo) or \
                not picks.is_ancestor(repo, base, head):
            return None
        done = picks.picked_on(repo, base, head)
        if any(p not in done for p in data.picks):
            return None
        rel = ctx.policy.changelog
        dirty = repo.dirty_paths()
        committed = repo.show(head, rel)
        wanted = self._planned(ctx, data, committed) if committed is not None else None
        if wanted is not None and wanted != committed:  # the entries are not committed yet
            if dirty != [rel] or ctx.path(rel).read_bytes() != wanted:
                return None
            commit_files(ctx, [rel], commit_message(ctx))
        elif dirty:
            return None
        entry = reconcile.find_commit(ctx, commit_message(ctx), base)
        earlier = changelog_conflict.remembered(ctx.require_session())
        return HotfixBranchEvidence(
            branch=data.branch, base_tag=data.base_tag,
            base_commit=repo.git("rev-parse", f"{base}^{{commit}}").strip(),
            picks=tuple(data.picks), adopted=tuple(data.picks),
            entries=tuple(self._entries(ctx, data)), changelog_commit=entry,
            branch_created=False, commit=repo.head_sha(),
            changelog_conflicts_resolved=tuple(earlier) if earlier else None,
        ).to_json()

    def run(self, ctx: Context) -> Evidence:
        for blocker in self.check(ctx):
            raise ConsoleError(blocker.reason, remedy=blocker.remedy)
        data = _data(ctx)
        repo = ctx.repo
        version = ctx.require_session().version
        continued: list[str] = []
        if picks.in_progress(repo):  # nothing in conflict: resolved, or killed mid-pick
            continued = _kept(ctx, lambda: changelog_conflict.continue_picks(
                ctx, branch=data.branch, version=version, base_tag=data.base_tag))
            ctx.record(self.id, "picks continued", outputs={"head": repo.head_sha()})
        created = not ctx.repo.branch_exists(data.branch)
        if created:
            repo.git("switch", "--quiet", "--no-track", "-c", data.branch,
                     f"refs/tags/{data.base_tag}^{{commit}}")
        elif repo.branch() != data.branch:
            repo.git("switch", "--quiet", data.branch)
        done = picks.picked_on(repo, f"refs/tags/{data.base_tag}", "HEAD")
        if not created:  # made before (a killed run, a conflict, the captain): say what is kept
            ctx.record(self.id, "existing branch adopted", outputs={
                "branch": data.branch, "head": repo.head_sha(),
                "picks_already_there": [p for p in data.picks if p in done]})
        todo = [p for p in data.picks if p not in done]
        resolved = _kept(ctx, lambda: changelog_conflict.pick(
            ctx, todo, branch=data.branch, version=version, base_tag=data.base_tag))
        earlier = changelog_conflict.remembered(ctx.require_session())
        resolved = list(dict.fromkeys([*earlier, *continued, *resolved]))
        entries, entry_commit = self._changelog(ctx, data)
        picked = picks.picked_on(repo, f"refs/tags/{data.base_tag}", "HEAD")
        return HotfixBranchEvidence(
            branch=data.branch, base_tag=data.base_tag,
            base_commit=repo.git("rev-parse", f"refs/tags/{data.base_tag}^{{commit}}").strip(),
            picks=tuple(p for p in data.picks if p in picked),
            adopted=tuple(p for p in data.picks if p in done),
            entries=tuple(entries), changelog_commit=entry_commit,
            branch_created=created, commit=repo.head_sha(),
            changelog_conflicts_resolved=tuple(resolved),
        ).to_json()

    def _subjects(self, ctx: Context, data: HotfixData) -> list[str]:
        """The picks' subjects that need an entry (a fix that brought its own has one)."""
        rel = ctx.policy.changelog
        subjects = []
        for sha in data.picks:
            files = ctx.repo.git("show", "--format=", "--name-only", sha).split()
            if rel not in files:  # the fix brought its own entry: not written twice
                subjects.append(ctx.repo.git("log", "-1", "--format=%s", sha).strip())
        return subjects

    def _entries(self, ctx: Context, data: HotfixData) -> list[str]:
        """The entries for the picks that the committed file lists (for adopted evidence)."""
        text = (ctx.repo.show("HEAD", ctx.policy.changelog) or b"").decode("utf-8", "replace")
        return [s for s in self._subjects(ctx, data) if f"- {s}" in text]

    def _planned(self, ctx: Context, data: HotfixData, raw: bytes) -> bytes:
        """The CHANGELOG as ``_changelog`` makes it from ``raw`` (in memory, nothing written)."""
        rel = ctx.policy.changelog
        subjects = self._subjects(ctx, data)
        doc = changelog.parse(raw, rel)
        if doc.unreleased is None and subjects:
            facts = unreleased_from_history(ctx.path(rel))
            doc = changelog.parse(changelog.reopen(
                doc, latest_tag=data.base_tag, tag_format=ctx.policy.tag_format,
                heading_text=facts.get("unreleased_heading", ""),
                link_label=facts.get("unreleased_label", ""),
                unreleased_url=facts.get("unreleased_url", "")).data(), rel)
        if doc.unreleased is None:
            return doc.raw
        change = add_fixed(doc, subjects)
        return change.data() if change.edits else doc.raw

    def _changelog(self, ctx: Context, data: HotfixData) -> tuple[list[str], str]:
        """Reopen [Unreleased] if the tag's file has none, add the entries, commit them."""
        rel = ctx.policy.changelog
        path = ctx.path(rel)
        if not path.exists():
            return [], ""
        subjects = self._subjects(ctx, data)
        doc = changelog.load(path, rel)
        if doc.unreleased is None and subjects:
            facts = unreleased_from_history(path)
            changelog.reopen(doc, latest_tag=data.base_tag, tag_format=ctx.policy.tag_format,
                             heading_text=facts.get("unreleased_heading", ""),
                             link_label=facts.get("unreleased_label", ""),
                             unreleased_url=facts.get("unreleased_url", "")).write()
            doc = changelog.load(path, rel)
        entries: list[str] = []
        if doc.unreleased is not None:
            change = add_fixed(doc, subjects)
            change.write()
            entries = list(change.facts.get("entries", []))
        if not modified(ctx, rel):
            return entries, ""
        return entries, commit_files(ctx, [rel], commit_message(ctx))


def _kept(ctx: Context, picking: Callable[[], list[str]]) -> list[str]:
    """``picking``'s picks resolved in the CHANGELOG; when it stops on another conflict, those it
    resolved first are journaled before the stop is raised, for the run that finishes."""
    try:
        return picking()
    except picks.PickConflict as stopped:
        changelog_conflict.remember(ctx, stopped.resolved)
        raise


STEP = HotfixBranch()
