"""The demo sandbox: a sample project to walk through a release without touching anything real.

``release-console demo`` builds it under a directory of its own: a git repository with a Keep a
Changelog file, MIGRATION.md, a PAI-style ``release.toml``, a throwaway minisign key pair (the public
half committed, as PAI does), a ``build.sh`` that makes small stand-in ISO artifacts, a bare
repository as ``origin``, and the loopback GitHub-compatible server with CI green on the project's
HEAD. Nothing here is reachable from outside the sandbox directory and this machine.
"""

from __future__ import annotations

import secrets as secrets_module
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

from services import secrets
from services.errors import ConsoleError, EnvironmentProblem

if TYPE_CHECKING:
    from console.sandbox.server import SandboxServer

CHANGELOG = """# Changelog

All notable changes to this project are documented in this file.

The format is based on [Keep a Changelog](https://keepachangelog.com/en/1.1.0/),
and this project adheres to [Semantic Versioning](https://semver.org/spec/v2.0.0.html).

## [Unreleased]

### Added

- Flash app: verify the ISO signature before writing the USB stick.
- New preinstalled model: a small local assistant.

### Fixed

- Persistence unlock no longer hangs on slow USB 2 sticks.

## [1.2.0] — 2026-10-02

### Added

- ARM64 images for Apple Silicon.

## [1.1.0] — 2026-08-14

### Fixed

- Wi-Fi firmware for Intel AX210.

[Unreleased]: https://github.com/example-org/pai/compare/v1.2.0...HEAD
[1.2.0]: https://github.com/example-org/pai/compare/v1.1.0...v1.2.0
[1.1.0]: https://github.com/example-org/pai/releases/tag/v1.1.0
"""

MIGRATION = """# Migration guide

## v1.1.0 -> v1.2.0

No migration required.
"""

HEADER = CHANGELOG[:CHANGELOG.index("## [Unreleased]")]
RELEASE_110 = """## [1.1.0] — 2026-08-14

### Fixed

- Wi-Fi firmware for Intel AX210.
"""
RELEASE_120 = """## [1.2.0] — 2026-10-02

### Added

- ARM64 images for Apple Silicon.
"""
LINK = "https://github.com/example-org/pai"

# The project's history, oldest first: (commit message, files it writes, tag on it). A captain
# recognises it: work between releases, each release tagged on its own release commit with the
# moved CHANGELOG, a reopen commit after it, and the Unreleased entries committed after the last
# release, one change at a time.
HISTORY: list[tuple[str, dict[str, str], str]] = [
    ("Import PAI", {"CHANGELOG.md": HEADER + "## [Unreleased]\n",
                    "MIGRATION.md": "# Migration guide\n"}, ""),
    ("Fix Wi-Fi firmware for Intel AX210",
     {"CHANGELOG.md": HEADER + "## [Unreleased]\n\n" + RELEASE_110.split("\n", 2)[2],
      "firmware/iwlwifi.txt": "iwlwifi-ty-a0-gf-a0-72.ucode\n"}, ""),
    ("Release v1.1.0: changelog",
     {"CHANGELOG.md": HEADER + RELEASE_110 + f"\n[1.1.0]: {LINK}/releases/tag/v1.1.0\n"},
     "v1.1.0"),
    ("Post-release v1.1.0: reopen [Unreleased]",
     {"CHANGELOG.md": HEADER + "## [Unreleased]\n\n" + RELEASE_110
      + f"\n[Unreleased]: {LINK}/compare/v1.1.0...HEAD\n"
      f"[1.1.0]: {LINK}/releases/tag/v1.1.0\n"}, ""),
    ("Build ARM64 images for Apple Silicon",
     {"CHANGELOG.md": HEADER + "## [Unreleased]\n\n" + RELEASE_120.split("\n", 2)[2] + "\n"
      + RELEASE_110 + f"\n[Unreleased]: {LINK}/compare/v1.1.0...HEAD\n"
      f"[1.1.0]: {LINK}/releases/tag/v1.1.0\n",
      "build.arches": "amd64\narm64\n"}, ""),
    ("Release v1.2.0: changelog",
     {"CHANGELOG.md": HEADER + RELEASE_120 + "\n" + RELEASE_110
      + f"\n[1.2.0]: {LINK}/compare/v1.1.0...v1.2.0\n[1.1.0]: {LINK}/releases/tag/v1.1.0\n",
      "MIGRATION.md": MIGRATION}, "v1.2.0"),
    ("Post-release v1.2.0: reopen [Unreleased]",
     {"CHANGELOG.md": HEADER + "## [Unreleased]\n\n" + RELEASE_120 + "\n" + RELEASE_110
      + f"\n[Unreleased]: {LINK}/compare/v1.2.0...HEAD\n"
      f"[1.2.0]: {LINK}/compare/v1.1.0...v1.2.0\n[1.1.0]: {LINK}/releases/tag/v1.1.0\n"}, ""),
    ("Flash app: verify the ISO signature before writing",
     {"CHANGELOG.md": CHANGELOG.replace(
         "- New preinstalled model: a small local assistant.\n", "").replace(
         "### Fixed\n\n- Persistence unlock no longer hangs on slow USB 2 sticks.\n\n", ""),
      "apps/flash.txt": "verify: minisign -Vm image.iso -p minisign.pub\n"}, ""),
    ("Preinstall a small local assistant model",
     {"CHANGELOG.md": CHANGELOG.replace(
         "### Fixed\n\n- Persistence unlock no longer hangs on slow USB 2 sticks.\n\n", ""),
      "models.txt": "assistant-small\n"}, ""),
    ("Persistence: do not hang on slow USB 2 sticks",
     {"CHANGELOG.md": CHANGELOG, "persistence/unlock.txt": "timeout = 120\n"}, ""),
]

