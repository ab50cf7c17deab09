"""Builds the service objects a command needs from the global options.

Kept separate from the CLI parser so the TUI builds its context the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # argparse too: the TUI's first frame has no command line to parse
    import argparse

    from services.policy import Policy
    from services.repo import Repository
    from services.step_protocol import Context, Prompter


@dataclass(frozen=True)
class Options:
    repo: Path
    config: Path | None = None
    offline: bool = False

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> Options:
        """The global options (--repo, --config, --offline), as every command and the TUI read them."""
        return cls(repo=args.repo, config=args.config, offline=args.offline)


def machine_offline(options: Options) -> bool:
    """--offline, RELEASE_CONSOLE_OFFLINE or the machine-local settings file; when offline the
    network guard goes on before anything else can open a socket."""
    from services import netguard, workstation

    offline = workstation.is_offline(options.offline)
    if offline:
        netguard.install()
    return offline


def load_repo_policy(options: Options, repo: Repository) -> Policy:
    from services.policy import POLICY_FILE, load_policy
    from services.policy_reader import PolicyError

    if options.config is not None:
        return load_policy(options.config, required=True)
    path = repo.root / POLICY_FILE
    # A project without the file releases on the defaults; one whose committed file went missing
    # (deleted, or moved aside mid-release) must not: other keys, artifacts, signer, repository.
    if not path.exists() and repo.head_file(POLICY_FILE) is not None:
        raise PolicyError(f"{path} is missing, though the last commit has it; nothing runs on "
                          "the defaults in its place.",
                          remedy=f"Restore it with `git checkout -- {POLICY_FILE}` (or commit its "
                          "removal to release on the defaults).")
    return load_policy(path)


def build_context(options: Options, prompter: Prompter | None = None) -> Context:
    """Open the repository, read the policy and the active session (if any)."""
    from services.repo import Repository
    from services.session import SessionStore
    from services.step_protocol import Context

    offline = machine_offline(options)
    repo = Repository(options.repo)
    policy = load_repo_policy(options, repo)
    store = SessionStore(repo.root)
    ctx = Context(policy=policy, repo=repo, store=store,
                  offline=offline)
    if prompter is not None:
        ctx.prompter = prompter
    from services.session import SessionError

    try:
        ctx.session = store.active()
    except SessionError as err:
        ctx.session_problem = err
    return ctx
