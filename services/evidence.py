"""Typed evidence: what a step recorded, for the steps, screens and services that read it later.

A step's evidence is stored in the session as a JSON object (``StepRecord.evidence``), exactly as
before these classes existed, so sessions written by older consoles load unchanged. Where another
part reads a step's evidence, it goes through the step's class here and one accessor,
``session.evidence(ChangelogEvidence)``, instead of string keys scattered over the code: a renamed
key is then one change here, checked by mypy everywhere it is read.

Each class names its step (``STEP``); ``to_json`` gives the very object the step has always
recorded (the step builds the class and stores ``to_json()``), and ``from_json`` reads it back,
keeping keys it does not know in ``extra`` so nothing is lost. Fields marked :func:`optional` are
left out of the JSON when they are ``None`` (the step did not record them); lists are tuples here.

This module imports nothing of the console, so the session and the TUI's first frame can use it.
``status`` loads it with the first step's module, so the classes are cheap to build: mypy checks
them as frozen keyword-only dataclasses, while at run time :func:`record` gives them the same
behaviour without the code ``dataclasses`` generates and execs for every class (no ``__eq__``:
evidence is compared as JSON, never as objects). Measured (Nov 2026, 2-core machine, module
re-imported 60 times with ``dataclasses`` already loaded, best run): this module takes ~3.5 ms;
the same classes as plain ``@dataclass(frozen=True, kw_only=True)`` take ~20 ms, too much of
``status``'s start-up budget to spend on clearer code. Re-measure before replacing :func:`record`.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import MISSING, Field, FrozenInstanceError, field
from typing import TYPE_CHECKING, Any, ClassVar, Self

_OPTIONAL = "optional"
_BOOKKEEPING = frozenset({"extra", "present"})

# name -> (default, default factory or None, optional): a record class's fields, in order.
_Fields = dict[str, tuple[Any, Callable[[], Any] | None, bool]]

if TYPE_CHECKING:
    # mypy sees real frozen, keyword-only dataclasses: typed constructors, read-only fields.
    from dataclasses import dataclass as record
else:
    def record(**_options: object) -> Callable[[type], type]:
        """At run time, the same record without ``dataclasses``' generated code: building a
        dataclass execs several functions (milliseconds each on a slow machine), and ``status``
        loads this module with the first step; these classes are built in microseconds."""
        return _build


def _build(cls: type) -> type:
    spec: _Fields = dict(getattr(cls, "__record_fields__", {}))
    for name, annotation in inspect.get_annotations(cls).items():
        if str(annotation).startswith("ClassVar"):
            continue
        value = cls.__dict__.get(name, MISSING)
        if isinstance(value, Field):
            factory = None if value.default_factory is MISSING else value.default_factory
            spec[name] = (value.default, factory, bool(value.metadata.get(_OPTIONAL)))
            if factory is None:
                setattr(cls, name, value.default)
            else:
                delattr(cls, name)
        else:
            spec[name] = (value, None, False)
    cls.__record_fields__ = spec  # type: ignore[attr-defined]
    return cls


class _Record:
    """The run-time behaviour of a frozen keyword-only record (see :func:`record`)."""

    __record_fields__: ClassVar[_Fields] = {}

    if not TYPE_CHECKING:
        def __init__(self, **values: Any) -> None:
            spec = type(self).__record_fields__
            for name in values:
                if name not in spec:
                    raise TypeError(f"{type(self).__name__} has no field {name!r}")
            for name, (default, factory, _optional) in spec.items():
                if name in values:
                    value = values[name]
                elif factory is not None:
                    value = factory()
                elif default is MISSING:
                    raise TypeError(f"{type(self).__name__} needs {name!r}")
                else:
                    value = default
                object.__setattr__(self, name, value)

        def __setattr__(self, name: str, value: Any) -> None:
            raise FrozenInstanceError(f"cannot assign to field {name!r}")

        def __delattr__(self, name: str) -> None:
            raise FrozenInstanceError(f"cannot delete field {name!r}")

        def __repr__(self) -> str:
            shown = ", ".join(f"{name}={getattr(self, name)!r}"
                              for name in type(self).__record_fields__
                              if name not in _BOOKKEEPING)
            return f"{type(self).__name__}({shown})"


def optional() -> Any:
    """A field left out of the JSON while it is ``None`` (the step did not record it)."""
    return field(default=None, metadata={_OPTIONAL: True})


def _table() -> Any:
    return field(default_factory=dict)


@record(frozen=True, kw_only=True, eq=False)
class StepEvidence(_Record):
    """Base class: JSON in, JSON out, field by field, unknown keys kept in ``extra``."""

    STEP: ClassVar[str] = ""
    extra: Mapping[str, Any] = field(default_factory=dict, repr=False)
    # Keys the JSON read by from_json had: an optional key recorded as null stays null.
    present: frozenset[str] = field(default=frozenset(), repr=False, compare=False)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for name, (_default, _factory, is_optional) in self.__record_fields__.items():
            if name in _BOOKKEEPING:
                continue
            value = getattr(self, name)
            if value is None and is_optional and name not in self.present:
                continue
            data[name] = list(value) if isinstance(value, tuple) else value
        data.update(self.extra)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Self:
        known = {name for name in cls.__record_fields__ if name not in _BOOKKEEPING}
        values = {key: tuple(value) if isinstance(value, list) else value
                  for key, value in data.items() if key in known}
        extra = {key: value for key, value in data.items() if key not in known}
        return cls(**values, extra=extra, present=frozenset(values))


@record(frozen=True, kw_only=True, eq=False)
class PreflightEvidence(StepEvidence):
    """What pre-flight saw: the commit it checked, the branch, the ticked checklist, CI."""

    STEP: ClassVar[str] = "preflight"
    commit: str = ""
    branch: str = ""
    checklist: tuple[str, ...] = ()
    offline: bool = False
    ci: Mapping[str, Any] = _table()  # CIResult.to_json(), or {"status": "deferred", "reason"}

    @property
    def ci_deferred(self) -> bool:
        """Pre-flight did not ask CI (offline workstation): push asks before anything leaves."""
        return isinstance(self.ci, Mapping) and self.ci.get("status") == "deferred"


@record(frozen=True, kw_only=True, eq=False)
class ChangelogEvidence(StepEvidence):
    """The changelog move: its commit, and how the file wrote [Unreleased] (for the reopen)."""

    STEP: ClassVar[str] = "changelog"
    file: str = ""
    commit: str = ""
    sha256: str | None = optional()
    bump: str | None = optional()
    bump_reasons: tuple[str, ...] | None = optional()
    already: bool | None = optional()  # the move was found committed, not made by this run
    references: tuple[str, ...] | None = optional()  # version-reference files in the commit
    # What the move did (``Change.facts``), so post-release can write [Unreleased] back alike.
    version: str | None = optional()
    date: str | None = optional()
    tag: str | None = optional()
    previous_tag: str | None = optional()
    heading: str | None = optional()
    link: str | None = optional()
    unreleased_heading: str | None = optional()
    unreleased_label: str | None = optional()
    unreleased_url: str | None = optional()


@record(frozen=True, kw_only=True, eq=False)
class MigrationEvidence(StepEvidence):
    """The MIGRATION.md check, and its commit when this step made one."""

    STEP: ClassVar[str] = "migration"
    file: str | None = optional()
    status: str = ""  # "first-release" when there is nothing to migrate from
    message: str | None = optional()
    heading: str | None = optional()
    line: int | None = optional()
    major: bool | None = optional()
    commit: str | None = optional()  # only when this step committed MIGRATION.md
    sha256: str | None = optional()


@record(frozen=True, kw_only=True, eq=False)
class ChecksumsEvidence(StepEvidence):
    """The digest of every artifact and the checksum files written for them."""

    STEP: ClassVar[str] = "checksums"
    # One entry per artifact: arch, name, size, sha256, mtime_ns, checksum_file.
    artifacts: tuple[Mapping[str, Any], ...] = ()
    combined: str | None = optional()
    files: tuple[Mapping[str, Any], ...] = ()  # the checksum files written: path, sha256

    def by_name(self) -> dict[str, Mapping[str, Any]]:
        """Each hashed artifact's entry by file name (entries without a digest left out)."""
        return {str(entry["name"]): entry for entry in self.artifacts
                if isinstance(entry, Mapping) and entry.get("name") and entry.get("sha256")}

    def digests(self) -> dict[str, str]:
        """``{artifact name: sha256}`` as recorded."""
        return {str(entry.get("name")): str(entry.get("sha256")) for entry in self.artifacts
                if isinstance(entry, Mapping)}


