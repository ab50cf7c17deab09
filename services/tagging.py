"""The signed, annotated release tag: ``git tag -s`` with GnuPG or ssh, verified right after.

A tag is what users (and ``git verify-tag``) trust as "this is the release", so it is made only on a
clean tree, never over an existing tag, with the key the policy pins, and checked with
``git verify-tag`` the moment it exists. A tag is never deleted by the console.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from services import artifacts
from services.blocker import dirty_tree_blockers
from services.errors import ConsoleError
from services.policy import Policy
from services.repo import git_failure
from services.session_lifecycle import release_commit
from services.signing import resolve
from services.signing.gpg import GpgBackend, gpg_env, normalise
from services.signing.ssh import SshBackend, askpass
from services.step_protocol import Blocker, Context
from services.tools import last_line


class TagError(ConsoleError):
    """The tag could not be made or did not verify."""


@dataclass(frozen=True)
class TagPlan:
    tag: str
    commit: str
    subject: str
    message: str
    signing: str  # openpgp, ssh, none
    key: str  # fingerprint or ssh key path
    allowed_signers: str = ""
    identity: str = ""

    def git_config(self) -> list[str]:
        if self.signing == "ssh":
            return ["-c", "gpg.format=ssh", "-c", f"user.signingKey={self.key}"]
        return []

    def tag_args(self, *, shown: bool = False) -> list[str]:
        if self.signing == "openpgp":
            key = self.key or ("<signing.tag_key>" if shown else "")  # a plan with no pin yet
            return ["tag", "-s", "-u", key, "-m", self.message, self.tag, self.commit]
        if self.signing == "ssh":
            return ["tag", "-s", "-m", self.message, self.tag, self.commit]
        return ["tag", "-a", "-m", self.message, self.tag, self.commit]

    def verify_args(self) -> list[str]:
        if self.signing == "ssh":
            return ["-c", f"gpg.ssh.allowedSignersFile={self.allowed_signers}",
                    "verify-tag", "--raw", self.tag]
        return ["verify-tag", "--raw", self.tag]

    def commands(self) -> list[str]:
        from shlex import join

        return [join(["git", *self.git_config(), *self.tag_args(shown=True)]),
                join(["git", *self.verify_args()])]


def make_plan(ctx: Context) -> TagPlan:
    """The tag as it would be made: on the session's release commit (never simply on HEAD)."""
    session = ctx.require_session()
    policy = ctx.policy
    commit = release_commit(session) or ctx.repo.head_sha()
    subject = _subject(ctx, commit)
    message = policy.tag_message.format(project=policy.project_name or ctx.root.name,
                                        tag=session.tag, version=session.version)
    if policy.tag_signing == "ssh":
        key = str(resolve(ctx.root, policy.signing_ssh_key)) if policy.signing_ssh_key else ""
        signers = (str(resolve(ctx.root, policy.signing_allowed_signers))
                   if policy.signing_allowed_signers else "")
        return TagPlan(session.tag, commit, subject, message, "ssh", key, signers,
                       policy.signing_identity)
    key = normalise(policy.tag_key or policy.signing_fingerprint)
    return TagPlan(session.tag, commit, subject, message, policy.tag_signing, key)


def _subject(ctx: Context, commit: str) -> str:
    try:
        return ctx.repo.git("log", "-1", "--format=%s", commit).strip()
    except ConsoleError:
        return "(not in this repository)"


def head_blockers(ctx: Context) -> list[Blocker]:
    """HEAD must be on a branch, at the commit pre-flight (or the changelog/migration commits)
    recorded: what was built, tested and signed. A checkout or a commit made since is refused."""
    session = ctx.require_session()
    wanted = release_commit(session)
    if not wanted:
        return [Blocker("No release commit is recorded for this session (pre-flight records it).",
                        "Run the pre-flight step first (`release-console run preflight`).")]
    head = ctx.repo.head_sha()
    if session.kind == "promote":
        return []  # the rc's own commit, checked to be on the default branch; HEAD may be later
    if ctx.repo.branch() == "(detached)":
        return [Blocker(f"HEAD is detached at {head[:12]}; the release commit is {wanted[:12]} "
                        f"on {session.branch or 'the release branch'}.",
                        f"Check out the release branch (`git checkout {session.branch or 'BRANCH'}`)"
                        f" at {wanted[:12]}, then tag.")]
    if head != wanted:
        from services.reconcile import amended_commit_blocker

        amended = amended_commit_blocker(ctx, wanted, head)
        if amended:
            return [Blocker(f"{amended} Nothing was changed.",
                            f"Put the recorded commit back (`git reset --hard {wanted[:12]}`, "
                            "keeping your change on another branch), or abandon this release "
                            "and start again from the amended commit.")]
        subject = _subject(ctx, head)
        return [Blocker(f"HEAD is {head[:12]} ({subject}), not the release commit {wanted[:12]} "
                        f"({_subject(ctx, wanted)}) that was built, tested and signed.",
                        f"Go back to {wanted[:12]} on {ctx.repo.branch()} (move the later commits "
                        "to another branch), or abandon this release and start a new one "
                        "from the new commit.")]
    return []


