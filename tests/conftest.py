"""Settings of the whole test run: how many test processes ``pytest -n auto`` starts."""

from __future__ import annotations

import os

import pytest


@pytest.hookimpl(optionalhook=True, tryfirst=True)
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """One test process more than the cores this run may use: many tests wait on work done in
    another process (a server, a triple store, a JVM, a browser), and a core would stand idle
    while they do. ``PYTEST_XDIST_AUTO_NUM_WORKERS``, when set, decides instead (pytest-xdist
    reads it)."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None
    return len(os.sched_getaffinity(0)) + 1
