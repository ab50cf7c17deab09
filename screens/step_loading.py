"""What a step screen's load gathers, in its worker thread: the session line, this step's view,
the step to do now (and whether it is the other workstation's), the plan and the screen's extra.

Kept apart from :mod:`screens.step` so that module stays about the screen's widgets and keys.
Nothing here touches a widget: the result is a :class:`screens.step_messages.Loaded` message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from screens.step_messages import Loaded
from services import completion, engine, workstation
from services.errors import ConsoleError
from services.headline import headline
from services.step_protocol import Context, Plan
from services.step_status import StepStatus
from services.wording import mid_sentence

if TYPE_CHECKING:
    from screens.step import StepScreen
    from services.step_protocol import Step


def gather(screen: StepScreen[Any], ctx: Context) -> Loaded:
    """Everything the screen shows after a load (a ConsoleError is the caller's to say)."""
    step = screen.step
    header = headline(ctx)
    view = None
    next_id, next_title, waits, other = None, "", False, ""
    ended = ""
    if ctx.session is not None:
        views = engine.views(ctx)
        view = next((v for v in views if v.id == step.id), None)
        nxt = engine.next_view(views)
        if nxt is not None:
            next_id, next_title = nxt.id, ctx.title(nxt.step)
            waits = workstation.expects_bundle(ctx, nxt.step)
            other = next_elsewhere(ctx, nxt.step)
    elif screen.session_tag:  # this screen ran the release's last step: show it done
        view = ended_view(ctx, step, screen.session_tag)
        if view is None:  # it ended under this screen, from another terminal
            ended = completion.ended_under(ctx.store, screen.session_tag)
    try:
        plan: Plan | None = step.plan(ctx) if ctx.session is not None else None
    except ConsoleError as err:
        plan = Plan(summary=f"No plan yet: {mid_sentence(str(err))}")
    extra = screen.load_extra(ctx)
    return Loaded(header, view, next_id, next_title, plan, extra,
                  has_session=ctx.session is not None or view is not None,
                  waits_for_bundle=waits,
                  elsewhere=workstation.waits_for_other_side(ctx, step) is not None,
                  next_elsewhere=other,
                  tag=ctx.session.tag if ctx.session else screen.session_tag,
                  ended=ended, title=ctx.title(step))


def next_elsewhere(ctx: Context, step: Step) -> str:
    """The machine that does ``step`` (the step to do now) when it is not this one, else "".

    Walked on the online machine after the hand-off export: "Enter: next step" opened the smoke
    screen, which only says it waits for the offline side; Enter goes to the checklist instead,
    which says what the other machine does next and what to press here when its bundle comes."""
    if workstation.waits_for_other_side(ctx, step) is None:
        return ""
    return workstation.other_machine(ctx.offline)


def ended_view(ctx: Context, step: Step, tag: str) -> engine.StepView | None:
    """The step as the release it belonged to left it, once that release is completed."""
    try:
        ended = ctx.store.load(tag)
    except ConsoleError:
        return None
    record = ended.steps.get(step.id)
    if ended.state != "completed" or record is None:
        return None
    return engine.StepView(step, StepStatus(record.status), [], record)
