"""The runbook as data: steps, what blocks them, what they would do, and what they did.

A step is a small object with a stable id. Runbooks (release, hotfix, rc, yank) are ordered tuples of
step ids over one registry of steps, so the TUI checklist and ``release-console status`` render the
same list, and the session stores progress by id, never by position.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from services import catalogue
from services.blocker import Blocker
from services.catalogue import StepInfo
from services.errors import ConsoleError, NeedsInput
from services.journal import Journal
from services.policy import Policy
from services.progress import ProgressSink, no_progress
from services.recorder import Recorder, journal_problem
from services.session import Session, SessionStore, iso, utc_now

if TYPE_CHECKING:
    from services.journal_audit import EditedSession
    from services.repo import Repository

Evidence = dict[str, Any]
ProgressCallback = ProgressSink  # services.progress: a ProgressEvent per report


@dataclass(frozen=True)
class FileChange:
    path: str
    diff: str  # unified diff; empty for a new binary or unchanged file


Fill = Callable[[str, str, str], str]  # (text, first line's indent, the rest's) -> lines


def _one_line(text: str, first: str, rest: str) -> str:
    return first + text


@dataclass
class Plan:
    """What ``run`` would do: shown by ``--dry-run`` and in every confirmation."""

    summary: str
    changes: list[FileChange] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)
    api_calls: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def render(self, fill: Fill | None = None) -> str:
        """The plan as text. ``fill(text, first, rest)`` lays out each line of prose (a summary
        line, an API call, a note) after ``first``, continuing under ``rest``: the CLI passes
        its wrapper (a note ran to 300 columns, cut mid-word by the terminal); without it each is
        one line, as the TUI's step screen wraps them itself. Diffs and commands are never
        filled: a command stays whole, to be copied."""
        lay = fill or _one_line
        summary = [lay(line.lstrip(), indent, indent and indent + "  ") if line.strip() else line
                   for line, indent in ((line, line[:len(line) - len(line.lstrip())])
                                        for line in self.summary.split("\n"))]
        parts = ["\n".join(summary)]
        for change in self.changes:
            parts.append(f"\nFile {change.path}:\n{change.diff.rstrip()}" if change.diff
                         else f"\nFile {change.path}")
        if self.commands:
            parts.append("\nCommands:\n" + "\n".join(f"  $ {c}" for c in self.commands))
        if self.api_calls:
            parts.append("\nGitHub API calls:\n" + "\n".join(lay(c, "  ", "    ")
                                                                for c in self.api_calls))
        if self.notes:
            parts.append("\n" + "\n".join(lay(n, "Note: ", " " * 6) for n in self.notes))
        return "\n".join(parts)

    def to_json(self) -> dict[str, Any]:
        return {
            "summary": self.summary,
            "changes": [{"path": c.path, "diff": c.diff} for c in self.changes],
            "commands": self.commands,
            "api_calls": self.api_calls,
            "notes": self.notes,
        }


def unified_diff(path: str, before: str, after: str) -> str:
    """A ``git diff``-like diff of two texts, line endings kept visible as they are."""
    return "".join(difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True),
        fromfile=f"a/{path}", tofile=f"b/{path}",
    ))


class StepFailed(ConsoleError):
    """A step ran and did not succeed; the message is recorded as the step's failure reason."""


class Prompter(Protocol):
    """How a step asks the person at the keyboard. The CLI and the TUI each implement it.

    ``owns_terminal`` is True when the prompter's own screen is drawn on the terminal (the
    TUI): a tool a step starts must not write on it or wait for a key there, so git that talks
    to the remote runs away from it (services.remote), where ssh cannot ask for a passphrase
    over the screen and hang the step; the CLI leaves the terminal to ssh."""

    owns_terminal: bool

    def secret(self, prompt: str, *, option: str) -> str:
        """Ask for a passphrase or PIN without echo; ``option`` names the non-interactive way."""
        ...

    def confirm(self, question: str, plan: Plan) -> bool:
        """Show ``plan`` and ask yes/no for an irreversible action."""
        ...


class NonInteractive:
    """A prompter for scripts and tests: it never asks, it says what to pass instead."""

    owns_terminal = False  # a script's terminal, if any, is ssh's to ask on

    def __init__(self, *, assume_yes: bool = False, secrets: dict[str, str] | None = None) -> None:
        self.assume_yes = assume_yes
        self.secrets = dict(secrets or {})

    def secret(self, prompt: str, *, option: str) -> str:
        if option in self.secrets:
            return self.secrets[option]
        raise NeedsInput(f"{prompt} is needed and there is no terminal to ask on.",
                         remedy=f"Supply it with {option}.")

    def confirm(self, question: str, plan: Plan) -> bool:
        if self.assume_yes:
            return True
        raise NeedsInput(f"This needs a yes and there is no terminal to ask on: {question}",
                         remedy="Re-run with --yes after reading the plan (--dry-run shows it).")


