"""The one line a captain must never misread, the same in `status` and atop every TUI screen.

Kept apart from the engine: it reads the session, the branch and the security clock, and runs
nothing.
"""

from __future__ import annotations

from services.completion import CHANGED, last_words, shorter
from services.hotfix.clock import headline_part
from services.step_protocol import Context

LAST = " · last: "  # what follows is the last release's words: shortened first on a narrow bar


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


def fit(header: str, width: int) -> str:
    """``header`` as the TUI bar shows it in ``width`` columns: whole when it fits; else the last
    release in fewer words ("v1.3.1 released (v1.3.0 yanked since)"), then without what changed
    since ("v1.3.1 released"), then without "last" at all. Walked at 80 columns: the bar read
    "… last: v1.3.1 released; last", cut mid-word. `status` prints the whole line."""
    if width <= 0 or len(header) <= width or LAST not in header:
        return header
    head, _, last = header.partition(LAST)
    first = last.partition(CHANGED)[0]
    for words in (shorter(last), first, shorter(first)):
        if len(head) + len(LAST) + len(words) <= width:
            return f"{head}{LAST}{words}"
    return head
