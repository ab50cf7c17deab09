"""The checklist as the home screen shows it, as plain data that crosses a process boundary.

The home screen's first useful frame is the checked checklist (ready, blocked and why). Working
it out needs git, the policy and every step's checks: a few hundred milliseconds of imports and
reads that would otherwise start only after Textual has drawn its first frame. So the TUI's entry
point starts ``python -m console.overview_child`` before it imports Textual; the child works out
this :class:`Overview` on the machine's other core and prints it as JSON, and the home screen
reads it when it mounts. Later reloads build the same value in a worker thread. One value, one
way to draw it: the screen never needs to know which of the two made it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from services.blocker import Blocker
from services.errors import ConsoleError
from services.step_status import StepStatus

if TYPE_CHECKING:  # the step machinery loads only where an overview is worked out
    from services.step_protocol import Context, Step
    from services.step_view import StepView

SCHEMA = 6


@dataclass(frozen=True)
class OverviewRow:
    """One checklist line and what the detail panel beside it says about the step."""

    id: str
    title: str
    description: str
    needs_network: bool = False
    irreversible: bool = False
    status: StepStatus | None = None  # None: no release in progress, the runbook as a preview
    reason: str = ""  # why it was skipped, failed or interrupted, as recorded
    blockers: tuple[Blocker, ...] = ()
    evidence: Mapping[str, Any] = field(default_factory=dict)
    # The blockers' remedies are done on the step's own screen, with its keys and fields: only
    # then does the panel say Enter opens it for them (see :func:`remedied_on_its_screen`).
    on_its_screen: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "title": self.title, "description": self.description,
            "needs_network": self.needs_network, "irreversible": self.irreversible,
            "status": None if self.status is None else str(self.status), "reason": self.reason,
            "blockers": [[b.reason, b.remedy, b.tui] for b in self.blockers],
            "evidence": dict(self.evidence), "on_its_screen": self.on_its_screen,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> OverviewRow:
        status = data.get("status")
        return cls(
            id=str(data["id"]), title=str(data["title"]), description=str(data["description"]),
            needs_network=bool(data.get("needs_network")),
            irreversible=bool(data.get("irreversible")),
            status=None if status is None else StepStatus(status),
            reason=str(data.get("reason", "")),
            blockers=tuple(Blocker(str(r), str(m), str(t)) for r, m, t in data["blockers"]),
            evidence=dict(data.get("evidence") or {}),
            on_its_screen=bool(data.get("on_its_screen")),
        )


@dataclass(frozen=True)
class Overview:
    """The whole home screen: the headline, the rows, the step to do next, and what stops work.

    ``error`` is set (and nothing else is) when the checklist cannot be worked out at all: not a
    repository, a broken policy or session file. ``journal`` says why every step is stopped."""

    header: str = ""
    rows: tuple[OverviewRow, ...] = ()
    next_id: str | None = None
    tag: str = ""
    journal: str = ""
    error: str = ""
    # The next step belongs to the other workstation: what comes from there is a bundle to import.
    waits_for_bundle: bool = False
    # With no release in progress, or none left to do here (signed and sent back): what to do
    # (start one, or import), and whether s may start one.
    idle: str = ""
    can_start: bool = True
    # The offline workstation: nothing that talks to GitHub (a yank) is offered there.
    offline: bool = False
    # Steps the session file records as finished with no journal entry: every step is stopped,
    # but their screens open, for o (redo).
    edited: tuple[str, ...] = ()
    # While a release is in progress: what the last finished one left unpushed (its reopen
    # commit) and how to push it, one line under the checklist; "" when nothing is left.
    left_unpushed: str = ""

    @property
    def has_session(self) -> bool:
        return any(row.status is not None for row in self.rows)

    def to_json(self) -> dict[str, Any]:
        return {"schema": SCHEMA, "header": self.header, "next": self.next_id, "tag": self.tag,
                "journal": self.journal, "error": self.error,
                "waits_for_bundle": self.waits_for_bundle, "idle": self.idle,
                "can_start": self.can_start, "offline": self.offline,
                "edited": list(self.edited), "left_unpushed": self.left_unpushed,
                "rows": [row.to_json() for row in self.rows]}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Overview:
        """The value ``to_json`` wrote; ValueError when it is not one (another version wrote it)."""
        if data.get("schema") != SCHEMA:
            raise ValueError(f"overview schema {data.get('schema')!r}, expected {SCHEMA}")
        try:
            rows = tuple(OverviewRow.from_json(row) for row in data["rows"])
            return cls(header=str(data["header"]), rows=rows, next_id=data.get("next"),
                       tag=str(data["tag"]), journal=str(data["journal"]),
                       error=str(data["error"]),
                       waits_for_bundle=bool(data["waits_for_bundle"]),
                       idle=str(data["idle"]), can_start=bool(data["can_start"]),
                       offline=bool(data["offline"]),
                       edited=tuple(str(step) for step in data["edited"]),
                       left_unpushed=str(data.get("left_unpushed") or ""))
        except (KeyError, TypeError) as err:
            raise ValueError(f"overview is missing {err}") from None


def checked_overview(open_context: Callable[[], Context]) -> Overview:
    """What the home screen shows; a ConsoleError (also opening the repository or reading the
    policy) becomes ``error``, in one scrubbed sentence."""
    from services import secrets

    try:
        return overview(open_context())
    except ConsoleError as err:
        return Overview(error=secrets.scrub(str(err)))


def overview(ctx: Context) -> Overview:
    """What the home screen shows for this context (a damaged session raises its error)."""
    from services import engine, secrets, workstation
    from services.flows import runbook
    from services.headline import headline

    if ctx.session_problem is not None:
        raise ctx.session_problem
    header = headline(ctx)
    if ctx.session is None:
        from services.yank_resume import unfinished_yank

        refused = workstation.start_refused(ctx)
        yank = unfinished_yank(ctx.store)  # killed between its halves, in a finished session
        begin = refused or (yank.blocker() if yank else None) or workstation.start_one(ctx)
        steps = runbook("release", air_gapped=workstation.air_gapped(ctx.policy))
        # with no release in progress too: a yank's note the captain did not push (answered n,
        # or killed at the question) went unmentioned on the home screen, as did a reopen commit
        return Overview(header, tuple(preview_row(step, ctx) for step in steps),
                        idle=f"{begin.reason} {begin.tui_remedy}", can_start=refused is None,
                        offline=ctx.offline, left_unpushed=left_unpushed_line(ctx))
    views = engine.views(ctx)
    nxt = engine.next_view(views)
    problem = ctx.journal_problem()
    journal, edited = "", None
    if problem:
        edited = ctx.edited_session()  # None when the chain is broken: that is said first
        remedy = edited.tui_remedy if edited is not None else ctx.journal_remedy()
        journal = secrets.scrub(f"Every step is stopped: {problem} {remedy}")
    rows = tuple(
        OverviewRow(v.step.id, ctx.title(v.step), described(ctx, v.step),
                    v.step.needs_network,
                    v.step.irreversible, v.status, v.record.reason, tuple(v.blockers),
                    v.record.evidence, remedied_on_its_screen(ctx, v))
        for v in views)
    waits = nxt is not None and workstation.waits_for_other_side(ctx, nxt.step) is not None
    from services.bundle.identity import handed_back

    done_here = ""
    if handed_back(ctx, ctx.session):  # the signing workstation's part is over
        done_here = (f"{ctx.session.tag} was signed here and sent back: nothing is left to do on "
                     "this workstation. When the next release's bundle comes, press i.")
    return Overview(header, rows, nxt.id if nxt else None, ctx.session.tag, journal,
                    waits_for_bundle=waits, idle=done_here, offline=ctx.offline,
                    edited=edited.steps if edited is not None else (),
                    left_unpushed=left_unpushed_line(ctx))


def left_unpushed_line(ctx: Context) -> str:
    """What the last finished release left unpushed, as the home screen says it (76 columns:
    one line at 80); a local rev-list, no network. The checklist showed only the new release's
    steps, and the reopen commit was forgotten until the summary was opened again."""
    sessions = ctx.store.sessions()
    if not any(s.state == "completed" for s in sessions):
        return ""
    from services.summary import left_unpushed
    from services.wording import counted

    left = left_unpushed(ctx, sessions)
    if left is None:
        return ""
    return (f"{left.tag} left {counted(left.count, 'commit')} unpushed: Ctrl+P \"Summary of the "
            "last release\", then p.")


def described(ctx: Context, step: Step) -> str:
    """The step's description as the detail panel shows it for this release. The title names the
    kind of key (Context.title); the panel names the key the policy pins (a minisign key file is no token),
    without loading the step's implementation (the checklist loads only the steps it checks)."""
    if step.id != "sign":
        return step.description
    from services.signing import signs_with

    return " ".join(filter(None, (step.description, signs_with(ctx.policy, ctx.root,
                                                                elsewhere=not ctx.offline))))


def remedied_on_its_screen(ctx: Context, view: StepView) -> bool:
    """Whether what ``view``'s blockers tell the captain to do is done on the step's own screen
    (its keys and fields: ctrl+s and the path, r, a sign-off's fields). Not for a wait, whose
    remedy is done elsewhere: steps in runbook order (n on the checklist), a step of the other
    workstation ("import it there", "press i here"; the air-gap walk found the panel sending the
    captain to that step's screen for them), the signed bundle to come back (i on the checklist),
    nor a network step on the offline machine (carry the release)."""
    from services import engine, workstation

    if not view.blockers or view.status == StepStatus.WAITING:
        return False
    if workstation.waits_for_other_side(ctx, view.step) is not None:
        return False
    return engine.OFFLINE not in view.blockers


def preview_row(step: Step, ctx: Context) -> OverviewRow:
    """A step of the runbook before any release starts: what it is, no status."""
    return OverviewRow(step.id, ctx.title(step), step.description, step.needs_network,
                       step.irreversible)
