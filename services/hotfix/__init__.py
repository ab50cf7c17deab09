"""The hotfix walk-through (PAI runbook, section 8): branch from the shipped tag, pick the fix from
the default branch, ship the patch, bring the default branch up to date, against the security clock.

Split by concern: ``plan`` (what a hotfix is: versions, base tag, the hotfix data in the session),
``picks`` (commits that may be picked and the cherry-pick itself, with its conflict state),
``entries`` (the CHANGELOG edits: ``### Fixed`` entries, and the merge-back resolution),
``clock`` (the security-fix deadline) and ``start`` (starting or resuming a hotfix session).
"""
