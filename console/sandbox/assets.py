"""Release asset operations: list, upload (streamed), get, rename, delete, download.

An upload first creates the asset in state ``open`` and only marks it ``uploaded`` (with size and
``digest``) once every byte arrived, exactly so that a connection dying half-way leaves the kind of
partial asset the console must detect and replace. Bodies are streamed to disk in 1 MiB pieces and
hashed on the way, so a 1 GiB upload costs the server no more memory than a small one.
"""

from __future__ import annotations

import hashlib
import os
from typing import Any

from console.sandbox import routing, shapes
from console.sandbox.faults import Rule
from console.sandbox.routing import Api, Pair, Request, Response
from console.sandbox.state import now_iso

R = "/repos/{owner}/{repo}"
CHUNK = 1 << 20


def _asset_body(api: Api, repo: dict[str, Any], item: dict[str, Any]) -> dict[str, Any]:
    return shapes.asset(api.urls, repo, item, show_digest=not api.faults.hide_digests)


@routing.in_release
def list_assets(api: Api, req: Request, found: Pair) -> Response:
    repo, rel = found
    items = [_asset_body(api, repo, a) for a in api.state.release_assets(repo, rel)]
    return routing.listed(api, req, items, repo, f"releases/{rel['id']}/assets")


def _drain(req: Request) -> None:
    remaining = req.length
    while remaining > 0:
        piece = req.stream.read(min(CHUNK, remaining))
        if not piece:
            break
        remaining -= len(piece)
    req.body_read = True


def upload_asset(api: Api, req: Request) -> Response:
    found = routing.release_or_404(api, req)
    if isinstance(found, Response):
        _drain(req)
        return found
    repo, rel = found
    name = req.query.get("name", "")
    if not name:
        _drain(req)
        return Response(422, shapes.validation_error("ReleaseAsset", "name", "missing_field"))
    if rel.get("immutable"):
        _drain(req)
        return Response(422, shapes.validation_error(
            "ReleaseAsset", "release", "custom", "Cannot upload assets to an immutable release"))
    with api.state.lock:
        if any(a["name"] == name for a in api.state.release_assets(repo, rel)):
            duplicate = True
        else:
            duplicate = False
            asset_id = api.state.new_id()
            item: dict[str, Any] = {
                "id": asset_id, "release_id": rel["id"], "name": name,
                "label": req.query.get("label", ""),
                "content_type": req.headers.get("content-type", "application/octet-stream"),
                "size": 0, "digest": None, "state": "open", "download_count": 0,
                "created_at": now_iso(), "updated_at": now_iso(), "uploader": "captain",
            }
            repo["assets"][str(asset_id)] = item
            rel["asset_ids"].append(asset_id)
            api.state.save()
    if duplicate:
        _drain(req)
        return Response(422, shapes.validation_error("ReleaseAsset", "name", "already_exists"))
    return _receive(api, req, repo, item)


def _receive(api: Api, req: Request, repo: dict[str, Any], item: dict[str, Any]) -> Response:
    cut = next((r for r in req.faults if r.kind == "drop_mid_upload"), None)
    after: Rule | None = next((r for r in req.faults if r.kind == "status_after_upload"), None)
    limit = cut.after_bytes if cut else None
    target = api.state.asset_path(item["id"])
    partial = target.with_name(f"{target.name}.part")
    digest = hashlib.sha256()
    received = 0
    total = req.length
    req.body_read = True
    with open(partial, "wb") as out:
        while received < total:
            want = min(CHUNK, total - received)
            if limit is not None:
                want = min(want, max(0, limit - received))
                if want == 0:
                    break
            piece = req.stream.read(want)
            if not piece:
                break
            out.write(piece)
            digest.update(piece)
            received += len(piece)
    with api.state.lock:
        item["size"] = received
        item["updated_at"] = now_iso()
        if received < total:  # cut by a fault, or the client went away: leave it "open"
            api.state.save()
            return Response(0, drop=True)
        os.replace(partial, target)
        item["state"] = "uploaded"
        item["digest"] = f"sha256:{digest.hexdigest()}"
        api.state.save()
    if after is not None:
        return Response(after.status, shapes.error("Server Error", after.status))
    return Response(201, _asset_body(api, repo, item))


@routing.in_asset
def get_asset(api: Api, req: Request, found: Pair) -> Response:
    repo, item = found
    if "application/octet-stream" in req.headers.get("accept", ""):
        location = f"{api.urls.root}/api/downloads/{shapes.full_name(repo)}/{item['id']}"
        return Response(302, None, {"Location": location})
    return Response(200, _asset_body(api, repo, item))


@routing.in_asset
def update_asset(api: Api, req: Request, found: Pair) -> Response:
    repo, item = found
    data = req.json()
    with api.state.lock:
        for key in ("name", "label"):
            if isinstance(data, dict) and isinstance(data.get(key), str):
                item[key] = data[key]
        item["updated_at"] = now_iso()
        api.state.save()
    return Response(200, _asset_body(api, repo, item))


@routing.in_asset
def delete_asset(api: Api, req: Request, found: Pair) -> Response:
    repo, item = found
    rel = api.state.release(repo, int(item["release_id"]))
    if rel is not None and rel.get("immutable"):
        return Response(422, shapes.validation_error(
            "ReleaseAsset", "id", "custom", "Cannot delete assets of an immutable release"))
    api.state.delete_asset(repo, int(item["id"]))
    return Response(204)


def _download(api: Api, repo: dict[str, Any], item: dict[str, Any] | None) -> Response:
    if item is None or item["state"] != "uploaded":
        return routing.not_found()
    with api.state.lock:
        item["download_count"] = int(item.get("download_count", 0)) + 1
    return Response(200, None, file=api.state.asset_path(item["id"]),
                    content_type=item["content_type"])


@routing.in_asset
def download_by_id(api: Api, req: Request, found: Pair) -> Response:
    return _download(api, *found)


@routing.in_repo
def download_by_name(api: Api, req: Request, repo: dict[str, Any]) -> Response:
    """The ``browser_download_url``: published releases only, like an anonymous browser."""
    for rel in repo["releases"]:
        if rel["tag_name"] == req.params["tag"] and not rel["draft"]:
            for item in api.state.release_assets(repo, rel):
                if item["name"] == req.params["name"]:
                    return _download(api, repo, item)
    return routing.not_found()


ROUTES: list[routing.Route] = [
    routing.route("GET", f"{R}/releases/{{release_id}}/assets", list_assets),
    routing.route("GET", f"{R}/releases/assets/{{asset_id}}", get_asset),
    routing.route("PATCH", f"{R}/releases/assets/{{asset_id}}", update_asset),
    routing.route("DELETE", f"{R}/releases/assets/{{asset_id}}", delete_asset),
]
UPLOAD_ROUTES: list[routing.Route] = [
    routing.route("POST", f"{R}/releases/{{release_id}}/assets", upload_asset),
]
DOWNLOAD_ROUTES: list[routing.Route] = [
    routing.route("GET", "/api/downloads/{owner}/{repo}/{asset_id}", download_by_id),
    routing.route("GET", "/{owner}/{repo}/releases/download/{tag}/{name}", download_by_name),
]