def dirty_paths(ctx: Context) -> list[str]:
    """Uncommitted changes, except build outputs in the artifacts directory (signatures too)."""
    build = artifacts.display_path(artifacts.artifacts_dir(ctx.policy, ctx.root), ctx.root)
    prefix = build.rstrip("/") + "/"
    return [p for p in ctx.repo.dirty_paths()
            if not (p.strip('"').startswith(prefix) or p.strip('"').rstrip("/") == build)]


def blockers(ctx: Context) -> list[Blocker]:
    plan = make_plan(ctx)
    return repo_blockers(ctx, plan) + key_blockers(ctx.policy, plan)


def repo_blockers(ctx: Context, plan: TagPlan) -> list[Blocker]:
    """HEAD, a clean tree and no such tag yet: cheap git queries, so the run repeats them right
    before tagging (a commit or a tag may have appeared since the check)."""
    result = head_blockers(ctx)
    result += dirty_tree_blockers(dirty_paths(ctx), "Commit them (or ignore build outputs); a tag "
                                  "is made on a clean tree.")
    if ctx.repo.tag_exists(plan.tag):
        target = ctx.repo.git("rev-parse", f"refs/tags/{plan.tag}^{{commit}}").strip()
        if target != plan.commit:
            diverged = elsewhere(ctx, plan, target)
            result.append(Blocker(diverged.message, diverged.remedy))
        # On the release commit: running the step checks it and records it (see existing()).
    return result


def unpinned(policy: Policy) -> Blocker | None:
    """What the policy lacks to sign the tag at all, from the policy alone (no key is looked up):
    pre-flight says it early, before the artifacts are built, tested and signed."""
    if policy.tag_signing == "openpgp" and not (policy.tag_key or policy.signing_fingerprint):
        return Blocker(
            f"{policy.where} signs the release tag with OpenPGP ([signing] tag_format = "
            '"openpgp") but pins no key for it.',
            "Set [signing] tag_key (or fingerprint) to the signer's 40-hex fingerprint "
            "(`gpg --list-secret-keys --with-colons` shows it) and commit it before the release "
            'commit, or choose tag_format = "ssh" or "none".')
    if policy.tag_signing == "ssh" and not (policy.signing_ssh_key and
                                             policy.signing_allowed_signers and
                                             policy.signing_identity):
        return Blocker("ssh tag signing needs signing.ssh_key, signing.allowed_signers and "
                       f"signing.identity in {policy.where}.")
    return None


def key_blockers(policy: Policy, plan: TagPlan) -> list[Blocker]:
    """The pinned key and its token (gpg: three subprocesses, so checked once, by the check)."""
    missing = unpinned(policy)
    if missing is not None:
        return [missing]
    if plan.signing == "openpgp":
        return GpgBackend(plan.key, plan.key).readiness().blockers
    if plan.signing == "ssh":
        return ssh_backend(plan).readiness().blockers
    return []


def ssh_backend(plan: TagPlan) -> SshBackend:
    return SshBackend(Path(plan.key), Path(plan.allowed_signers), plan.identity)


def never_moved(tag: str) -> str:
    return (f"A tag is never moved: see who made it with `git show {tag}`; if it was never "
            f"pushed you may delete it yourself (`git tag -d {tag}`) and run this step again, "
            "otherwise release a new version.")


def elsewhere(ctx: Context, plan: TagPlan, target: str) -> ConsoleError:
    from services.reconcile import Diverged, subject_of

    return Diverged(f"Tag {plan.tag} already exists but points at {target[:12]} "
                    f"({subject_of(ctx, target)}), not the release commit {plan.commit[:12]} "
                    f"({subject_of(ctx, plan.commit)}); nothing was changed.",
                    remedy=never_moved(plan.tag))