@dataclass
class Context:
    """Everything a step may touch, passed in so steps run against temp repos and fixed clocks."""

    policy: Policy
    repo: Repository
    store: SessionStore
    session: Session | None = None
    clock: Callable[[], datetime] = utc_now
    progress: ProgressCallback = no_progress
    prompter: Prompter = field(default_factory=NonInteractive)
    offline: bool = False
    answers: dict[str, Any] = field(default_factory=dict)
    # Why the active session could not be read (a damaged file): raised by require_session, so
    # commands that need no session (journal --tag, abandon, changelog) still work.
    session_problem: ConsoleError | None = None

    @property
    def root(self) -> Path:
        return self.repo.root

    def path(self, relative: str) -> Path:
        return self.root / relative

    @property
    def actor(self) -> str:
        return str(self.repo.identity())

    def title(self, step: Step) -> str:
        """``step``'s title under this policy, as `status`, the checklist, the step screen and
        the engine's sentences say it: the catalogue's, but the sign step names the kind of key
        that signs (it was "the hardware token" for a minisign key file too)."""
        return catalogue.title(step.id, self.policy.signing_backend)

    def needs_token(self, step: Step) -> bool:
        """``step`` needs the hardware token plugged in under this policy: the catalogue flags
        the steps that may sign with one, the policy's key says whether they do (a minisign key
        file never does): :mod:`services.hardware_token`."""
        from services.hardware_token import needs_token

        return needs_token(self, step)

    def require_session(self) -> Session:
        if self.session is None and self.session_problem is not None:
            raise self.session_problem
        if self.session is None:
            from services.workstation import no_release_yet

            begin = no_release_yet(self)
            raise ConsoleError(begin.reason, remedy=begin.remedy)
        return self.session

    @property
    def journal(self) -> Journal:
        session = self.require_session()
        return Journal(self.store.directory(session.tag) / "journal.jsonl")

    def journal_problem(self, session: Session | None = None) -> str:
        """Why no step may run: the journal fails verification, or it does not explain a step
        the session file records as finished; in one sentence, "" when neither."""
        session = session or self.require_session()
        problem = journal_problem(self.store, session)
        if problem:
            return problem
        edited = self._edited(session)  # the chain verified just now: not verified again
        return edited.problem if edited else ""

    def journal_remedy(self, session: Session | None = None) -> str:
        """What to do about :meth:`journal_problem`: ``journal repair`` for a crash's cut, a redo
        for an edited session file."""
        session = session or self.require_session()
        edited = self.edited_session(session)
        if edited:
            return edited.remedy
        from services.journal_repair import journal_remedy

        return journal_remedy(self.store, session)

    def edited_session(self, session: Session | None = None) -> EditedSession | None:
        """The steps ``session.json`` records as finished that its intact journal never
        finished, in this project's runbook order; None when there are none or the chain
        itself is broken (said first)."""
        session = session or self.require_session()
        return None if journal_problem(self.store, session) else self._edited(session)

    def _edited(self, session: Session) -> EditedSession | None:
        from services import workstation
        from services.flows import runbook
        from services.journal_audit import edited_session

        order = [step.id for step in runbook(session.kind,
                                             air_gapped=workstation.air_gapped(self.policy))]
        return edited_session(self.store, session, order)

    def record(self, step: str, action: str, *, inputs: dict[str, Any] | None = None,
               outputs: dict[str, Any] | None = None,
               update: Callable[[Session], object] | None = None,
               session_first: bool = False) -> None:
        """Journal an action and (optionally) change the session, as one locked update
        (:class:`services.recorder.Recorder`); ``self.session`` becomes the saved session."""
        self.session = self.recorder().record(step, action, inputs=inputs, outputs=outputs,
                                              update=update, session_first=session_first)

    def recorder(self, session: Session | None = None) -> Recorder:
        """The journal-and-session writer of ``session`` (the active one), as this console."""
        tag = (session or self.require_session()).tag
        return Recorder(self.store, tag, actor=self.actor, clock=self.clock)

    def now_iso(self) -> str:
        return iso(self.clock())


T = TypeVar("T")


class Catalogued(Generic[T]):
    """A step attribute read from the step's catalogue entry (read-only: the catalogue is where
    it is written); ``Step.title = Catalogued()`` reads ``catalogue.info(step.id).title``."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, step: Step, owner: type | None = None) -> T:
        value: T = getattr(step.info, self.name)
        return value


class Step:
    """Base class for a runbook step. Subclasses set ``id`` and override the methods; the title,
    description and flags come from the step's entry in ``services/catalogue.py``."""

    id: str = ""
    title: Catalogued[str] = Catalogued()
    description: Catalogued[str] = Catalogued()
    needs_network: Catalogued[bool] = Catalogued()
    needs_token: Catalogued[bool] = Catalogued()  # may use the token: ctx.needs_token says
    irreversible: Catalogued[bool] = Catalogued()  # the engine shows the plan and asks first
    skippable: Catalogued[bool] = Catalogued()  # a captain may skip it with a recorded reason
    side: Catalogued[str] = Catalogued()  # its workstation when air-gapped: "online" or "offline"

    @property
    def info(self) -> StepInfo:
        return catalogue.info(self.id)

    def check(self, ctx: Context) -> list[Blocker]:
        return []

    def plan(self, ctx: Context) -> Plan:
        return Plan(summary=f"{self.title}.")

    def run(self, ctx: Context) -> Evidence:
        raise NotImplementedError

    def reconcile(self, ctx: Context) -> Evidence | None:
        """Look for this step's own effect in the world before running (see services/reconcile).

        Evidence when the effect is there and is exactly what ``run`` would make (the engine
        records the step as done, "adopted after an interruption"); None when it is not there;
        :class:`services.reconcile.Diverged` when it is there but differs.
        """
        return None

    def revalidate(self, ctx: Context) -> list[Blocker]:
        """For a done step: what has happened since that makes its result untrue (cheap checks).

        A non-empty answer shows the step as stale and holds back every later step until the
        captain redoes it (``release-console redo STEP``).
        """
        return []

