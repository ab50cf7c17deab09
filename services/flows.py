"""The runbooks: ordered step ids per kind of release, over one registry of steps.

Release follows the PAI release runbook the console was designed from. A hotfix is the same walk
with a branch from the last tag first and main brought up to date last. An rc is the whole release
walk over the final ``[X.Y.Z]`` section; a promotion tags the stable release on the rc's commit with
no changelog commit, then points [Unreleased]'s compare link at the stable tag. A yank withdraws a
published release without deleting anything. The hand-off steps exist only when signing is
air-gapped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from services.errors import ConsoleError

if TYPE_CHECKING:  # the step ids alone are light: the TUI's first frame lists them
    from services.step_protocol import Step

RELEASE = (
    "preflight", "changelog", "migration", "notes", "artifacts", "handoff-out", "smoke",
    "checksums", "sign", "tag", "handoff-back", "push", "draft", "review", "publish",
    "post-release",
)
# No post-release: merge-back brings the hotfix tag into the default branch, which keeps its own
# [Unreleased]; a reopen commit on the hotfix branch would be stranded there, never pushed.
HOTFIX = ("hotfix-branch", *RELEASE[:-1], "merge-back")
# A candidate walks the whole release: rc.1 moves [Unreleased] to the final [X.Y.Z] (later rcs
# fold new entries into it), so the stable release is tagged on the rc's commit by PROMOTE.
RC = RELEASE
PROMOTE = (
    "promote", "notes", "artifacts", "handoff-out", "reuse-signoffs", "smoke", "checksums", "sign",
    "tag", "handoff-back", "push", "draft", "review", "publish", "post-release",
)
YANK = ("yank-changelog", "yank-github")

RUNBOOKS: dict[str, tuple[str, ...]] = {
    "release": RELEASE,
    "hotfix": HOTFIX,
    "rc": RC,
    "promote": PROMOTE,
    "yank": YANK,
}


HANDOFF = frozenset({"handoff-out", "handoff-back"})  # only when signing is air-gapped


def runbook(kind: str, *, air_gapped: bool = False) -> tuple[Step, ...]:
    """The steps of ``kind``; the hand-off steps only when the release crosses the air gap
    (``[signing] workstation = "air-gapped"``): on one workstation there is nothing to carry."""
    try:
        ids = RUNBOOKS[kind]
    except KeyError:
        raise ConsoleError(f"Unknown release kind {kind!r}; "
                           f"expected one of: {', '.join(RUNBOOKS)}.") from None
    from services.steps import registry

    steps = registry()
    return tuple(steps[i] for i in ids if air_gapped or i not in HANDOFF)
