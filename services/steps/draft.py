"""Step ``draft``: the draft release for the tag, with every expected file attached.

Re-running it is the way to resume and to repair: the existing draft is reused (never a second
one), its title, body, tag and target are put back where someone changed them, assets already
attached with the right size and digest are kept, partial or wrong ones replaced and unexpected
ones removed (from the draft only). Each upload is journaled as it finishes, so an interrupted run
leaves a record of what is there.

Before anything goes to GitHub, CI must have passed on the tagged commit (see
``preflight_ci.release_gate``) and every artifact must still be the file that was checksummed:
its sha256, streamed once, is compared with its checksum file and the checksums step's record.
Both are checked when the step runs, not in ``check``: status and every screen reload call
``check``, which must stay local (files, session, git) and never wait for GitHub.
"""

from __future__ import annotations

import hashlib

from services import public_keys, workstation
from services.artifacts import display_path, human_size
from services.evidence import DraftEvidence
from services.github import expected, wiring
from services.github.client import GitHubError, GitHubOffline
from services.github.releases import DraftSpec, find_or_create_draft
from services.github.uploads import UploadOutcome, upload_all
from services.notes import notes_path, read_notes
from services.progress import ProgressEvent
from services.step_protocol import Blocker, Context, Evidence, Plan, Step, StepFailed
from services.step_status import StepStatus
from services.steps.preflight_ci import release_gate

KEY_REMEDY = ('Sign the files again with the key committed at the tag (`release-console redo '
              'sign --reason "..."`), or commit the signing key\'s public half and release a new '
              "version.")

TAG_KEY_REMEDY = ("Commit the tagger's ssh key in the allowed signers file and release a new "
                  "version (a pushed tag is never moved).")


PREPARED = "public key prepared"


def _last_prepared(ctx: Context, name: str) -> str:
    """The sha256 the journal last recorded for the key ``name`` prepared ("" when none): the
    key is prepared before the CI gate, so a draft refused there and run again journaled the
    same key once per attempt. It is journaled again only when what is attached changed."""
    found = ""
    for entry in ctx.journal.entries():
        outputs = entry.get("outputs")
        if (entry.get("step") == Draft.id and entry.get("action") == PREPARED
                and isinstance(outputs, dict) and outputs.get("name") == name):
            found = str(outputs.get("sha256", ""))
    return found


def notes_sha256(ctx: Context) -> str:
    return hashlib.sha256(read_notes(ctx).encode("utf-8")).hexdigest()


