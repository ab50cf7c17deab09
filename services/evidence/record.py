"""How the evidence classes are built: frozen keyword-only records, cheap to define.

This package imports nothing of the console, so the session and the TUI's first frame can use it.
``status`` loads it with the first step's module, so the classes are cheap to build: mypy checks
them as frozen keyword-only dataclasses, while at run time :func:`record` gives them the same
behaviour without the code ``dataclasses`` generates and execs for every class (no ``__eq__``:
evidence is compared as JSON, never as objects). Measured (Nov 2026, 2-core machine, module
re-imported 60 times with ``dataclasses`` already loaded, best run): the classes take ~3.5 ms;
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


class Record:
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


def table() -> Any:
    return field(default_factory=dict)


@record(frozen=True, kw_only=True, eq=False)
class JsonRecord(Record):
    """JSON in, JSON out, field by field, unknown keys kept in ``extra``.

    ``NESTED`` names fields that hold another record (or a tuple of them): read from their JSON
    objects with that record's ``from_json`` and written back with its ``to_json``, so the stored
    shape stays the plain JSON it always was (with ``SPARSE``, key for key).
    """

    NESTED: ClassVar[Mapping[str, type[JsonRecord]]] = {}
    # A record read from JSON writes back only the keys it was read with (an entry an older
    # console recorded stays as it was, not filled in with defaults); one made in code, all.
    SPARSE: ClassVar[bool] = False
    extra: Mapping[str, Any] = field(default_factory=dict, repr=False)
    # Keys the JSON read by from_json had: an optional key recorded as null stays null.
    present: frozenset[str] = field(default=frozenset(), repr=False, compare=False)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        sparse = self.SPARSE and bool(self.present)
        for name, (_default, _factory, is_optional) in self.__record_fields__.items():
            if name in _BOOKKEEPING or (sparse and name not in self.present):
                continue
            value = getattr(self, name)
            if value is None and is_optional and name not in self.present:
                continue
            if isinstance(value, tuple):
                value = [v.to_json() if isinstance(v, JsonRecord) else v for v in value]
            elif isinstance(value, JsonRecord):
                value = value.to_json()
            data[name] = value
        data.update(self.extra)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Self:
        known = {name for name in cls.__record_fields__ if name not in _BOOKKEEPING}
        values = {key: _read(cls.NESTED.get(key), value)
                  for key, value in data.items() if key in known}
        extra = {key: value for key, value in data.items() if key not in known}
        return cls(**values, extra=extra, present=frozenset(values))


def _read(nested: type[JsonRecord] | None, value: Any) -> Any:
    """A stored JSON value as the field holds it: lists as tuples, a nested record's objects as
    that record (anything else, as stored: a damaged entry is not made up into a good one)."""
    if isinstance(value, list):
        return tuple(_read(nested, item) if isinstance(item, Mapping) else item
                     for item in value)
    if nested is not None and isinstance(value, Mapping):
        return nested.from_json(value)
    return value


@record(frozen=True, kw_only=True, eq=False)
class StepEvidence(JsonRecord):
    """Base class of a step's evidence: a :class:`JsonRecord` that names its step."""

    STEP: ClassVar[str] = ""
