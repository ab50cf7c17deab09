"""Repository and release operations of the loopback GitHub.

Behaviour follows GitHub where the console depends on it: drafts are invisible to the by-tag
lookup, several drafts may share a tag (so the console, not the server, must avoid duplicates), a
published tag cannot get a second release, ``make_latest`` decides which release is latest, and an
immutable release refuses flag changes while its notes stay editable.
"""

from __future__ import annotations

from typing import Any

from console.sandbox import routing, shapes
from console.sandbox.routing import Api, Pair, Request, Response
from console.sandbox.state import now_iso

R = "/repos/{owner}/{repo}"


def render(api: Api, repo: dict[str, Any], rel: dict[str, Any]) -> dict[str, Any]:
    return shapes.release(api.urls, repo, rel, api.state.release_assets(repo, rel),
                          show_digest=not api.faults.hide_digests)


@routing.in_repo
def get_repo(api: Api, req: Request, repo: dict[str, Any]) -> Response:
    return Response(200, shapes.full_repository(api.urls, repo))


@routing.in_repo
def list_releases(api: Api, req: Request, repo: dict[str, Any]) -> Response:
    return routing.listed(api, req, [render(api, repo, r) for r in api.state.releases(repo)], repo,
                  "releases")


# GitHub's limit on a release body, in characters (a rehearsal meets it as a release would).
BODY_LIMIT = 125_000


def _bad_body(data: Any) -> Response | None:
    if not isinstance(data, dict):
        return Response(400, shapes.error("Problems parsing JSON", 400))
    for key in ("draft", "prerelease"):
        if key in data and not isinstance(data[key], bool):
            return Response(422, shapes.validation_error("Release", key, "invalid"))
    if "make_latest" in data and data["make_latest"] not in ("true", "false", "legacy"):
        return Response(422, shapes.validation_error("Release", "make_latest", "invalid"))
    if isinstance(data.get("body"), str) and len(data["body"]) > BODY_LIMIT:  # as GitHub answers
        return Response(422, shapes.validation_error(
            "Release", "body", "custom", f"body is too long (maximum is {BODY_LIMIT} characters)"))
    return None


def _published_with_tag(repo: dict[str, Any], tag: str, *, other_than: int = 0) -> bool:
    return any(r["tag_name"] == tag and not r["draft"] and r["id"] != other_than
               for r in repo["releases"])


def _apply_latest(api: Api, repo: dict[str, Any], rel: dict[str, Any], make_latest: str) -> None:
    if rel["draft"]:
        return
    if make_latest == "true" and not rel["prerelease"]:
        repo["latest_release_id"] = rel["id"]
    elif make_latest in ("false", "legacy") and repo.get("latest_release_id") == rel["id"]:
        repo["latest_release_id"] = None


def _publish(repo: dict[str, Any], rel: dict[str, Any]) -> None:
    rel["published_at"] = now_iso()
    rel["immutable"] = bool(repo.get("immutable_releases", False))
    ref = f"refs/tags/{rel['tag_name']}"
    if ref not in repo["refs"] and len(rel["target_commitish"]) == 40:
        repo["refs"][ref] = rel["target_commitish"]  # GitHub creates a missing tag on publish


@routing.in_repo
def create_release(api: Api, req: Request, repo: dict[str, Any]) -> Response:
    data = req.json()
    bad = _bad_body(data)
    if bad:
        return bad
    tag = data.get("tag_name")
    if not isinstance(tag, str) or not tag:
        return Response(422, shapes.validation_error("Release", "tag_name", "missing_field"))
    draft = bool(data.get("draft", False))
    with api.state.lock:
        if not draft and _published_with_tag(repo, tag):
            return Response(422, shapes.validation_error("Release", "tag_name", "already_exists"))
        rel = {
            "id": api.state.new_id(), "tag_name": tag,
            "target_commitish": data.get("target_commitish") or repo["default_branch"],
            "name": data.get("name") or None, "body": data.get("body") or None,
            "draft": draft, "prerelease": bool(data.get("prerelease", False)),
            "immutable": False, "created_at": now_iso(), "published_at": None,
            "updated_at": now_iso(), "author": "captain", "asset_ids": [],
        }
        repo["releases"].append(rel)
        if not draft:
            _publish(repo, rel)
            _apply_latest(api, repo, rel, str(data.get("make_latest", "true")))
        api.state.save()
        body = render(api, repo, rel)
    return Response(201, body, {"Location": body["url"]})


