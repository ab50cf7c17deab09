"""The signed, annotated release tag: ``git tag -s`` with GnuPG or ssh, verified right after.

A tag is what users (and ``git verify-tag``) trust as "this is the release", so it is made only on a
clean tree, never over an existing tag, with the key the policy pins, and checked with
``git verify-tag`` the moment it exists. A tag is never deleted by the console.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from services import artifacts, tools
from services.errors import ConsoleError
from services.runbook import Blocker, Context
from services.signing import resolve
from services.signing.gpg import GpgBackend, gpg_env, normalise
from services.signing.ssh import SshBackend


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

    def tag_args(self) -> list[str]:
        if self.signing == "openpgp":
            return ["tag", "-s", "-u", self.key, "-m", self.message, self.tag, self.commit]
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

        return [join(["git", *self.git_config(), *self.tag_args()]),
                join(["git", *self.verify_args()])]


def make_plan(ctx: Context) -> TagPlan:
    session = ctx.require_session()
    policy = ctx.policy
    commit = ctx.repo.head_sha()
    subject = ctx.repo.git("log", "-1", "--format=%s", commit).strip()
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


def dirty_paths(ctx: Context) -> list[str]:
    """Uncommitted changes, except build outputs in the artifacts directory (signatures too)."""
    build = artifacts.display_path(artifacts.artifacts_dir(ctx.policy, ctx.root), ctx.root)
    prefix = build.rstrip("/") + "/"
    return [p for p in ctx.repo.dirty_paths()
            if not (p.strip('"').startswith(prefix) or p.strip('"').rstrip("/") == build)]


def blockers(ctx: Context) -> list[Blocker]:
    plan = make_plan(ctx)
    result = []
    dirty = dirty_paths(ctx)
    if dirty:
        result.append(Blocker(f"The working tree has uncommitted changes: {', '.join(dirty[:3])}.",
                              "Commit them (or ignore build outputs); a tag is made on a clean "
                              "tree."))
    if ctx.repo.tag_exists(plan.tag):
        result.append(Blocker(f"Tag {plan.tag} already exists.",
                              "A tag is never moved or replaced; inspect it with "
                              f"`git tag -v {plan.tag}`."))
    if plan.signing == "openpgp":
        if not plan.key:
            result.append(Blocker("No OpenPGP key is pinned for the tag.",
                                  "Set signing.tag_key (or signing.fingerprint) in release.toml."))
        else:
            result += GpgBackend(plan.key, plan.key).prepare().blockers
    elif plan.signing == "ssh":
        if not plan.key or not plan.allowed_signers or not plan.identity:
            result.append(Blocker("ssh tag signing needs signing.ssh_key, "
                                  "signing.allowed_signers and signing.identity in release.toml."))
        else:
            result += SshBackend(Path(plan.key), Path(plan.allowed_signers),
                                 plan.identity).prepare().blockers
    return result


def create(ctx: Context, plan: TagPlan) -> dict[str, str]:
    """Make the tag and verify it; evidence names the tag object and the signer."""
    proc = tools.run("git", *plan.git_config(), *plan.tag_args(), cwd=ctx.root, env=gpg_env())
    if proc.returncode != 0:
        raise TagError(f"git could not make the tag {plan.tag}: {tools.last_line(proc.stderr)}.",
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
    proc = tools.run("git", *plan.verify_args(), cwd=ctx.root, env=gpg_env())
    output = (proc.stderr + proc.stdout).decode("utf-8", "replace")
    if proc.returncode != 0:
        raise TagError(f"The tag {plan.tag} was made but `git verify-tag` rejects it: "
                       f"{tools.last_line(proc.stderr)}.",
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
