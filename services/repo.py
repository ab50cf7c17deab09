"""The project's git repository, as the release steps need to see it: the one way to git.

Every git command and object read in ``services`` goes through :class:`Repository`: queries,
commits, pushes, ``git tag -s`` and ``git verify-tag``. One place, :meth:`Repository.output`, runs a
command, and one, :class:`GitFailed`, turns a failure into the console's error keeping git's own
``fatal:``/``error:`` lines, so callers that word the failure for the captain (committing, tagging,
pushing) start from the same reason.

Commands run as GitPython runs them (``LC_ALL=C``, stdin from /dev/null) but without importing it:
GitPython's import, with its start-up ``git version``, was most of what ``status`` paid for a
few refs and ``git status`` that subprocesses answer in milliseconds (``status`` on the demo with
a release in progress: 150 ms against 180 ms, medians of 25 interleaved runs). GitPython's object
model (the chosen package) serves the reads of commits, trees and config, opened on first use.
Errors a captain can cause (not a repository, no commits, dirty tree) become :class:`RepoError`
with one sentence each.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from services.errors import ConsoleError
from services.wording import duration

if TYPE_CHECKING:
    import git


class RepoError(ConsoleError):
    """The repository is not in a state the console can work with."""


class GitFailed(RepoError):
    """A git command exited non-zero. ``reason`` is git's ``fatal:``/``error:`` lines (see
    :func:`git_failure`), ``output`` what it said (stderr, or stdout when that is empty),
    ``command`` its arguments (never an environment, which may hold a passphrase)."""

    def __init__(self, command: tuple[str, ...], output: str, status: int) -> None:
        self.command = command
        self.output = output
        self.status = status
        self.reason = git_failure(output)
        super().__init__(f"git {' '.join(command)} failed: {self.reason}.",
                         remedy=lock_left(output))


class GitTimedOut(RepoError):
    """A git command given a bound (``timeout``) did not finish within it: it and every process
    it started (ssh, a credential helper) were killed. ``seconds`` is the bound."""

    def __init__(self, command: tuple[str, ...], seconds: float) -> None:
        self.command = command
        self.seconds = seconds
        super().__init__(f"git {' '.join(command)} did not finish within {duration(seconds)} "
                         "and was stopped.")


@dataclass(frozen=True)
class GitOutput:
    """What one git command said; ``check`` turns a failure into :class:`GitFailed`."""

    command: tuple[str, ...]
    status: int
    raw: bytes  # stdout as git wrote it (``show`` of a binary file stays exact)
    stderr: str

    @property
    def stdout(self) -> str:
        return self.raw.decode("utf-8", "replace")

    def check(self) -> GitOutput:
        if self.status != 0:
            raise GitFailed(self.command, self.stderr or self.stdout, self.status)
        return self


@dataclass(frozen=True)
class Identity:
    name: str
    email: str

    def __str__(self) -> str:
        if self.email:
            return f"{self.name} <{self.email}>"
        return self.name


class Repository:
    """A git working tree, opened once per command: the only way services reach git.

    Facts (``head_sha``, ``branch``, ``dirty_paths``, ``tags``, ``head_file``, ``show``...) and
    commands (``git(*args)`` for stdout or :class:`GitFailed`, ``output(*args)`` for status and
    both streams) are methods here; ``repo`` (the GitPython object) is for this class's own use.
    """

    def __init__(self, path: Path) -> None:
        if not path.exists() or not path.is_dir():  # "not a git repository ... or pass --repo
            # PATH" misled; and it is a value that names nothing, exit 2 as `--config` says it
            problem = RepoError(
                f"{path} {'does not exist' if not path.exists() else 'is a file, not a directory'}"
                "; --repo names the project's checkout.",
                remedy="Pass the directory that holds the repository.")
            problem.exit_code = 2
            raise problem
        found = run_git(path, ("rev-parse", "--is-bare-repository", "--show-toplevel"))
        if found.status != 0:
            if found.stdout.startswith("true"):
                raise RepoError(f"{path} is a bare repository; the console needs a working tree.")
            if "not a git repository" in found.stderr:
                raise RepoError(
                    f"{path} is not a git repository.",
                    remedy="Run the console inside your project's checkout, or pass --repo PATH.")
            raise RepoError(f"git cannot open {path}: {git_failure(found.stderr)}.",
                            remedy=f"Run `git -C {path} status` to read git's whole message "
                            "and what it suggests, then run this again.")
        self.root = Path(found.stdout.splitlines()[-1])
        self._repo: git.Repo | None = None

    @property
    def repo(self) -> git.Repo:
        """GitPython's view of the repository, for reading commits, trees and config; opened on
        first use, so commands that only run git (``status``) never import it."""
        if self._repo is None:
            import git as gitmodule

            self._repo = gitmodule.Repo(self.root)
        return self._repo

    # --- facts -------------------------------------------------------------------------------
    def has_commits(self) -> bool:
        return self.output("rev-parse", "--verify", "--quiet", "HEAD^{commit}").status == 0

    def require_commits(self) -> None:
        if not self.has_commits():
            raise RepoError(
                f"The repository at {self.root} has no commits yet.",
                remedy="Commit your project first; a release is cut from a commit.",
            )

    def head_sha(self) -> str:
        self.require_commits()
        return self.git("rev-parse", "HEAD").strip()

    def branch(self) -> str:
        """The current branch name, or ``(detached)``."""
        found = self.output("symbolic-ref", "--quiet", "--short", "HEAD")
        return found.stdout.strip() if found.status == 0 else "(detached)"

    def dirty_paths(self) -> list[str]:
        """Tracked changes and untracked files, as ``git status --porcelain`` names them."""
        out = self.git("status", "--porcelain", "--untracked-files=normal")
        return [line[3:] for line in out.splitlines() if line.strip()]

    def tags(self) -> list[str]:
        """Every tag's name, sorted as git sorts refs."""
        return self.git("for-each-ref", "--format=%(refname:strip=2)", "refs/tags").split()

    def tag_exists(self, tag: str) -> bool:
        return self.output("show-ref", "--verify", "--quiet", f"refs/tags/{tag}").status == 0

    def branch_exists(self, name: str) -> bool:
        return self.output("rev-parse", "--verify", "--quiet", f"refs/heads/{name}").status == 0

    def is_ancestor(self, older: str, newer: str) -> bool:
        """``older`` is in ``newer``'s history (False when either is not known here)."""
        return self.output("merge-base", "--is-ancestor", older, newer).status == 0

    def commit_time(self, revision: str) -> int:
        """``revision``'s committer time, in seconds since the epoch: when the commit was made
        (an amended or rebased commit's is when that happened), which is what a build made from
        it must be newer than; the author time can be far older."""
        return int(self.git("show", "-s", "--format=%ct", f"{revision}^{{commit}}").strip())

    def identity(self) -> Identity:
        reader = self.repo.config_reader()
        name = str(reader.get_value("user", "name", "")) if reader.has_section("user") else ""
        email = str(reader.get_value("user", "email", "")) if reader.has_section("user") else ""
        return Identity(name or "unknown", email)

    @classmethod
    def around(cls, path: Path) -> Repository | None:
        """The working tree holding ``path`` (a file or folder), or None when there is none."""
        folder = path if path.is_dir() else path.parent
        try:
            return cls(folder)
        except RepoError:
            return None

    def relative(self, path: Path) -> str:
        """``path`` as git names it in this work tree (forward slashes, from the root)."""
        return path.resolve().relative_to(self.root.resolve()).as_posix()

    def head_file(self, rel: str) -> bytes | None:
        """The file as committed at HEAD, or None when HEAD (or the branch) does not have it."""
        return self.show("HEAD", rel)

    def work_file(self, rel: str) -> bytes | None:
        """The file as it is in the work tree, or None when it is missing or unreadable."""
        try:
            return (self.root / rel).read_bytes()
        except OSError:
            return None

    def head_message(self) -> str:
        """HEAD's commit message, or "" on an unborn branch."""
        try:
            message = self.repo.head.commit.message
        except ValueError:
            return ""
        return message if isinstance(message, str) else message.decode("utf-8", "replace")

    # --- the one runner ----------------------------------------------------------------------
    def output(self, *args: str, env: Mapping[str, str] | None = None,
               timeout: float | None = None, detached: bool = False) -> GitOutput:
        """Run ``git ARGS`` in the work tree and return what it said, whatever its exit status.
        ``env`` is added to the console's environment (GNUPGHOME, GPG_TTY, the ssh askpass
        helper, GIT_TERMINAL_PROMPT reach git and the gpg/ssh-keygen it starts); stdin is
        /dev/null so git never waits on the captain's terminal (see :func:`run_git`). With
        ``timeout`` (seconds), :class:`GitTimedOut` once it passes, git and its children gone.
        ``detached`` (implied by ``timeout``): git and what it starts have no terminal at all."""
        return run_git(self.root, args, env, timeout, detached=detached)

    def git(self, *args: str, env: Mapping[str, str] | None = None,
            timeout: float | None = None, detached: bool = False) -> str:
        """Run a git command in the work tree; its stdout, or :class:`GitFailed` (a RepoError
        whose message keeps git's ``fatal:``/``error:`` lines), or :class:`GitTimedOut`."""
        return self.output(*args, env=env, timeout=timeout, detached=detached).check().stdout

    def show(self, revision: str, rel: str) -> bytes | None:
        """The bytes of ``rel`` at ``revision``, or None when that revision does not have it."""
        done = self.output("show", f"{revision}:{rel}")
        return done.raw if done.status == 0 else None

    # --- housekeeping ------------------------------------------------------------------------
    def exclude_release_dir(self) -> None:
        """Add ``.release/`` to ``.git/info/exclude`` so session files never dirty the tree.

        The user's own ``.gitignore`` is theirs; the console never edits it.
        """
        from services.atomic import write_text_atomic

        # `--git-path` answers for linked worktrees too, whose own git dir git does not read
        # info/exclude from.
        exclude = self.root / self.git("rev-parse", "--git-path", "info/exclude").strip()
        existing = exclude.read_text(encoding="utf-8") if exclude.exists() else ""
        if any(line.strip() in {".release/", ".release", "/.release/"}
               for line in existing.splitlines()):
            return
        exclude.parent.mkdir(parents=True, exist_ok=True)
        sep = "" if not existing or existing.endswith("\n") else "\n"
        write_text_atomic(exclude, f"{existing}{sep}# Release Console session state\n.release/\n")


