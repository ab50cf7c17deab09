"""The words of the header's "last release" part, and how they shorten to fit a narrow bar.

Plain strings only, no other import: the TUI's session bar fits the headline on every resize in
the app's own process, where the step modules (which ``services.completion`` brings in) are not
loaded (they run in the overview's child process); importing them there cost the first frame.
"""

from __future__ import annotations

LAST = " · last: "  # what follows is the last release's words: shortened first on a narrow bar
CHANGED = "; last changed: "  # between the last release and the older one changed since
# Each outcome's words, shorter, for a header 80 columns wide: the tag and what became of it.
SHORTER = ((" released, then yanked", " yanked"), (" published as a pre-release, then yanked",
                                                   " yanked"),
           (" published as a pre-release", " published"),
           (" signed here and sent back", " sent back"))


def shorter(words: str) -> str:
    """``last_words`` in the fewest words that still say the same: "v1.3.1 released (v1.3.0
    yanked since)", "v1.3.0-rc.1 published". The header falls back to it where the whole line
    would be cut; `status` keeps the full words."""
    last, _, changed = words.partition(CHANGED)
    for long, short in SHORTER:
        last, changed = last.replace(long, short), changed.replace(long, short)
    return f"{last} ({changed} since)" if changed else last


def fit(header: str, width: int) -> str:
    """``header`` as the TUI bar shows it in ``width`` columns: whole when it fits; else the last
    release in fewer words ("v1.3.1 released (v1.3.0 yanked since)"), then without what changed
    since ("v1.3.1 released"), then without "last" at all. Walked at 80 columns: the bar read
    "… last: v1.3.1 released; last", cut mid-word. `status` prints the whole line."""
    if width <= 0 or len(header) <= width:
        return header
    if LAST not in header:
        return _fit_session(header, width)
    head, _, last = header.partition(LAST)
    first = last.partition(CHANGED)[0]
    for words in (shorter(last), first, shorter(first)):
        if len(head) + len(LAST) + len(words) <= width:
            return f"{head}{LAST}{words}"
    return head


def _fit_session(header: str, width: int) -> str:
    """A release in progress: the security clock ends the line and is what a narrow bar cut
    (walked at 80 columns: "… · online · critical: 23 h 53"). A kind the branch already names
    goes first ("hotfix · hotfix/v1.3.1"), then the clock takes short units ("23h 53m left")."""
    parts = header.split(" · ")
    for i in range(1, len(parts) - 1):
        if parts[i + 1].startswith(parts[i] + "/"):
            del parts[i]
            break
    line = " · ".join(parts)
    clock = parts[-1]
    if len(line) > width and (clock.endswith(" left") or " overdue by " in clock):
        line = " · ".join([*parts[:-1], clock.replace(" h ", "h ").replace(" min", "m")])
    return line
