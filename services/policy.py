"""The release policy: ``release.toml`` loaded into an immutable, typed object.

Defaults follow the PAI release runbook, so a project with no file at all still gets
a sensible release: ``v{version}`` tags, ``CHANGELOG.md``, ``MIGRATION.md``, channels stable and rc.
Every key is documented in ``docs/policy.md``. A bad file is refused with an error naming the file,
the key and what was expected; nothing about a release is guessed from a file we could not read.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from services.errors import UsageError
from services.policy_reader import PolicyError, Table, require_fingerprint, require_tag_name

POLICY_FILE = "release.toml"
SIGNING_BACKENDS = ("minisign", "gpg", "ssh", "none")
TAG_SIGNING = ("openpgp", "ssh", "none")
REOPEN_CHOICES = ("after-publish", "never")
WORKSTATIONS = ("this", "air-gapped")


@dataclass(frozen=True)
class ProjectPolicy:
    name: str = ""
    repository: str = ""  # GitHub owner/name
    default_branch: str = "main"
    remote: str = "origin"


@dataclass(frozen=True)
class ChannelPolicy:
    """A release channel (``[channels.<name>]``); see docs/policy.md and services/channels.py."""

    name: str
    tag: str = ""  # empty: the versioning tag format applies to the full version
    prerelease: bool = False
    make_latest: bool = False  # its releases can become GitHub's "latest"
    promotes_to: str = ""  # a channel its releases are promoted to on the same commit
    required_sections: tuple[str, ...] | None = None  # None: [release] required_sections


@dataclass(frozen=True)
class ArtifactSpec:
    arch: str
    name: str  # pattern with {tag}, {version}, {arch}, {project}

    def filename(self, *, tag: str, version: str, project: str) -> str:
        return self.name.format(tag=tag, version=version, arch=self.arch, project=project)


@dataclass(frozen=True)
class VersionReference:
    path: str
    pattern: str


@dataclass(frozen=True)
class Policy:
    """Everything the console needs to know about how this project releases."""

    source: Path | None = None  # the file it came from; None when defaults only
    project: ProjectPolicy = field(default_factory=ProjectPolicy)
    tag_format: str = "v{version}"
    prefer_higher_bump: bool = True
    channels: tuple[ChannelPolicy, ...] = (
        ChannelPolicy("stable", make_latest=True),
        ChannelPolicy("rc", tag="v{version}-rc.{n}", prerelease=True, promotes_to="stable"),
    )
    changelog: str = "CHANGELOG.md"
    migration: str = "MIGRATION.md"
    reopen_unreleased: str = "after-publish"
    release_title: str = "{project} {tag}"
    notes_links: tuple[str, ...] = ("CHANGELOG.md", "MIGRATION.md")
    required_sections: tuple[str, ...] = ()
    artifacts_dir: str = "build"
    artifacts: tuple[ArtifactSpec, ...] = ()
    artifacts_build: str = ""  # the command that builds them: named in remedies, run on request
    checksum_per_file: str = "{name}.sha256"
    checksum_combined: str = ""
    checksum_sign_combined: bool = False  # the sign step signs the combined list too
    signing_backend: str = "minisign"
    signing_workstation: str = "this"  # "air-gapped": signed on the offline workstation
    signing_public_key: str = "minisign.pub"
    signing_secret_key: str = ""
    signing_fingerprint: str = ""
    signing_allowed_signers: str = ""
    signing_identity: str = ""
    signing_ssh_key: str = ""
    tag_signing: str = "openpgp"
    tag_key: str = ""
    signing_publish_keys: bool = False  # the release carries its public keys as assets
    tag_message: str = "{project} {tag}"
    smoke_architectures: tuple[str, ...] = ()
    # Generic: a project names its own checks in [smoke] checks (the PAI example lists its four).
    smoke_checks: tuple[str, ...] = ("starts", "does its main job")
    checklist_preflight: tuple[str, ...] = ()
    checklist_post_release: tuple[str, ...] = ()
    version_references: tuple[VersionReference, ...] = ()
    sla_hours: Mapping[str, int] = field(default_factory=dict)
    waivers: str = ""
    github_api_url: str = ""

    def channel(self, name: str) -> ChannelPolicy:
        for channel in self.channels:
            if channel.name == name:
                return channel
        known = ", ".join(c.name for c in self.channels)
        raise PolicyError(f"Unknown channel {name!r}; {self.where} defines: {known}.")

    @property
    def where(self) -> str:
        return str(self.source) if self.source else "the default policy"

    @property
    def project_name(self) -> str:
        if self.project.name:
            return self.project.name
        return self.project.repository.split("/")[-1] if self.project.repository else ""

    def tag_for(self, version: str) -> str:
        return self.tag_format.format(version=version)

    def title_for(self, tag: str, version: str) -> str:
        """The GitHub release's title; a project with no name and no repository in its policy
        made the default "{project} {tag}" the title " v0.2.0", space first, on GitHub too."""
        return self.release_title.format(project=self.project_name, tag=tag,
                                         version=version).strip()

    def checksum_file_for(self, artifact_name: str) -> str | None:
        """The per-artifact checksum file's name, or None: ``per_file = ""`` means none."""
        return self.checksum_per_file.format(name=artifact_name) if self.checksum_per_file else None

    def combined_checksum_name(self, *, tag: str, version: str) -> str | None:
        """The combined checksum list's name, or None when the policy names none."""
        return (self.checksum_combined.format(tag=tag, version=version)
                if self.checksum_combined else None)

    def signed_combined_name(self, *, tag: str, version: str) -> str | None:
        """The combined list's name when the sign step must sign it too (``sign_combined``)."""
        return self.combined_checksum_name(tag=tag, version=version) \
            if self.checksum_sign_combined else None

    def architectures(self) -> tuple[str, ...]:
        if self.smoke_architectures:
            return self.smoke_architectures
        seen: dict[str, None] = {}
        for spec in self.artifacts:
            seen.setdefault(spec.arch, None)
        return tuple(seen)


