"""Test-session settings for pytest-xdist (``-n``): each test file runs whole on one worker, so
that its module fixtures (a server, a store, a built graph) are set up once; the files that
drive other engines (a test marked ``stores``) all run on one worker, so that their session
fixtures (the published files, one Virtuoso server) are built once."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    with_stores = {item.path for item in items if item.get_closest_marker("stores")}
    for item in items:
        group = "stores" if item.path in with_stores else item.path.stem
        item.add_marker(pytest.mark.xdist_group(group))
