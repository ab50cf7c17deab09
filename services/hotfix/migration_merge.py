"""Merging a hotfix back: the one MIGRATION.md conflict the console makes itself.

The default branch added its own transition (``v1.3.0 -> v1.4.0``) where the hotfix added
``v1.3.0 -> v1.3.1``, both at the top of the guide, so git cannot merge them. When the hotfix's
only change to the guide is that section, the merge keeps the default branch's guide and puts
the hotfix's section in it; anything else is left to the captain, as every other conflict is.
"""

from __future__ import annotations

from services import migration, versions
from services.atomic import write_bytes_atomic
from services.hotfix.plan import HotfixData
from services.step_protocol import Context


def resolve(ctx: Context, data: HotfixData) -> bool:
    """Write and stage the merged guide; False (nothing written) when the hotfix changed more
    than its own section, or the three sides are not all there."""
    rel = ctx.policy.migration
    base, ours, theirs = (ctx.repo.show(f":{stage}", rel) for stage in (1, 2, 3))
    found = versions.versions_from_tags([data.base_tag], ctx.policy.tag_format)
    if base is None or ours is None or theirs is None or not found:
        return False
    old, new = found[0], versions.parse_version(ctx.require_session().version)
    hotfix_guide = migration.from_bytes(theirs, rel)
    span = migration.locate(hotfix_guide, old, new)
    if span is None:
        return False
    without = hotfix_guide.lines[:span[0]] + hotfix_guide.lines[span[1]:]
    if _words(without) != _words(migration.from_bytes(base, rel).lines):
        return False  # the hotfix edited the guide elsewhere too: the captain decides
    merged = migration.save_section(migration.from_bytes(ours, rel), old, new,
                                    migration.section_text(hotfix_guide, old, new))
    write_bytes_atomic(ctx.path(rel), merged.data())
    ctx.repo.git("add", "--", rel)
    return True


def _words(lines: list[str]) -> list[str]:
    """The guide's lines without blank ones or line endings: where a section was cut out, the
    blank line around it does not count."""
    return [line.strip() for line in lines if line.strip()]
