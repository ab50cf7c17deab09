"""Step ``tag``: the signed annotated tag on the release commit, verified with ``git verify-tag``."""

from __future__ import annotations

from services import tagging, workstation
from services.evidence import TagEvidence
from services.signing import passphrase_source, terminal
from services.step_protocol import Blocker, Context, Evidence, Plan, Step, StepFailed


class Tag(Step):
    id = "tag"

    def check(self, ctx: Context) -> list[Blocker]:
        return tagging.blockers(ctx)

    def plan(self, ctx: Context) -> Plan:
        if workstation.done_on_signing_workstation(ctx, self):  # its key paths are not here
            from services.session_lifecycle import release_commit

            session = ctx.require_session()
            commit = release_commit(session)[:12] or "the release commit"
            signing = ctx.policy.tag_signing
            made = (f"the tag {session.tag} on {commit}, annotated and not signed "
                    '(tag_format = "none")' if signing == "none" else
                    f"the signed tag {session.tag} on {commit} with its "
                    f"{'token' if ctx.needs_token(self) else 'key'} ({signing}), and "
                    "verifies it")
            return workstation.signing_workstation_plan(ctx, (
                f"it makes {made}. The tag comes back in the signed bundle, and its import here "
                "checks it against the release commit (and with `git verify-tag` against the "
                "pinned key) before fetching it."))
        plan = tagging.make_plan(ctx)
        result = Plan(summary=f"Tag {plan.commit[:12]} ({plan.subject}) as {plan.tag} with the "
                      f"message {plan.message!r}, signed ({plan.signing}), and verify it.",
                      commands=plan.commands())
        if plan.signing == "openpgp" and not plan.key:
            result.notes.append("No OpenPGP key is pinned for the tag yet (signing.tag_key); "
                                "nothing is tagged until it is.")
        elif plan.signing == "openpgp":
            # the plan does not ask gpg where the key lives: a key on a card wants its PIN, a
            # key in a keyring its passphrase (the rehearsal of the console's own release used one)
            result.notes.append(f"Signed by the pinned OpenPGP key {plan.key}; pinentry asks for "
                                "the card's PIN, or for the key's passphrase where it is kept "
                                "in a keyring.")
        elif plan.signing == "ssh":
            result.notes.append(f"Signs with the ssh key {plan.key}; checks it as "
                                f"{plan.identity} against {plan.allowed_signers}.")
        else:
            result.notes.append("The policy says tag_format = \"none\": the tag is annotated "
                                "but not signed.")
        return result

    def reconcile(self, ctx: Context) -> Evidence | None:
        found = tagging.existing(ctx, tagging.make_plan(ctx))
        return dict(found) if found is not None else None

    def run(self, ctx: Context) -> Evidence:
        plan = tagging.make_plan(ctx)
        # The key was checked by the engine's check just before; HEAD, the tree and the tag are
        # cheap to look at again, and something may have changed them meanwhile.
        problems = tagging.repo_blockers(ctx, plan)
        if problems:
            raise StepFailed(str(problems[0]))
        secret = None
        needs_terminal = plan.signing == "openpgp"  # pinentry asks for the card's PIN
        if plan.signing == "ssh":
            backend = tagging.ssh_backend(plan)
            ready = backend.readiness()
            needs_terminal = ready.needs_terminal  # a FIDO touch
            if ready.needs_passphrase:
                secret = passphrase_source(ctx, ready.prompt)
                backend.unlock(secret)
        with terminal(ctx.prompter, needs_terminal):
            made = tagging.create(ctx, plan, passphrase=secret)
        return TagEvidence.from_json(made).to_json()


STEP = Tag()
