"""Step ``merge-back``: bring the default branch up to date with the hotfix, then push it.

Fast-forward when the default branch has not moved since the base tag; otherwise merge the hotfix
tag into it (never a rebase, never a force-push). A CHANGELOG conflict is resolved the one way that
keeps both sides: the hotfix version's section (and its footer link) goes below the default
branch's [Unreleased], whose entries stay, and [Unreleased]'s link compares from the hotfix's tag
when it compared from an older release. A CHANGELOG git merges cleanly is put right the same way
before the merge commit (the merge runs with ``--no-commit``) when git's result lost the default
branch's [Unreleased] or kept its old link. Either way another change the hotfix made to the
CHANGELOG (a typo fixed in an older section) is carried over when the default branch left that
part as the base tag had it; when one cannot be (a part changed on both sides, a section the
hotfix added) the step stops instead, naming the part, with the file left as git merged it for the
captain (:mod:`services.hotfix.changelog_lost`). A MIGRATION.md conflict is resolved too when the
hotfix only added its own transition (:mod:`services.hotfix.migration_merge`). Any other conflict
stops, naming the files, with the merge left for the captain. A re-run adopts a merge already made
(the tag is in the branch) and only pushes; whether that merge resolved its CHANGELOG, and what it
carried (the hotfix's commits, its other CHANGELOG edits kept), is read from the merge itself
(:mod:`services.hotfix.adopted`). Pushing is irreversible, so the confirmation lists the commits
that go up.
"""

from __future__ import annotations

from services import changelog
from services.atomic import write_bytes_atomic
from services.blocker import dirty_tree_blockers
from services.errors import ConsoleError
from services.evidence import MergeBackEvidence
from services.hotfix import changelog_lost, migration_merge
from services.hotfix.adopted import base_ref, carried_by_merge
from services.hotfix.entries import compare_from_the_hotfix, insert_release_section
from services.hotfix.picks import git_dir_path, unmerged
from services.hotfix.plan import HotfixData, hotfix_data
from services.remote import MERGE_BACK_WAITS, remote_git, remote_ref
from services.repo import GitOutput, RepoError, git_failure
from services.step_protocol import Blocker, Context, Evidence, Plan, Step, StepFailed
from services.wording import listed


def _data(ctx: Context) -> HotfixData:
    return hotfix_data(ctx.require_session(), ctx.policy)


def _rev(ctx: Context, ref: str) -> str:
    try:
        return ctx.repo.git("rev-parse", "--verify", "--quiet", ref).strip()
    except RepoError:
        return ""


def _ancestor(ctx: Context, a: str, b: str) -> bool:
    return ctx.repo.is_ancestor(a, b)


def _git(ctx: Context, *args: str) -> GitOutput:
    """A git command that may stop (a conflict): its status is looked at, not raised."""
    return ctx.repo.output(*args, env={"GIT_EDITOR": "true"})


def merge_message(ctx: Context, default: str) -> str:
    return f"Merge hotfix {ctx.require_session().tag} into {default}"


def mode(ctx: Context, data: HotfixData) -> str:
    """``merged`` (nothing to do locally), ``fast-forward`` or ``merge``."""
    tag = ctx.require_session().tag
    default = f"refs/heads/{data.default_branch}"
    if _ancestor(ctx, f"refs/tags/{tag}", default):
        return "merged"
    head = f"refs/heads/{data.branch}"
    if _rev(ctx, head) and _ancestor(ctx, f"refs/tags/{tag}", head) and \
            _ancestor(ctx, default, head):
        return "fast-forward"
    return "merge"


def merged_by(ctx: Context, data: HotfixData) -> str:
    """The merge commit on the default branch that brought the hotfix tag in; "" when the branch
    was fast-forwarded (or holds the tag another way)."""
    tag_commit = _rev(ctx, f"refs/tags/{ctx.require_session().tag}^{{commit}}")
    out = ctx.repo.git("rev-list", "--merges", "--parents", "--reverse",
                       f"refs/heads/{data.default_branch}", f"^{tag_commit}", "--")
    for line in out.splitlines():
        sha, *parents = line.split()
        if tag_commit in parents[1:]:
            return sha
    return ""


