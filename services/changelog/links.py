"""Footer link URLs: compare and tag links of GitHub, GitLab, Gitea/Forgejo and Bitbucket.

A new footer link is never built from scratch when the file already has one: the nearest existing
link is taken apart (host, path, separator, anchor) and put back together with the new refs, so
``compare/v1.3.0...HEAD`` becomes ``compare/v1.3.0...v1.4.0`` exactly as a person would edit it.
The tag format (``v1.4.0``, ``1.4.0``, ``pai-v1.4.0``) is read from the refs the file already uses.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace

from services.changelog.model import Changelog, version_key

_BITBUCKET = re.compile(
    r"^(?P<prefix>.*/branches/compare/)(?P<b>[^%\s]+?)(?P<sep>%0[dD])(?P<a>[^#\s]+)"
    r"(?P<suffix>#.*)?$")
_COMPARE = re.compile(
    r"^(?P<prefix>.*/compare/)(?P<a>\S+?)(?P<sep>\.\.\.?)(?P<b>[^\s#?]+)(?P<suffix>[#?].*)?$")
_TAG = re.compile(
    r"^(?P<prefix>.*/(?:releases/tag|-/tags|-/releases|src/tag|tags|releases|-/tree|tree|src"
    r"|-/commits|commits)/)"
    r"(?P<b>[^\s#?/]+)(?P<suffix>[#?].*)?$")

# compare-URL path -> tag-URL path for a first release, per forge.
_TAG_FOR_COMPARE = (("/-/compare/", "/-/tags/"), ("/branches/compare/", "/src/"),
                    ("/compare/", "/releases/tag/"))
_COMPARE_FOR_TAG = (("/-/tags/", "/-/compare/"), ("/-/releases/", "/-/compare/"),
                    ("/-/commits/", "/-/compare/"), ("/-/tree/", "/-/compare/"),
                    ("/releases/tag/", "/compare/"), ("/src/tag/", "/compare/"),
                    ("/tags/", "/compare/"), ("/releases/", "/compare/"), ("/tree/", "/compare/"),
                    ("/commits/", "/compare/"))
_BRANCH_VIEWS = ("/-/commits/", "/-/tree/", "/commits/", "/tree/")


@dataclass(frozen=True)
class RefURL:
    """A compare URL (``a`` to ``b``) or a tag URL (``b`` only), split into its parts."""

    kind: str  # "compare" or "tag"
    prefix: str
    b: str
    a: str = ""
    sep: str = ""
    suffix: str = ""
    reverse: bool = False  # Bitbucket writes the newer ref first: compare/<b>%0D<a>

    def render(self) -> str:
        if self.kind == "tag":
            return f"{self.prefix}{self.b}{self.suffix}"
        if self.reverse:
            return f"{self.prefix}{self.b}{self.sep}{self.a}{self.suffix}"
        return f"{self.prefix}{self.a}{self.sep}{self.b}{self.suffix}"

    @property
    def head_ref(self) -> str:
        """The branch an [Unreleased] link follows: ``main`` in ``compare/v1.4.0...main`` or in a
        first release's ``commits/main``; ``HEAD`` when the link does not name one."""
        if self.kind == "compare":
            return self.b
        if self.prefix.endswith(_BRANCH_VIEWS):
            return self.b
        return "HEAD"

    def compare(self, a: str, b: str) -> RefURL:
        """The same kind of compare link for ``a...b``; a tag link is turned into a compare link."""
        if self.kind == "compare":
            return replace(self, a=a, b=b)
        if "bitbucket" in self.prefix and self.prefix.endswith("/src/"):
            return RefURL("compare", self.prefix[:-len("/src/")] + "/branches/compare/", b, a,
                          "%0D", "#diff", reverse=True)
        for tag_path, compare_path in _COMPARE_FOR_TAG:
            if self.prefix.endswith(tag_path):
                base = self.prefix[: -len(tag_path)]
                return RefURL("compare", base + compare_path, b, a, "...", "")
        return RefURL("compare", self.prefix, b, a, "...", "")

    def tag(self, tag: str) -> RefURL:
        """A link to one tag (a first release), on the same forge."""
        if self.kind == "tag":
            for browse in _BRANCH_VIEWS:
                if self.prefix.endswith(browse):  # a branch view, not a tag page
                    base = self.prefix[: -len(browse)]
                    path = "/-/tags/" if browse.startswith("/-/") else "/releases/tag/"
                    return RefURL("tag", base + path, tag)
            return replace(self, b=tag)
        for compare_path, tag_path in _TAG_FOR_COMPARE:
            if self.prefix.endswith(compare_path):
                return RefURL("tag", self.prefix[: -len(compare_path)] + tag_path, tag)
        return RefURL("tag", self.prefix, tag)


def parse_url(url: str) -> RefURL | None:
    match = _BITBUCKET.match(url)
    if match:
        return RefURL("compare", match["prefix"], match["b"], match["a"], match["sep"],
                      match["suffix"] or "", reverse=True)
    match = _COMPARE.match(url)
    if match:
        return RefURL("compare", match["prefix"], match["b"], match["a"], match["sep"],
                      match["suffix"] or "")
    match = _TAG.match(url)
    if match:
        return RefURL("tag", match["prefix"], match["b"], suffix=match["suffix"] or "")
    return None


def infer_tag_format(doc: Changelog, default: str = "v{version}") -> str:
    """The tag format the file's own links use (most common), else the headings' ``v``, else
    ``default``."""
    formats: Counter[str] = Counter()
    pairs: list[tuple[str, str]] = [(link.version, link.url) for link in doc.links
                                    if link.version is not None]
    pairs += [(h.version, h.inline_url[1:-1]) for h in doc.versions()
              if h.inline_url and h.version is not None]
    # the newest releases say how tags are named now (a project may have changed its style)
    pairs = sorted(pairs, key=lambda p: version_key(p[0]), reverse=True)[:10]
    for version, url in pairs:
        parsed = parse_url(url)
        if version is None or parsed is None:
            continue
        ref = parsed.b
        if version in ref:
            formats[ref.replace(version, "{version}", 1)] += 1
    if formats:
        return formats.most_common(1)[0][0]
    for heading in doc.versions():
        if heading.v:
            return "v{version}"
    return default


def link_template(doc: Changelog) -> RefURL | None:
    """The link to copy for a new one: [Unreleased]'s, else the newest compare, else any."""
    unreleased = doc.link_for(None)
    candidates = [unreleased] if unreleased else []
    candidates += sorted((lk for lk in doc.links if not lk.unreleased),
                         key=lambda lk: lk.index)
    parsed = [p for p in (parse_url(lk.url) for lk in candidates) if p is not None]
    for item in parsed:
        if item.kind == "compare":
            return item
    return parsed[0] if parsed else None
