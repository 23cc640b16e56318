"""Shared helpers for the library and CLI tests (fixtures under tests/fixtures/lib/)."""

from __future__ import annotations

import contextlib
import fcntl
import functools
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from rdflib.plugins.sparql import processor
from rdflib.plugins.sparql.sparql import Query

from kg.core.paths import Sources, default_sources

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "lib"
PROJECT = FIXTURES / "project"
REPO = Path(__file__).resolve().parent.parent
KK = "https://w3id.org/kazkgz/id/"
KKO = "https://w3id.org/kazkgz/ontology#"


def fixture_sources(root: Path = PROJECT) -> Sources:
    """The fixture project's files as Sources."""
    return default_sources(root)


def copy_project(destination: Path) -> Path:
    """A writable copy of the fixture project; returns its root."""
    root = destination / "project"
    shutil.copytree(PROJECT, root)
    return root


def real_data_present() -> bool:
    """True when the project's own ontology and article graph exist."""
    return (REPO / "ontology" / "kazkgz.ttl").is_file() and (
        REPO / "graph" / "article.ttl"
    ).is_file()


def run_folder() -> Path:
    """A temporary folder of this test run, shared by its pytest-xdist workers (one per
    process when the tests run without them)."""
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID") or f"process-{os.getpid()}"
    folder = Path(tempfile.gettempdir()) / f"kazkgz-tests-{run}"
    folder.mkdir(exist_ok=True)
    return folder


@functools.cache
def built_once() -> Path:
    """The project built once per test run (``kg build`` into a temporary folder), shared by
    the test processes of one run (pytest-xdist's workers wait for the first to finish it).
    Read it; never write into it."""
    from kg.publishing.build import build

    folder = run_folder()
    dist, done = folder / "dist", folder / "built"
    with (folder / "build.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(dist, ignore_errors=True)  # what a failed build left
            build(dist, paths=default_sources(REPO))
            done.touch()
    return dist


def run_kg(*args: str) -> subprocess.CompletedProcess[str]:
    """``python -m kg -q ARGS`` in the repository, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "kg", "-q", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=REPO,
    )


@functools.cache
def _prepared(text: str, base: str | None, namespaces: tuple[tuple[str, Any], ...]) -> Query:
    return processor.translateQuery(processor.parseQuery(text), base, dict(namespaces))


@contextlib.contextmanager
def sparql_parsed_once() -> Iterator[None]:
    """Within the block, rdflib parses each SPARQL text once per process, not at every
    ``Graph.query``: stock pyshacl parses a SHACL-SPARQL constraint again for each focus node,
    and those parses are most of its time on the shapes' fixtures. The answers are the same: a
    prepared query is not changed by evaluation (rdflib's ``prepareQuery`` is made for reuse,
    and kg.graph.shacl_sparql relies on it too)."""
    unprepared = processor.SPARQLProcessor.query

    def query(
        self: processor.SPARQLProcessor,
        query: str | Query,
        initBindings: Mapping[str, Any] | None = None,
        initNs: Mapping[str, Any] | None = None,
        base: str | None = None,
        DEBUG: bool = False,
    ) -> Mapping[str, Any]:
        if isinstance(query, str):
            query = _prepared(query, base, tuple(sorted((initNs or {}).items())))
        return unprepared(self, query, initBindings, initNs, base, DEBUG)

    processor.SPARQLProcessor.query = query  # type: ignore[method-assign]
    try:
        yield
    finally:
        processor.SPARQLProcessor.query = unprepared  # type: ignore[method-assign]
