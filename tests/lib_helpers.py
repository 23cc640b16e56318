"""Shared helpers for the library and CLI tests (fixtures under tests/fixtures/lib/)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

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
