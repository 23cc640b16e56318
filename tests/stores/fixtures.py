"""Session fixtures of the store tests: the published files (kg build into a temporary folder),
a cache folder, and one Virtuoso server for the whole session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.core.paths import default_sources
from kg.publishing.build import build

from .tools import REPO, command
from .virtuoso import Virtuoso, running


@pytest.fixture(scope="session")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``kg build`` of the project into a temporary folder (dist/asserted.ttl ...)."""
    out = tmp_path_factory.mktemp("published")
    build(out, paths=default_sources(REPO))
    return out


@pytest.fixture(scope="session")
def tool_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("tools")


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    """A Virtuoso server on 127.0.0.1 and free ports, database in a temporary folder."""
    command("virtuoso-t")
    with running(tmp_path_factory.mktemp("virtuoso")) as server:
        yield server