def run_git(cwd: Path, args: tuple[str, ...], env: Mapping[str, str] | None = None,
            timeout: float | None = None, *, detached: bool = False) -> GitOutput:
    """``git ARGS`` in ``cwd`` as GitPython runs it: ``LC_ALL=C`` and ``LANGUAGE=C`` (the English
    messages the push step recognises), stdin from /dev/null, ``env`` over the console's own.
    A bounded command (``timeout``) runs in a process group of its own, killed whole when the
    bound passes: git's ssh to a host that drops packets would otherwise outlive it. So does a
    ``detached`` one, for the session of its own: no controlling terminal, so the ssh git
    starts cannot open /dev/tty to ask for a passphrase over the TUI's screen (it refuses)."""
    from services import tools

    try:
        done = tools.run("git", *args, cwd=cwd, timeout=timeout,
                         whole_group=detached or timeout is not None,
                         env={**os.environ, "LANGUAGE": "C", "LC_ALL": "C", **(env or {})})
    except tools.TimedOut as late:
        raise GitTimedOut(tuple(args), late.seconds) from None
    stderr = done.stderr.decode("utf-8", "replace")
    return GitOutput(tuple(args), done.returncode, done.stdout, stderr.removesuffix("\n"))


def lock_left(output: str) -> str:
    """What to do when git found its own lock file: another git command is running here, or a
    killed one left it (git never removes another process's lock); "" for any other failure."""
    found = re.search(r"Unable to create '([^']+\.lock)': File exists", output)
    if found is None:
        return ""
    return (f"Another git command is running in this repository, or a killed one left "
            f"{found.group(1)}: if none is running, remove that file, then run this again.")


def git_failure(output: str) -> str:
    """git's reason in one line: its ``fatal:``/``error:`` lines (the cause is often not last)."""
    lines = [line.strip() for line in output.strip().splitlines() if line.strip()]
    causes = [line for line in lines if line.startswith(("fatal:", "error:"))] or lines[-2:]
    return "; ".join(causes).rstrip(".") if causes else "no output"

