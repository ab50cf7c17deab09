"""The one line a captain must never misread, the same in `status` and atop every TUI screen.

Kept apart from the engine: it reads the session, the branch and the security clock, and runs
nothing.
"""

from __future__ import annotations

from services.completion import last_words
from services.header_words import LAST
from services.hotfix.clock import headline_part
from services.step_protocol import Context


def headline(ctx: Context) -> str:
    """Project, release, channel, kind, branch and online/offline: the line a captain must never
    misread, the same in `status` and at the top of every TUI screen."""
    name = ctx.policy.project_name or ctx.root.name
    where = "OFFLINE" if ctx.offline else "online"
    branch = ctx.repo.branch()
    if ctx.session is None:  # the branch and the side first: a narrow screen cuts the end
        last = last_words(ctx.store.sessions())
        since = f"{LAST}{last}" if last else ""
        return f"{name} · no release in progress · {branch} · {where}{since}"
    s = ctx.session
    clock = headline_part(s, ctx.clock())
    kind = "" if s.kind == s.channel else f" · {s.kind}"  # an rc on the rc channel: "rc" once
    return (f"{name} · {s.tag} · {s.channel}{kind} · {branch} · {where}"
            + (f" · {clock}" if clock else ""))

