"""The commits a hotfix may pick, and the cherry-pick itself with its conflict state.

A pick is refused before anything changes when it is not a commit, a merge commit, one of the
console's own bookkeeping commits (:mod:`services.hotfix.bookkeeping`, which the picker leaves out),
not on the default branch, or already on the hotfix branch (in the base tag, or picked before: the
``-x`` trailer says so). The picks run as one ``git cherry-pick -x A B C`` so that ``--abort`` puts the
branch back where it was before the first of them, exactly as git users expect.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from services.errors import ConsoleError, UsageError
from services.hotfix.bookkeeping import console_commit
from services.repo import GitOutput, RepoError, Repository, git_failure, lock_left

TRAILER = re.compile(r"\(cherry picked from commit ([0-9a-f]{40})\)")


@dataclass(frozen=True)
class Candidate:
    """A commit on the default branch since the base tag, as the picker lists it."""

    sha: str
    subject: str
    author: str
    date: str  # YYYY-MM-DD
    files: list[str] = field(default_factory=list)

    @property
    def short(self) -> str:
        return self.sha[:12]


class PickConflict(ConsoleError):
    """A cherry-pick stopped on conflicts; ``files`` names them."""

    def __init__(self, message: str, files: list[str], *, remedy: str = "") -> None:
        super().__init__(message, remedy=remedy)
        self.files = files
        self.resolved: list[str] = []  # earlier picks whose CHANGELOG conflict resolved itself


@dataclass(frozen=True)
class Shipped:
    """A commit on the default branch an earlier hotfix already picked into the base tag."""

    commit: Candidate
    picked_as: str  # the pick's own sha in the base tag (its ``-x`` trailer names ``commit``)


def listing(repo: Repository, base_tag: str, default_branch: str, *,
            tag_format: str) -> tuple[list[Candidate], list[Candidate], list[Shipped]]:
    """The commits on the default branch since the base tag, newest first, merges left out: (the
    ones a hotfix may pick, the console's own bookkeeping commits, which it may not, and the
    fixes an earlier hotfix already picked into the base tag, which :func:`resolve_picks`
    refuses: after the merge-back they are on the default branch beside their picks)."""
    out = repo.git("log", "--no-merges", "--format=%x1e%H%x1f%s%x1f%an%x1f%as", "--name-only",
                   f"refs/tags/{base_tag}..refs/heads/{default_branch}", "--")
    pickable: list[Candidate] = []
    own: list[Candidate] = []
    for record in out.split("\x1e"):
        if not record.strip():
            continue
        head, _, files = record.partition("\n")
        sha, subject, author, day = head.split("\x1f")
        (own if console_commit(subject, tag_format) else pickable).append(Candidate(
            sha, subject, author, day, [f for f in files.splitlines() if f.strip()]))
    picks = picked_into(repo, base_tag) if pickable else {}
    shipped = [Shipped(c, picks[c.sha]) for c in pickable if c.sha in picks]
    return [c for c in pickable if c.sha not in picks], own, shipped


def picked_into(repo: Repository, base_tag: str) -> dict[str, str]:
    """Every commit the ``-x`` trailers in the base tag's history name, with the pick's sha: one
    ``git log`` of the commits whose message says "cherry picked from commit"."""
    out = repo.git("log", "--fixed-strings", "--grep=cherry picked from commit",
                   "--format=%x1e%H%x1f%B", f"refs/tags/{base_tag}", "--")
    found: dict[str, str] = {}
    for record in out.split("\x1e"):
        pick, _, body = record.partition("\x1f")
        for sha in TRAILER.findall(body):
            found.setdefault(sha, pick.strip())  # newest first: the latest pick of it
    return found


def shipped_sentence(base_tag: str, shipped: list[Shipped]) -> str:
    """The line under the list that says which fixes the base tag carries already, so a captain
    looking for one knows why it is not there (picking it would be refused)."""
    if not shipped:
        return ""
    shown = "; ".join(f'"{s.commit.subject}"' for s in shipped[:3]) + \
        (" …" if len(shipped) > 3 else "")
    where = f" (as {shipped[0].picked_as[:12]})" if len(shipped) == 1 else ""
    return (f"Not listed: {len(shipped)} commit{'s' if len(shipped) > 1 else ''} already picked "
            f"into {base_tag}{where}: {shown}.")


def is_ancestor(repo: Repository, a: str, b: str) -> bool:
    """Whether commit ``a`` is reachable from ``b`` (git merge-base --is-ancestor)."""
    return repo.is_ancestor(a, b)


def picked_on(repo: Repository, base: str, head: str) -> list[str]:
    """Shas already cherry-picked onto ``head`` since ``base`` (read from the ``-x`` trailers),
    oldest first."""
    out = repo.git("log", "--reverse", "--format=%B", f"{base}..{head}", "--")
    return list(dict.fromkeys(TRAILER.findall(out)))


def resolve_picks(repo: Repository, shas: list[str], *, base_tag: str, default_branch: str,
                  tag_format: str, branch_head: str = "") -> list[str]:
    """Full shas for the picks, in order; the first bad one refused in one sentence."""
    result: list[str] = []
    already = picked_on(repo, f"refs/tags/{base_tag}", branch_head) if branch_head else []
    for given in shas:
        try:
            sha = repo.git("rev-parse", "--verify", "--quiet", f"{given}^{{commit}}").strip()
        except RepoError:
            raise UsageError(f"{given} is not a commit in this repository; nothing was changed.",
                             remedy="Pick commits from `git log` of the default branch.") from None
        parents = repo.git("rev-list", "--parents", "-n1", sha).split()[1:]
        subject = repo.git("log", "-1", "--format=%s", sha).strip()
        what = f"{sha[:12]} ({subject})"
        if len(parents) > 1:
            raise ConsoleError(f"{what} is a merge commit; a hotfix picks the fix itself, so "
                               "nothing was changed.",
                               remedy="Pick the commits the merge brought in instead.")
        if is_ancestor(repo, sha, f"refs/tags/{base_tag}"):
            raise ConsoleError(f"{what} is already in {base_tag}, so it is already on the hotfix "
                               "branch; nothing was changed.",
                               remedy="Pick only commits made after the release.")
        earlier = repo.git("log", "-1", "--format=%h", "--fixed-strings",
                           f"--grep=cherry picked from commit {sha}", f"refs/tags/{base_tag}")
        if earlier.strip():  # an earlier hotfix of this line picked it: the pick would be empty
            raise ConsoleError(f"{what} was already picked into {base_tag} (as "
                               f"{earlier.strip()}); nothing was changed.",
                               remedy="Leave it out of --pick.")
        if sha in already or (branch_head and is_ancestor(repo, sha, branch_head)):
            raise ConsoleError(f"{what} is already on the hotfix branch; nothing was changed.",
                               remedy="Leave it out of --pick.")
        own = console_commit(subject, tag_format)
        if own:
            raise ConsoleError(f"{what} is {own}, which the console made itself; it is not a "
                               "fix, so nothing was changed.",
                               remedy="Pick the fix's own commits (`release-console hotfix "
                               "VERSION --list` lists them).")
        if not is_ancestor(repo, sha, f"refs/heads/{default_branch}"):
            raise ConsoleError(f"{what} is not on the default branch {default_branch}; a hotfix "
                               "picks fixes that are on it, so nothing was changed.",
                               remedy=f"Land the fix on {default_branch} first, then pick it.")
        if sha in result:
            raise UsageError(f"{what} is picked twice; nothing was changed.")
        result.append(sha)
    return result


def git_dir_path(repo: Repository, name: str) -> Path:
    return repo.root / repo.git("rev-parse", "--git-path", name).strip()


def in_progress(repo: Repository) -> bool:
    """A cherry-pick (or a sequence of them) is stopped in this work tree."""
    return git_dir_path(repo, "CHERRY_PICK_HEAD").exists() or \
        git_dir_path(repo, "sequencer").is_dir()


def unmerged(repo: Repository) -> list[str]:
    out = repo.git("diff", "--name-only", "--diff-filter=U")
    return sorted({line.strip() for line in out.splitlines() if line.strip()})


def _git(repo: Repository, *args: str) -> GitOutput:
    """A git command that may stop (a conflict): its status is looked at, not raised."""
    return repo.output(*args, env={"GIT_EDITOR": "true", "GIT_TERMINAL_PROMPT": "0"})


def stopped_pick(repo: Repository) -> str:
    """The pick git stopped on, as ``sha12 (subject)``, or "" when none is stopped: with
    several picks, the captain must know which fix the conflicted files belong to."""
    head = git_dir_path(repo, "CHERRY_PICK_HEAD")
    if not head.exists():
        return ""
    sha = head.read_text().strip()
    return f"{sha[:12]} ({repo.git('log', '-1', '--format=%s', sha).strip()})"


def conflict(repo: Repository, branch: str, version: str) -> PickConflict:
    files = unmerged(repo)
    stopped = stopped_pick(repo)
    current = f" {stopped}" if stopped else ""
    listed = ", ".join(files) if files else "no files (the pick stopped for another reason)"
    return PickConflict(
        f"Cherry-picking{current} onto {branch} stopped on conflicts in: {listed}.",
        files,
        remedy=f"Resolve them in your editor and `git add` them, then run `release-console "
        f"hotfix --continue`; or `release-console hotfix --abort` to put {branch} back as it "
        "was before the picks.")


def cherry_pick(repo: Repository, shas: list[str], *, branch: str, version: str) -> None:
    """``git cherry-pick -x`` the shas in order; a conflict leaves git's state for the captain."""
    if not shas:
        return
    proc = _git(repo, "cherry-pick", "-x", *shas)
    if proc.status == 0:
        return
    if in_progress(repo) and unmerged(repo):
        raise conflict(repo, branch, version)
    output = proc.stderr or proc.stdout
    if lock_left(output):  # git stopped before picking anything
        raise ConsoleError(f"git cherry-pick failed: {git_failure(output)}; nothing was picked.",
                           remedy=lock_left(output))
    if in_progress(repo):
        _git(repo, "cherry-pick", "--abort")
    raise ConsoleError(f"git cherry-pick failed: {git_failure(output)}; {branch} was put back as "
                       "it was.", remedy="Check the picked commits (an empty pick means the fix "
                       "is already there).")


