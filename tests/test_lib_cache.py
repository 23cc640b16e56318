"""The closure cache: a second call loads from disk, a changed input recomputes."""

from __future__ import annotations

from pathlib import Path

import pytest
from lib_helpers import copy_project
from rdflib import Graph
from rdflib.compare import isomorphic

from kg import load_inferred
from kg.core import files as disk_files
from kg.core.paths import default_sources
from kg.graph import cache, reasoning


def _boom(graph: Graph) -> Graph:
    raise AssertionError("the closure was recomputed instead of read from the cache")


def test_second_call_is_served_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = default_sources(copy_project(tmp_path)).graph_files()
    first = cache.reason_files(files, tmp_path / "cache")
    assert not first.from_cache
    assert first.path is not None
    assert first.path.is_file()
    monkeypatch.setattr(reasoning, "owlrl_closure", _boom)
    second = cache.reason_files(files, tmp_path / "cache")
    assert second.from_cache
    assert isomorphic(first.inferred, second.inferred)
    assert [p.name for p in (tmp_path / "cache").iterdir()] == [first.path.name]


def test_changed_input_is_recomputed(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    files = default_sources(root).graph_files()
    first = cache.reason_files(files, tmp_path / "cache")
    article = root / "graph" / "article.ttl"
    article.write_text(
        article.read_text(encoding="utf-8") + "\nkk:tokayev a kko:President .\n",
        encoding="utf-8",
    )
    second = cache.reason_files(files, tmp_path / "cache")
    assert not second.from_cache
    assert second.key != first.key
    assert len(second.inferred) == len(first.inferred) + 2  # HeadOfState and Person


def test_library_version_is_part_of_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = default_sources(copy_project(tmp_path)).graph_files()
    key = cache.cache_key(files)
    monkeypatch.setattr(disk_files, "package_version", lambda name: "99.0")
    assert cache.cache_key(files) != key


def test_cache_dir_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path / "elsewhere"))
    root = copy_project(tmp_path)
    load_inferred(paths=default_sources(root))
    assert len(list((tmp_path / "elsewhere").glob("closure-*.nt"))) == 1
    monkeypatch.delenv("KG_CACHE_DIR")
    assert cache.cache_dir() == Path.home() / ".cache" / "kazkgz"
