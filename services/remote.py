"""Talking to the git remote for the release's pushes (the push step, merge-back, a yank's note):
one way to run git against it, and one plain sentence when it is not there.

Reads of what the remote has (``git ls-remote``) are bounded: a host dropping packets (a VPN
down) would hold them for minutes, with the step showing "running" and nothing to cancel at.
When a read does not answer in time the step stops before sending anything, exactly as for a
refused connection. The writes (``git push``) are not bounded: a slow link pushing a large
branch must not be cut short, and the read just before it showed the remote alive.

Under the TUI (a prompter that owns the terminal) every git that talks to the remote runs in a
session of its own, bounded or not: ssh asking for a key's passphrase, or whether to trust a new
host, wrote over Textual's screen on /dev/tty and hung the step's worker. Away from a terminal
ssh refuses instead, and that refusal is said as what it is, with ssh-agent as the way. The
CLI's pushes stay on the captain's terminal, where ssh asks as it does for their own push.
"""

from __future__ import annotations

import re

from services.errors import EnvironmentProblem
from services.repo import GitFailed, GitTimedOut, RepoError
from services.step_protocol import Context
from services.wording import duration

# What waits while the remote cannot be reached, as each caller's sentence ends: the push step's
# default, since after it the draft, the review and the publish stand on what it pushed.
WAITING = "push, draft, review and publish wait for the online side"
MERGE_BACK_WAITS = "the merge back into the default branch waits until it can be reached"
NOTE_WAITS = "the commit waits here, unpushed, until it can be reached"
# What git (ssh, curl, git://) says when the network or the remote host is not there.
UNREACHABLE = ("connection refused", "could not resolve host", "unable to connect",
               "failed to connect", "network is unreachable", "no route to host",
               "connection timed out", "operation timed out", "could not read from remote",
               "unable to access", "temporary failure in name resolution",
               "couldn't connect to server", "connection reset")
# How long a run's read of the remote's refs waits. On a live link `git ls-remote` answers in
# well under a second (ssh's handshake and one round trip of a few KB; a slow VPN or a busy forge
# takes a few seconds), so 30 seconds only ever passes on a dead link, where ssh and TCP would
# otherwise wait minutes. Longer than the plan's wait (push.PLAN_WAIT_SECONDS) because the run
# must know what the remote has before it sends anything, and stops when it cannot.
RUN_LOOK_SECONDS = 30.0
# The remedy's end, true for each caller (the push step, merge-back, a yank's note): what went
# up before the failure is on the remote, and running it again sends only the rest.
AGAIN = "then try again; nothing was pushed that is not on the remote already."
# What ssh says when it needed the terminal a bounded read does not give it (a key's passphrase
# not in ssh-agent, the question whether to trust a host it has not seen).
NO_TERMINAL = ("permission denied (publickey", "host key verification failed")


class RemoteUnreachable(EnvironmentProblem):
    """The git remote could not be reached (exit 3)."""


class RemoteSilent(RemoteUnreachable):
    """The remote did not answer within a bound (``seconds``); git and its ssh were stopped."""

    def __init__(self, message: str, *, remedy: str, seconds: float) -> None:
        super().__init__(message, remedy=remedy)
        self.seconds = seconds


def remote_url(ctx: Context, remote: str = "") -> str:
    """The remote's URL with any user:password@ part removed (it may hold a token)."""
    url = ctx.repo.git("remote", "get-url", remote or ctx.policy.project.remote).strip()
    return re.sub(r"//[^/@]+@", "//", url)


def git_lines(output: str) -> list[str]:
    """git's own reasons, without its generic advice ("Please make sure you have...")."""
    keep = []
    for raw in output.splitlines():
        line = raw.strip()
        if not line or line.startswith(("Please make sure", "and the repository exists")):
            continue
        keep.append(line)
    return keep


