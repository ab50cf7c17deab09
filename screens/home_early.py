"""The checklist before the checks: the runbook's titles and the statuses as recorded, for the
home screen's first frame.

Checking every step (git, the policy's gates, the session's evidence) takes the services and
GitPython, most of a second on a busy machine. The captain's first question, "where am I in the
release", needs only the step ids (``services.flows``), their titles (``services.catalogue``) and
the session file and the policy's [signing] table, read as plain JSON and TOML (the session and policy
modules, with their validation, load in the worker); so the first frame lists the runbook with
finished steps marked, and the load worker then fills in ready/blocked and why. Anything this
light read cannot work out (no repository, a damaged session, an unreadable policy) gives no early
rows: the worker reports it in its own words.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

from rich.text import Text
from textual.widgets.option_list import Option

from screens.widgets import STATUS_STYLE
from services.marks import MARKS
from services.step_status import StepStatus

SHOWN_AS_RECORDED = (StepStatus.DONE, StepStatus.SKIPPED, StepStatus.FAILED)
AIR_GAPPED = "air-gapped"  # [signing] workstation, as services.workstation names it
RELEASE_DIR = ".release"  # services.session.RELEASE_DIR
POLICY_FILE = "release.toml"  # services.policy.POLICY_FILE
DEFAULT_BACKEND = "minisign"  # services.policy.Policy.signing_backend


def repository_root(start: Path) -> Path | None:
    """The work tree holding ``start`` (a ``.git`` directory or file), as git would find it."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return None


def active_session(root: Path) -> dict[str, Any] | None:
    """The session file in progress, as ``SessionStore.active`` finds it (first by tag)."""
    base = root / RELEASE_DIR
    if not base.is_dir():
        return None
    for child in sorted(base.iterdir()):
        path = child / "session.json"
        if path.is_file():
            data = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(data, dict) and data.get("state") == "active":
                return data
    return None


def signing_table(policy_file: Path) -> dict[str, Any]:
    """The policy's [signing] table ({} without a policy file): whether signing is air-gapped,
    and the backend the sign step's title names (as the loaded checklist's does)."""
    if not policy_file.is_file():
        return {}
    signing = tomllib.loads(policy_file.read_text(encoding="utf-8")).get("signing")
    return signing if isinstance(signing, dict) else {}


def early_options(repo: Path, config: Path | None) -> list[Option]:
    """The checklist's rows from the ids, titles and recorded statuses only; [] when unsure."""
    from services import catalogue
    from services.flows import HANDOFF, RUNBOOKS

    root = repository_root(repo)
    if root is None:
        return []
    try:
        session = active_session(root)
        signing = signing_table(config if config is not None else root / POLICY_FILE)
        gapped = signing.get("workstation") == AIR_GAPPED
        backend = str(signing.get("backend", DEFAULT_BACKEND))
        steps = session.get("steps") or {} if session is not None else {}
        ids = [i for i in RUNBOOKS[str(session.get("kind")) if session else "release"]
               if gapped or i not in HANDOFF]
        options = []
        for step_id in ids:
            recorded = steps.get(step_id, {}).get("status")
            status = StepStatus(recorded) if recorded in SHOWN_AS_RECORDED else \
                StepStatus.NOT_STARTED
            line = Text(f"{MARKS.get(status, '?')} ", style=STATUS_STYLE.get(status, ""))
            line.append(catalogue.title(step_id, backend))
            options.append(Option(line, id=step_id))
    except (OSError, ValueError, KeyError, AttributeError, TypeError):
        return []  # tomllib and json errors are ValueErrors; the worker says what is wrong
    return options
