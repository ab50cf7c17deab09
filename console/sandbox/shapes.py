"""JSON bodies shaped like GitHub's, following the OpenAPI description of each operation.

Every URL is built from the server's own base (``Urls``): PyGithub refuses absolute URLs on another
host or port, and a demo must never point a browser at the real GitHub.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

DOCS = "https://docs.github.com/rest"


@dataclass(frozen=True)
class Urls:
    root: str  # http://127.0.0.1:PORT
    # The web pages' root in ``html_url`` (pages nothing fetches: the console shows them). The
    # server's own unless given: the snapshot tests give a fixed one, so a picture does not
    # change with the free port the server was given.
    web_root: str = ""

    @property
    def web(self) -> str:
        return self.web_root or self.root

    @property
    def api(self) -> str:
        return f"{self.root}/api/v3"

    @property
    def uploads(self) -> str:
        return f"{self.root}/api/uploads"

    def repo(self, full_name: str) -> str:
        return f"{self.api}/repos/{full_name}"


def full_name(repo: dict[str, Any]) -> str:
    """``owner/name`` of a sandbox repository."""
    return f"{repo['owner']}/{repo['name']}"


def node_id(kind: str, ident: int | str) -> str:
    return base64.b64encode(f"{kind}:{ident}".encode()).decode()


def error(message: str, status: int) -> dict[str, Any]:
    return {"message": message, "documentation_url": DOCS, "status": str(status)}


def validation_error(resource: str, field: str, code: str, message: str = "") -> dict[str, Any]:
    entry: dict[str, Any] = {"resource": resource, "code": code, "field": field}
    if message:
        entry["message"] = message
    return {"message": "Validation Failed", "documentation_url": DOCS, "errors": [entry],
            "status": "422"}


def user(urls: Urls, login: str, ident: int = 1) -> dict[str, Any]:
    base = f"{urls.api}/users/{login}"
    return {
        "login": login, "id": ident, "node_id": node_id("User", ident),
        "avatar_url": f"{urls.root}/avatars/{login}", "gravatar_id": "",
        "url": base, "html_url": f"{urls.web}/{login}",
        "followers_url": f"{base}/followers", "following_url": f"{base}/following{{/other_user}}",
        "gists_url": f"{base}/gists{{/gist_id}}", "starred_url": f"{base}/starred{{/owner}}{{/repo}}",
        "subscriptions_url": f"{base}/subscriptions", "organizations_url": f"{base}/orgs",
        "repos_url": f"{base}/repos", "events_url": f"{base}/events{{/privacy}}",
        "received_events_url": f"{base}/received_events", "type": "User", "site_admin": False,
    }


_TEMPLATED = {
    "archive_url": "/{archive_format}{/ref}", "assignees_url": "/assignees{/user}",
    "blobs_url": "/git/blobs{/sha}", "branches_url": "/branches{/branch}",
    "collaborators_url": "/collaborators{/collaborator}", "comments_url": "/comments{/number}",
    "commits_url": "/commits{/sha}", "compare_url": "/compare/{base}...{head}",
    "contents_url": "/contents/{+path}", "git_commits_url": "/git/commits{/sha}",
    "git_refs_url": "/git/refs{/sha}", "git_tags_url": "/git/tags{/sha}",
    "issue_comment_url": "/issues/comments{/number}", "issue_events_url": "/issues/events{/number}",
    "issues_url": "/issues{/number}", "keys_url": "/keys{/key_id}", "labels_url": "/labels{/name}",
    "milestones_url": "/milestones{/number}",
    "notifications_url": "/notifications{?since,all,participating}", "pulls_url": "/pulls{/number}",
    "releases_url": "/releases{/id}", "statuses_url": "/statuses/{sha}", "trees_url": "/git/trees{/sha}",
}
_PLAIN = ("contributors", "deployments", "downloads", "events", "forks", "hooks", "languages",
          "merges", "stargazers", "subscribers", "subscription", "tags", "teams")


def minimal_repository(urls: Urls, repo: dict[str, Any]) -> dict[str, Any]:
    full = full_name(repo)
    base = urls.repo(full)
    data: dict[str, Any] = {
        "id": repo["id"], "node_id": node_id("Repository", repo["id"]), "name": repo["name"],
        "full_name": full, "owner": user(urls, repo["owner"]), "private": repo["private"],
        "html_url": f"{urls.web}/{full}", "description": None, "fork": False, "url": base,
    }
    for key, suffix in _TEMPLATED.items():
        data[key] = base + suffix
    for name in _PLAIN:
        data[f"{name}_url"] = f"{base}/{name}"
    return data


def full_repository(urls: Urls, repo: dict[str, Any]) -> dict[str, Any]:
    full = full_name(repo)
    data = minimal_repository(urls, repo)
    data.update({
        "clone_url": f"{urls.root}/{full}.git", "git_url": f"git://127.0.0.1/{full}.git",
        "ssh_url": f"git@127.0.0.1:{full}.git", "svn_url": f"{urls.root}/{full}",
        "mirror_url": None, "homepage": None, "language": None, "forks": 0, "forks_count": 0,
        "stargazers_count": 0, "watchers_count": 0, "watchers": 0, "size": 0,
        "default_branch": repo["default_branch"], "open_issues": 0, "open_issues_count": 0,
        "has_issues": True, "has_projects": False, "has_wiki": False, "has_pages": False,
        "has_discussions": False, "archived": False, "disabled": False, "license": None,
        "pushed_at": repo["created_at"], "created_at": repo["created_at"],
        "updated_at": repo["created_at"], "network_count": 0, "subscribers_count": 0,
        "visibility": "private" if repo["private"] else "public",
    })
    return data


def asset(urls: Urls, repo: dict[str, Any], item: dict[str, Any], *,
          show_digest: bool = True) -> dict[str, Any]:
    full = full_name(repo)
    release = next((r for r in repo["releases"] if r["id"] == item["release_id"]), None)
    tag = release["tag_name"] if release else "untagged"
    return {
        "url": f"{urls.repo(full)}/releases/assets/{item['id']}",
        "browser_download_url": f"{urls.root}/{full}/releases/download/{tag}/{item['name']}",
        "id": item["id"], "node_id": node_id("ReleaseAsset", item["id"]), "name": item["name"],
        "label": item.get("label") or None, "state": item["state"],
        "content_type": item["content_type"], "size": item["size"],
        "digest": item.get("digest") if show_digest else None,
        "download_count": item.get("download_count", 0),
        "created_at": item["created_at"], "updated_at": item["updated_at"],
        "uploader": user(urls, item.get("uploader", "captain")),
    }


def release(urls: Urls, repo: dict[str, Any], rel: dict[str, Any], assets: list[dict[str, Any]],
            *, show_digest: bool = True) -> dict[str, Any]:
    full = full_name(repo)
    base = f"{urls.repo(full)}/releases/{rel['id']}"
    tag = rel["tag_name"]
    html_tag = f"untagged-{rel['id']}" if rel["draft"] else tag
    return {
        "url": base, "html_url": f"{urls.web}/{full}/releases/tag/{html_tag}",
        "assets_url": f"{base}/assets",
        "upload_url": f"{urls.uploads}/repos/{full}/releases/{rel['id']}/assets{{?name,label}}",
        "tarball_url": None if rel["draft"] else f"{urls.repo(full)}/tarball/{tag}",
        "zipball_url": None if rel["draft"] else f"{urls.repo(full)}/zipball/{tag}",
        "id": rel["id"], "node_id": node_id("Release", rel["id"]), "tag_name": tag,
        "target_commitish": rel["target_commitish"], "name": rel["name"], "body": rel["body"],
        "draft": rel["draft"], "prerelease": rel["prerelease"],
        "immutable": bool(rel.get("immutable", False)),
        "created_at": rel["created_at"], "published_at": rel["published_at"],
        "updated_at": rel.get("updated_at"), "author": user(urls, rel.get("author", "captain")),
        "assets": [asset(urls, repo, a, show_digest=show_digest) for a in assets],
    }


def commit_status(urls: Urls, repo: dict[str, Any], sha: str,
                  item: dict[str, Any]) -> dict[str, Any]:
    full = full_name(repo)
    return {
        "id": item["id"], "node_id": node_id("StatusContext", item["id"]),
        "url": f"{urls.repo(full)}/statuses/{sha}", "avatar_url": None,
        "state": item["state"], "description": item.get("description"),
        "target_url": item.get("target_url"), "context": item["context"],
        "created_at": item["created_at"], "updated_at": item["updated_at"],
    }


def combined_state(statuses: list[dict[str, Any]]) -> str:
    """GitHub's rule: failure/error wins, then pending (also for no statuses), then success."""
    states = {s["state"] for s in statuses}
    if states & {"failure", "error"}:
        return "failure"
    if not statuses or "pending" in states:
        return "pending"
    return "success"