# What git refuses in a tag name (git check-ref-format), checked on a sample version so a bad
# pattern is refused when the policy is read, not when the tag is about to be made.
def read_channels(path: Path, table: Table,
                  defaults: tuple[ChannelPolicy, ...]) -> tuple[ChannelPolicy, ...]:
    """``[channels.<name>]``. Without the table the defaults apply (stable and rc); with it,
    exactly the channels it names, plus ``stable`` (every project has its release line): the
    built-in rc is a default, not added to a project that defines its own channels."""
    if not table.data:
        return defaults
    channels: list[ChannelPolicy] = []
    for name in table.data:
        c = table.table(name)
        base = next((ch for ch in defaults if ch.name == name), ChannelPolicy(name))
        sections = c.strings("required_sections", ()) if "required_sections" in c.data \
            else base.required_sections
        channels.append(ChannelPolicy(
            name=name,
            tag=require_tag_name(path, c.key("tag"), c.text(
                "tag", base.tag, placeholders=("version", "n"), required=("version",))),
            prerelease=c.flag("prerelease", base.prerelease),
            make_latest=c.flag("make_latest", base.make_latest),
            promotes_to=c.text("promotes_to", base.promotes_to),
            required_sections=sections,
        ))
        c.finish()
    if not any(ch.name == "stable" for ch in channels):
        channels.insert(0, defaults[0])
    names = {ch.name for ch in channels}
    for channel in channels:
        if channel.promotes_to and channel.promotes_to not in names:
            raise PolicyError(f"{path}: key 'channels.{channel.name}.promotes_to' names "
                              f"{channel.promotes_to!r}, which is not a channel; defined: "
                              f"{', '.join(sorted(names))}.")
        if channel.prerelease and channel.make_latest:
            raise PolicyError(f"{path}: channel '{channel.name}' is a pre-release and "
                              "make_latest; GitHub never shows a pre-release as latest, so set "
                              "one of them to false.")
    return tuple(channels)