BUILD_SH = """#!/bin/sh
# The demo's build: small stand-in ISO images for VERSION, one per architecture, in build/.
# Usage: ./build.sh 1.3.0 (or 1.3.0-rc.1). The bits come from the source, not the tag's name: a
# candidate and the stable release built from one commit are the same images under two names.
set -eu
version=${1:?usage: ./build.sh VERSION}
source_version=${version%%-*}
mkdir -p build
for arch in $(cat build.arches); do
  out="build/pai-v$version-$arch.iso"
  i=0
  : > "$out.tmp"
  while [ $i -lt 64 ]; do
    printf 'PAI demo ISO %s %s\\n' "$arch" "$source_version" >> "$out.tmp"
    i=$((i + 1))
  done
  for _ in 1 2 3 4 5 6 7 8 9 10; do cat "$out.tmp" "$out.tmp" > "$out.2" && mv "$out.2" "$out.tmp"; done
  mv "$out.tmp" "$out"
  echo "built $out"
done
"""

POLICY = """# Release policy for the demo project (PAI runbook). Keys: docs/policy.md.
[project]
name = "PAI"
repository = "example-org/pai"
default_branch = "main"
remote = "origin"

[versioning]
tag = "v{version}"

[documents]
changelog = "CHANGELOG.md"
migration = "MIGRATION.md"

[release]
title = "PAI {tag}"
# the notes end with the commands a user runs to check the downloads and the tag
required_sections = ["Verification"]

[artifacts]
dir = "build"
build = "./build.sh {version}"  # b at the artifacts step runs it
[[artifacts.files]]
arch = "amd64"
name = "pai-{tag}-amd64.iso"
[[artifacts.files]]
arch = "arm64"
name = "pai-{tag}-arm64.iso"

[signing]
backend = "minisign"
public_key = "minisign.pub"
secret_key = "../token/minisign.key"
# The demo signs its tag with an ssh key (a FIDO ed25519-sk key on a real token); the allowed
# signers file is committed so anyone can `git verify-tag`.
tag_format = "ssh"
ssh_key = "../token/id_tag_ed25519"
allowed_signers = "allowed_signers"
identity = "captain@pai.example"
tag_message = "PAI {tag}"
# The release carries minisign.pub and allowed_signers as committed at its tag (runbook section 5:
# "also published on the GitHub Releases page").
publish_keys = true

[smoke]
architectures = ["amd64", "arm64"]
checks = ["boots", "connects to network", "runs Ollama", "unlocks persistence"]

[checklist]
preflight = ["Docs in docs/ reflect the release"]
"""


def _run(cwd: Path, *args: str, stdin: str | None = None) -> None:
    proc = subprocess.run(list(args), cwd=cwd, capture_output=True, text=True, input=stdin,
                          check=False)
    if proc.returncode != 0:
        raise ConsoleError(f"Building the demo failed at `{' '.join(args)}`: "
                           f"{(proc.stderr or proc.stdout).strip()[:200]}")


AIR_GAPPED_POLICY = POLICY.replace('backend = "minisign"\n',
                                   'backend = "minisign"\nworkstation = "air-gapped"\n')