def existing(ctx: Context, plan: TagPlan) -> dict[str, str] | None:
    """The tag's evidence when it already exists exactly as :func:`create` would make it (on the
    release commit, annotated with the policy's message, verifying with the pinned key); None
    when there is no such tag. A tag that differs raises :class:`Diverged`: it is never moved.
    """
    from services.reconcile import Diverged

    if not ctx.repo.tag_exists(plan.tag):
        return None
    ref = f"refs/tags/{plan.tag}"
    obj = ctx.repo.git("rev-parse", ref).strip()
    target = ctx.repo.git("rev-parse", f"{ref}^{{commit}}").strip()
    never = never_moved(plan.tag)
    if target != plan.commit:
        raise elsewhere(ctx, plan, target)
    kind = ctx.repo.git("cat-file", "-t", ref).strip()
    message = ctx.repo.git("for-each-ref", "--format=%(contents:subject)", ref).strip() \
        if kind == "tag" else ""
    if kind != "tag" or message != plan.message.splitlines()[0]:
        raise Diverged(f"Tag {plan.tag} already exists on the release commit but is "
                       + ("not annotated" if kind != "tag" else f"annotated {message!r}, not "
                          f"{plan.message!r}") + "; nothing was changed.", remedy=never)
    evidence = {"tag": plan.tag, "object": obj, "commit": plan.commit, "signing": plan.signing,
                "message": plan.message}
    if plan.signing == "none":
        return evidence
    try:
        evidence["signer"] = verify(ctx, plan)
    except TagError as err:
        raise Diverged(f"Tag {plan.tag} already exists on the release commit but does not "
                       f"verify with the pinned key ({err.message}); nothing was changed.",
                       remedy=never) from None
    return evidence


def create(ctx: Context, plan: TagPlan, *, passphrase: str | None = None) -> dict[str, str]:
    """Make the tag and verify it; evidence names the tag object and the signer.

    ``passphrase`` unlocks an encrypted ssh key: git runs ssh-keygen, which takes it from the
    SSH_ASKPASS helper instead of a terminal git does not give it.
    """
    with askpass(passphrase) as env:
        made = ctx.repo.output(*plan.git_config(), *plan.tag_args(), env=env or gpg_env())
    if made.status != 0:
        raise TagError(f"git could not make the tag {plan.tag}: {git_failure(made.stderr)}.",
                       remedy="Check the token is plugged in and the PIN was right; no tag was "
                       "made.")
    obj = ctx.repo.git("rev-parse", f"refs/tags/{plan.tag}").strip()
    evidence = {"tag": plan.tag, "object": obj, "commit": plan.commit, "signing": plan.signing,
                "message": plan.message}
    if plan.signing == "none":
        return evidence
    evidence["signer"] = verify(ctx, plan)
    return evidence


def verify(ctx: Context, plan: TagPlan) -> str:
    """``git verify-tag`` with the pin; returns the signer's fingerprint."""
    checked = ctx.repo.output(*plan.verify_args(), env=gpg_env())
    output = checked.stderr + "\n" + checked.stdout
    if checked.status != 0:
        raise TagError(f"The tag {plan.tag} was made but `git verify-tag` rejects it: "
                       f"{last_line(checked.stderr.encode())}.",
                       remedy="It has not been pushed. Check the signing key and the pin, then "
                       f"inspect it with `git tag -v {plan.tag}`.")
    if plan.signing == "openpgp":
        found = re.search(r"VALIDSIG (\S+)(?: \S+){8} (\S+)", output)
        signers = {found.group(1).upper(), found.group(2).upper()} if found else set()
        if plan.key not in signers:
            raise TagError(f"The tag {plan.tag} verifies, but not with the pinned key {plan.key}.",
                           remedy="It has not been pushed; check signing.tag_key.")
        return found.group(2).upper() if found else plan.key
    principal = re.search(r'signature for (\S+) with \S+ key (SHA256:\S+)', output)
    if principal is None or principal.group(1) != plan.identity:
        raise TagError(f"The tag {plan.tag} verifies, but not as {plan.identity}.",
                       remedy="It has not been pushed; check the allowed-signers file.")
    return principal.group(2)