def require_publishable(path: Path, signing: Mapping[str, Any], policy: Policy | None = None
                        ) -> None:
    """A key file outside the repository, no key at all, or (given the ``policy`` read) a key
    asset named like another file of the release: said here rather than at the draft."""
    from services.public_keys import name_clash, unpublishable

    problem = unpublishable(signing) if policy is None else name_clash(policy)
    if problem:
        raise PolicyError(f"{path}: key 'signing.publish_keys' is true, but {problem}.")


def load_policy(path: Path | None, *, required: bool = False) -> Policy:
    """Load ``path``; a missing file gives the defaults unless ``required``."""
    if path is None or not path.exists():
        if required and path is not None:
            raise UsageError(f"Policy file {path} does not exist.",
                              remedy="Check the --config path.")
        return Policy()
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PolicyError(f"Cannot read policy file {path}: {exc.strerror}.") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise PolicyError(f"{path} is not UTF-8 text; save it as UTF-8.") from None
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"{path} is not valid TOML: {exc}.",
                          remedy="Fix the syntax at that line.") from None
    return _parse(path, data)


def _parse(path: Path, data: dict[str, Any]) -> Policy:
    top = Table(path, "", data)
    defaults = Policy()

    t = top.table("project")
    project = ProjectPolicy(
        name=t.text("name", ""),
        repository=t.text("repository", ""),
        default_branch=t.text("default_branch", "main"),
        remote=t.text("remote", "origin"),
    )
    if project.repository and not re.fullmatch(r"[\w.-]+/[\w.-]+", project.repository):
        raise PolicyError(f"{path}: key 'project.repository' must be 'owner/name', "
                          f"but it is {project.repository!r}.")
    t.finish()

    t = top.table("versioning")
    tag_format = t.text("tag", defaults.tag_format, placeholders=("version",), required=("version",))
    require_tag_name(path, "versioning.tag", tag_format)
    prefer_higher = t.flag("prefer_higher_bump", True)
    t.finish()

    channels = read_channels(path, top.table("channels"), defaults.channels)

    t = top.table("documents")
    changelog = t.text("changelog", defaults.changelog)
    migration = t.text("migration", defaults.migration)
    reopen = t.text("reopen_unreleased", defaults.reopen_unreleased, choices=REOPEN_CHOICES)
    t.finish()

    t = top.table("release")
    title = t.text("title", defaults.release_title, placeholders=("project", "tag", "version"))
    notes_links = t.strings("notes_links", defaults.notes_links)
    required_sections = t.strings("required_sections", ())
    t.finish()

    t = top.table("artifacts")
    artifacts_dir = t.text("dir", defaults.artifacts_dir)
    artifacts_build = t.text("build", "").strip()
    artifacts = []
    for f in t.tables("files"):
        artifacts.append(ArtifactSpec(
            arch=f.text("arch", ""),
            name=f.text("name", "", placeholders=("tag", "version", "arch", "project")),
        ))
        if not artifacts[-1].arch:
            raise PolicyError(f"{path}: key '{f.key('arch')}' is required (the architecture "
                              "this artifact is built for, such as \"amd64\").")
        if not artifacts[-1].name:
            raise PolicyError(f"{path}: key '{f.key('name')}' is required (a file name pattern "
                              "such as \"app-{tag}-{arch}.tar.gz\").")
        f.finish()
    t.finish()

    t = top.table("checksums")
    per_file = t.text("per_file", defaults.checksum_per_file, placeholders=("name",))
    if per_file and "{name}" not in per_file:
        raise PolicyError(f"{path}: key 'checksums.per_file' must contain {{name}} (or be \"\" for "
                          f"no per-file checksums), but it is {per_file!r}.")
    combined = t.text("combined", "", placeholders=("tag", "version"))
    sign_combined = t.flag("sign_combined", False)
    if sign_combined and not combined:
        raise PolicyError(f"{path}: key 'checksums.sign_combined' is true, but no "
                          "'checksums.combined' list is named to sign; name one (such as "
                          '"SHA256SUMS") or remove sign_combined.')
    t.finish()

    t = top.table("signing")
    signing = dict(
        signing_backend=t.text("backend", defaults.signing_backend, choices=SIGNING_BACKENDS),
        signing_workstation=t.text("workstation", defaults.signing_workstation,
                                   choices=WORKSTATIONS),
        signing_public_key=t.text("public_key", defaults.signing_public_key),
        signing_secret_key=t.text("secret_key", ""),
        signing_fingerprint=t.text("fingerprint", ""),
        signing_allowed_signers=t.text("allowed_signers", ""),
        signing_identity=t.text("identity", ""),
        signing_ssh_key=t.text("ssh_key", ""),
        tag_signing=t.text("tag_format", defaults.tag_signing, choices=TAG_SIGNING),
        tag_key=t.text("tag_key", ""),
        tag_message=t.text("tag_message", defaults.tag_message,
                          placeholders=("project", "tag", "version")),
    )
    require_fingerprint(path, "signing.fingerprint", signing["signing_fingerprint"])
    if sign_combined and signing["signing_backend"] == "none":
        raise PolicyError(f"{path}: key 'checksums.sign_combined' is true, but signing.backend "
                          'is "none", so nothing could sign the list; choose a backend or '
                          "remove sign_combined.")
    if signing["tag_signing"] == "openpgp":  # for ssh tag signing, tag_key is a key file
        require_fingerprint(path, "signing.tag_key", signing["tag_key"])
    publish_keys = t.flag("publish_keys", False)
    if publish_keys:
        require_publishable(path, signing)
    t.finish()

    t = top.table("smoke")
    smoke_arches = t.strings("architectures", ())
    smoke_checks = t.strings("checks", defaults.smoke_checks)
    t.finish()

    t = top.table("checklist")
    checklist_pre = t.strings("preflight", ())
    checklist_post = t.strings("post_release", ())
    t.finish()

    refs = []
    for r in top.tables("version_references"):
        refs.append(VersionReference(path=r.text("path", ""),
                                     pattern=r.text("pattern", "", placeholders=("version", "tag"))))
        for key in ("path", "pattern"):
            if not getattr(refs[-1], key):
                raise PolicyError(f"{path}: key '{r.key(key)}' is required in each "
                                  "[[version_references]].")
        r.finish()

    t = top.table("workstation")
    if t.flag("offline", False):  # whether a machine is offline is its own fact, never shared
        raise PolicyError(
            f"{path}: key 'workstation.offline' is true, but whether a machine is offline is a "
            "fact about that machine, not the policy both machines share.",
            remedy="Remove it; on the air-gapped workstation use --offline, "
            "RELEASE_CONSOLE_OFFLINE=1 or `offline = true` in "
            "$XDG_CONFIG_HOME/release-console/workstation.toml, and set "
            '[signing] workstation = "air-gapped" in release.toml.')
    t.finish()

    t = top.table("security")
    sla = t.int_map("sla_hours")
    waivers = t.text("waivers", "")
    t.finish()

    t = top.table("github")
    api_url = t.text("api_url", "")
    if api_url and not re.match(r"https?://", api_url):
        raise PolicyError(f"{path}: key 'github.api_url' must start with http:// or https://, "
                          f"but it is {api_url!r}.")
    t.finish()

    top.finish()
    policy = Policy(
        source=path, project=project, tag_format=tag_format, prefer_higher_bump=prefer_higher,
        channels=tuple(channels), changelog=changelog, migration=migration,
        reopen_unreleased=reopen, release_title=title, notes_links=notes_links,
        required_sections=required_sections, artifacts_dir=artifacts_dir,
        artifacts=tuple(artifacts), artifacts_build=artifacts_build, checksum_per_file=per_file,
        checksum_combined=combined, checksum_sign_combined=sign_combined,
        smoke_architectures=smoke_arches, smoke_checks=smoke_checks,
        checklist_preflight=checklist_pre, checklist_post_release=checklist_post,
        version_references=tuple(refs), sla_hours=sla, waivers=waivers,
        github_api_url=api_url, signing_publish_keys=publish_keys, **signing,
    )
    require_publishable(path, signing, policy)  # key assets named like another file
    return policy
