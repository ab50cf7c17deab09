"""Property tests over generated Keep a Changelog files.

The generator writes files the way projects do (bracketed or bare headings, ``v`` or not, hyphen,
en dash, em dash, slash or parenthesised dates in five date formats, GitHub/GitLab/Gitea/Bitbucket
links, blank-line or tight footers, LF, CRLF or mixed endings, with or without a final newline, non-ASCII
entries with trailing spaces). A released file and the same file with that release reversed are
rendered from one description, so ``move`` + ``reopen`` must give the released file back exactly,
including a lowercase ``[unreleased]`` label or heading, a branch instead of ``HEAD`` and link
targets in angle brackets.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services import changelog
from services.changelog.model import DateStyle, body, ending, split_lines

FORGES = {
    "github": ("https://github.com/acme/proj/compare/{a}...{b}",
               "https://github.com/acme/proj/releases/tag/{t}"),
    "gitlab": ("https://gitlab.com/acme/sub/proj/-/compare/{a}...{b}",
               "https://gitlab.com/acme/sub/proj/-/tags/{t}"),
    "gitea": ("https://codeberg.org/acme/proj/compare/{a}...{b}",
              "https://codeberg.org/acme/proj/releases/tag/{t}"),
    "bitbucket": ("https://bitbucket.org/acme/proj/branches/compare/{b}%0D{a}#diff",
                  "https://bitbucket.org/acme/proj/src/{t}"),
}
CATEGORIES = ("Added", "Changed", "Deprecated", "Removed", "Fixed", "Security")


@dataclass(frozen=True)
class Style:
    bracket: bool
    v: str
    sep: str
    date_kind: str
    tag_v: str
    forge: str  # or "none": no footer links at all
    spaced_footer: bool
    gap: int
    head_gap: int
    newline: str
    heading_word: str = "Unreleased"  # how the [Unreleased] heading is written
    label: str = "Unreleased"  # and its footer label ("unreleased" on keepachangelog.com)
    branch: str = "HEAD"  # what the [Unreleased] link compares to
    angle: bool = False  # link targets written as <https://...>

    @property
    def plain(self) -> bool:
        """Keep a Changelog's own form, which ``reopen`` writes when nothing remembers another."""
        return (self.heading_word, self.label, self.branch) == ("Unreleased",) * 2 + ("HEAD",)


@dataclass(frozen=True)
class Version:
    number: str
    day: date
    body: tuple[str, ...]


def heading(style: Style, version: Version) -> str:
    label = style.v + version.number
    core = f"[{label}]" if style.bracket else label
    day = DateStyle(style.date_kind).render(version.day)
    if style.sep == " (":
        return f"## {core} ({day})"
    return f"## {core}{style.sep}{day}"


def tag(style: Style, number: str) -> str:
    return style.tag_v + number


def render(style: Style, unreleased: tuple[str, ...] | None, released: list[Version],
           final_newline: bool) -> str:
    """The file: title, [Unreleased] (None: absent), versions newest first, footer links."""
    lines = ["# Changelog", "", "All notable changes to this project are documented here."]
    sections: list[tuple[str, tuple[str, ...]]] = []
    if unreleased is not None:
        word = style.heading_word
        sections.append((f"## [{word}]" if style.bracket else f"## {word}", unreleased))
    sections += [(heading(style, v), v.body) for v in released]
    for title, lines_of in sections:
        lines += [""] * style.gap + [title]
        if lines_of:
            lines += [""] * style.head_gap + list(lines_of)
    if style.forge != "none":
        compare, tag_url = FORGES[style.forge]
        links = []

        def target(url: str) -> str:
            return f"<{url}>" if style.angle else url

        if unreleased is not None:
            start = tag(style, released[0].number)
            links.append(f"[{style.label}]: {target(compare.format(a=start, b=style.branch))}")
        for index, v in enumerate(released):
            t = tag(style, v.number)
            url = (compare.format(a=tag(style, released[index + 1].number), b=t)
                   if index + 1 < len(released) else tag_url.format(t=t))
            links.append(f"[{style.v}{v.number}]: {target(url)}")
        lines.append("")
        for index, link in enumerate(links):
            if index and style.spaced_footer:
                lines.append("")
            lines.append(link)
    text = style.newline.join(lines)
    return text + style.newline if final_newline else text


entry_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")),
    min_size=1, max_size=24)


@st.composite
def bodies(draw: st.DrawFn) -> tuple[str, ...]:
    lines: list[str] = []
    for index, category in enumerate(draw(st.lists(st.sampled_from(CATEGORIES), min_size=1,
                                                   max_size=3, unique=True))):
        if index:
            lines.append("")
        lines.append(f"### {category}")
        lines += [f"- {text}" for text in draw(st.lists(entry_text, min_size=1, max_size=3))]
    return tuple(lines)