def remote_git(ctx: Context, *args: str, timeout: float | None = None,
               waiting: str = WAITING) -> str:
    """Run a git command that talks to the remote; an unreachable remote is an environment
    problem whose message keeps git's own words ("Connection refused"). With ``timeout``, a
    remote that does not answer within it is :class:`RemoteSilent`, git and its ssh stopped,
    worded as a refused one is but saying it did not answer, and for how long. Bounded, or under
    a prompter that owns the terminal, git runs away from the terminal (see the module's
    docstring); ssh's refusal there (:data:`NO_TERMINAL`) names ssh-agent as the way.
    ``waiting`` ends the sentence with what waits for the remote (the push step's later steps,
    merge-back, a commit left unpushed): a merge-back after the publish is not "publish waits"."""
    remote = ctx.policy.project.remote
    away = timeout is not None or ctx.prompter.owns_terminal
    try:
        return ctx.repo.git(*args, env={"GIT_TERMINAL_PROMPT": "0"}, timeout=timeout,
                            detached=away)
    except GitTimedOut as late:
        raise RemoteSilent(
            f"Cannot reach the remote {remote} ({remote_url(ctx)}): it did not answer within "
            f"{duration(late.seconds)} (git {args[0]} and its ssh were stopped); the machine or "
            f"the remote looks unreachable, and {waiting}.", seconds=late.seconds,
            remedy=f"Check the network and the remote, {AGAIN}") from None
    except GitFailed as err:
        failure = err
    lines = git_lines(failure.output)
    said = "; ".join(line.rstrip(".") for line in lines) or "no output"
    if any(marker in said.lower() for marker in NO_TERMINAL):
        raise ssh_refused(ctx, args[0], said, bounded=timeout is not None, away=away,
                          waiting=waiting)
    if any(marker in said.lower() for marker in UNREACHABLE):
        raise RemoteUnreachable(
            f"Cannot reach the remote {remote} ({remote_url(ctx)}): git says \"{said}\"; the "
            f"machine or the remote looks unreachable, and {waiting}.",
            remedy=f"Check the network and the remote, {AGAIN}")
    raise RepoError(f"git {' '.join(args)} failed: {said}.")


def ssh_refused(ctx: Context, verb: str, said: str, *, bounded: bool, away: bool,
                waiting: str = WAITING) -> RemoteUnreachable:
    """ssh refused the key or the host (``said``: git's words): the remote is there, so not
    "unreachable". Away from the terminal that is most often a key with a passphrase not in
    ssh-agent, or a host ssh has not seen, which it could not ask about; on the terminal ssh
    had its say and the key or the host is still not one it can use."""
    remote, url = ctx.policy.project.remote, remote_url(ctx)
    if bounded:
        what = (f"The remote {remote} ({url}) was not read: git says \"{said}\"; the console "
                "reads the remote away from the terminal (so that it can stop waiting), where "
                "ssh cannot ask for a key's passphrase or whether to trust a new host")
    elif away:
        what = (f"git {verb} to the remote {remote} ({url}) was refused: git says \"{said}\"; "
                "the console runs git away from the terminal its screen is on, where ssh cannot "
                "ask for a key's passphrase or whether to trust a new host")
    else:
        what = (f"git {verb} to the remote {remote} ({url}) was refused: git says \"{said}\"; "
                "ssh has no key the remote accepts, or cannot trust the host")
    return RemoteUnreachable(
        f"{what}, and {waiting}.",
        remedy="Add the key to ssh-agent (`ssh-add`) and, for a host ssh has not seen "
        f"before, connect to it once with `ssh -T`, {AGAIN}")


def remote_refs(ctx: Context, *refs: str, waiting: str = WAITING) -> dict[str, str]:
    """What the remote has for ``refs`` (one ``git ls-remote``, waiting at most
    :data:`RUN_LOOK_SECONDS`), as ref -> sha; a ref it does not have is left out.
    ``refs/tags/T^{}`` asks for the commit an annotated tag points at."""
    found = ls_remote_lines(remote_git(ctx, "ls-remote", ctx.policy.project.remote, *refs,
                                       timeout=RUN_LOOK_SECONDS, waiting=waiting))
    return {name: sha for name, sha in found.items() if name in refs}


def ls_remote_lines(out: str) -> dict[str, str]:
    """``git ls-remote``'s answer ("sha<TAB>ref" lines) as ref -> sha."""
    return {name: sha for sha, _, name in (line.partition("\t") for line in out.splitlines())}


def remote_ref(ctx: Context, ref: str, waiting: str = WAITING) -> str:
    """What the remote has for ``ref`` ("" when it has none), as :func:`remote_refs` reads it."""
    return remote_refs(ctx, ref, waiting=waiting).get(ref, "")
