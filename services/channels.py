"""What a session's channel means for its version: the final X.Y.Z behind a candidate.

A candidate ``X.Y.Z-rc.N`` (or ``X.Y.Z-preview3``) is a rehearsal of ``X.Y.Z``: its changelog
section, its migration section and its notes are those of ``X.Y.Z``, because the stable release is
later tagged on the very same commit (``services.promote``). The steps ask here instead of reading
``session.version`` directly, so a candidate never writes ``[1.3.0-rc.1]`` into a changelog.
"""

from __future__ import annotations

from services import versions
from services.policy import Policy
from services.session import Session

RC_KINDS = ("rc",)


def is_candidate(session: Session) -> bool:
    """A pre-release session of the final version (an rc, a preview)."""
    return session.kind in RC_KINDS or "-" in session.version


def final_version(session: Session) -> str:
    """``1.3.0`` for ``1.3.0-rc.2``; the version itself for a stable release."""
    if not is_candidate(session):
        return session.version
    try:
        return str(versions.parse_version(session.version).finalize_version())
    except versions.VersionError:
        return session.version


def final_tag(policy: Policy, session: Session) -> str:
    """The tag the final release will have (``v1.3.0`` for ``v1.3.0-rc.2``)."""
    if not is_candidate(session):
        return session.tag
    return policy.tag_for(final_version(session))


def candidate_banner(session: Session, policy: Policy) -> str:
    """The line at the top of a candidate's notes: users must know it is not the release."""
    final = final_version(session)
    return (f"> **Release candidate** {session.tag} of {policy.tag_for(final)}: for testing, "
            "not for production. It is published as a pre-release.")
