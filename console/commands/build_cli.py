"""``run artifacts --build``: the policy's ``[artifacts] build`` first, its output on stderr,
then the artifacts step as ``run`` runs it (:mod:`services.build`, the TUI's ``b`` too).

On stderr so stdout stays what ``run`` prints (its ``--json`` document included); a failing
build stops before the step, with its exit code and last lines, and exits 1.
"""

from __future__ import annotations

import sys

from services.errors import UsageError
from services.step_protocol import Context


def build_first(ctx: Context, step_id: str, *, dry_run: bool) -> None:
    """Run the release's build before ``step_id`` (which must be ``artifacts``); with
    ``dry_run`` only say what would run and where."""
    from services import build

    if step_id != "artifacts":
        raise UsageError(f"--build runs release.toml's [artifacts] build before the artifacts "
                         f"step, not before {step_id}.",
                         remedy="Use it as `release-console run artifacts --build`.")
    refused = build.refusal(ctx)
    if refused is not None:
        raise refused
    planned = build.planned(ctx)
    assert planned is not None  # refusal says when there is none
    if dry_run:
        _line(f"Would build first: `{planned.command}` in {planned.directory}.")
        return
    _line(f"Building: `{planned.command}` in {planned.directory}")
    build.run_build(ctx, _line)
    _line(f"Built: `{planned.command}` exited 0.")


def _line(text: str) -> None:
    """One line of the build's output (already scrubbed) or about it, as it comes."""
    sys.stderr.write(text + "\n")
    sys.stderr.flush()
