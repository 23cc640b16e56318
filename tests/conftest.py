"""Settings of the whole test run: how many test processes ``pytest -n auto`` starts, and in
what order the test files are handed to them."""

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


#: the marks of the longest test files, longest first: a file that drives other engines
#: (``stores``: a minute or more for some), then one with ``slow`` tests
FIRST = ("stores", "slow")


def file_rank(items: list[pytest.Item]) -> int:
    """Where the file of ``items`` goes: the place in :data:`FIRST` of the first of its marks
    that any of its tests carries, or ``len(FIRST)`` for a file with none."""
    marks = {mark.name for item in items for mark in item.iter_markers()}
    return next((rank for rank, name in enumerate(FIRST) if name in marks), len(FIRST))


def pytest_configure(config: pytest.Config) -> None:
    """pytest-xdist hands out the files in the order of the collection (by default it sorts
    them by their number of tests, which puts a long file of few tests at the end)."""
    if hasattr(config.option, "loadscopereorder"):
        config.option.loadscopereorder = False


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The longest files first (see :data:`FIRST`), each group in the collection's order: with
    ``--dist loadfile``, a long file handed out last keeps one process busy after the others
    have finished, and leaves a core idle."""
    files: dict[str, list[pytest.Item]] = {}
    for item in items:
        files.setdefault(item.nodeid.split("::")[0], []).append(item)
    ranked = sorted(files.values(), key=file_rank)  # stable: the collection's order in a rank
    items[:] = [item for group in ranked for item in group]
