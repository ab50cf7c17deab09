"""Checks each answer of the sandbox against GitHub's OpenAPI description of its operation.

``openapi-releases.json`` is the release subset of GitHub's official description (``@octokit/openapi``,
MIT licence). OpenAPI 3.0 schemas are JSON Schema draft 4 plus ``nullable``; we turn ``nullable`` into
draft-4 terms once and resolve ``$ref``s inside the same document. jsonschema is a test dependency,
imported only when validation is switched on.
"""

from __future__ import annotations

import json
import threading
from functools import cache
from pathlib import Path
from typing import Any

SPEC = Path(__file__).with_name("openapi-releases.json")


def _convert(node: Any) -> Any:
    """OpenAPI 3.0 ``nullable: true`` -> draft-4 ``type: [t, "null"]`` / ``anyOf``."""
    if isinstance(node, list):
        return [_convert(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {k: _convert(v) for k, v in node.items() if k not in {"nullable", "example", "examples"}}
    if node.get("nullable") is True:
        if isinstance(out.get("type"), str):
            out["type"] = [out["type"], "null"]
            if "enum" in out:
                out["enum"] = [*out["enum"], None]
        else:
            return {"anyOf": [out, {"type": "null"}]}
    return out


@cache
def _document() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SPEC.read_text(encoding="utf-8"))
    return data


@cache
def _components() -> dict[str, Any]:
    converted: dict[str, Any] = _convert(_document()["components"])
    return converted


def _deref(node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node and node["$ref"].startswith("#/"):
        target: Any = _document()
        for part in node["$ref"][2:].split("/"):
            target = target[part]
        node = target
    return node


def response_schema(method: str, template: str, status: int) -> dict[str, Any] | None:
    """The JSON schema of ``status`` for the operation, or None if it declares no JSON body."""
    operation = _document()["paths"].get(template, {}).get(method.lower())
    if operation is None:
        return None
    responses = operation.get("responses", {})
    declared = _deref(responses.get(str(status)))
    if declared is None:
        if status >= 400:  # GitHub answers every error with a basic-error body
            return {"$ref": "#/components/schemas/basic-error"}
        return None
    schema = declared.get("content", {}).get("application/json", {}).get("schema")
    if schema is None and status >= 400:  # declared without a body; GitHub still sends one
        name = "validation-error" if status == 422 else "basic-error"
        return {"$ref": f"#/components/schemas/{name}"}
    return schema if isinstance(schema, dict) else None


def declared_statuses(method: str, template: str) -> set[int]:
    operation = _document()["paths"].get(template, {}).get(method.lower(), {})
    return {int(code) for code in operation.get("responses", {}) if code.isdigit()}


class OpenAPIValidator:
    """Collects schema violations; the tests assert none were collected."""

    def __init__(self) -> None:
        import jsonschema

        self._jsonschema = jsonschema
        self.errors: list[str] = []
        self.checked = 0
        self._lock = threading.Lock()

    def check(self, method: str, template: str, status: int, body: Any) -> None:
        if template not in _document()["paths"]:
            self._add(f"{method} {template}: not an operation of the OpenAPI description")
            return
        codes = declared_statuses(method, template)
        if status < 400 and status not in codes:
            self._add(f"{method} {template}: status {status} is not declared (declared: "
                      f"{sorted(codes)})")
            return
        schema = response_schema(method, template, status)
        if schema is None:
            if body is not None and status not in (302,):
                self._add(f"{method} {template} {status}: a body was sent where none is declared")
            return
        root = {"allOf": [_convert(schema)], "components": _components()}
        validator = self._jsonschema.Draft4Validator(root)
        problems = sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))
        with self._lock:
            self.checked += 1
        for problem in problems[:3]:
            where = "/".join(str(p) for p in problem.absolute_path)
            self._add(f"{method} {template} {status}: at '{where}': {problem.message[:200]}")

    def _add(self, text: str) -> None:
        with self._lock:
            self.errors.append(text)