@routing.in_release
def get_release(api: Api, req: Request, found: Pair) -> Response:
    return Response(200, render(api, *found))


@routing.in_release
def update_release(api: Api, req: Request, found: Pair) -> Response:
    repo, rel = found
    data = req.json()
    bad = _bad_body(data)
    if bad:
        return bad
    with api.state.lock:
        if rel.get("immutable"):
            for key in ("draft", "prerelease", "tag_name", "target_commitish"):
                if key in data and data[key] != rel[key]:
                    return Response(422, shapes.validation_error(
                        "Release", key, "custom",
                        f"Cannot change {key} of an immutable release"))
        tag = data.get("tag_name", rel["tag_name"])
        publishing = rel["draft"] and data.get("draft") is False
        if (publishing or not rel["draft"]) and _published_with_tag(repo, tag, other_than=rel["id"]):
            return Response(422, shapes.validation_error("Release", "tag_name", "already_exists"))
        for key in ("tag_name", "target_commitish", "name", "body", "draft", "prerelease"):
            if key in data:
                rel[key] = data[key]
        rel["updated_at"] = now_iso()
        if publishing:
            _publish(repo, rel)
        if "make_latest" in data:
            _apply_latest(api, repo, rel, data["make_latest"])
        elif publishing:
            _apply_latest(api, repo, rel, "true")
        api.state.save()
        return Response(200, render(api, repo, rel))


@routing.in_release
def delete_release(api: Api, req: Request, found: Pair) -> Response:
    repo, rel = found
    with api.state.lock:
        for asset_id in list(rel["asset_ids"]):
            api.state.delete_asset(repo, asset_id)
        repo["releases"] = [r for r in repo["releases"] if r["id"] != rel["id"]]
        if repo.get("latest_release_id") == rel["id"]:
            repo["latest_release_id"] = None
        api.state.save()
    return Response(204)


@routing.in_repo
def release_by_tag(api: Api, req: Request, repo: dict[str, Any]) -> Response:
    for rel in api.state.releases(repo):
        if rel["tag_name"] == req.params["tag"] and not rel["draft"]:
            return Response(200, render(api, repo, rel))
    return routing.not_found()


@routing.in_repo
def latest_release(api: Api, req: Request, repo: dict[str, Any]) -> Response:
    rel = api.state.latest(repo)
    return Response(200, render(api, repo, rel)) if rel else routing.not_found()


@routing.in_repo
def generate_notes(api: Api, req: Request, repo: dict[str, Any]) -> Response:
    data = req.json()
    tag = str(data.get("tag_name", "")) if isinstance(data, dict) else ""
    if not tag:
        return Response(422, shapes.validation_error("Release", "tag_name", "missing_field"))
    return Response(200, {"name": tag, "body": f"**Full Changelog**: {tag}"})


ROUTES: list[routing.Route] = [
    routing.route("GET", R, get_repo),
    routing.route("GET", f"{R}/releases", list_releases),
    routing.route("POST", f"{R}/releases", create_release),
    routing.route("POST", f"{R}/releases/generate-notes", generate_notes),
    routing.route("GET", f"{R}/releases/latest", latest_release),
    routing.route("GET", f"{R}/releases/tags/{{tag}}", release_by_tag),
    routing.route("GET", f"{R}/releases/{{release_id}}", get_release),
    routing.route("PATCH", f"{R}/releases/{{release_id}}", update_release),
    routing.route("DELETE", f"{R}/releases/{{release_id}}", delete_release),
]