def check_run(urls: Urls, repo: dict[str, Any], sha: str, item: dict[str, Any]) -> dict[str, Any]:
    full = full_name(repo)
    return {
        "id": item["id"], "node_id": node_id("CheckRun", item["id"]), "head_sha": sha,
        "name": item["name"], "url": f"{urls.repo(full)}/check-runs/{item['id']}",
        "html_url": f"{urls.web}/{full}/runs/{item['id']}", "details_url": None,
        "status": item["status"], "conclusion": item["conclusion"],
        "started_at": item["started_at"], "completed_at": item["completed_at"],
        "external_id": None, "check_suite": {"id": item["id"]},
        "output": {"title": None, "summary": None, "text": None, "annotations_count": 0,
                   "annotations_url": f"{urls.repo(full)}/check-runs/{item['id']}/annotations"},
        "app": None, "pull_requests": [],
    }


def git_ref(urls: Urls, repo: dict[str, Any], ref: str, sha: str,
            kind: str = "commit") -> dict[str, Any]:
    full = full_name(repo)
    return {
        "ref": ref, "node_id": node_id("Ref", ref), "url": f"{urls.repo(full)}/git/{ref}",
        "object": {"type": kind, "sha": sha,
                   "url": f"{urls.repo(full)}/git/{kind}s/{sha}"},
    }


