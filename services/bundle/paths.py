"""Where a bundle goes: the path the captain picked last time (remembered on this machine), or
a default next to the session, named so the two directions are never mixed up."""

from __future__ import annotations

from pathlib import Path

from services.step_protocol import Context

REMEMBERED = "handoff-path"  # in .release/, which never travels in a bundle


def file_name(ctx: Context, direction: str) -> str:
    session = ctx.require_session()
    project = (ctx.policy.project_name or ctx.root.name).replace("/", "-").replace(" ", "-")
    return f"{project}-{session.tag.replace('/', '-')}-{direction}.tar"


def remembered_dir(ctx: Context) -> Path | None:
    try:
        text = (ctx.store.base / REMEMBERED).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return Path(text) if text else None


def remember(ctx: Context, output: Path) -> None:
    from services.atomic import write_text_atomic

    try:
        ctx.store.base.mkdir(parents=True, exist_ok=True)
        write_text_atomic(ctx.store.base / REMEMBERED, f"{output.parent.resolve()}\n")
    except OSError:
        return  # a convenience only


def expected_incoming(ctx: Context) -> Path | None:
    """Where the bundle coming to this machine most likely is: its name for this release, in the
    folder this machine last wrote a bundle to (the USB stick, when it is mounted at the same
    place). None without a session here (a fresh offline clone knows no release yet)."""
    from services.bundle.manifest import TO_OFFLINE, TO_ONLINE

    if ctx.session is None:
        return None
    name = file_name(ctx, TO_OFFLINE if ctx.offline else TO_ONLINE)
    folder = remembered_dir(ctx)
    return folder / name if folder else Path(name)


def default_output(ctx: Context, direction: str) -> Path:
    directory = remembered_dir(ctx) or ctx.store.directory(ctx.require_session().tag) / "outbox"
    return directory / file_name(ctx, direction)
