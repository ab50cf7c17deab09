"""Step ``push``: push the release commit and the signed tag to the policy's remote.

The tag goes up before the draft exists (a draft creates no tag, and publishing would otherwise
create an unsigned one). A tag already on the remote is accepted only if it is the very same tag
object; a pushed tag is never moved or force-pushed.
"""

from __future__ import annotations

import re

from services.errors import ConsoleError
from services.github import expected
from services.repo import RepoError
from services.runbook import Blocker, Context, Evidence, Plan, Step, StepFailed


def _branch(ctx: Context) -> str:
    from services.steps.preflight import expected_branch

    return expected_branch(ctx)


def remote_url(ctx: Context) -> str:
    """The remote's URL with any user:password@ part removed (it may hold a token)."""
    url = ctx.repo.git("remote", "get-url", ctx.policy.project.remote).strip()
    return re.sub(r"//[^/@]+@", "//", url)


def remote_ref(ctx: Context, ref: str) -> str:
    out = ctx.repo.git("ls-remote", ctx.policy.project.remote, ref)
    for line in out.splitlines():
        sha, _, name = line.partition("\t")
        if name == ref:
            return sha
    return ""


class Push(Step):
    id = "push"
    title = "Push commit and tag"
    description = ("Push the release commit and the signed tag to the remote; the tag goes up "
                   "before the draft exists.")
    needs_network = True
    irreversible = True

    def check(self, ctx: Context) -> list[Blocker]:
        session = ctx.require_session()
        blockers = []
        if not ctx.repo.tag_exists(session.tag):
            blockers.append(Blocker(f"Tag {session.tag} does not exist in this repository yet.",
                                    "Run the tag step (or import the hand-off bundle) first."))
        try:
            ctx.repo.git("remote", "get-url", ctx.policy.project.remote)
        except RepoError:
            blockers.append(Blocker(f"This repository has no remote named "
                                    f"{ctx.policy.project.remote!r}.",
                                    "Add it with `git remote add`, or set [project] remote in "
                                    "release.toml."))
        return blockers

    def plan(self, ctx: Context) -> Plan:
        session = ctx.require_session()
        remote = ctx.policy.project.remote
        try:
            commit = expected.release_commit(ctx)
        except ConsoleError:
            commit = "<release commit>"
        return Plan(
            summary=f"Push the release commit and tag {session.tag} to {remote}.",
            commands=[f"git push {remote} {commit}:refs/heads/{_branch(ctx)}",
                      f"git push {remote} refs/tags/{session.tag}"],
            notes=["A tag already on the remote must be this very tag; it is never moved."],
        )

    def run(self, ctx: Context) -> Evidence:
        session = ctx.require_session()
        remote = ctx.policy.project.remote
        commit = expected.release_commit(ctx)
        tag_ref = f"refs/tags/{session.tag}"
        tag_object = ctx.repo.git("rev-parse", tag_ref).strip()
        branch = _branch(ctx)
        on_remote = remote_ref(ctx, tag_ref)
        if on_remote and on_remote != tag_object:
            raise StepFailed(f"{remote} already has a different tag {session.tag} "
                             f"({on_remote[:12]}, here {tag_object[:12]}).",
                             remedy="A pushed tag is never moved; find out who pushed it "
                             "before going on.")
        ctx.repo.git("push", "--quiet", remote, f"{commit}:refs/heads/{branch}")
        if not on_remote:
            ctx.repo.git("push", "--quiet", remote, tag_ref)
        if remote_ref(ctx, tag_ref) != tag_object:
            raise StepFailed(f"{remote} does not show tag {session.tag} after the push.",
                             remedy="Check the remote and run the step again.")
        return {"remote": remote, "url": remote_url(ctx), "branch": branch, "commit": commit,
                "tag": session.tag, "tag_object": tag_object,
                "tag_already_there": bool(on_remote)}


STEP = Push()