@st.composite
def histories(draw: st.DrawFn) -> tuple[Style, Version, list[Version], bool]:
    """(style, the release being cut, older releases newest first, final newline)."""
    style = Style(
        bracket=draw(st.booleans()), v=draw(st.sampled_from(["", "v"])),
        sep=draw(st.sampled_from([" - ", " — ", " – ", " (", " / "])),
        date_kind=draw(st.sampled_from(["iso", "slash", "dots", "month-first", "day-first"])),
        tag_v=draw(st.sampled_from(["v", ""])),
        forge=draw(st.sampled_from([*FORGES, "none"])),
        spaced_footer=draw(st.booleans()), gap=draw(st.integers(1, 2)),
        head_gap=draw(st.integers(0, 1)), newline=draw(st.sampled_from(["\n", "\r\n"])),
        heading_word=draw(st.sampled_from(["Unreleased", "unreleased", "UNRELEASED"])),
        label=draw(st.sampled_from(["Unreleased", "unreleased"])),
        branch=draw(st.sampled_from(["HEAD", "main", "master", "develop"])),
        angle=draw(st.booleans()),
    )
    triples = sorted(set(draw(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 12),
                                                 st.integers(0, 9)), min_size=2, max_size=6))),
                     reverse=True)
    if len(triples) < 2:
        triples.append((triples[0][0] + 1, 0, 0))
        triples.sort(reverse=True)
    versions = [Version(".".join(map(str, t)),
                        draw(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))),
                        draw(bodies())) for t in triples]
    return style, versions[0], versions[1:], draw(st.booleans())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(histories())
def test_move_then_reopen_restores_the_released_file(history: tuple[Style, Version,
                                                                    list[Version], bool]) -> None:
    style, new, older, final_newline = history
    released = render(style, (), [new, *older], final_newline)
    reversed_release = render(style, new.body, older, final_newline)
    doc = changelog.parse(reversed_release.encode("utf-8"), "CHANGELOG.md")
    moved = changelog.move(doc, new.number, new.day)
    assert moved.text() == render(style, None, [new, *older], final_newline)
    after = changelog.parse(moved.data(), "CHANGELOG.md")
    # as the post-release step does it: with what the changelog step recorded
    remembered = changelog.reopen(after, heading_text=moved.facts["unreleased_heading"],
                                  link_label=moved.facts["unreleased_label"],
                                  unreleased_url=moved.facts["unreleased_url"])
    assert remembered.text() == released
    if style.plain:  # as `changelog reopen --file` on a file with no history does it
        assert changelog.reopen(after).text() == released


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(histories(), st.randoms(use_true_random=False))
def test_move_touches_only_its_lines_and_keeps_each_line_ending(
        history: tuple[Style, Version, list[Version], bool], rnd: random.Random) -> None:
    style, new, older, final_newline = history
    text = render(style, new.body, older, final_newline)
    if rnd.random() < 0.5:  # mixed line endings: every line keeps its own
        text = "".join(line.replace("\r\n", "\n").replace("\n", rnd.choice(["\n", "\r\n"]))
                       for line in split_lines(text))
    doc = changelog.parse(text.encode("utf-8"), "CHANGELOG.md")
    moved = changelog.move(doc, new.number, new.day)
    before, after = doc.lines, moved.lines()
    assert len(after) == len(before)
    differing = [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]
    must = {doc.unreleased.index} if doc.unreleased else set()
    link = doc.link_for(None)
    if link is not None:
        must.add(link.index)
    assert set(differing) == must
    assert [ending(line) for line in after] == [ending(line) for line in before]
    assert doc.unreleased is not None
    assert body(after[doc.unreleased.index]) == heading(style, new)


@settings(max_examples=80, deadline=None)
@given(histories(), st.text(alphabet=st.characters(codec="utf-8",
                                                   exclude_categories=("Cc", "Cs", "Zl", "Zp")),
                            min_size=1, max_size=40))
def test_yank_is_idempotent_and_touches_one_section(
        history: tuple[Style, Version, list[Version], bool], reason: str) -> None:
    style, new, older, final_newline = history
    text = render(style, None, [new, *older], final_newline)
    doc = changelog.parse(text.encode("utf-8"), "CHANGELOG.md")
    target = older[0]
    if not " ".join(reason.split()).rstrip("."):
        return
    once = changelog.yank(doc, target.number, reason, new.number)
    assert once.changed
    twice = changelog.yank(changelog.parse(once.data(), "x"), target.number, reason, new.number)
    assert not twice.changed
    index = doc.heading_for(target.number).index  # type: ignore[union-attr]
    after = once.lines()
    assert after[:index] == doc.lines[:index]
    assert after[index].rstrip("\r\n").endswith(" — YANKED")
    tail = len(doc.lines) - index - 1
    assert after[len(after) - tail:] == doc.lines[index + 1:]


@given(st.text(alphabet=st.sampled_from(["a", "é", "\n", "\r", " ", "#", "["]),
               max_size=60))
def test_lines_join_back_to_the_same_text(text: str) -> None:
    assert "".join(split_lines(text)) == text
