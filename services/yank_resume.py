"""A yank left unfinished in a finished session: found, told, and finished by ``next``.

A yank of a release that has a session (the release's own, or an earlier yank's) is recorded in
that session, which is already ``completed``. Killed between its halves, such a yank leaves no
active session behind, so ``status``, ``next`` and the TUI home would say everything is done. The
halves' records say otherwise: a ``yank-changelog`` or ``yank-github`` step not done, with the
yank's inputs in ``session.data["yank"]``. This module finds that, says which parts are done and
how to finish (the same yank, with the recorded reason and replacement), and lets plain
``release-console next`` finish it through :func:`services.yank.yank_release`, which checks both
halves against the world first (a note already committed is adopted, GitHub is edited once).
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from services.blocker import Blocker
from services.session import Session, SessionStore, StepRecord
from services.step_status import StepStatus

if TYPE_CHECKING:
    from services.yank import YankRequest

# A yank's record in a session, here rather than in services.yank so that `status` can look for
# an unfinished one without importing the yank itself (its GitHub and changelog halves).
DATA_KEY = "yank"  # session.data["yank"] = {"reason": ..., "replacement": ...}
HALVES = ("yank-changelog", "yank-github")


@dataclass(frozen=True)
class UnfinishedYank:
    """A yank recorded in a completed session whose halves are not both done."""

    tag: str
    version: str
    reason: str
    replacement: str
    allow_older: bool
    note_done: bool
    github_done: bool

    @property
    def request(self) -> YankRequest:
        from services.yank import YankRequest

        return YankRequest(self.version, self.reason, self.replacement, self.allow_older)

    @property
    def command(self) -> str:
        """The same yank, as the captain would type it again."""
        words = ["release-console", "yank", self.version, "--reason", self.reason,
                 "--replacement", self.replacement]
        return shlex.join(words + (["--allow-older"] if self.allow_older else []))

    @property
    def parts(self) -> str:
        note = ("the CHANGELOG note is committed" if self.note_done
                else "the CHANGELOG note is not recorded yet")
        github = ("GitHub shows the yank" if self.github_done
                  else "the GitHub edit is not recorded yet")
        return f"{note}, {github}"

    def blocker(self) -> Blocker:
        """What ``status`` and the TUI home say: what is done, and how to finish."""
        return Blocker(
            f"The yank of {self.tag} was interrupted: {self.parts}.",
            f"Finish it with `release-console next` (or the same yank again: `{self.command}`); "
            "parts already done are checked, not redone.",
            f"Press y to open the yank wizard and yank {self.version} again with the reason "
            f"\"{self.reason}\" and the replacement {self.replacement}; parts already done are "
            "checked, not redone.")

    def to_json(self) -> dict[str, Any]:
        return {"tag": self.tag, "version": self.version, "reason": self.reason,
                "replacement": self.replacement, "allow_older": self.allow_older,
                "note_done": self.note_done, "github_done": self.github_done,
                "command": self.command}


def unfinished_in(session: Session) -> UnfinishedYank | None:
    """The yank this completed session records as begun and not finished, if any."""
    data = session.data.get(DATA_KEY)
    if session.state != "completed" or not isinstance(data, dict):
        return None
    done = {step_id: session.steps.get(step_id, StepRecord()).status == StepStatus.DONE
            for step_id in HALVES}
    if all(done.values()):
        return None
    return UnfinishedYank(session.tag, session.version, str(data.get("reason", "")).strip(),
                          str(data.get("replacement", "")).strip(),
                          bool(data.get("allow_older")), done["yank-changelog"],
                          done["yank-github"])


def unfinished_yank(store: SessionStore | list[Session]) -> UnfinishedYank | None:
    """The most recently touched unfinished yank in this repository's sessions, if any (given
    the sessions already loaded, none is read again)."""
    sessions = store if isinstance(store, list) else store.sessions()
    found = [(session.updated_at, yank) for session in sessions
             if (yank := unfinished_in(session)) is not None]
    return max(found, key=lambda pair: pair[0])[1] if found else None
