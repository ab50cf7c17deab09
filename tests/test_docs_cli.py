"""The command line the docs show is the command line there is, and the other way round.

Walked by hand as a new user, from the README and docs/: commands and options were found in
``--help`` that no page named, and pages named options a command did not take. Every
``release-console ...`` in the README and docs/*.md (code blocks and inline code, and the
first column of docs/cli.md's tables) must name a real subcommand and real options; every
subcommand and option in the parser must be named, with its command, somewhere in them.
"""

from __future__ import annotations

import argparse
import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from console.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
OPTION = re.compile(r"(?<![\w-])--[a-z][a-z-]*")


def subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def commands(parser: argparse.ArgumentParser,
             path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...],
                                                        argparse.ArgumentParser]]:
    yield path, parser
    for name, sub in subparsers(parser).items():
        yield from commands(sub, (*path, name))


def options(parser: argparse.ArgumentParser) -> set[str]:
    return {o for a in parser._actions for o in a.option_strings if o.startswith("--")}


PARSER = build_parser()
GLOBAL = options(PARSER)
TREE = dict(commands(PARSER))


def documented_lines() -> Iterator[tuple[str, str]]:
    """(where, command line without `release-console`) for every command the pages show."""
    for page in PAGES:
        text = page.read_text()
        in_block = False
        for number, line in enumerate(text.splitlines(), 1):
            where = f"{page.relative_to(ROOT)}:{number}"
            if line.lstrip().startswith("```"):
                in_block = not in_block
                continue
            pieces = [line] if in_block else re.findall(r"`([^`]+)`", line)
            if page.name == "cli.md" and line.startswith("| `"):
                pieces.append("release-console " + line.split("`")[1])
            for piece in pieces:
                piece = piece.replace("\\|", "|")  # a table cell's escaped bar
                for part in re.split(r";|&&|\|\||\s#", piece):
                    found = re.search(r"(?:^|[\s$(])release-console((?:\s+\S+)*)", part)
                    if found:
                        yield where, found.group(1).strip()


def resolve(words: list[str]) -> tuple[tuple[str, ...], list[str]]:
    """The subcommand path the words name, and the words after it."""
    path: tuple[str, ...] = ()
    rest = list(words)
    while rest:
        word = rest[0]
        if word in ("--repo", "--config"):
            rest = rest[2:]
            continue
        if word == "--offline":
            rest = rest[1:]
            continue
        choices = subparsers(TREE[path])
        alternatives = word.split("|")  # `bundle export|import`: every one must be there
        if all(a in choices for a in alternatives):
            path = (*path, alternatives[0])
            rest = rest[1:]
            continue
        break
    return path, rest


DOCUMENTED = list(documented_lines())
PROSE = {"...", "is", "edits", "walks", "never"}  # "release-console is ...": a sentence


def test_the_pages_show_commands_at_all() -> None:
    assert len(DOCUMENTED) > 80
    assert any(words.startswith("start 1.4.0") for _, words in DOCUMENTED)


def problems(words: str) -> str:
    """What is wrong with `release-console WORDS` as a command: "" when it would run.

    A command given whole must carry its required options; one that ends in "..." (or names a
    placeholder list) is a sketch and needs only real options."""
    tokens = words.replace("[", " ").replace("]", " ").split()
    path, rest = resolve(tokens)
    if not path:  # the TUI, `--help`, `--version`, or prose such as "release-console is"
        first = rest[0] if rest else "-"
        if first.islower() and not first.startswith("-") and first not in PROSE:
            return "names no command"
        return ""
    parser = TREE[path]
    chosen = [list(a.choices) for a in parser._actions if not a.option_strings and a.choices]
    if chosen and rest and not rest[0].startswith("-") and rest[0] not in PROSE:
        wrong = [a for a in rest[0].split("|") if a not in chosen[0]]  # `journal show|verify`
        if wrong:
            return f"{' '.join(path)} takes {sorted(chosen[0])}, not {wrong}"
    unknown = sorted({o for t in rest for o in OPTION.findall(t)} - options(parser) - GLOBAL)
    if unknown:
        return f"{' '.join(path)} has no {unknown}"
    required = [a.option_strings[0] for a in parser._actions if a.required and a.option_strings]
    missing = [o for o in required if o not in rest]
    if missing and "..." not in rest and "…" not in rest:
        return f"{' '.join(path)} requires {missing} (argparse exits 2 without)"
    return ""


@pytest.mark.parametrize(("where", "words"), DOCUMENTED, ids=[w for w, _ in DOCUMENTED])
def test_every_command_the_pages_show_exists_with_its_options(where: str, words: str) -> None:
    wrong = problems(words)
    assert not wrong, f"{where}: `release-console {words}`: {wrong}"