def changelog_resolved_in(ctx: Context, data: HotfixData) -> bool:
    """Whether the merge that brought the hotfix in resolved its CHANGELOG, judged from the
    world, for a merge this step adopts (a killed run made it, or the captain): merging its two
    parents again (``git merge-tree``, in memory, nothing written) conflicts in the CHANGELOG,
    and the merge commit's file has no conflict markers left; or git merges it cleanly and the
    merge commit's file is not git's result (merge-back put a clean merge right)."""
    merge = merged_by(ctx, data)
    if not merge:
        return False
    parents = ctx.repo.git("rev-list", "--parents", "-n", "1", merge).split()[1:]
    again = ctx.repo.output("merge-tree", "--write-tree", "--name-only", "--no-messages",
                            *parents[:2])
    rel = ctx.policy.changelog
    merged = ctx.repo.show(merge, rel)
    if again.status == 0:  # git merges it cleanly: resolved if the merge's file is not git's
        tree = again.stdout.split("\n", 1)[0].strip()
        return merged is not None and ctx.repo.show(tree, rel) != merged
    if again.status != 1 or rel not in again.stdout.splitlines()[1:]:
        return False  # git could not tell, or the conflict was elsewhere
    return merged is not None and b"<<<<<<<" not in merged


def commits_up(ctx: Context, data: HotfixData) -> list[str]:
    """The commits a push of the default branch would send, as ``sha subject`` lines."""
    tag = ctx.require_session().tag
    remote = f"refs/remotes/{ctx.policy.project.remote}/{data.default_branch}"
    since = [f"^{remote}"] if _rev(ctx, remote) else []
    how = mode(ctx, data)
    target = {"merged": f"refs/heads/{data.default_branch}", "fast-forward":
              f"refs/heads/{data.branch}"}.get(how, f"refs/tags/{tag}")
    tips = [target] if how != "merge" else [f"refs/heads/{data.default_branch}", target]
    out = ctx.repo.git("log", "--format=%h %s", *tips, *since, "--")
    lines = out.splitlines()
    if how == "merge":
        lines.insert(0, f"(new) {merge_message(ctx, data.default_branch)}")
    return lines


