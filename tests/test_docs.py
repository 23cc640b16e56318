"""The README and the manual (docs/) are true: every code example in them runs and gives what
it shows, and the manual builds as a site with no broken link.

- ``python`` blocks (``>>>``) run as doctests;
- ``console`` blocks run command by command (``$ ...``) in a scratch folder, on this checkout,
  and each command's output must match the lines shown under it (``...`` matches anything); a
  ``curl`` to ``127.0.0.1:8000`` goes to a real ``kg serve`` started for these tests;
- ``sh`` blocks are checked by ``bash -n``, and every ``kg`` command and ``python -m`` module
  they name must exist;
- ``sparql`` blocks parse.
"""

from __future__ import annotations

import doctest
import importlib.util
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from lib_helpers import built_once
from rdflib.plugins.sparql import prepareQuery
from server_helpers import Server, running_server

REPO = Path(__file__).resolve().parent.parent
PAGES = sorted(
    [REPO / "README.md", REPO / "benchmarks" / "README.md", *(REPO / "docs").glob("*.md")]
)
BIN = Path(sys.executable).parent
BASH = shutil.which("bash") or "/bin/bash"
KG_COMMANDS = {
    "validate", "reason", "queries", "query", "sparql", "export", "build", "source", "stats",
    "push", "serve", "search",
}  # fmt: skip


def blocks(page: Path, language: str) -> list[str]:
    text = page.read_text(encoding="utf-8")
    return re.findall(rf"^```{language}\n(.*?)^```", text, flags=re.DOTALL | re.MULTILINE)


def examples(language: str) -> list[tuple[Path, str]]:
    return [(page, block) for page in PAGES for block in blocks(page, language)]


def label(example: tuple[Path, str]) -> str:
    page, block = example
    return f"{page.relative_to(REPO)}:{block.splitlines()[0][:40]}"


def test_the_pages_have_examples_of_each_kind() -> None:
    for language in ("python", "console", "sh", "sparql"):
        assert examples(language), language


@pytest.mark.parametrize("page", [p for p in PAGES if ">>> " in p.read_text(encoding="utf-8")])
def test_python_examples_give_the_output_shown(page: Path) -> None:
    result = doctest.testfile(str(page), module_relative=False, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``kg serve`` with the project's own saved queries, as a user starts it."""
    tmp = tmp_path_factory.mktemp("docs-server")
    with running_server(tmp, env={"KG_QUERIES_DIR": str(REPO / "queries")}) as started:
        yield started


def commands(block: str) -> list[tuple[str, str]]:
    """Each ``$ command`` of a console block with the output shown under it."""
    found: list[tuple[str, list[str]]] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            found.append((line[2:], []))
        else:
            found[-1][1].append(line)
    return [(command, "\n".join(output)) for command, output in found]


@pytest.mark.parametrize("example", examples("console"), ids=label)
def test_console_examples_give_the_output_shown(
    example: tuple[Path, str], tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    # the cache of the user who runs the tests, which the run's build has filled, as a user's
    # earlier commands do
    built_once()
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "KG_HOME": str(REPO),
    }
    checker = doctest.OutputChecker()
    for command, shown in commands(example[1]):
        if "127.0.0.1:8000" in command:
            server: Server = request.getfixturevalue("server")
            command = command.replace("http://127.0.0.1:8000", server.url)
        done = subprocess.run(
            [BASH, "-c", command], cwd=tmp_path, env=env, capture_output=True, text=True,
            timeout=300, check=False,
        )  # fmt: skip
        assert done.returncode == 0, f"{command}\n{done.stderr}"
        got = done.stdout.replace("\r\n", "\n").rstrip("\n") + "\n"
        want = shown.rstrip("\n") + "\n"
        assert checker.check_output(want, got, doctest.ELLIPSIS), (
            f"{command}\nshown:\n{want}\ngot:\n{got}"
        )


def named_commands(block: str) -> Iterator[list[str]]:
    """The command lines of a shell block, split into words (comments and continuations
    removed)."""
    text = block.replace("\\\n", " ")
    for line in text.splitlines():
        for part in re.split(r"&&|\|\||;|\|", line.split(" #", 1)[0]):
            words = shlex.split(part.strip().strip("()"), comments=True)
            if words:
                yield words


@pytest.mark.parametrize("example", examples("sh"), ids=label)
def test_shell_examples_are_valid_and_name_what_exists(example: tuple[Path, str]) -> None:
    block = example[1]
    syntax = subprocess.run([BASH, "-n"], input=block, capture_output=True, text=True)
    assert syntax.returncode == 0, syntax.stderr
    for words in named_commands(block):
        program = Path(words[0]).name
        if program == "kg" and len(words) > 1:
            subcommands = [w for w in words[1:] if not w.startswith("-")]
            assert subcommands[0] in KG_COMMANDS, words
        if program.startswith("python") and words[1:2] == ["-m"]:
            module = words[2]
            assert importlib.util.find_spec(module) is not None, words
        for word in words:
            if "/" in word and not word.startswith(("-", "http", "/", "~", "'")):
                path = word.split("=", 1)[-1].strip("'\"")
                if path.startswith((".venv", "dist", "store", "DB", "site")):
                    continue
                if re.fullmatch(r"[\w./-]+", path) and "." in Path(path).name:
                    assert (REPO / path).exists(), (words, path)


def test_the_kg_commands_named_are_the_real_ones() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "kg", "--help"], capture_output=True, text=True, check=True
    )
    commands_part = done.stdout.split("positional arguments:", 1)[1].split("\noptions:", 1)[0]
    listed = set(re.findall(r"^    ([a-z]+)\b", commands_part, flags=re.MULTILINE))
    assert listed == KG_COMMANDS


@pytest.mark.parametrize("example", examples("sparql"), ids=label)
def test_sparql_examples_parse(example: tuple[Path, str]) -> None:
    prepareQuery(example[1])


def test_the_manual_builds_as_a_site_with_no_broken_link(tmp_path: Path) -> None:
    done = subprocess.run(
        [str(BIN / "mkdocs"), "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=REPO, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    for page in ("index", "data", "python-api", "command-line", "serving", "code-layout"):
        assert (tmp_path / "site" / f"{page}.html").is_file(), page
    assert (tmp_path / "site" / "ontology.html").is_file()


def test_every_manual_page_is_in_the_site_navigation() -> None:
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    for page in (REPO / "docs").glob("*.md"):
        assert f": {page.name}\n" in config, page.name