class Draft(Step):
    id = "draft"

    def check(self, ctx: Context) -> list[Blocker]:
        session = ctx.require_session()
        blockers = expected.notes_blockers(notes_path(ctx), ctx.root)
        if not ctx.repo.tag_exists(session.tag):
            blockers.append(Blocker(f"Tag {session.tag} does not exist in this repository yet.",
                                    "Run the tag step first."))
        blockers += expected.missing_blockers(wiring.expected_files(ctx), ctx.root)
        if ctx.repo.tag_exists(session.tag):
            blockers += public_keys.blockers(ctx.policy, ctx.repo, session.tag)
        if not ctx.policy.project.repository:
            blockers.append(Blocker(f"{ctx.policy.where} names no GitHub repository.",
                                    'Add repository = "owner/name" under [project].'))
        return blockers

    def revalidate(self, ctx: Context) -> list[Blocker]:
        """The notes changed after the draft got them as its body (cheap: no network)."""
        session = ctx.require_session()
        publish = session.steps.get("publish")
        if publish is not None and publish.status == StepStatus.DONE:
            return []  # published: the draft is history, nothing can be redone
        drafted = session.evidence(DraftEvidence)
        given = drafted.body_sha256 if drafted is not None else None
        if not given or not notes_path(ctx).is_file():
            return []
        if notes_sha256(ctx) != given:
            return [Blocker("the release notes (notes.md) changed after the draft got them as "
                            "its body.",
                            f'Redo it with `release-console redo {self.id} --reason "notes '
                            'changed"` to put the new notes on the draft.')]
        return []

    def plan(self, ctx: Context) -> Plan:
        session = ctx.require_session()
        repo = ctx.policy.project.repository or "<owner/name>"
        prerelease, _latest = expected.channel_flags(ctx.policy, session)
        if workstation.done_on_online_machine(ctx, self):  # GitHub is reached from there only
            return workstation.online_machine_plan(ctx, (
                "it creates or reuses the draft release "
                f"{expected.release_title(ctx.policy, session)!r} for {session.tag} on {repo}"
                f"{' (pre-release)' if prerelease else ''} and uploads every expected file: the "
                "artifacts, and the signatures and checksum files that go back in the signed "
                "bundle. Nothing is published by it."))
        plan = Plan(summary="Create or reuse the draft release "
                    f"{expected.release_title(ctx.policy, session)!r} "
                    f"for {session.tag} on {repo}{' (pre-release)' if prerelease else ''}, "
                    "then upload every expected file.")
        plan.api_calls.append(f"GET /repos/{repo}/commits/{{tagged commit}}/status and "
                              "check-runs (CI must be green; checked first, when it runs)")
        plan.api_calls.append(f"GET /repos/{repo}/releases (find an existing draft for "
                              f"{session.tag})")
        plan.api_calls.append(f"POST /repos/{repo}/releases (draft=true) unless one exists; "
                              "PATCH it where its title, body, tag or target differ")
        for item in wiring.expected_files(ctx):
            size = human_size(item.size) if item.exists else (
                "read at the tag" if item.kind == public_keys.KIND else "missing")
            plan.api_calls.append(f"POST {{upload_url}}?name={item.name} ({size}, "
                                  f"{item.content_type}) unless already attached and identical")
        plan.notes.append("Every artifact is hashed first and compared with its checksum file; "
                          "a changed one stops the step before anything is uploaded.")
        plan.notes.append("Nothing is published: a draft is visible only to maintainers.")
        return plan

    def reconcile(self, ctx: Context) -> Evidence | None:
        """A release already published for the tag is never drafted again: exactly this release
        is recorded as it is (review and publish then adopt it too); anything else stops here
        saying what differs."""
        from services.github.reconcile import published_release

        found = published_release(ctx, wiring.client_for(ctx))
        if found is None:
            return None
        return {"release_id": found["release_id"], "html_url": found["html_url"],
                "published": True}

    def run(self, ctx: Context) -> Evidence:
        session = ctx.require_session()
        files = wiring.expected_files(ctx)
        signatures = [f.path for f in files if f.kind == "signature" and f.exists]
        for key, path, data in wiring.write_public_keys(ctx):  # from the tag, never the tree
            problem = public_keys.signer_problem(key, path, signatures, session.tag)
            if problem:
                raise StepFailed(f"{problem}; nothing was uploaded.", remedy=KEY_REMEDY)
            problem = public_keys.tag_problem(ctx.policy, ctx.repo, key, path, session.tag)
            if problem:
                raise StepFailed(f"{problem}; nothing was uploaded.", remedy=TAG_KEY_REMEDY)
            sha = hashlib.sha256(data).hexdigest()
            if _last_prepared(ctx, key.name) != sha:  # a refused draft run again: said once
                ctx.record(self.id, PREPARED, outputs={
                    "name": key.name, "from": key.value, "path": display_path(path, ctx.root),
                    "sha256": sha})
        commit = expected.tag_commit(ctx.repo, session.tag)
        blockers, ci = release_gate(ctx, commit)  # the network gate: here, not in check()
        if blockers:
            raise StepFailed(blockers[0].reason, remedy=blockers[0].remedy)
        digests = expected.hash_all(files, ctx.progress)  # each file read once per run
        expected.verify_artifacts(ctx.policy, files, digests,
                                  expected.checksummed(ctx.require_session()))
        client = wiring.client_for(ctx)
        prerelease, _latest = expected.channel_flags(ctx.policy, session)
        notes = read_notes(ctx)
        spec = DraftSpec(tag=session.tag, title=expected.release_title(ctx.policy, session), body=notes,
                         commit=commit, prerelease=prerelease)
        found = find_or_create_draft(client, spec, wiring.recorded_release_id(ctx))
        rel = found.release
        action = ("draft created" if found.created
                  else "draft repaired" if found.repaired else "draft reused")
        ctx.record(self.id, action, outputs={"release_id": rel.id, "html_url": rel.html_url,
                                             "repaired": found.repaired},
                   update=wiring.remember(release_id=rel.id, html_url=rel.html_url))

        def journal(outcome: UploadOutcome) -> None:
            if outcome.action != "kept":
                ctx.record(self.id, f"asset {outcome.action}", outputs=outcome.to_json())

        def retried(name: str, attempt: int, err: GitHubError) -> None:
            why = "the connection was lost" if isinstance(err, GitHubOffline) else err.message
            ctx.progress(ProgressEvent("upload", name, attempt=attempt, reason=why))
            ctx.record(self.id, "upload retried", outputs={"name": name, "attempt": attempt,
                                                           "reason": why})

        outcomes = upload_all(client, rel, files, progress=ctx.progress, digests=digests,
                              on_done=journal, retried=retried)
        return DraftEvidence(
            release_id=rel.id, html_url=rel.html_url, created=found.created,
            repaired=tuple(found.repaired), assets=tuple(o.to_json() for o in outcomes),
            uploaded=sum(o.action in ("uploaded", "replaced") for o in outcomes),
            kept=sum(o.action == "kept" for o in outcomes),
            removed=tuple(o.name for o in outcomes if o.action == "removed"),
            body_sha256=hashlib.sha256(notes.encode("utf-8")).hexdigest(),
            ci=ci,
        ).to_json()


STEP = Draft()
