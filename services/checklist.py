"""Manual checklist items from the policy (``[checklist]``) that a captain ticks by hand.

Things the console cannot check itself ("docs reflect the release") still belong in the audit trail:
each tick records who ticked it and when, in the session and the journal. The functions take the
policy and the session, and :func:`tick` records through the ``record`` it is given.
"""

from __future__ import annotations

from services.errors import ConsoleError, UsageError
from services.policy import Policy
from services.recorder import RecordAction
from services.session import Session
from services.step_protocol import Blocker

LISTS = ("preflight", "post_release")


def items(policy: Policy, name: str) -> tuple[str, ...]:
    if name not in LISTS:
        raise UsageError(f"Unknown checklist {name!r}; expected one of: {', '.join(LISTS)}.")
    if name == "preflight":
        return policy.checklist_preflight
    return policy.checklist_post_release


def ticked(session: Session, name: str) -> dict[str, dict[str, str]]:
    return dict(session.data.get("checklist", {}).get(name, {}))


def tick(policy: Policy, session: Session, record: RecordAction, name: str, selector: str, *,
         actor: str, now: str) -> list[str]:
    """Tick items by 1-based number, exact text, or ``all``; returns the items newly ticked
    (each noted as ticked by ``actor`` at ``now``)."""
    available = items(policy, name)
    if not available:
        raise ConsoleError(f"The policy has no [checklist] {name} items to tick.")
    if selector == "all":
        chosen = list(available)
    elif selector.isdigit() and 1 <= int(selector) <= len(available):
        chosen = [available[int(selector) - 1]]
    elif selector in available:
        chosen = [selector]
    else:
        listing = "; ".join(f"{i}. {text}" for i, text in enumerate(available, 1))
        raise UsageError(f"No {name} checklist item {selector!r}.", remedy=f"Items: {listing}.")
    already = ticked(session, name)
    new = [item for item in chosen if item not in already]
    if not new:
        return []

    def update(session: Session) -> None:
        book = session.data.setdefault("checklist", {}).setdefault(name, {})
        for item in new:
            book[item] = {"by": actor, "at": now}

    record(name.replace("_", "-"), "checklist ticked", inputs={"items": new}, update=update,
           session_first=True)
    return new


def blockers(policy: Policy, session: Session, name: str) -> list[Blocker]:
    done = ticked(session, name)
    result = []
    for number, item in enumerate(items(policy, name), 1):
        if item not in done:
            result.append(Blocker(
                f"Checklist item not ticked: {item}.",
                f"Tick it when it is true: `release-console checklist tick {name} {number}`.",
                "Tick it in the checklist below with space when it is true.",
            ))
    return result