def build_sandbox(base: Path, *, force: bool = False, air_gapped: bool = False,
                  built: str = "") -> Path:
    """Create the demo project under ``base``; returns the repository path.

    No images are built: the release's are built at its artifacts step (``b`` there runs the
    policy's ``./build.sh {version}``), after the release commit, as a captain's would be; images
    built when the sandbox was made are older than that commit and refused. ``built``: a version
    whose images are built now anyway (tests of the later steps, whose commits are dated back).

    ``air_gapped``: two workstations side by side (``online/pai`` and ``offline/pai``, clones of
    one origin, a ``usb/`` folder between them), the signing keys only in ``offline/token``;
    the returned path is the online clone.
    """
    for tool in ("git", "minisign", "ssh-keygen"):
        if shutil.which(tool) is None:
            raise EnvironmentProblem(
                f"{tool} is not installed; the demo needs it.",
                remedy="Install the tools with: sudo apt-get install git minisign openssh-client "
                "(./dev.sh demo does this when run as root).")
    project = base / "online" / "pai" if air_gapped else base / "pai"
    complete = base / ".complete"
    if project.exists() and complete.exists() and not force:
        return project
    if base.exists():  # a half-built sandbox (interrupted) or --fresh: start again
        shutil.rmtree(base)
    base.mkdir(parents=True, exist_ok=True)
    origin = base / "origin.git"
    _run(base, "git", "init", "-q", "--bare", "-b", "main", str(origin))
    project.mkdir(parents=True)
    _run(project, "git", "init", "-q", "-b", "main")
    _run(project, "git", "config", "user.name", "Demo Captain")
    _run(project, "git", "config", "user.email", "captain@pai.example")
    _run(project, "git", "config", "commit.gpgsign", "false")
    (project / "release.toml").write_text(AIR_GAPPED_POLICY if air_gapped else POLICY,
                                          encoding="utf-8")
    (project / "README.md").write_text("# PAI (demo)\n\nA sandbox project for Release Console. "
                                       "Build the images with `./build.sh VERSION`.\n")
    (project / ".gitignore").write_text("build/\n")
    (project / "build.sh").write_text(BUILD_SH)
    (project / "build.sh").chmod(0o755)
    token = base / "offline" / "token" if air_gapped else base / "token"
    token.mkdir(parents=True)
    _run(project, "minisign", "-G", "-W", "-p", str(project / "minisign.pub"),
         "-s", str(token / "minisign.key"))
    _run(project, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "captain@pai.example",
         "-f", str(token / "id_tag_ed25519"))
    public = (token / "id_tag_ed25519.pub").read_text().split()
    (project / "allowed_signers").write_text(
        f'captain@pai.example namespaces="git" {public[0]} {public[1]}\n')
    for message, files, tag in HISTORY:
        for rel, text in files.items():
            (project / rel).parent.mkdir(parents=True, exist_ok=True)
            (project / rel).write_text(text, encoding="utf-8")
        _run(project, "git", "add", "-A")
        _run(project, "git", "commit", "-q", "-m", message)
        if tag:  # signed like the console signs: a hotfix branches only from a verified tag
            _run(project, "git", "-c", "gpg.format=ssh", "-c",
                 f"user.signingKey={token / 'id_tag_ed25519'}", "tag", "-s", "-m", f"PAI {tag}",
                 tag)
    _run(project, "git", "remote", "add", "origin", str(origin))
    _run(project, "git", "push", "-q", "origin", "main", "--tags")
    if built:
        _run(project, "./build.sh", built)
    if air_gapped:
        offline = base / "offline" / "pai"
        _run(base, "git", "clone", "-q", str(origin), str(offline))
        for key, value in (("user.name", "Demo Captain"), ("user.email", "captain@pai.example"),
                           ("commit.gpgsign", "false")):
            _run(offline, "git", "config", key, value)
        (base / "usb").mkdir()
    complete.write_text("built\n")
    return project


DEMO_REPOSITORY = "example-org/pai"


def start_github(base: Path, project: Path, *, port: int = 0,
                 token: str = "") -> tuple[SandboxServer, str]:
    """Start the loopback GitHub for the demo, with CI green on the project's HEAD.

    A fresh random token is made per run unless one is given; the server keeps only its hash.
    """
    from console.sandbox.server import start_sandbox

    token = token or "demo_" + secrets_module.token_urlsafe(24)
    secrets.register(token)
    # The demo has no real CI: the sandbox reports green for commits nobody reported on, so the
    # CI gate on the tagged commit can be walked through. Tests use real red/pending results.
    server = start_sandbox(base / "github", token, port=port, repository=DEMO_REPOSITORY,
                           green_ci_by_default=True)
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=project, capture_output=True,
                          text=True, check=True).stdout.strip()
    server.add_status(DEMO_REPOSITORY, head, "ci/build-amd64", "success")
    server.add_status(DEMO_REPOSITORY, head, "ci/build-arm64", "success")
    return server, token
