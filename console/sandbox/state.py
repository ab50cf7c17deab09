"""The sandbox's state: repositories, releases, assets and CI results, kept in a directory.

One JSON file (``state.json``) plus one file per asset under ``assets/``, so a demo survives a
restart of the server. The token is never stored: only its sha256, so a state directory left in a
temp folder cannot leak it. All access goes through one re-entrant lock; the HTTP handlers run in
threads.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

STATE_FILE = "state.json"


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class SandboxState:
    """Everything the loopback GitHub knows, persisted after every change."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        (self.directory / "assets").mkdir(exist_ok=True)
        self.lock = threading.RLock()
        self.data: dict[str, Any] = {"next_id": 1, "token_sha256": "", "repos": {}}
        path = self.directory / STATE_FILE
        if path.exists():
            self.data = json.loads(path.read_text(encoding="utf-8"))

    # --- persistence -------------------------------------------------------------------------
    def save(self) -> None:
        with self.lock:
            text = json.dumps(self.data, indent=1, sort_keys=True)
            tmp = self.directory / f".{STATE_FILE}.tmp"
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, self.directory / STATE_FILE)

    def new_id(self) -> int:
        with self.lock:
            value = int(self.data["next_id"])
            self.data["next_id"] = value + 1
            return value

    def asset_path(self, asset_id: int) -> Path:
        return self.directory / "assets" / str(asset_id)

    # --- token -------------------------------------------------------------------------------
    def set_token(self, token: str) -> None:
        with self.lock:
            self.data["token_sha256"] = token_digest(token)
            self.save()

    def token_ok(self, token: str) -> bool:
        expected = str(self.data.get("token_sha256") or "")
        return bool(expected) and token_digest(token) == expected

    # --- repositories ------------------------------------------------------------------------
    def create_repo(self, full_name: str, *, default_branch: str = "main",
                    private: bool = False) -> dict[str, Any]:
        owner, _, name = full_name.partition("/")
        if not owner or not name:
            raise ValueError(f"repository must be owner/name, not {full_name!r}")
        with self.lock:
            repos = self.data["repos"]
            if full_name in repos:
                return dict(repos[full_name])
            repos[full_name] = {
                "id": self.new_id(), "owner": owner, "name": name,
                "default_branch": default_branch, "private": private,
                "created_at": now_iso(), "releases": [], "assets": {}, "refs": {},
                "tags": {}, "statuses": {}, "check_runs": {}, "latest_release_id": None,
            }
            self.save()
            return dict(repos[full_name])

    def repo(self, owner: str, name: str) -> dict[str, Any] | None:
        repos: dict[str, Any] = self.data["repos"]
        found: dict[str, Any] | None = repos.get(f"{owner}/{name}")
        if found is None:  # GitHub matches owner/name case-insensitively
            for key, value in repos.items():
                if key.lower() == f"{owner}/{name}".lower():
                    matched: dict[str, Any] = value
                    return matched
        return found

    # --- CI seeding --------------------------------------------------------------------------
    def add_status(self, full_name: str, sha: str, context: str, state: str,
                   description: str = "", target_url: str | None = None) -> None:
        with self.lock:
            repo = self.data["repos"][full_name]
            statuses = repo["statuses"].setdefault(sha, [])
            statuses[:] = [s for s in statuses if s["context"] != context]
            statuses.append({"id": self.new_id(), "context": context, "state": state,
                             "description": description or None, "target_url": target_url,
                             "created_at": now_iso(), "updated_at": now_iso()})
            self.save()

    def add_check_run(self, full_name: str, sha: str, name: str, *, status: str = "completed",
                      conclusion: str | None = "success") -> None:
        with self.lock:
            repo = self.data["repos"][full_name]
            runs = repo["check_runs"].setdefault(sha, [])
            runs[:] = [r for r in runs if r["name"] != name]
            runs.append({"id": self.new_id(), "name": name, "status": status,
                         "conclusion": conclusion if status == "completed" else None,
                         "started_at": now_iso(),
                         "completed_at": now_iso() if status == "completed" else None})
            self.save()

    def set_ref(self, full_name: str, ref: str, sha: str) -> None:
        with self.lock:
            self.data["repos"][full_name]["refs"][ref] = sha
            self.save()

    # --- releases ----------------------------------------------------------------------------
    def releases(self, repo: dict[str, Any]) -> list[dict[str, Any]]:
        """Newest first, as GitHub lists them."""
        return sorted(repo["releases"], key=lambda r: (r["created_at"], r["id"]), reverse=True)

    def release(self, repo: dict[str, Any], release_id: int) -> dict[str, Any] | None:
        for rel in repo["releases"]:
            if rel["id"] == release_id:
                release: dict[str, Any] = rel
                return release
        return None

    def latest(self, repo: dict[str, Any]) -> dict[str, Any] | None:
        """The explicitly marked latest release if still eligible, else the newest full one."""
        eligible = [r for r in repo["releases"] if not r["draft"] and not r["prerelease"]]
        marked = repo.get("latest_release_id")
        for rel in eligible:
            if rel["id"] == marked:
                return rel
        if not eligible:
            return None
        return max(eligible, key=lambda r: (r["created_at"], r["id"]))

    def release_assets(self, repo: dict[str, Any], release: dict[str, Any]) -> list[dict[str, Any]]:
        return [repo["assets"][str(a)] for a in release["asset_ids"] if str(a) in repo["assets"]]

    def find_asset(self, repo: dict[str, Any], asset_id: int) -> dict[str, Any] | None:
        asset: dict[str, Any] | None = repo["assets"].get(str(asset_id))
        return asset

    def delete_asset(self, repo: dict[str, Any], asset_id: int) -> None:
        with self.lock:
            asset = repo["assets"].pop(str(asset_id), None)
            if asset is None:
                return
            release = self.release(repo, int(asset["release_id"]))
            if release is not None:
                release["asset_ids"] = [a for a in release["asset_ids"] if a != asset_id]
            path = self.asset_path(asset_id)
            for leftover in (path, path.with_name(f"{path.name}.part")):  # .part: a cut upload
                leftover.unlink(missing_ok=True)
            self.save()
