"""Step ``draft``: the draft release for the tag, with every expected file attached.

Re-running it is the way to resume: the existing draft is reused (never a second one), assets
already attached with the right size and digest are kept, and partial or wrong ones replaced.
Each upload is journaled as it finishes, so an interrupted run leaves a record of what is there.
"""

from __future__ import annotations

from services.artifacts import human_size
from services.github import expected, wiring
from services.github.releases import DraftSpec, find_or_create_draft
from services.github.uploads import UploadOutcome, upload_all
from services.runbook import Blocker, Context, Evidence, Plan, Step


class Draft(Step):
    id = "draft"
    title = "GitHub draft and uploads"
    description = ("Create (or reuse) the draft release with the notes as body, and upload "
                   "every asset, resumably.")
    needs_network = True
    needs_token = False  # the GitHub token is not the hardware token

    def check(self, ctx: Context) -> list[Blocker]:
        session = ctx.require_session()
        blockers = expected.notes_blockers(ctx)
        if not ctx.repo.tag_exists(session.tag):
            blockers.append(Blocker(f"Tag {session.tag} does not exist in this repository yet.",
                                    "Run the tag step first."))
        blockers += expected.missing_blockers(ctx, expected.expected_files(ctx))
        if not ctx.policy.project.repository:
            blockers.append(Blocker(f"{ctx.policy.where} names no GitHub repository.",
                                    'Add repository = "owner/name" under [project].'))
        return blockers

    def plan(self, ctx: Context) -> Plan:
        session = ctx.require_session()
        repo = ctx.policy.project.repository or "<owner/name>"
        prerelease, _latest = expected.channel_flags(ctx)
        plan = Plan(summary=f"Create or reuse the draft release {expected.release_title(ctx)!r} "
                    f"for {session.tag} on {repo}{' (pre-release)' if prerelease else ''}, "
                    "then upload every expected file.")
        plan.api_calls.append(f"GET /repos/{repo}/releases (find an existing draft for "
                              f"{session.tag})")
        plan.api_calls.append(f"POST /repos/{repo}/releases (draft=true) unless one exists")
        for item in expected.expected_files(ctx):
            size = human_size(item.size) if item.exists else "missing"
            plan.api_calls.append(f"POST {{upload_url}}?name={item.name} ({size}, "
                                  f"{item.content_type}) unless already attached and identical")
        plan.notes.append("Nothing is published: a draft is visible only to maintainers.")
        return plan

    def run(self, ctx: Context) -> Evidence:
        session = ctx.require_session()
        client = wiring.client_for(ctx)
        prerelease, _latest = expected.channel_flags(ctx)
        spec = DraftSpec(tag=session.tag, title=expected.release_title(ctx),
                         body=expected.read_notes(ctx), commit=expected.release_commit(ctx),
                         prerelease=prerelease)
        files = expected.expected_files(ctx)
        rel, created = find_or_create_draft(client, spec, wiring.recorded_release_id(ctx))
        ctx.record(self.id, "draft created" if created else "draft reused",
                   outputs={"release_id": rel.id, "html_url": rel.html_url},
                   update=wiring.remember(release_id=rel.id, html_url=rel.html_url))

        def journal(outcome: UploadOutcome) -> None:
            if outcome.action != "kept":
                ctx.record(self.id, f"asset {outcome.action}", outputs=outcome.to_json())

        outcomes = upload_all(client, rel, files, progress=ctx.progress, on_done=journal)
        return {"release_id": rel.id, "html_url": rel.html_url, "created": created,
                "assets": [o.to_json() for o in outcomes],
                "uploaded": sum(o.action != "kept" for o in outcomes),
                "kept": sum(o.action == "kept" for o in outcomes)}


STEP = Draft()
