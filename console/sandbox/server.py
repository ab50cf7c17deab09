"""The loopback GitHub: a threaded HTTP server on 127.0.0.1 serving the release subset of the API.

Laid out like GitHub Enterprise: the REST API under ``/api/v3`` and uploads under ``/api/uploads``,
so PyGithub is pointed at it with ``base_url=http://127.0.0.1:PORT/api/v3`` exactly as at a real
Enterprise server. Every request is logged (method, path, status) for tests to read, faults are
injected on demand, and, when a validator is attached, every JSON answer is checked against the
OpenAPI schema of its operation.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qsl, unquote, urlsplit

from console.sandbox import assets, gitdata, release_routes, shapes
from console.sandbox.faults import Faults
from console.sandbox.routing import Api, Request, Response, Route, match
from console.sandbox.state import SandboxState

API_PREFIX = "/api/v3"
UPLOAD_PREFIX = "/api/uploads"
API_ROUTES: list[Route] = [*release_routes.ROUTES, *assets.ROUTES, *gitdata.ROUTES]


class Validator(Protocol):
    def check(self, method: str, template: str, status: int, body: Any) -> None: ...


@dataclass(frozen=True)
class LoggedRequest:
    method: str
    path: str  # without the query string
    status: int  # 0 when the connection was dropped
    template: str  # the OpenAPI operation path, "" when none matched


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # silence stderr
        return None

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_PATCH(self) -> None:
        self._serve("PATCH")

    def do_DELETE(self) -> None:
        self._serve("DELETE")

    def do_PUT(self) -> None:
        self._serve("PUT")

    # -----------------------------------------------------------------------------------------
    def _serve(self, method: str) -> None:
        sandbox = self.server.sandbox
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        headers = {k.lower(): v for k, v in self.headers.items()}
        req = Request(method, path, query, headers, self.rfile)  # type: ignore[arg-type]
        req.faults = sandbox.faults.take(method, path)
        _route, template, response = self._dispatch(req)
        sandbox.record(method, path, 0 if response.drop else response.status, template)
        if sandbox.after_handling is not None:  # tests: kill the client before it hears back
            sandbox.after_handling(method, path, response.status)
        if response.drop:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        if not req.body_read and req.length:
            self.close_connection = True  # unread body: the connection cannot be reused
        if sandbox.validator is not None and template and response.file is None:
            sandbox.validator.check(method, template, response.status, response.body)
        self._send(response)

    def _dispatch(self, req: Request) -> tuple[Route | None, str, Response]:
        sandbox = self.server.sandbox
        for rule in req.faults:
            if rule.kind == "slow":
                time.sleep(rule.seconds)
        for rule in req.faults:
            if rule.kind == "drop":
                return None, "", Response(0, drop=True)
            if rule.kind == "status":
                return None, "", Response(rule.status, shapes.error("Server Error", rule.status))
            if rule.kind == "rate_limit":
                return None, "", Response(403, shapes.error(
                    "API rate limit exceeded for user ID 1.", 403), {
                    "X-RateLimit-Limit": "5000", "X-RateLimit-Remaining": "0",
                    "X-RateLimit-Used": "5000", "X-RateLimit-Reset": str(rule.reset),
                    "X-RateLimit-Resource": "core"})
        if req.path.startswith(UPLOAD_PREFIX + "/"):
            routes, req.path, needs_auth = assets.UPLOAD_ROUTES, req.path[len(UPLOAD_PREFIX):], True
        elif req.path.startswith(API_PREFIX + "/") or req.path == API_PREFIX:
            routes, req.path, needs_auth = API_ROUTES, req.path[len(API_PREFIX):] or "/", True
        else:
            routes, needs_auth = assets.DOWNLOAD_ROUTES, req.path.startswith("/api/")
        route, params, known = match(routes, req.method, req.path)
        template = route.template if route is not None and routes is not assets.DOWNLOAD_ROUTES \
            else ""
        if needs_auth and not sandbox.authorized(req.headers.get("authorization", "")):
            message = "Bad credentials" if req.headers.get("authorization") else \
                "Requires authentication"
            return route, template, Response(401, shapes.error(message, 401))
        if route is None:
            status = 404 if not known else 405
            return None, "", Response(status, shapes.error(
                "Not Found" if status == 404 else "Method Not Allowed", status))
        req.params = params
        try:
            return route, template, route.handler(sandbox.api, req)
        except (ValueError, KeyError, TypeError) as exc:
            return route, template, Response(400, shapes.error(
                f"Problems parsing request: {type(exc).__name__}", 400))

    def _send(self, response: Response) -> None:
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("X-GitHub-Media-Type", "github.v3")
        if "X-RateLimit-Limit" not in response.headers:
            self.send_header("X-RateLimit-Limit", "5000")
            self.send_header("X-RateLimit-Remaining", "4999")
        if response.file is not None:
            size = response.file.stat().st_size
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(size))
            self.end_headers()
            with open(response.file, "rb") as source:
                shutil.copyfileobj(source, self.wfile, 1 << 20)
            return
        payload = b"" if response.body is None else json.dumps(response.body).encode("utf-8")
        if payload:
            self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(payload)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if payload:
            self.wfile.write(payload)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    sandbox: SandboxServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that went away mid-request (killed, timed out) is normal here, not news."""
        import sys

        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class SandboxServer:
    """A running loopback GitHub. ``url`` is the web root, ``api_url`` the PyGithub base URL."""

    def __init__(self, state_dir: Path, *, port: int = 0, token: str | None = None,
                 validator: Validator | None = None, green_ci_by_default: bool = False,
                 web_root: str = "") -> None:
        """``green_ci_by_default`` is for the demo only: every commit no CI reported on shows
        one green status, so the release commit (made during the walk) passes the CI gates.
        Tests leave it off and seed the CI results they mean. ``web_root``: the root of the
        ``html_url`` links (see :class:`shapes.Urls`), this server's own by default."""
        self.state = SandboxState(state_dir)
        self.faults = Faults()
        # Called once a request is handled (its effect stored), before the answer is sent: the
        # kill-everywhere tests stop the console exactly there, deterministically.
        self.after_handling: Callable[[str, str, int], None] | None = None
        self.validator = validator
        self._log: list[LoggedRequest] = []
        self._log_lock = threading.Lock()
        self._httpd = _Server(("127.0.0.1", port), _Handler)
        self._httpd.sandbox = self
        self.port = int(self._httpd.server_address[1])
        self.urls = shapes.Urls(f"http://127.0.0.1:{self.port}", web_root)
        self.api = Api(self.state, self.urls, self.faults, green_ci_by_default)
        self._thread: threading.Thread | None = None
        if token is not None:
            self.state.set_token(token)

    # --- life cycle --------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return self.urls.root

    @property
    def api_url(self) -> str:
        return self.urls.api

    def start(self) -> SandboxServer:
        self._thread = threading.Thread(target=self._httpd.serve_forever,
                                        kwargs={"poll_interval": 0.05},
                                        name=f"sandbox-github-{self.port}", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._httpd.serve_forever(poll_interval=0.2)

    def close(self) -> None:
        """Release the socket after ``serve_forever`` returned (foreground use)."""
        self._httpd.server_close()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- auth and log ------------------------------------------------------------------------
    def authorized(self, header: str) -> bool:
        scheme, _, value = header.partition(" ")
        return scheme.lower() in {"token", "bearer"} and self.state.token_ok(value.strip())

    def record(self, method: str, path: str, status: int, template: str) -> None:
        with self._log_lock:
            self._log.append(LoggedRequest(method, path, status, template))

    @property
    def requests(self) -> list[LoggedRequest]:
        with self._log_lock:
            return list(self._log)

    def clear_log(self) -> None:
        with self._log_lock:
            self._log.clear()

    # --- seeding -----------------------------------------------------------------------------
    def set_token(self, token: str) -> None:
        self.state.set_token(token)

    def create_repo(self, full_name: str, *, default_branch: str = "main") -> None:
        self.state.create_repo(full_name, default_branch=default_branch)

    def add_status(self, full_name: str, sha: str, context: str, state: str,
                   description: str = "") -> None:
        self.state.add_status(full_name, sha, context, state, description)

    def add_check_run(self, full_name: str, sha: str, name: str, *, status: str = "completed",
                      conclusion: str | None = "success") -> None:
        self.state.add_check_run(full_name, sha, name, status=status, conclusion=conclusion)

    def set_ref(self, full_name: str, ref: str, sha: str) -> None:
        self.state.set_ref(full_name, ref, sha)

    def set_immutable_releases(self, full_name: str, enabled: bool = True) -> None:
        """Releases published from now on are immutable (GitHub's repository setting)."""
        with self.state.lock:
            self.state.data["repos"][full_name]["immutable_releases"] = enabled
            self.state.save()

    def release_data(self, full_name: str) -> list[dict[str, Any]]:
        """The raw stored releases (for assertions), newest first."""
        with self.state.lock:
            repo = self.state.data["repos"][full_name]
            return json.loads(json.dumps(self.state.releases(repo)))

    def asset_bytes(self, full_name: str, name: str, *, tag: str = "") -> bytes:
        with self.state.lock:
            repo = self.state.data["repos"][full_name]
            for asset in repo["assets"].values():
                rel = self.state.release(repo, int(asset["release_id"]))
                if asset["name"] == name and (not tag or (rel and rel["tag_name"] == tag)):
                    return self.state.asset_path(int(asset["id"])).read_bytes()
        raise KeyError(name)


def start_sandbox(state_dir: Path, token: str, *, port: int = 0,
                  repository: str = "", validator: Validator | None = None,
                  green_ci_by_default: bool = False, web_root: str = "") -> SandboxServer:
    """Start a loopback GitHub in a background thread (for ``release-console demo`` and tests).

    ``green_ci_by_default=True`` is the demo's switch (see :class:`SandboxServer`)."""
    server = SandboxServer(state_dir, port=port, token=token, validator=validator,
                           green_ci_by_default=green_ci_by_default, web_root=web_root)
    if repository:
        server.create_repo(repository)
    return server.start()
