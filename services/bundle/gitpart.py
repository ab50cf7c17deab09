"""The ``git bundle`` inside a hand-off bundle: the release commit (and on the way back the
signed tag) with its history back to the previous release tag.

Before anything reaches the project's repository, the git bundle is checked in a throwaway
repository that borrows the project's objects read-only (``objects/info/alternates``):
``git bundle verify``, its refs against the manifest, and on the way back the tag's target and
``git verify-tag`` with the pinned key. Only then is it fetched into the project.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from services.bundle.manifest import SIGNED_ELSEWHERE, BundleError, BundleRefused, Manifest
from services.repo import Repository
from services.step_protocol import Context


def _git(repo: Repository, *args: str) -> str:
    done = repo.output(*args)
    if done.status != 0:
        from services.repo import git_failure

        raise BundleError(f"git {args[0]} failed: {git_failure(done.stderr or done.stdout)}.")
    return done.stdout


def create(repo: Repository, work: Path, refs: dict[str, str], previous_tag: str) -> Path:
    """``work``/repo.bundle: ``git bundle create`` of ``refs`` (name -> object) back to
    ``previous_tag`` (everything when there is none).

    Made in a scratch repository whose refs are exactly these: the branch goes at the release
    commit even where the project's branch has moved past it (a promotion stands on the
    candidate's commit, with the candidate's reopen commit on top)."""
    scratch = scratch_repository(repo, work)
    for name, sha in refs.items():
        _git(scratch, "update-ref", name, sha)
    exclude = []
    if previous_tag and repo.tag_exists(previous_tag):
        exclude = [f"^{_git(repo, 'rev-parse', f'refs/tags/{previous_tag}^{{commit}}').strip()}"]
    output = work / "repo.bundle"
    _git(scratch, "bundle", "create", "-q", str(output), *refs, *exclude)
    return output


def heads(path: Path, repo: Repository) -> dict[str, str]:
    out = _git(repo, "bundle", "list-heads", str(path))
    result = {}
    for line in out.splitlines():
        sha, _, ref = line.partition(" ")
        result[ref.strip()] = sha.strip()
    return result


def scratch_repository(repo: Repository, where: Path) -> Repository:
    """An empty repository under ``where`` that can read (never write) the project's objects."""
    scratch = where / "git-check"
    _git(repo, "init", "-q", str(scratch))
    objects = Path(_git(repo, "rev-parse", "--path-format=absolute",
                        "--git-common-dir").strip()) / "objects"
    alternates = scratch / ".git" / "objects" / "info" / "alternates"
    alternates.write_text(f"{objects}\n")
    return Repository(scratch)


def verify(ctx: Context, manifest: Manifest, path: Path, where: Path) -> list[str]:
    """Check the git bundle against the manifest (and the tag with the pinned key); returns what
    was verified, line by line."""
    scratch = scratch_repository(ctx.repo, where)
    proc = scratch.output("bundle", "verify", str(path))
    if proc.status != 0:
        raise not_verified(ctx.repo, manifest, proc.stderr or proc.stdout)
    found = heads(path, scratch)
    branch_ref = f"refs/heads/{manifest.branch}"
    if found.get(branch_ref) != manifest.commit:
        raise BundleRefused(f"The git bundle's {branch_ref} is {found.get(branch_ref, 'missing')}, "
                            f"not the release commit {manifest.commit[:12]} the manifest names; "
                            "the bundle was refused.")
    _git(scratch, "fetch", "-q", "--no-tags", str(path), f"{branch_ref}:refs/heads/incoming")
    # Off the release's branch, the import's worktree check refuses the clone unless the branch
    # is not here at all (then it is made at the release commit and nothing here moves) or it is
    # the default branch (then it is checked out: its tip must fit as HEAD's would).
    on_branch = ctx.repo.branch() == manifest.branch
    switching = (not on_branch and manifest.branch == ctx.policy.project.default_branch
                 and ctx.repo.branch_exists(manifest.branch))
    if on_branch:
        head = ctx.repo.head_sha()
    elif switching:
        head = _git(ctx.repo, "rev-parse", branch_ref).strip()
    else:
        head = manifest.commit  # made at the release commit, or refused by the worktree check
    if head != manifest.commit:
        behind = scratch.is_ancestor(head, manifest.commit)
        # Back online, a promotion's branch has moved past the candidate's commit it signs.
        promoting = ctx.session is not None and ctx.session.kind == "promote"
        ahead = (manifest.direction != "to-offline" and promoting
                 and scratch.is_ancestor(manifest.commit, head))
        if not ahead and (manifest.direction != "to-offline" or not behind):
            raise BundleError(f"{'HEAD' if on_branch else manifest.branch} here is "
                              f"{head[:12]}, neither the release commit "
                              f"{manifest.commit[:12]} nor behind it; nothing was changed.",
                              remedy="Check out the release branch as it was when the release "
                              "left (no local commits), then import again.")
    checked = ["git bundle verify: complete, history back to "
               f"{manifest.previous_tag or 'the first commit'}",
               f"release commit {manifest.commit[:12]} on {manifest.branch}"]
    if not manifest.tag_object:
        return checked
    tag_ref = f"refs/tags/{manifest.tag}"
    if found.get(tag_ref) != manifest.tag_object:
        raise BundleRefused(f"The git bundle's tag {manifest.tag} is "
                            f"{found.get(tag_ref, 'missing')}, not the tag object "
                            f"{manifest.tag_object[:12]} the manifest names; it was refused.")
    _git(scratch, "fetch", "-q", str(path), f"{tag_ref}:{tag_ref}")
    target = _git(scratch, "rev-parse", f"{tag_ref}^{{commit}}").strip()
    if target != manifest.commit:
        raise BundleRefused(f"The signed tag {manifest.tag} in the bundle points at {target[:12]}, "
                            f"not the release commit {manifest.commit[:12]}; it was refused.")
    from services import tagging

    plan = dataclasses.replace(tagging.make_plan(ctx), commit=manifest.commit)
    if plan.signing != "none":
        try:
            signer = tagging.verify(dataclasses.replace(ctx, repo=scratch), plan)
        except tagging.TagError as err:
            raise BundleRefused(f"The signed tag {manifest.tag} in the bundle does not verify with "
                                f"the pinned key ({err.message}); the bundle was refused.",
                                remedy=SIGNED_ELSEWHERE) from None
        checked.append(f"git verify-tag {manifest.tag}: signed by the pinned key ({signer})")
    checked.append(f"tag {manifest.tag} points at the release commit {manifest.commit[:12]}")
    return checked


