"""Session fixtures of the store tests: the published files (kg build into a temporary folder),
a cache folder, and one Virtuoso server for the whole session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from lib_helpers import built_once

from .tools import command
from .virtuoso import Virtuoso, running


@pytest.fixture(scope="session")
def published() -> Path:
    """``kg build`` of the project into a temporary folder (dist/asserted.ttl ...), once per
    test run (:func:`lib_helpers.built_once`)."""
    return built_once()


@pytest.fixture(scope="session")
def tool_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("tools")


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    """A Virtuoso server on 127.0.0.1 and free ports, database in a temporary folder."""
    command("virtuoso-t")
    with running(tmp_path_factory.mktemp("virtuoso")) as server:
        yield server
