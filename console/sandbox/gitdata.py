"""Git refs and tags, commits, commit statuses and check-runs of the loopback GitHub.

The sandbox holds no git objects: refs point at whatever sha a test or the console gave, and a
commit is "known" when a ref, a status or a check-run mentions it (or it looks like a full sha).
That is enough for the CI gate and for seeing which tag a release points at.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from console.sandbox import routing, shapes
from console.sandbox.routing import Api, Request, Response
from console.sandbox.state import now_iso

R = "/repos/{owner}/{repo}"
SHA = re.compile(r"^[0-9a-f]{40}$")
_REPO = r"/repos/(?P<owner>[^/]+)/(?P<repo>[^/]+)"


def resolve(repo: dict[str, Any], ref: str) -> str | None:
    """A sha for ``ref``: a full sha, a branch, a tag, or refs/...; None if unknown."""
    if SHA.match(ref):
        return ref
    refs: dict[str, str] = repo["refs"]
    for candidate in (ref, f"refs/heads/{ref}", f"refs/tags/{ref}"):
        if candidate in refs:
            sha = refs[candidate]
            tag = repo["tags"].get(sha)
            return str(tag["object"]) if tag else sha
    return None


@routing.in_repo
def get_ref(api: Api, req: Request, repo: dict[str, Any]) -> Response:
    ref = f"refs/{req.params['ref']}"
    sha = repo["refs"].get(ref)
    if sha is None:
        return routing.not_found()
    kind = "tag" if sha in repo["tags"] else "commit"
    return Response(200, shapes.git_ref(api.urls, repo, ref, sha, kind))


@routing.in_repo
def matching_refs(api: Api, req: Request, repo: dict[str, Any]) -> Response:
    prefix = f"refs/{req.params['ref']}"
    items = [shapes.git_ref(api.urls, repo, ref, sha, "tag" if sha in repo["tags"] else "commit")
             for ref, sha in sorted(repo["refs"].items()) if ref.startswith(prefix)]
    return Response(200, items)


@routing.in_repo
def create_ref(api: Api, req: Request, repo: dict[str, Any]) -> Response:
    data = req.json()
    ref, sha = data.get("ref"), data.get("sha")
    if not isinstance(ref, str) or not ref.startswith("refs/") or ref.count("/") < 2:
        return Response(422, shapes.validation_error("Reference", "ref", "invalid",
                                                     "ref must start with refs/ and have two slashes"))
    if not isinstance(sha, str) or not SHA.match(sha):
        return Response(422, shapes.validation_error("Reference", "sha", "invalid"))
    with api.state.lock:
        if ref in repo["refs"]:
            return Response(422, shapes.validation_error("Reference", "ref", "already_exists",
                                                         "Reference already exists"))
        repo["refs"][ref] = sha
        api.state.save()
    kind = "tag" if sha in repo["tags"] else "commit"
    return Response(201, shapes.git_ref(api.urls, repo, ref, sha, kind))


@routing.in_repo
def update_ref(api: Api, req: Request, repo: dict[str, Any]) -> Response:
    ref = f"refs/{req.params['ref']}"
    data = req.json()
    sha = data.get("sha")
    if ref not in repo["refs"]:
        return Response(422, shapes.validation_error("Reference", "ref", "invalid",
                                                     "Reference does not exist"))
    if not isinstance(sha, str) or not SHA.match(sha):
        return Response(422, shapes.validation_error("Reference", "sha", "invalid"))
    with api.state.lock:
        repo["refs"][ref] = sha
        api.state.save()
    return Response(200, shapes.git_ref(api.urls, repo, ref, sha))


@routing.in_repo
def delete_ref(api: Api, req: Request, repo: dict[str, Any]) -> Response:
    ref = f"refs/{req.params['ref']}"
    with api.state.lock:
        if repo["refs"].pop(ref, None) is None:
            return Response(422, shapes.validation_error("Reference", "ref", "invalid",
                                                         "Reference does not exist"))
        api.state.save()
    return Response(204)


@routing.in_repo
def create_tag(api: Api, req: Request, repo: dict[str, Any]) -> Response:
    data = req.json()
    tag, message, obj = data.get("tag"), data.get("message", ""), data.get("object")
    if not isinstance(tag, str) or not isinstance(obj, str) or not SHA.match(obj):
        return Response(422, shapes.validation_error("Tag", "object", "invalid"))
    tagger = data.get("tagger") or {"name": "Casey Captain", "email": "casey@example.org"}
    tagger = {**tagger, "date": tagger.get("date") or now_iso()}
    sha = hashlib.sha1(f"{tag}\0{obj}\0{message}".encode()).hexdigest()
    item = {"sha": sha, "tag": tag, "message": str(message), "object": obj,
            "type": data.get("type", "commit"), "tagger": tagger}
    with api.state.lock:
        repo["tags"][sha] = item
        api.state.save()
    return Response(201, shapes.git_tag(api.urls, repo, item))


@routing.in_repo
def get_tag(api: Api, req: Request, repo: dict[str, Any]) -> Response:
    item = repo["tags"].get(req.params["tag_sha"])
    return Response(200, shapes.git_tag(api.urls, repo, item)) if item else routing.not_found()


def _commit_sha(api: Api, req: Request) -> tuple[dict[str, Any], str] | Response:
    repo = routing.repo_or_404(api, req)
    if isinstance(repo, Response):
        return repo
    sha = resolve(repo, req.params["ref"])
    if sha is None:
        return Response(404, shapes.error(f"No commit found for SHA: {req.params['ref']}", 404))
    return repo, sha


@routing.given(_commit_sha)
def get_commit(api: Api, req: Request, found: tuple[dict[str, Any], str]) -> Response:
    return Response(200, shapes.commit(api.urls, *found))


DEMO_STATUS = {"id": 0, "context": "sandbox/demo-ci", "state": "success",
               "description": "demo sandbox: green for every commit without CI results",
               "target_url": None, "created_at": "2026-01-01T00:00:00Z",
               "updated_at": "2026-01-01T00:00:00Z"}


def statuses_of(api: Api, repo: dict[str, Any], sha: str) -> list[dict[str, Any]]:
    """The statuses of ``sha``; with ``green_ci_by_default`` (the demo) a commit nothing
    reported on gets one green status, so a demo release walks through without a CI system."""
    statuses: list[dict[str, Any]] = repo["statuses"].get(sha, [])
    if not statuses and api.green_ci_by_default and not repo["check_runs"].get(sha):
        return [DEMO_STATUS]
    return statuses


@routing.given(_commit_sha)
def combined_status(api: Api, req: Request, found: tuple[dict[str, Any], str]) -> Response:
    repo, sha = found
    statuses = statuses_of(api, repo, sha)
    full = shapes.full_name(repo)
    return Response(200, {
        "state": shapes.combined_state(statuses), "sha": sha, "total_count": len(statuses),
        "statuses": [shapes.commit_status(api.urls, repo, sha, s) for s in statuses],
        "repository": shapes.minimal_repository(api.urls, repo),
        "commit_url": f"{api.urls.repo(full)}/commits/{sha}",
        "url": f"{api.urls.repo(full)}/commits/{sha}/status",
    })


@routing.given(_commit_sha)
def list_statuses(api: Api, req: Request, found: tuple[dict[str, Any], str]) -> Response:
    repo, sha = found
    items = [shapes.commit_status(api.urls, repo, sha, s) for s in statuses_of(api, repo, sha)]
    return routing.listed(api, req, items, repo, f"commits/{sha}/statuses")


@routing.given(_commit_sha)
def check_runs(api: Api, req: Request, found: tuple[dict[str, Any], str]) -> Response:
    repo, sha = found
    runs = [shapes.check_run(api.urls, repo, sha, r) for r in repo["check_runs"].get(sha, [])]
    page, headers = routing.paginate(api, req, runs,
                             base_path=f"/repos/{shapes.full_name(repo)}/commits/{sha}/check-runs")
    return Response(200, {"total_count": len(runs), "check_runs": page}, headers)


ROUTES: list[routing.Route] = [
    routing.route("GET", f"{R}/git/ref/{{ref}}", get_ref, regex=_REPO + r"/git/ref/(?P<ref>.+)"),
    routing.route("GET", f"{R}/git/matching-refs/{{ref}}", matching_refs,
          regex=_REPO + r"/git/matching-refs/(?P<ref>.+)"),
    routing.route("POST", f"{R}/git/refs", create_ref),
    routing.route("PATCH", f"{R}/git/refs/{{ref}}", update_ref, regex=_REPO + r"/git/refs/(?P<ref>.+)"),
    routing.route("DELETE", f"{R}/git/refs/{{ref}}", delete_ref, regex=_REPO + r"/git/refs/(?P<ref>.+)"),
    routing.route("POST", f"{R}/git/tags", create_tag),
    routing.route("GET", f"{R}/git/tags/{{tag_sha}}", get_tag),
    routing.route("GET", f"{R}/commits/{{ref}}/status", combined_status),
    routing.route("GET", f"{R}/commits/{{ref}}/statuses", list_statuses),
    routing.route("GET", f"{R}/commits/{{ref}}/check-runs", check_runs),
    routing.route("GET", f"{R}/commits/{{ref}}", get_commit),
]
