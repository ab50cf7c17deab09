"""Where a bundle goes: the path the captain picked last time (remembered on this machine), or
a default next to the session, named so the two directions are never mixed up."""

from __future__ import annotations

from pathlib import Path

from services.step_protocol import Context

REMEMBERED = "handoff-path"  # in .release/, which never travels in a bundle
# The bundle this machine wrote last ("<sha256> <path>"), also machine-local: the journal's
# export entry is the same on both machines, so it cannot say where the file went here.
WRITTEN = "handoff-written"


def file_name(ctx: Context, direction: str) -> str:
    session = ctx.require_session()
    return f"{_project(ctx)}-{session.tag.replace('/', '-')}-{direction}.tar"


def _project(ctx: Context) -> str:
    return (ctx.policy.project_name or ctx.root.name).replace("/", "-").replace(" ", "-")


def example_incoming(ctx: Context) -> str:
    """The import field's example where nothing better is known (a fresh offline clone): this
    project's name and this machine's direction, not another project's bundle of some version."""
    from services.bundle.manifest import TO_OFFLINE, TO_ONLINE

    return f"{_project(ctx)}-vX.Y.Z-{TO_OFFLINE if ctx.offline else TO_ONLINE}.tar"


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


def remember_written(ctx: Context, target: Path, bundle_sha256: str) -> None:
    """Note which file the export just wrote, so the waiting steps can name the file to carry
    after the export's own output has scrolled away (walked: they said "the hand-off bundle")."""
    from services.atomic import write_text_atomic

    try:
        write_text_atomic(ctx.store.base / WRITTEN, f"{bundle_sha256} {target.resolve()}\n")
    except OSError:
        return  # a convenience only


def written_bundle(ctx: Context, step_id: str) -> Path | None:
    """The bundle this machine wrote for the release's ``step_id`` hand-off, while it is still
    where it was written: the one the step's evidence names by digest (a bundle of another
    release, or one written before a redo, is never named), else None."""
    session = ctx.session
    record = session.steps.get(step_id) if session is not None else None
    wanted = record.evidence.get("bundle_sha256") if record is not None else None
    try:
        sha, _, text = (ctx.store.base / WRITTEN).read_text(encoding="utf-8").strip().partition(" ")
    except OSError:
        return None
    path = Path(text)
    return path if wanted and sha == wanted and text and path.is_file() else None


def expected_incoming(ctx: Context) -> Path | None:
    """Where the bundle coming to this machine most likely is: its name for this release, in the
    folder this machine last wrote a bundle to (the USB stick, when it is mounted at the same
    place). Once this release's bundle from there is in (the signing workstation after sending
    it back), the next one belongs to another release: the newest bundle of that direction in
    the folder. None when nothing can be said (a fresh offline clone knows no folder yet)."""
    from services.bundle.crossing import step_for
    from services.bundle.manifest import TO_OFFLINE, TO_ONLINE
    from services.session import StepRecord
    from services.step_status import StepStatus

    incoming = TO_OFFLINE if ctx.offline else TO_ONLINE
    folder = remembered_dir(ctx)
    session = ctx.session
    if session is not None and session.steps.get(
            step_for(incoming), StepRecord()).status != StepStatus.DONE:
        name = file_name(ctx, incoming)
        return folder / name if folder else Path(name)
    if folder is None or not folder.is_dir():
        return None
    taken = file_name(ctx, incoming) if session is not None else ""
    found = [path for path in folder.glob(f"*-{incoming}.tar") if path.name != taken]
    return max(found, key=lambda path: path.stat().st_mtime, default=None)


def default_output(ctx: Context, direction: str) -> Path:
    directory = remembered_dir(ctx) or ctx.store.directory(ctx.require_session().tag) / "outbox"
    return directory / file_name(ctx, direction)


def folder_remedy(folder: Path) -> str:
    """What to do when the captain names the USB stick's folder instead of the bundle in it (the
    export takes a folder, so the import is given one too): name the bundles that are there,
    the newest last, rather than only saying it is not a file. Any ``.tar``: ``--output`` may
    have named it (``out.tar``)."""
    found = bundles_in(folder)
    if not found:
        return ("It holds no .tar file: check it is the folder the other workstation wrote the "
                "bundle to (is the USB stick mounted?).")
    if len(found) == 1:
        return f"Give the bundle in it instead: {found[0]}."
    names = ", ".join(path.name for path in found[-3:])
    return f"Give one of the bundles in it instead ({names}; the newest last)."


def bundles_in(folder: Path) -> list[Path]:
    """The ``.tar`` files in ``folder``, the newest last (none when it cannot be read)."""
    try:
        return sorted((path for path in folder.glob("*.tar") if path.is_file()),
                      key=lambda path: path.stat().st_mtime)
    except OSError:
        return []