def not_verified(repo: Repository, manifest: Manifest, output: str) -> BundleRefused:
    """Why ``git bundle verify`` failed, in a captain's words. The usual cause is a bundle whose
    base commit (the previous release tag's) is not here: git's own "Repository lacks these
    prerequisite commits: error: 6601…" was passed through, with a remedy (fetch the tags) that
    cannot help when the bundle comes from another project or a clone with other history."""
    import re

    from services.repo import git_failure

    lacking = re.findall(r"\b[0-9a-f]{40}(?:[0-9a-f]{24})?\b", output) \
        if "prerequisite" in output else []
    previous = manifest.previous_tag
    if not lacking:
        return BundleRefused("The git bundle inside the hand-off bundle does not verify against "
                             f"this repository ({git_failure(output)}); it was refused.",
                             remedy="Check this clone has the previous release tag "
                             f"{previous or '(none)'} (`git fetch --tags`).")
    base = lacking[0][:12]
    if previous and not repo.tag_exists(previous):
        return BundleRefused(f"The bundle's commits build on {previous} (commit {base}), and this "
                             f"clone has no tag {previous}; nothing was imported.",
                             remedy=f"Fetch the tags into this clone (`git fetch --tags` from a "
                             f"clone of {manifest.repository or manifest.project} that has "
                             f"them), then import again.")
    here = ""
    if previous:
        tagged = repo.output("rev-parse", "--verify", "--quiet", f"refs/tags/{previous}^{{commit}}")
        here = f" ({previous} here is commit {tagged.stdout.strip()[:12]})"
    built_on = f"{previous} (commit {base}), a commit" if previous else f"commit {base}, which is"
    return BundleRefused(f"The bundle's commits build on {built_on} not in this "
                         f"repository{here}: it was written from another project, or from a "
                         "clone with history this one lacks; nothing was imported.",
                         remedy="Import it in a clone of the project it was written from "
                         f"({manifest.repository or manifest.project}) that has commit {base}; if "
                         "this is meant to be that clone, bring its history up to date from the "
                         "other workstation's clone (`git fetch --tags`), then import again.")


def apply(ctx: Context, manifest: Manifest, path: Path, *, new_branch: bool = False,
          switch: bool = False) -> None:
    """Fetch the verified commit (fast-forwarding the release branch, or making it when it is not
    here) and the tag."""
    root = ctx.repo
    branch_ref = f"refs/heads/{manifest.branch}"
    _git(root, "fetch", "-q", "--no-tags", str(path), branch_ref)
    if new_branch and not root.branch_exists(manifest.branch):  # a rerun finds it made
        _git(root, "switch", "-q", "--no-track", "-c", manifest.branch, manifest.commit)
    elif switch and root.branch() != manifest.branch:  # back to the default branch
        _git(root, "switch", "-q", manifest.branch)
        if not root.is_ancestor(manifest.commit, root.head_sha()):
            _git(root, "merge", "-q", "--ff-only", manifest.commit)
    elif root.branch() != manifest.branch:  # switched since the bundle was verified
        raise BundleError(f"This clone is on {root.branch()}, the release on {manifest.branch}.",
                          remedy=f"`git checkout {manifest.branch}`, then import again.")
    elif not root.is_ancestor(manifest.commit, root.head_sha()):
        _git(root, "merge", "-q", "--ff-only", manifest.commit)
    if manifest.tag_object and not ctx.repo.tag_exists(manifest.tag):
        tag_ref = f"refs/tags/{manifest.tag}"
        _git(root, "fetch", "-q", "--no-tags", str(path), f"{tag_ref}:{tag_ref}")