def product_strings(path: Path) -> Iterator[tuple[int, str]]:
    """Every string the module can show (docstrings left out), an f-string's fields as X.
    Adjacent literals are one string to the parser, so a message split over lines is whole."""
    tree = ast.parse(path.read_text())
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef,
                                       ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr)}
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            yield node.lineno, "".join(str(v.value) if isinstance(v, ast.Constant) else "X"
                                       for v in node.values)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and id(node) not in docstrings:
            yield node.lineno, node.value


def test_every_command_a_message_names_runs_as_written() -> None:
    """Walked by hand: a second `start` said to abandon the first "with `release-console
    abandon v1.4.0`", which exits 2 (--reason is required). Every command a remedy, plan or
    note names in backticks must be one the parser takes."""
    wrong = []
    for package in ("console", "screens", "services"):
        for path in sorted((ROOT / package).rglob("*.py")):
            for line, text in product_strings(path):
                for named in re.findall(r"`release-console ([^`]*)`", text):
                    problem = problems(named)
                    if problem:
                        wrong.append(f"{path.relative_to(ROOT)}:{line}: `release-console "
                                     f"{named}`: {problem}")
    assert not wrong, "\n".join(sorted(set(wrong)))


def units(text: str) -> Iterator[str]:
    """Paragraphs of prose, table rows, and code lines (joined across a trailing backslash)."""
    in_block = False
    paragraph: list[str] = []
    for line in text.replace("\\\n", " ").splitlines():
        if line.lstrip().startswith("```"):
            in_block = not in_block
            yield " ".join(paragraph)
            paragraph = []
        elif in_block or line.startswith("|"):
            yield line
        elif line.strip():
            paragraph.append(line)
        else:
            yield " ".join(paragraph)
            paragraph = []
    yield " ".join(paragraph)


def test_every_command_and_option_is_documented_with_its_command() -> None:
    said = [u for page in PAGES for u in units(page.read_text())]
    missing = []
    for path, parser in TREE.items():
        name = re.escape(" ".join(path))
        naming = [u for u in said
                  if re.search(rf"(release-console(\s+--offline)?\s+|`){name}(?![\w-])", u)]
        if not path:  # the global options: with the command itself
            naming = [u for u in said if "release-console" in u]
        if not naming:
            missing.append(" ".join(path))
            continue
        own = options(parser) - {"--help"} - (GLOBAL if path else set())  # global: said once
        for option in sorted(own):
            if not any(re.search(rf"{option}(?![\w-])", u) for u in naming):
                missing.append(f"{' '.join(path)} {option}".strip())
    assert not missing, f"--help has these, no page names them with their command: {missing}"


def test_the_exit_codes_read_alike_in_the_readme_the_cli_table_and_the_code() -> None:
    """Found walking the command line: `bundle export` onto a path already taken exited 2 and
    `hotfix --pick abc` exited 2, while the README, docs/cli.md and cli.py's docstring gave 2 only
    to an unknown command, a missing argument or input a step needs, and 1 to every refusal. All
    three now draw the same line: 2 when the command line names nothing, 1 when what it names is
    refused as things stand (tests/test_airgap_flow.py and test_hotfix_conflicts.py check the
    codes themselves)."""
    import console.cli

    readme = (ROOT / "README.md").read_text().split("## Exit codes", 1)[1].split("\n## ", 1)[0]
    table = (ROOT / "docs" / "cli.md").read_text().split("## Exit codes", 1)[1].split("\n## ")[0]
    for where, text in (("README.md", readme), ("docs/cli.md", table),
                        ("console/cli.py", console.cli.__doc__ or "")):
        said = " ".join(text.split())
        for words in ("a value that names nothing", "a bundle path already taken",
                      "a pick that is not a fix", "missing argument"):
            assert words in said, f"{where} does not say {words!r} about the exit codes"


def test_every_policy_example_in_the_pages_loads(tmp_path: Path) -> None:
    """A captain copies release.toml from the docs: each ```toml block loads as a policy (a block
    showing several projects' files, each under its own `# Project` comment after a blank line,
    is one file each)."""
    from services.policy import load_policy

    loaded = 0
    for page in PAGES:
        for block in re.findall(r"```toml\n(.*?)```", page.read_text(), re.S):
            for number, part in enumerate(re.split(r"\n\n(?=# )", block)):
                path = tmp_path / f"{page.stem}-{loaded}-{number}.toml"
                path.write_text(part)
                load_policy(path)  # raises PolicyError naming the key
            loaded += 1
    assert loaded >= 3
