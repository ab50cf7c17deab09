"""How a step's blockers, evidence, progress and unexpected errors read to the captain.

Plain functions from service values to text, shared by the step screen and the home screen, so the
same blocker or evidence never reads two ways.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from rich.text import Text

from screens.diff_view import diff_text
from screens.widgets import STATUS_STYLE
from services import secrets
from services.marks import MARKS
from services.step_status import FINISHED, StepStatus
from services.wording import single_width

if TYPE_CHECKING:
    from services.progress import ProgressEvent
    from services.step_protocol import Blocker, Plan


def unexpected(err: BaseException) -> str:
    """One scrubbed line for an error that is not a ConsoleError (no traceback, no locals)."""
    return secrets.scrub(f"Unexpected error ({type(err).__name__}): {err}. The step was recorded "
                         "as failed; the journal has what was done.")


PHASES = {"hash": "Hashing", "sha256": "Hashing", "upload": "Uploading", "sign": "Signing"}


def progress_title(event: ProgressEvent) -> str:
    """"Uploading pai-v1.3.0-amd64.iso (2.0 GiB)": which file the bar below measures."""
    from services.artifacts import human_size

    verb = PHASES.get(event.phase, event.phase.capitalize())
    size = human_size(event.total) if event.unit == "bytes" else f"{event.total} files"
    return f"{verb} {event.item or 'all files'} ({size})"


# Where a TUI remedy places a control on the step's screen ("the checklist below")
ON_THE_SCREEN = re.compile(r"\b(?:below|above)\b")


def render_blockers(blockers: Sequence[Blocker], *, tui: bool = False, away: bool = False,
                    ) -> Text:
    """Why the step cannot run; with ``tui`` the remedy names the key or control, not a command.

    ``away``: shown away from the step's screen (the checklist's Step pane), where "the
    checklist below" is not below: walked, the pane said "Tick it in the checklist below" over no
    checklist. There a remedy's control is "on its screen", which Enter opens."""
    if not blockers:
        return Text("")
    text = Text("Blocked because:\n", style="bold yellow")
    remedies = [b.tui_remedy if tui else b.remedy for b in blockers]
    if away:
        remedies = [ON_THE_SCREEN.sub("on its screen", remedy) for remedy in remedies]
    for index, blocker in enumerate(blockers):
        text.append(f"• {blocker.reason}\n")
        remedy = remedies[index]
        # two missing images, one build: the remedy is said once, after the last of them
        if remedy and remedies[index + 1:index + 2] != [remedy]:
            text.append(f"  → {remedy}\n", style="dim")
    return text


def to_do_line(blockers: Sequence[Blocker], *, leave: str = "") -> str:
    """The line under a blocked step to do now: where its to-do is, and what ``n`` does then
    (``leave``: the key that leaves the text field holding the focus, where n would be typed).

    Walked at 80x24: "To do:" said the first blocker's remedy again, two rows under the same
    "→" line (and, for a blocker with no remedy, its reason again). Each is said once, in the
    blockers section; this line points at it. A blocker whose sentence is its own to-do (no
    remedy: "Cannot read the minisign key …: Permission denied.") has no → line to point at."""
    remedies = {b.tui_remedy for b in blockers if b.tui_remedy}
    where = ("what the → line above says" if len(remedies) == 1 else
             "what the → lines above say" if remedies else
             "put right what the blocker above says" if len(blockers) == 1 else
             "put right what the blockers above say")
    return f"To do: {where}; then {leave + ', and ' if leave else ''}n runs it."


def render_evidence(evidence: Mapping[str, object]) -> Text:
    if not evidence:
        return Text("")
    text = Text("Evidence:\n", style="bold")
    for key, value in evidence.items():
        text.append(f"  {key}: {evidence_value(value)}\n")
    return text


def evidence_value(value: object) -> str:
    """Evidence as a captain reads it: lists joined, small tables as key=value, no Python repr."""
    if isinstance(value, dict):
        return ", ".join(f"{k}={evidence_value(v)}" for k, v in value.items()
                         if v not in ("", [], {}, None))
    if isinstance(value, list | tuple):
        return "; ".join(evidence_value(v) for v in value) or "none"
    return str(value)


def status_line(status: StepStatus, reason: str, *, irreversible: bool) -> Text:
    """"▶ ready", with why it stopped and, until it is done, that it will ask before acting."""
    line = Text(f"{MARKS.get(status, '?')} {status}", style=STATUS_STYLE.get(status, ""))
    if reason:
        line.append(f" — {reason}")
    if irreversible and status not in FINISHED:
        line.append("   (irreversible: you will be asked to confirm)", style="yellow")
    return line


def next_key_hint(next_id: str | None, next_title: str, elsewhere: str = "") -> Text:
    """What n does on a screen that is not the step to do now (``elsewhere``: the machine that
    does that step when it is not this one; n goes to the checklist, which says what to do)."""
    if next_id is None:
        return Text("Every step is done. n: the release summary.", style="bold green")
    if elsewhere:
        return Text(f"n: the checklist — {next_title} is next, on {elsewhere}.", style="bold")
    return Text(f"n: open the step to do now — {next_title}.", style="bold")


def plan_body(plan: Plan, width: int) -> Text:
    """What a confirmation shows of ``plan`` (summary, file diffs, notes; the commands are shown
    apart), its diffs with one line of context around each change and their lines wrapped at
    ``width`` at their words, each continuation two columns in from its own line's text (so it
    reads neither as a line of the file, which starts after the ``+``, ``-`` or space, nor as a
    changed one); added and removed lines in colour (:mod:`screens.diff_view`).

    Walked at 80x24: the changelog step's confirmation wrapped a context line ("The format is
    based on [Keep a" / "Changelog](https://...)") back to the left edge, where the rest read as
    a line of its own, and a long word was cut anywhere. Built from the plan's own changes, not
    by finding its diffs again in :meth:`Plan.render`'s text. ``width`` 0: nothing is wrapped
    here (the width is not known yet)."""
    out = Text(single_width(plan.summary))
    for change in plan.changes:
        if not change.diff:
            out.append(f"\n\nFile {single_width(change.path)}")
            continue
        out.append(f"\n\nFile {single_width(change.path)}:")
        # its last newline only (diff_text): rstrip() took a last blank context line with it
        out.append("\n")
        out.append(diff_text(single_width(change.diff), width))
    for number, note in enumerate(plan.notes):
        out.append(("\n" if number else "\n\n") + f"Note: {single_width(note)}")
    return out
