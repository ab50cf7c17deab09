"""The step catalogue: every runbook step's id, implementation module, title, description, flags
and confirmation question, once.

This is the one place a step's id, title, description, flags and question are written: the step
classes in ``services/steps/`` read theirs from here (``Step.title``, ``Step.description`` and the
flags are looked up by the class's ``id``), ``services/asks.py`` words the questions from here,
the TUI and ``status`` render them, and the screens map ids to their views in
``screens/steps/__init__.py``. It imports nothing, so ``status`` can list a runbook
and describe its steps without loading any step's implementation.

Adding a step: one entry here, one module in ``services/steps/`` (a ``Step`` subclass with this
``id``, assigned to ``STEP``), its place in a runbook in ``services/flows.py``, and, when it needs
more than the generic view, a screen in ``screens/steps/`` named in ``screens/steps/__init__.py``;
evidence that later steps read gets a class in ``services/evidence/`` (exported by its ``__init__``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StepInfo:
    id: str  # stable: keys the session, never a list position
    module: str  # services/steps/<module>.py holds the implementation
    title: str
    description: str = ""  # what the step does, in a sentence or two (the step screen shows it)
    needs_network: bool = False
    needs_token: bool = False  # may sign on the hardware token (not GitHub's): Context.needs_token
    irreversible: bool = False  # the engine shows the plan and asks before running it
    skippable: bool = False  # a captain may skip it with a recorded reason
    side: str = "online"  # the workstation it runs on when signing is air-gapped
    # The yes/no question before it commits or tags, over its plan (services/asks.py fills in
    # {changelog}, {migration} and {tag}); "" asks none. Irreversible steps the engine asks.
    ask: str = ""


CATALOGUE = (
    StepInfo("preflight", "preflight", "Pre-flight checks",
             description="Clean tree on the right branch, the tag not taken, the version a valid step up "
                         "from the last release, manual checklist ticked, version references found, "
                         "vulnerability waivers unexpired, and CI green on the release commit (deferred "
                         "when offline)."),
    StepInfo("changelog", "changelog", "Move [Unreleased] in CHANGELOG.md",
             ask="Write {changelog} and commit it?",
             description="Move the [Unreleased] entries under a new version heading dated today (UTC), "
                         "in the file's own style, update the compare-link footer, show the diff and "
                         "commit it as 'Release vX.Y.Z: changelog'."),
    StepInfo("migration", "migration", "MIGRATION.md section", ask="Commit {migration}?",
             description="MIGRATION.md must have a section for this version transition, or say that no "
                         "migration is required (not allowed for a MAJOR bump)."),
    StepInfo("notes", "notes", "Release notes",
             description="The release notes: the CHANGELOG section verbatim, with links to CHANGELOG.md "
                         "and MIGRATION.md at the tag."),
    StepInfo("artifacts", "artifacts", "Artifacts present",
             description="Every artifact the policy expects, for every architecture, is present in the "
                         "build directory, not empty, and written after the release commit (a "
                         "build from before the release's changes is refused)."),
    StepInfo("handoff-out", "handoff_out", "Hand-off to the signing workstation",
             description="Carry the prepared release (commit, session, journal, notes, artifacts) to the "
                         "air-gapped signing workstation in a verified bundle. On one workstation there "
                         "is nothing to carry."),
    StepInfo("smoke", "smoke", "Hardware smoke test", side="offline",
             description="Per architecture, each smoke check the policy lists ([smoke] checks) ticked "
                         "pass by a named tester on named hardware, for the artifact being released."),
    StepInfo("checksums", "checksums", "Checksums", side="offline",
             description="sha256 of every artifact, streamed and in parallel with progress; "
                         "sha256sum-compatible .sha256 files (and a combined list if the policy names "
                         "one)."),
    # Titled for no key in particular: a minisign key file or a gpg key in the keyring is no
    # hardware token. Where the policy is at hand (status, the checklist, the step screen) the
    # title names the kind of key it pins: catalogue.title, Context.title.
    StepInfo("sign", "sign", "Sign the artifacts", needs_token=True, side="offline",
             description="Detached signatures for every artifact with the pinned key, each verified "
                         "at once against the pinned public key."),
    StepInfo("tag", "tag", "Signed tag", needs_token=True, side="offline",
             ask="Create and sign the tag {tag}?",
             description="A signed, annotated tag on the release commit (message from the policy), "
                         "verified with `git verify-tag` right after."),
    StepInfo("handoff-back", "handoff_back", "Hand-off back to the online machine", side="offline",
             description="Carry the signed tag, signatures, checksums and smoke sign-offs back to the "
                         "online machine in a bundle whose manifest is signed with the pinned key. On "
                         "one workstation there is nothing to carry."),
    StepInfo("push", "push", "Push commit and tag", needs_network=True, irreversible=True,
             description="Push the release commit and the signed tag to the remote; a promotion "
                         "pushes only the tag, its commit is on the branch already. The tag goes up "
                         "before the draft exists. CI is checked first if pre-flight deferred it."),
    StepInfo("draft", "draft", "GitHub draft and uploads", needs_network=True,
             description="Create (or reuse and repair) the draft release with the notes as body, and "
                         "upload every asset, resumably. CI must be green on the release commit."),
    StepInfo("review", "review", "Review the draft", needs_network=True,
             description="Read the draft as GitHub shows it and compare title, tag, body and every "
                         "asset's size and digest; check each artifact against its checksum file."),
    StepInfo("publish", "publish", "Publish", needs_network=True, irreversible=True,
             description="Publish the reviewed draft: stable becomes latest, rc a pre-release."),
    StepInfo("post-release", "post_release", "Reopen [Unreleased]",
             ask="Reopen [Unreleased] in {changelog} and commit it?",
             description="Re-add an empty [Unreleased] section at the top of CHANGELOG.md, point its "
                         "footer link at vX.Y.Z...HEAD and commit it (after a promotion only the "
                         "link moves: the candidate reopened the section). The summary then offers "
                         "to push it (p in the TUI, `release-console push --rest` on the command "
                         "line)."),
    StepInfo("hotfix-branch", "hotfix_branch", "Hotfix branch", skippable=True,
             ask="Make the hotfix branch for {tag}: pick the fixes and commit their {changelog} "
                 "entries?",
             description="Branch hotfix/vX.Y.Z from the shipped tag, cherry-pick the picked fixes from "
                         "the default branch with -x, and add a ### Fixed entry for each (its "
                         "subject) to [Unreleased]. To reword one, edit CHANGELOG.md outside the "
                         "console and commit it on the hotfix branch before pre-flight."),
    StepInfo("merge-back", "merge_back", "Bring the default branch up to date",
             needs_network=True, irreversible=True, skippable=True,
             description="Fast-forward the default branch to the hotfix, or merge the hotfix tag into it "
                         "(the CHANGELOG keeps both sides), and push it; never a rebase or a force-push. "
                         "Skip it with a reason if you bring the fix over yourself."),
    StepInfo("yank-github", "yank_github", "Yank on GitHub", needs_network=True, irreversible=True,
             description="Mark the GitHub release as a pre-release, not latest, with a YANKED banner "
                         "naming the reason and the replacement. Nothing is deleted."),
    StepInfo("yank-changelog", "yank_changelog", "Yank note in CHANGELOG.md",
             description="Add the YANKED mark to the version's CHANGELOG heading and the note under it "
                         "(reason, replacement version, link to MIGRATION.md), and commit it."),
    StepInfo("promote", "promote", "Release candidate to promote", needs_network=True,
             description="The stable release is tagged on exactly the candidate's commit: the rc must be "
                         "the newest of its version, published and not yanked, and its commit on the "
                         "default branch."),
    StepInfo("reuse-signoffs", "promote_reuse", "Reuse the candidate's smoke sign-offs",
             side="offline",  # the signing workstation has the candidate's session, smoke follows
             description="Carry the release candidate's smoke sign-offs over to the stable artifacts "
                         "that have the same sha256; the others are tested again."),
)

BY_ID: dict[str, StepInfo] = {info.id: info for info in CATALOGUE}

# The sign step's title per signing backend (release.toml's [signing] backend), where the policy
# is at hand: a minisign key file or a gpg key in the keyring is no hardware token. gpg's key may
# be on a card or in the keyring: the step's screen and plan say which once gpg is asked.
SIGN_TITLES = {"minisign": "Sign with the minisign key file", "gpg": "Sign with the OpenPGP key",
               "ssh": "Sign with the ssh key"}


def title(step_id: str, backend: str) -> str:
    """``step_id``'s title under a policy signing with ``backend``: the catalogue's, but the sign
    step's names the kind of key (the catalogue's own, for ``none``, names none)."""
    return SIGN_TITLES.get(backend, info(step_id).title) if step_id == "sign" else info(step_id).title


def info(step_id: str) -> StepInfo:
    """The catalogue entry of ``step_id``; a step class whose id is not catalogued is a bug."""
    try:
        return BY_ID[step_id]
    except KeyError:
        raise LookupError(f"step {step_id!r} is not in services/catalogue.py") from None