def git_tag(urls: Urls, repo: dict[str, Any], item: dict[str, Any]) -> dict[str, Any]:
    full = full_name(repo)
    return {
        "sha": item["sha"], "node_id": node_id("Tag", item["sha"]), "tag": item["tag"],
        "url": f"{urls.repo(full)}/git/tags/{item['sha']}", "message": item["message"],
        "tagger": item["tagger"],
        "object": {"sha": item["object"], "type": item.get("type", "commit"),
                   "url": f"{urls.repo(full)}/git/commits/{item['object']}"},
        "verification": {"verified": False, "reason": "unsigned", "payload": None,
                         "signature": None, "verified_at": None},
    }


def commit(urls: Urls, repo: dict[str, Any], sha: str) -> dict[str, Any]:
    full = full_name(repo)
    base = f"{urls.repo(full)}/commits/{sha}"
    person = {"name": "Casey Captain", "email": "casey@example.org", "date": repo["created_at"]}
    return {
        "url": base, "sha": sha, "node_id": node_id("Commit", sha),
        "html_url": f"{urls.web}/{full}/commit/{sha}", "comments_url": f"{base}/comments",
        "commit": {"url": f"{urls.repo(full)}/git/commits/{sha}", "author": person,
                   "committer": person, "message": "", "comment_count": 0,
                   "tree": {"sha": "0" * 40, "url": f"{urls.repo(full)}/git/trees/{'0' * 40}"}},
        "author": None, "committer": None, "parents": [],
    }
