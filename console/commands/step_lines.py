"""The lines `status`, `run` and `next` end with: a step's evidence, what comes next, and
what a finished release still leaves to push (moved out of session.py, at its size limit)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from console.output import hanging, say, say_wrapped
from services.step_protocol import Context
from services.step_status import StepStatus as S
from services.wording import counted

if TYPE_CHECKING:
    from services.step_view import StepView


def say_next(nxt: StepView | None) -> None:
    """The line that ends ``status`` and every step run: what comes next, or all done."""
    if nxt is None:
        say("Every step is done.", style="green")
        return
    blocked = nxt.status in {S.BLOCKED, S.WAITING, S.STALE, S.FAILED} and nxt.blockers
    # a blocked step's own remedy (e.g. import the returning bundle, or redo a stale one), not
    # a run it refuses
    # wrapped as the blockers above it are: a remedy ran past 80 columns, cut mid-word
    text = (f"{nxt.id} — {nxt.blockers[0].remedy or nxt.blockers[0].reason}" if blocked
            else f"{nxt.id} — `release-console run {nxt.id}`")
    say(hanging(text, "Next: ", " " * 6), style="bold")


def say_unpushed(ctx: Context) -> None:
    """After the last step: the reopen commit (or a yank's note) is still local. `status` and
    the TUI's summary said so; the run that finished the release said only "Every step is
    done.". Named as `status` names it: after a yank, `next` called the note "the reopen
    commit"."""
    from services.summary import left_what, unpushed

    session = ctx.session
    if session is None:
        from services.summary import last_finished

        session = last_finished(ctx.store.sessions())
    if session is None or session.state != "completed":
        return
    left = unpushed(ctx, session)
    if left:
        say_wrapped(f"Still to do: push the {left} commit{'s' if left > 1 else ''} left after "
                    f"the release (the {left_what(session)}): `release-console push --rest`.",
                    style="bold")


def evidence_lines(key: str, value: object) -> list[str]:
    """A step's evidence after `next` or `run`: scalars, and a small table on one line with its
    long sentences under it. Pre-flight's "no CI has reported on this commit" made the ``ci`` line
    too long, and the line was left out, so a captain on the command line never read it."""
    if isinstance(value, dict):
        scalars = {k: v for k, v in value.items()
                   if isinstance(v, str | int | float | bool) and v != ""}
        short = ", ".join(f"{k}={v}" for k, v in scalars.items() if len(str(v)) <= 80)
        # each wrapped at the terminal's width, continued two columns in: review's "release:"
        # table ran to 196 columns, a sign-off's hardware to 169
        lines = [hanging(short, f"  {key}: ", "    ")] if short else []
        lines += [hanging(str(v), f"    {k}: ", "      ") for k, v in scalars.items()
                  if 80 < len(str(v)) < 400]
        return lines
    if key == "artifacts" and isinstance(value, list):
        return artifact_lines(value)
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return listed_lines(key, value)
    if isinstance(value, str | int | float) and value != "" and len(str(value)) < 200:
        return [hanging(str(value), f"  {key}: ", "    ")]
    return []


# More than a screenful of commits or entries says how many were left out, not all of them.
LIST_SHOWN = 12


def listed_lines(key: str, items: list[str]) -> list[str]:
    """A list the step recorded (the commits merge-back pushed, the picks, the draft's
    repairs), one item a line under its key: they were left out, so `run merge-back` said
    nothing of what went up. ``warnings`` is said by the caller, as warnings."""
    if key == "warnings":
        return []
    lines = [f"  {key}:"] + [hanging(item, "    ", "      ") for item in items[:LIST_SHOWN]]
    if len(items) > LIST_SHOWN:
        lines.append(f"    … and {len(items) - LIST_SHOWN} more")
    return lines


def artifact_lines(records: list[object]) -> list[str]:
    """The files the artifacts step recorded, each with its size and modification time (what it
    held against the release commit's): a captain walking the CLI saw only ``dir: dist`` and had
    to trust that the right files were measured."""
    from services.artifacts import human_size

    shown = [r for r in records if isinstance(r, dict)]
    lines = [f"  artifacts: {counted(len(shown), 'file')}" if shown else "  artifacts: none"]
    for record in shown:
        size = record.get("size")
        where = record.get("path") or record.get("name") or "?"
        arch = f"{record['arch']}: " if record.get("arch") else ""
        modified = f", modified {record['modified']}" if record.get("modified") else ""
        lines.append(hanging(f"{arch}{where} "
                             f"({human_size(size if isinstance(size, int) else None)}{modified})",
                             "    ", "      "))
    return lines