@record(frozen=True, kw_only=True, eq=False)
class SignEvidence(StepEvidence):
    """The signing backend, the pinned key, and one entry per signature made."""

    STEP: ClassVar[str] = "sign"
    backend: str = ""
    pinned_key: str | None = optional()
    signer: str | None = optional()
    device: Mapping[str, Any] | None = optional()  # the token, when the backend names it
    # One entry per artifact: artifact, signature, signature_sha256, signer, ...
    signatures: tuple[Mapping[str, Any], ...] = ()


@record(frozen=True, kw_only=True, eq=False)
class TagEvidence(StepEvidence):
    """The signed tag: its object, the commit it points at, and who signed it."""

    STEP: ClassVar[str] = "tag"
    tag: str = ""
    object: str = ""
    commit: str = ""
    signing: str = ""
    message: str = ""
    signer: str | None = optional()


@record(frozen=True, kw_only=True, eq=False)
class DraftEvidence(StepEvidence):
    """The GitHub draft: its id and URL, what was uploaded, and the notes it got as body."""

    STEP: ClassVar[str] = "draft"
    release_id: int | None = None
    html_url: str = ""
    created: bool = False
    repaired: tuple[str, ...] = ()  # what was put right on an existing draft
    assets: tuple[Mapping[str, Any], ...] = ()  # UploadOutcome.to_json() per file
    uploaded: int = 0
    kept: int = 0
    removed: tuple[str, ...] = ()
    body_sha256: str = ""
    ci: Mapping[str, Any] = _table()

    def actions(self) -> dict[str, str]:
        """What the last run did to each asset: ``{name: uploaded|replaced|kept|...}``."""
        return {str(a["name"]): str(a["action"]) for a in self.assets}