class MergeBack(Step):
    id = "merge-back"

    def check(self, ctx: Context) -> list[Blocker]:
        data = _data(ctx)
        tag = ctx.require_session().tag
        if not ctx.repo.tag_exists(tag):
            return [Blocker(f"Tag {tag} does not exist in this repository.",
                            "The release steps make it first.")]
        if not _rev(ctx, f"refs/heads/{data.default_branch}"):
            return [Blocker(f"There is no local branch {data.default_branch} to bring up to date.",
                            f"Fetch it: `git fetch origin {data.default_branch}:"
                            f"{data.default_branch}`.")]
        if git_dir_path(ctx.repo, "MERGE_HEAD").exists():
            files = unmerged(ctx.repo)
            own = {ctx.policy.changelog, ctx.policy.migration}  # the conflicts it resolves
            if self._ours_stopped(ctx, data) and set(files) <= own:
                return []  # a kill mid-merge, or resolved since: run finishes it
            if files:
                return [Blocker(f"The merge into {data.default_branch} still has conflicts in: "
                                f"{', '.join(files)}.",
                                "Resolve them, `git add` them and `git commit`, then run "
                                "merge-back again; or `git merge --abort` to go back.",
                                "Resolve them in your editor, `git add` them and `git commit`, "
                                "then press r to push; or `git merge --abort` to go back.")]
            return [Blocker(f"The merge into {data.default_branch} is resolved but not committed.",
                            "Commit it with `git commit`, then run merge-back again.",
                            "Commit it with `git commit`, then press r to push.")]
        dirty = [p for p in ctx.repo.dirty_paths()
                 if not p.startswith(ctx.policy.artifacts_dir.rstrip("/") + "/")]
        return dirty_tree_blockers(dirty, "Commit or stash them before switching branches.")

    def plan(self, ctx: Context) -> Plan:
        data = _data(ctx)
        tag = ctx.require_session().tag
        remote = ctx.policy.project.remote
        if not ctx.repo.tag_exists(tag):  # early in the hotfix: its screen showed git's error
            return Plan(summary=f"Bring {data.default_branch} up to date with {tag} and push it; "
                        "never a rebase or a force-push.",
                        notes=[f"The commits going up to {remote}/{data.default_branch} are "
                               f"known once {tag} is tagged."])
        how = mode(ctx, data)
        commands = [f"git switch {data.default_branch}"]
        if how == "fast-forward":
            commands.append(f"git merge --ff-only {data.branch}")
        elif how == "merge":
            commands.append(f"git merge --no-ff -m \"{merge_message(ctx, data.default_branch)}\" "
                            f"{tag}")
        commands.append(f"git push {remote} {data.default_branch}")
        going = commits_up(ctx, data)
        notes = ["Commits going up to "
                 f"{remote}/{data.default_branch}:\n" + "\n".join(f"    {c}" for c in going)
                 if going else f"Nothing new goes up to {remote}/{data.default_branch}."]
        if how == "merge":
            notes.append(f"A conflict in {ctx.policy.changelog} (or a clean merge of it that "
                         "lost [Unreleased]) is resolved by putting "
                         f"[{ctx.require_session().version}] below [Unreleased] (comparing "
                         "[Unreleased] from the newer of its tag and the hotfix's) and carrying "
                         "over the hotfix's other edits to parts the default branch left alone "
                         "(any other edit stops, named); one in "
                         f"{ctx.policy.migration} by adding the hotfix's section to the "
                         "default branch's guide (when that is all the hotfix changed there). "
                         "Any other conflict stops and names the files.")
        return Plan(summary=f"Bring {data.default_branch} up to date with {tag} ({how}) and push "
                    "it; never a rebase or a force-push.", commands=commands, notes=notes)

    def reconcile(self, ctx: Context) -> Evidence | None:
        """A kill after the push and before its record: the default branch holds the hotfix tag
        here and on the remote, at the same commit; that is recorded as done, nothing redone.
        Merged here but not pushed yet is left to ``run`` (the push asks first)."""
        data = _data(ctx)
        session = ctx.require_session()
        default = data.default_branch
        local = _rev(ctx, f"refs/heads/{default}")
        if not local or not ctx.repo.tag_exists(session.tag) or \
                git_dir_path(ctx.repo, "MERGE_HEAD").exists() or \
                not _ancestor(ctx, f"refs/tags/{session.tag}", local):
            return None
        remote = ctx.policy.project.remote
        if remote_ref(ctx, f"refs/heads/{default}", MERGE_BACK_WAITS) != local:
            return None
        resolved = changelog_resolved_in(ctx, data)
        brought = carried_by_merge(ctx, data, merged_by(ctx, data))
        return MergeBackEvidence(mode="merged", branch=default, commit=local, remote=remote,
                                 tag=session.tag, changelog_resolved=resolved,
                                 merged=brought.commits,
                                 changelog_carried=listed(brought.changelog)).to_json()

    def run(self, ctx: Context) -> Evidence:
        for blocker in self.check(ctx):
            raise ConsoleError(blocker.reason, remedy=blocker.remedy)
        data = _data(ctx)
        session = ctx.require_session()
        remote = ctx.policy.project.remote
        default = data.default_branch
        remote_tip = remote_ref(ctx, f"refs/heads/{default}", MERGE_BACK_WAITS)
        if remote_tip and not _ancestor(ctx, remote_tip, f"refs/heads/{default}"):
            raise StepFailed(f"{remote}/{default} has commits that the local {default} does not "
                             "have; nothing was merged or pushed.",
                             remedy=f"Update it (`git switch {default} && git pull --ff-only`), "
                             "then run merge-back again.")
        how = mode(ctx, data)
        resolved = False
        carried: list[str] = []
        merged: tuple[str, ...] | None = None  # what an adopted merge brought (see below)
        if how == "merged":  # a killed run (or the captain) merged it already: say so, and
            resolved = changelog_resolved_in(ctx, data)  # what it carried, as a made one says
            brought = carried_by_merge(ctx, data, merged_by(ctx, data))
            merged, carried = brought.commits, list(brought.changelog)
            ctx.record(self.id, "merge adopted", outputs={
                "branch": default, "commit": _rev(ctx, f"refs/heads/{default}"),
                "tag": session.tag, "remote_tip": remote_tip,
                "changelog_resolved": resolved, "merged": list(merged),
                "changelog_carried": listed(carried)})
        if ctx.repo.branch() != default:
            ctx.repo.git("switch", "--quiet", default)
        if how == "fast-forward":
            ctx.repo.git("merge", "--quiet", "--ff-only", f"refs/heads/{data.branch}")
        elif how == "merge":
            resolved, carried = self._merge(ctx, data)
        local = ctx.repo.head_sha()
        pushed = commits_up(ctx, data) if remote_tip != local else []
        if remote_tip != local:
            remote_git(ctx, "push", "--quiet", remote, f"refs/heads/{default}:refs/heads/{default}",
                       waiting=MERGE_BACK_WAITS)
        if remote_ref(ctx, f"refs/heads/{default}", MERGE_BACK_WAITS) != local:
            raise StepFailed(f"{remote}/{default} does not show {local[:12]} after the push.",
                             remedy="Check the remote and run merge-back again.")
        return MergeBackEvidence(mode=how, branch=default, commit=local, remote=remote,
                                 tag=session.tag, pushed=tuple(pushed), changelog_resolved=resolved,
                                 merged=merged,
                                 changelog_carried=listed(carried)).to_json()  # "" when none

    def _ours_stopped(self, ctx: Context, data: HotfixData) -> bool:
        """The merge in progress is this step's (the hotfix tag into the default branch, with
        its message), stopped by a kill while it resolved its own conflicts, or resolved since:
        the step finishes it instead of sending the captain to git."""
        merging = git_dir_path(ctx.repo, "MERGE_HEAD")
        message = git_dir_path(ctx.repo, "MERGE_MSG")
        tag = ctx.require_session().tag
        return merging.exists() and ctx.repo.branch() == data.default_branch and \
            _rev(ctx, "MERGE_HEAD^{commit}") == _rev(ctx, f"refs/tags/{tag}^{{commit}}") and \
            message.exists() and message.read_text().startswith(
                merge_message(ctx, data.default_branch))

    def _merge(self, ctx: Context, data: HotfixData) -> tuple[bool, list[str]]:
        """Merge the tag (or finish this step's merge a kill stopped); resolve a CHANGELOG
        conflict; stop on any other. Whether the CHANGELOG was resolved, and the hotfix's other
        changes to it that the resolution carried (named, e.g. "the section of 1.1.0")."""
        tag = ctx.require_session().tag
        if not self._ours_stopped(ctx, data):
            # --no-commit: a CHANGELOG git merged cleanly is put right before the merge commit
            proc = _git(ctx, "merge", "--no-ff", "--no-commit", "-m",
                        merge_message(ctx, data.default_branch), f"refs/tags/{tag}")
            if proc.status != 0 and not unmerged(ctx.repo):
                raise StepFailed(f"git merge {tag} failed: "
                                 f"{git_failure(proc.stderr or proc.stdout)}.")
        files = unmerged(ctx.repo)
        rel = ctx.policy.changelog
        # a CHANGELOG to resolve: git's conflict, or a clean merge that lost [Unreleased]
        needed = rel in files or self._clean_changelog_lost_unreleased(ctx, rel)
        refused, carried = self._resolve_changelog(ctx, data, rel, clean=rel not in files) \
            if needed else ("", [])
        resolved = needed and not refused
        done_by_us = [rel] if resolved else []
        if ctx.policy.migration in files and migration_merge.resolve(ctx, data):
            done_by_us.append(ctx.policy.migration)
        others = [f for f in files if f not in done_by_us]
        if refused:  # left as git merged it, for the captain: the resolve-by-hand path below
            also = [f for f in others if f != rel]
            raise StepFailed(
                f"{refused}; the file is left as git merged it"
                + (f", and {', '.join(also)} still conflict" if also else "")
                + (f" ({' and '.join(done_by_us)} resolved)" if done_by_us else "") + ".",
                remedy=f"Fix {rel} by hand (keeping {data.default_branch}'s [Unreleased], the "
                f"[{ctx.require_session().version}] section and the hotfix's other changes), "
                "`git add` it and `git commit`, then run merge-back again to push (r on its "
                "screen, or `release-console run merge-back`); or `git merge --abort` to go "
                "back.")
        if others:
            raise StepFailed(
                f"Merging {tag} into {data.default_branch} stopped on conflicts in: "
                f"{', '.join(others)}"
                + (f" ({' and '.join(done_by_us)} resolved)" if done_by_us else "") + ".",
                remedy="Resolve them, `git add` them and `git commit`, then run merge-back again "
                "to push (r on its screen, or `release-console run merge-back`); or `git merge "
                "--abort` to go back.")
        done = _git(ctx, "commit", "--no-edit")
        if done.status != 0:
            raise StepFailed(f"Committing the merge failed: "
                             f"{git_failure(done.stderr or done.stdout)}.")
        return resolved, carried

    def _clean_changelog_lost_unreleased(self, ctx: Context, rel: str) -> bool:
        """Whether git merged the CHANGELOG cleanly into something merge-back must put right: the
        default branch's [Unreleased] is gone (a base tag that had one, which the hotfix's move
        turned into its section: the default branch's entries would be filed under the hotfix
        version) or its link still compares from an older release. Read from HEAD and the work
        tree, so a re-run after a kill before the commit decides the same."""
        session = ctx.require_session()
        ours_raw, merged_raw = ctx.repo.show("HEAD", rel), ctx.path(rel)
        theirs_raw = ctx.repo.show(f"refs/tags/{session.tag}", rel)
        if ours_raw is None or theirs_raw is None or not merged_raw.exists():
            return False
        ours = changelog.parse(ours_raw, rel)
        if ours.unreleased is None or changelog.parse(theirs_raw, rel).heading_for(
                session.version) is None:  # no section to add: the captain skipped the step
            return False
        merged = changelog.parse(merged_raw.read_bytes(), rel)
        if merged.unreleased is None:
            return True
        return bool(compare_from_the_hotfix(merged, session.tag, ctx.policy.tag_format).edits)

    def _resolve_changelog(self, ctx: Context, data: HotfixData, rel: str, *,
                           clean: bool = False) -> tuple[str, list[str]]:
        """The default branch's CHANGELOG with the hotfix's section and link added; from the
        conflict's two sides, or, for a clean merge, from HEAD's file and the tag's. The
        hotfix's other changes to parts the default branch did not touch are carried over
        (returned, named); when one cannot be, nothing is written and the refusal is returned
        (:mod:`services.hotfix.changelog_lost`); "" when written and staged."""
        version = ctx.require_session().version
        tag = ctx.require_session().tag
        ours, theirs = ((ctx.repo.show("HEAD", rel), ctx.repo.show(f"refs/tags/{tag}", rel))
                        if clean else (ctx.repo.show(f":{stage}", rel) for stage in (2, 3)))
        if ours is None or theirs is None:
            raise StepFailed(f"{rel} conflicts in a way that is not an edit on both sides.",
                             remedy="Resolve it by hand, commit, and run merge-back again.")
        change = insert_release_section(changelog.parse(ours, rel),
                                        changelog.parse(theirs, rel), version)
        # the default branch's own links are kept; its [Unreleased] now compares from the hotfix
        relinked = compare_from_the_hotfix(changelog.parse(change.data(), rel),
                                           ctx.require_session().tag, ctx.policy.tag_format).data()
        base = self._base_changelog(ctx, data, rel)
        relinked, carried = changelog_lost.carry(base, theirs, relinked, version=version,
                                                 display=rel)
        dropped = changelog_lost.lost(base, theirs, relinked, version=version, display=rel)
        if dropped:
            merged = changelog.parse(ctx.path(rel).read_bytes(), rel) if clean else None
            how = "conflicts" if merged is None else (
                "merged without a conflict, but git's result " + (
                    f"lost {data.default_branch}'s [Unreleased]" if merged.unreleased is None
                    else "kept [Unreleased]'s link from an older release"))
            return (f"Merging {tag} into {data.default_branch} stopped at {rel}: it {how}, and "
                    f"merge-back's own resolution (the [{version}] section and its link added to "
                    f"{data.default_branch}'s file) would lose what the hotfix also changed there "
                    "and it cannot carry over (a part changed on both sides, or one the hotfix "
                    f"added or removed): {listed(dropped)}"), []
        write_bytes_atomic(ctx.path(rel), relinked)
        ctx.repo.git("add", "--", rel)
        return "", carried

    def _base_changelog(self, ctx: Context, data: HotfixData, rel: str) -> bytes | None:
        """The CHANGELOG the hotfix branched from: at the base commit the session recorded, else
        the base tag, else the merge base of the default branch and the tag."""
        base = base_ref(ctx, data, "HEAD")
        return ctx.repo.show(base, rel) if base else None


STEP = MergeBack()
