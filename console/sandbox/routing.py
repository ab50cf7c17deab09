"""Requests, responses and the route table of the loopback GitHub.

Each route carries the OpenAPI path template and method of the operation it serves, so the server
can validate every JSON answer against that operation's response schema when a test asks it to.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote

from console.sandbox import shapes

if TYPE_CHECKING:
    from console.sandbox.faults import Faults
    from console.sandbox.state import SandboxState

MAX_BODY = 1 << 20  # JSON bodies; uploads are streamed separately


@dataclass
class Request:
    method: str
    path: str  # the part after /api/v3 (or the full path for uploads and downloads)
    query: dict[str, str]
    headers: dict[str, str]  # lower-cased names
    stream: IO[bytes]
    params: dict[str, str] = field(default_factory=dict)
    body_read: bool = False
    faults: list[Any] = field(default_factory=list)  # fault rules firing for this request

    @property
    def length(self) -> int:
        try:
            return max(0, int(self.headers.get("content-length", "0")))
        except ValueError:
            return 0

    def json(self) -> Any:
        self.body_read = True
        length = self.length
        if length == 0:
            return {}
        if length > MAX_BODY:
            raise ValueError("body too large")
        raw = self.stream.read(length)
        return json.loads(raw.decode("utf-8")) if raw.strip() else {}


@dataclass
class Response:
    status: int
    body: Any = None  # JSON-able, or None for an empty body
    headers: dict[str, str] = field(default_factory=dict)
    file: Path | None = None  # streamed binary body
    content_type: str = "application/json; charset=utf-8"
    drop: bool = False  # close the connection without an answer


@dataclass(frozen=True)
class Api:
    """What every handler may use."""

    state: SandboxState
    urls: shapes.Urls
    faults: Faults
    green_ci_by_default: bool = False  # demo only: a commit no CI reported on shows green


Handler = Callable[[Api, Request], Response]


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    template: str  # the OpenAPI path, e.g. /repos/{owner}/{repo}/releases
    handler: Handler


def route(method: str, template: str, handler: Handler, *, regex: str = "") -> Route:
    if not regex:
        def group(found: re.Match[str]) -> str:
            name = found.group(1)
            return f"(?P<{name}>\\d+)" if name.endswith("_id") else f"(?P<{name}>[^/]+)"

        regex = re.sub(r"\\\{(\w+)\\\}", group, re.escape(template))
    return Route(method, re.compile(f"^{regex}$"), template, handler)


def match(routes: list[Route], method: str, path: str) -> tuple[Route | None, dict[str, str], bool]:
    """The route for (method, path), its parameters, and whether the path exists at all."""
    path_known = False
    for candidate in routes:
        found = candidate.pattern.match(path)
        if found:
            path_known = True
            if candidate.method == method:
                return candidate, found.groupdict(), True
    return None, {}, path_known


def not_found() -> Response:
    return Response(404, shapes.error("Not Found", 404))


def repo_or_404(api: Api, req: Request) -> dict[str, Any] | Response:
    repo = api.state.repo(req.params["owner"], req.params["repo"])
    return repo if repo is not None else not_found()


Pair = tuple[dict[str, Any], dict[str, Any]]  # (repository, the release or asset in it)


def _in_repo(api: Api, req: Request, param: str,
             lookup: Callable[[dict[str, Any], int], dict[str, Any] | None]) -> Pair | Response:
    repo = repo_or_404(api, req)
    if isinstance(repo, Response):
        return repo
    ident = int_param(req, param)
    item = lookup(repo, ident) if ident is not None else None
    return (repo, item) if item is not None else not_found()


def release_or_404(api: Api, req: Request) -> Pair | Response:
    """The repository and the release ``{release_id}`` names in it (404 for either unknown)."""
    return _in_repo(api, req, "release_id", api.state.release)


def asset_or_404(api: Api, req: Request) -> Pair | Response:
    """The repository and the asset ``{asset_id}`` names in it (404 for either unknown)."""
    return _in_repo(api, req, "asset_id", api.state.find_asset)


T = TypeVar("T")


def given(find: Callable[[Api, Request], T | Response]) -> Callable[
        [Callable[[Api, Request, T], Response]], Handler]:
    """A handler that needs what ``find`` looks up (the repository, a release, ...): the route
    answers ``find``'s 404 itself, so each handler starts from what it works on."""

    def decorate(handler: Callable[[Api, Request, T], Response]) -> Handler:
        def wrapped(api: Api, req: Request) -> Response:
            found = find(api, req)
            if isinstance(found, Response):
                return found
            return handler(api, req, found)

        wrapped.__name__ = handler.__name__
        wrapped.__doc__ = handler.__doc__
        return wrapped

    return decorate


def listed(api: Api, req: Request, items: list[Any], repo: dict[str, Any], tail: str) -> Response:
    """A 200 with the page of ``items`` the request asks for, under ``/repos/OWNER/NAME/tail``."""
    page, headers = paginate(api, req, items, base_path=f"/repos/{shapes.full_name(repo)}/{tail}")
    return Response(200, page, headers)


def int_param(req: Request, name: str) -> int | None:
    try:
        return int(req.params[name])
    except (KeyError, ValueError):
        return None


def paginate(api: Api, req: Request, items: list[Any], *, base_path: str) -> tuple[list[Any],
                                                                                   dict[str, str]]:
    """Slice ``items`` by ``page``/``per_page`` and build GitHub's ``Link`` header."""
    try:
        per_page = min(100, max(1, int(req.query.get("per_page", "30"))))
        page = max(1, int(req.query.get("page", "1")))
    except ValueError:
        per_page, page = 30, 1
    last = max(1, -(-len(items) // per_page))
    chunk = items[(page - 1) * per_page: page * per_page]
    extra = {k: v for k, v in req.query.items() if k not in {"page", "per_page"}}

    def link(n: int) -> str:
        query = "&".join(f"{quote(k)}={quote(v)}" for k, v in
                         {**extra, "per_page": str(per_page), "page": str(n)}.items())
        return f"{api.urls.api}{base_path}?{query}"

    rels = []
    if page < last:
        rels += [f'<{link(page + 1)}>; rel="next"', f'<{link(last)}>; rel="last"']
    if page > 1:
        rels += [f'<{link(1)}>; rel="first"', f'<{link(page - 1)}>; rel="prev"']
    return chunk, ({"Link": ", ".join(rels)} if rels else {})


in_repo = given(repo_or_404)  # @in_repo: a handler of a route under /repos/{owner}/{repo}
in_release = given(release_or_404)  # ... under /repos/{owner}/{repo}/releases/{release_id}
in_asset = given(asset_or_404)  # ... under /repos/{owner}/{repo}/releases/assets/{asset_id}