@record(frozen=True, kw_only=True, eq=False)
class ReviewEvidence(StepEvidence):
    """``Review.to_json()`` without the body diff: what publish shows and re-checks."""

    STEP: ClassVar[str] = "review"
    tag: str = ""
    clean: bool = False
    problems: tuple[str, ...] = ()
    release: Mapping[str, Any] | None = None
    expected_title: str = ""
    expected_commit: str = ""
    body_matches_notes: bool = False
    # One entry per expected asset: name, expected_size, expected_sha256, ...
    assets: tuple[Mapping[str, Any], ...] = ()
    extra_assets: tuple[str, ...] = ()
    fingerprint: str = ""
    seen: Mapping[str, Any] = _table()

    @property
    def release_id(self) -> Any:
        return (self.release or {}).get("id")

    @property
    def release_name(self) -> Any:
        return (self.release or {}).get("name")

    @property
    def asset_names(self) -> list[str]:
        return [str(a["name"]) for a in self.assets]

    def expected_assets(self) -> list[ReviewedAsset]:
        """Each expected asset as the review checked it: name, local size and sha256."""
        return [ReviewedAsset(name=str(a["name"]), size=a["expected_size"],
                              sha256=str(a["expected_sha256"])) for a in self.assets]


@record(frozen=True, kw_only=True, eq=False)
class ReviewedAsset(_Record):
    """One expected asset as the review checked it."""

    name: str
    size: int
    sha256: str


@record(frozen=True, kw_only=True, eq=False)
class YankGitHubEvidence(StepEvidence):
    """``YankResult.to_json()``: what the GitHub half of a yank did."""

    STEP: ClassVar[str] = "yank-github"
    tag: str = ""
    release_id: int | None = None
    html_url: str = ""
    # False when it was already yanked exactly like this; None (not recorded) when adopted: a run
    # killed after GitHub's edit lost GitHub's answer, so who changed it is not known
    changed: bool | None = optional()
    # "banner added", "banner replaced", "none" (already there), "in place" (found so, adopted)
    banner: str = "none"
    prerelease: bool = False
    latest_before: str = ""  # "" when adopted: lost with the interrupted run
    latest_after: str = ""
    refused: tuple[str, ...] = ()  # what GitHub would not change
    # GitHub showed the banner at the top of the notes when the step ended (None: recorded by a
    # console before this field; every yank it recorded had verified the banner)
    banner_shown: bool | None = optional()
    adopted: bool | None = optional()  # found yanked after an interrupted run, not yanked again


@record(frozen=True, kw_only=True, eq=False)
class PromoteEvidence(StepEvidence):
    """The candidate a promotion stands on: its commit is the release commit (tagged, pushed)."""

    STEP: ClassVar[str] = "promote"
    commit: str = ""
    rc_tag: str = ""
    branch: str = ""
    ci: Mapping[str, Any] = _table()


@record(frozen=True, kw_only=True, eq=False)
class HandoffOutEvidence(StepEvidence):
    """What left for the signing workstation (``services.bundle.crossing.export_evidence``):
    both machines record the same object, so the return trip checks against it."""

    STEP: ClassVar[str] = "handoff-out"
    needed: bool = False
    direction: str = ""
    bundle_sha256: str = ""
    fingerprint: str = ""
    commit: str = ""
    tag_object: str = ""
    # The build host's digests: name, arch, size, sha256, mtime_ns per artifact.
    artifacts: tuple[Mapping[str, Any], ...] = ()
    members: int = 0
    # Whether the artifacts went into the bundle (False: made --without-artifacts, carried
    # beside it); None in a session from before it was recorded.
    artifacts_included: bool | None = optional()

    def digests(self) -> dict[str, Mapping[str, Any]]:
        return {str(a.get("name")): a for a in self.artifacts if isinstance(a, Mapping)}

    def artifacts_held(self) -> str:
        """Whether the bundle held the artifacts, to follow "the bundle" in a sentence ("" when
        the session is older than this record)."""
        if self.artifacts_included is None:
            return ""
        if self.artifacts_included:
            return "held the artifacts"
        if self.direction == "to-offline":
            return "was made without artifacts: they travel beside it"
        return ("was made without artifacts: the online machine's own are checked against its "
                "digests")


@record(frozen=True, kw_only=True, eq=False)
class HandoffBackEvidence(HandoffOutEvidence):
    STEP: ClassVar[str] = "handoff-back"


# The steps whose evidence other parts read; a step whose evidence nobody else reads keeps a dict.
EVIDENCE: tuple[type[StepEvidence], ...] = (
    PreflightEvidence, ChangelogEvidence, MigrationEvidence, ChecksumsEvidence, SignEvidence,
    TagEvidence, DraftEvidence, ReviewEvidence, YankGitHubEvidence, PromoteEvidence,
    HandoffOutEvidence, HandoffBackEvidence,
)
