"""Whether a verified bundle belongs here: this project, this side of the air gap, this
release (not another one in progress, not a closed session, not a version the session here does
not have). Split from :mod:`services.bundle.import_`, which checks what the bundle holds."""

from __future__ import annotations

from services.bundle.manifest import TO_OFFLINE, TO_ONLINE, BundleRefused, Manifest
from services.session import Session
from services.step_protocol import Context
from services.step_status import StepStatus
from services.workstation import settings_path


def check_identity(ctx: Context, manifest: Manifest) -> Session | None:
    """The session here the bundle continues (None on a clone that has none yet); refused in one
    sentence, with what to do, when the bundle does not belong on this machine."""
    policy = ctx.policy
    if (manifest.project != policy.project_name
            or manifest.repository != policy.project.repository):
        here = policy.project.repository or policy.project_name
        raise BundleRefused(f"This bundle is for {manifest.repository or manifest.project} "
                            f"{manifest.tag}, not this project ({here}); it was refused.",
                            remedy="Import it in a clone of "
                            f"{manifest.repository or manifest.project}.")
    if manifest.direction == TO_OFFLINE and not ctx.offline and exported_here(ctx, manifest):
        back = ("the bundle to import here is the signed one it writes back (its name ends in "
                "-to-online.tar).")
        if wrote_it(ctx, manifest):
            raise BundleRefused(f"This is the bundle this machine wrote for the air-gapped "
                                f"signing workstation ({manifest.tag}); it was refused here.",
                                remedy=f"Carry it to the signing workstation and import it there; "
                                f"{back}")
        raise BundleRefused(f"This bundle goes to the air-gapped signing workstation, and it is "
                            f"not the one this machine wrote for {manifest.tag} (it is of another "
                            "start of the release, or another clone's); it was refused here.",
                            remedy="Carry this machine's own hand-off bundle to the signing "
                            f"workstation; {back}")
    if manifest.direction == TO_OFFLINE and not ctx.offline:
        raise BundleRefused("This bundle goes to the air-gapped signing workstation, and this "
                            "machine is online; it was refused.",
                            remedy="Import it on the offline workstation. If this is that "
                            f"workstation, mark it so (`offline = true` in {settings_path()}, or "
                            "start the console with --offline), then import it again.")
    if manifest.direction == TO_ONLINE and ctx.offline:
        raise BundleRefused("This bundle goes back to the online machine, and this machine is the "
                            "offline workstation; it was refused.",
                            remedy="Import it on the online machine.")
    active = ctx.store.active()
    local = ctx.store.load(manifest.tag) if ctx.store.exists(manifest.tag) else None
    if active is not None and active.tag != manifest.tag and not handed_back(ctx, active):
        reason, remedy = other_release(manifest, active.tag, local)
        raise BundleRefused(reason, remedy=remedy)
    if local is not None and local.state == "abandoned" and manifest.direction == TO_ONLINE:
        from services.left_behind import returning_refused

        reason, remedy = returning_refused(manifest.tag)  # as `abandon` said it would be
        raise BundleRefused(reason, remedy=remedy)
    if local is not None and local.state != "active":
        from services.left_behind import not_an_abandoned_attempt

        kept = ctx.store.directory(manifest.tag).relative_to(ctx.store.root)
        also = (f"; {not_an_abandoned_attempt(manifest.tag)}" if local.state == "abandoned"
                else ".")
        raise BundleRefused(f"The session for {manifest.tag} here is {local.state}; the bundle was "
                            "refused.", remedy=f"To take it anyway, move {kept}/ aside first (e.g. "
                            "into .release/abandoned/; nothing is deleted), then import "
                            f"again{also}")
    if local is not None and local.version != manifest.version:
        raise BundleRefused(f"The bundle is for version {manifest.version}, the session here for "
                            f"{local.version}; it was refused.",
                            remedy=f"Bring the bundle of {local.version} from the other "
                            "workstation, or abandon the session here first.")
    if manifest.direction == TO_ONLINE and local is None:
        raise BundleRefused(f"There is no session for {manifest.tag} here to return to; the bundle "
                            "was refused.", remedy="Import it in the clone the release left from.")
    return local


def exported_here(ctx: Context, manifest: Manifest) -> bool:
    """The online machine exported this release's hand-off: a bundle to the signing workstation
    is no bundle for it (walked: it was told to mark itself offline if it were that one)."""
    if not ctx.store.exists(manifest.tag):
        return False
    record = ctx.store.load(manifest.tag).steps.get("handoff-out")
    return record is not None and record.status == StepStatus.DONE


def wrote_it(ctx: Context, manifest: Manifest) -> bool:
    """The bundle is the one this machine exported: its journal, as the manifest names it, is
    this machine's up to the export (walked: another clone's v1.3.0 bundle was called "the
    bundle this machine wrote")."""
    from services.bundle.crossing import lines
    from services.journal import line_hash

    here = lines(ctx.store.directory(manifest.tag) / "journal.jsonl")
    count = manifest.journal_count
    return 0 < count <= len(here) and line_hash(here[count - 1]) == manifest.journal_head


def other_release(manifest: Manifest, active: str, local: Session | None) -> tuple[str, str]:
    """Another release is in progress here: the bundle is most likely an older one left on the
    stick (found walking a hotfix: v1.3.0's returned bundle, imported while v1.3.1 was in
    progress, was answered "Finish or abandon v1.3.1 first", which would throw the hotfix away).
    """
    reason = (f"This bundle is for {manifest.tag}, and {active} is in progress here; it was "
              "refused.")
    instead = (f"Import the {active} bundle from the other workstation instead (its file name "
               f"has {active})")
    if local is not None and local.state in ("completed", "abandoned"):
        return reason, (f"{manifest.tag} is {local.state} here: nothing more to do with this "
                        f"bundle. {instead}.")
    return reason, (f"{instead}; to take the {manifest.tag} bundle, finish or abandon {active} "
                    "first.")


def handed_back(ctx: Context, session: Session) -> bool:
    """An earlier release this offline workstation has finished its part of (signed, tagged and
    sent back): it does not hold up the next one; importing the next closes it here."""
    record = session.steps.get("handoff-back")
    return ctx.offline and record is not None and record.status == StepStatus.DONE


def close_handed_back(ctx: Context, manifest: Manifest) -> None:
    from services.recorder import Recorder

    active = ctx.store.active()
    if active is None or active.tag == manifest.tag or not handed_back(ctx, active):
        return
    recorder = Recorder(ctx.store, active.tag, actor=ctx.actor, clock=ctx.clock)
    recorder.record("session", "handed-off", inputs={"next": manifest.tag},
                    update=lambda s: setattr(s, "state", "handed-off"))
