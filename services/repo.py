"""The project's git repository, as the release steps need to see it.

GitPython is imported here and nowhere else in the foundation so that commands needing no repository
(``changelog --file``) never pay for it. Errors a captain can cause (not a repository, no commits,
dirty tree) become :class:`RepoError` with one sentence each.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from services.errors import ConsoleError

if TYPE_CHECKING:
    import git


class RepoError(ConsoleError):
    """The repository is not in a state the console can work with."""


@dataclass(frozen=True)
class Identity:
    name: str
    email: str

    def __str__(self) -> str:
        if self.email:
            return f"{self.name} <{self.email}>"
        return self.name


class Repository:
    """A git working tree, opened once per command."""

    def __init__(self, path: Path) -> None:
        import git as gitmodule

        self._git = gitmodule
        if path.exists() and not path.is_dir():
            raise RepoError(f"{path} is a file, not a directory; --repo names the project's "
                            "checkout.", remedy="Pass the directory that holds the repository.")
        try:
            self.repo: git.Repo = gitmodule.Repo(path, search_parent_directories=True)
        except (gitmodule.InvalidGitRepositoryError, gitmodule.NoSuchPathError):
            raise RepoError(
                f"{path} is not a git repository.",
                remedy="Run the console inside your project's checkout, or pass --repo PATH.",
            ) from None
        if self.repo.bare or self.repo.working_tree_dir is None:
            raise RepoError(f"{path} is a bare repository; the console needs a working tree.")
        self.root = Path(self.repo.working_tree_dir)

    # --- facts -------------------------------------------------------------------------------
    def has_commits(self) -> bool:
        try:
            self.repo.head.commit  # noqa: B018 - raises on an unborn branch
        except ValueError:
            return False
        return True

    def require_commits(self) -> None:
        if not self.has_commits():
            raise RepoError(
                f"The repository at {self.root} has no commits yet.",
                remedy="Commit your project first; a release is cut from a commit.",
            )

    def head_sha(self) -> str:
        self.require_commits()
        return self.repo.head.commit.hexsha

    def branch(self) -> str:
        """The current branch name, or ``(detached)``."""
        try:
            return self.repo.active_branch.name
        except TypeError:
            return "(detached)"

    def dirty_paths(self) -> list[str]:
        """Tracked changes and untracked files, as ``git status --porcelain`` names them."""
        out = self.git("status", "--porcelain", "--untracked-files=normal")
        return [line[3:] for line in out.splitlines() if line.strip()]

    def tags(self) -> list[str]:
        return [t.name for t in self.repo.tags]

    def tag_exists(self, tag: str) -> bool:
        return any(t.name == tag for t in self.repo.tags)

    def identity(self) -> Identity:
        reader = self.repo.config_reader()
        name = str(reader.get_value("user", "name", "")) if reader.has_section("user") else ""
        email = str(reader.get_value("user", "email", "")) if reader.has_section("user") else ""
        return Identity(name or "unknown", email)

    def git(self, *args: str) -> str:
        """Run a git command in the work tree; failures become :class:`RepoError`."""
        proc = subprocess.run(
            ["git", *args], cwd=self.root, capture_output=True, text=True, check=False
        )
        if proc.returncode != 0:
            raise RepoError(f"git {' '.join(args)} failed: {git_failure(proc.stderr or proc.stdout)}.")
        return proc.stdout

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


def git_failure(output: str) -> str:
    """git's reason in one line: its ``fatal:``/``error:`` lines (the cause is often not last)."""
    lines = [line.strip() for line in output.strip().splitlines() if line.strip()]
    causes = [line for line in lines if line.startswith(("fatal:", "error:"))] or lines[-2:]
    return "; ".join(causes).rstrip(".") if causes else "no output"

