"""The network guard of the air-gapped workstation: no internet socket may even be attempted.

Installed at start when this machine is offline. An audit hook (PEP 578) sees every
``socket.connect``, ``socket.getaddrinfo`` and friends in this process (PyGithub, urllib, a
library doing telemetry) and turns an attempt into :class:`NetworkBlocked`, naming what tried.
Unix sockets (gpg-agent, ssh-agent) stay allowed. Audit hooks cannot be removed, so the hook is
added once and the guard is switched on and off; every attempt is counted for tests and audits.
"""

from __future__ import annotations

import socket
import sys
import threading
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from services.errors import EnvironmentProblem

_EVENTS = frozenset({"socket.connect", "socket.getaddrinfo", "socket.gethostbyname",
                     "socket.gethostbyaddr", "socket.sendto", "socket.sendmsg"})


class NetworkBlocked(EnvironmentProblem):
    """Something tried to reach the network on the offline workstation."""


@dataclass
class Attempt:
    event: str
    target: str
    caller: str  # the first frame outside the standard library's socket code


@dataclass
class Guard:
    active: bool = False
    installed: bool = False
    attempts: list[Attempt] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


GUARD = Guard()


def _is_unix(sock: Any) -> bool:
    family = getattr(sock, "family", None)
    return bool(family == getattr(socket, "AF_UNIX", -1))


def _caller() -> str:
    for frame in reversed(traceback.extract_stack()[:-2]):
        name = frame.filename
        if "/socket.py" in name or "netguard" in name or "/ssl.py" in name:
            continue
        return f"{frame.filename}:{frame.lineno} ({frame.name})"
    return "unknown"


def _describe(event: str, args: tuple[Any, ...]) -> str:
    if event == "socket.getaddrinfo" and args:
        return f"{args[0]}:{args[1]}" if len(args) > 1 and args[1] else str(args[0])
    if event in {"socket.connect", "socket.sendto", "socket.sendmsg"} and len(args) > 1:
        address = args[1]
        if isinstance(address, tuple) and address:
            return f"{address[0]}:{address[1]}" if len(address) > 1 else str(address[0])
        return str(address)
    return str(args[0]) if args else "?"


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if not GUARD.active or event not in _EVENTS:
        return
    if event in {"socket.connect", "socket.sendto", "socket.sendmsg"} and args and _is_unix(args[0]):
        return
    target = _describe(event, args)
    caller = _caller()
    with GUARD.lock:
        GUARD.attempts.append(Attempt(event, target, caller))
    raise NetworkBlocked(
        f"This is the offline workstation, and {caller} tried to reach {target} "
        f"({event}); the network guard stopped it.",
        remedy="Steps that need the network wait for the online side: carry the release there "
        "in a hand-off bundle.")


def install() -> None:
    """Add the audit hook once (it cannot be removed) and switch the guard on."""
    with GUARD.lock:
        if not GUARD.installed:
            sys.addaudithook(_hook)
            GUARD.installed = True
        GUARD.active = True


def deactivate() -> None:
    GUARD.active = False


def attempts() -> list[Attempt]:
    with GUARD.lock:
        return list(GUARD.attempts)


@contextmanager
def guarded() -> Iterator[Guard]:
    """The guard on for a block (tests, the offline half of a flow); restored afterwards."""
    was = GUARD.active
    install()
    with GUARD.lock:
        GUARD.attempts.clear()
    try:
        yield GUARD
    finally:
        GUARD.active = was
