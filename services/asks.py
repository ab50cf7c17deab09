"""The yes/no questions asked before a step commits or tags, one text for the TUI and the CLI.

The TUI's step screen and hotfix picker and the CLI's ``hotfix --pick`` ask the same question in
front of the same plan, so the words live here, beside the services both call. The irreversible
steps (push, publish) are asked by the engine itself.
"""

from __future__ import annotations

from services.policy import Policy

ASKS: dict[str, str] = {
    "changelog": "Write {changelog} and commit it?",
    "migration": "Commit {migration}?",
    "tag": "Create and sign the tag {tag}?",
    "post-release": "Reopen [Unreleased] in {changelog} and commit it?",
    "hotfix-branch": "Make the hotfix branch for {tag}: pick the fixes and commit their "
                     "{changelog} entries?",
}


def question(step_id: str, policy: Policy, tag: str) -> str:
    """The question asked before ``step_id`` commits or tags (it must be one of :data:`ASKS`)."""
    return ASKS[step_id].format(changelog=policy.changelog, migration=policy.migration, tag=tag)