def continue_picks(repo: Repository, *, branch: str, version: str) -> None:
    left = unmerged(repo)
    if left:
        raise ConsoleError(f"These files still have conflicts: {', '.join(left)}; nothing was "
                           "continued.",
                           remedy="Resolve them, `git add` them, then run "
                           "`release-console hotfix --continue` again.",
                           tui="Resolve them in your editor, `git add` them, then press c again "
                           "(a aborts the picks).")
    if in_progress(repo) and _git(repo, "diff", "--cached", "--quiet").status == 0:
        raise ConsoleError(f"The resolved pick {stopped_pick(repo)} changes nothing on {branch}: "
                           "the files are as the branch had them; nothing was continued.",
                           remedy="Resolve them keeping the fix's change, `git add` them and run "
                           "`release-console hotfix --continue` again; or `release-console "
                           "hotfix --abort` and pick without it.",
                           tui="Resolve them keeping the fix's change, `git add` them and press "
                           "c again; or press a to abort the picks and pick without it.")
    proc = _git(repo, "cherry-pick", "--continue")
    if proc.status == 0:
        return
    if in_progress(repo) and unmerged(repo):
        raise conflict(repo, branch, version)
    output = proc.stderr or proc.stdout
    raise ConsoleError(f"git cherry-pick --continue failed: {git_failure(output)}.",
                       remedy=lock_left(output) or "Look at `git status`; finish or abort the "
                       "pick by hand.")


def abort_picks(repo: Repository) -> None:
    proc = _git(repo, "cherry-pick", "--abort")
    if proc.status != 0:
        output = proc.stderr or proc.stdout
        raise ConsoleError(f"git cherry-pick --abort failed: {git_failure(output)}.",
                           remedy=lock_left(output))
