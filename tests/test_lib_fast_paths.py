"""The caches behind the fast paths: the validation report and the parsed asserted graph are
served from disk while their inputs are unchanged, and never stale after a change."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from lib_helpers import copy_project
from rdflib.compare import isomorphic

from kg import sparql
from kg.core.paths import default_sources
from kg.graph import cache, loading, validation


def _boom(*_args: object, **_kwargs: object) -> object:
    raise AssertionError("recomputed instead of read from the cache")


def _append(file: Path, text: str) -> None:
    file.write_text(file.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_validation_report_is_cached_until_an_input_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources = default_sources(copy_project(tmp_path))
    store = tmp_path / "cache"
    first = validation.validate(paths=sources, cache_directory=store)
    [entry] = store.iterdir()
    assert entry.name.startswith("validation-")
    assert entry.suffix == ".nt"
    with monkeypatch.context() as patched:
        patched.setattr(validation, "_run_pyshacl", _boom)
        second = validation.validate(paths=sources, cache_directory=store)
    assert second.conforms == first.conforms
    assert second.results == first.results
    assert isomorphic(second.report_graph, first.report_graph)
    # a state without a label: the changed data is validated again, and fails
    _append(sources.data[0], "\nkk:atlantis a kko:State .\n")
    third = validation.validate(paths=sources, cache_directory=store)
    assert not third.conforms
    assert len(list(store.iterdir())) == 2
    assert not [p for p in store.iterdir() if p.name.startswith(".")]  # no temporary left


def test_changed_shapes_revalidate(tmp_path: Path) -> None:
    sources = default_sources(copy_project(tmp_path))
    store = tmp_path / "cache"
    validation.validate(paths=sources, cache_directory=store)
    _append(sources.shapes[0], "\n# a comment changes the bytes\n")
    validation.validate(paths=sources, cache_directory=store)
    assert len(list(store.iterdir())) == 2


def test_reference_layer_has_its_own_entry(tmp_path: Path) -> None:
    sources = default_sources(copy_project(tmp_path))
    store = tmp_path / "cache"
    plain = validation.validate(paths=sources, cache_directory=store)
    reference = validation.validate(paths=sources, include_reference=True, cache_directory=store)
    assert plain.results == ()
    assert len(reference.results) == 1
    assert validation.validate(
        paths=sources, include_reference=True, cache_directory=store
    ).results == (reference.results)


def test_asserted_graph_is_cached_until_an_input_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources = default_sources(copy_project(tmp_path))
    store = tmp_path / "cache"
    first = cache.load_asserted(paths=sources, directory=store)
    assert isomorphic(first, loading.load_graph(paths=sources))
    first.remove((None, None, None))  # the caller's copy: changing it changes no entry
    with monkeypatch.context() as patched:
        patched.setattr(cache, "load_graph", _boom)
        second = cache.load_asserted(paths=sources, directory=store)
    assert isomorphic(second, loading.load_graph(paths=sources))
    assert dict(second.namespaces())["kko"] == dict(first.namespaces())["kko"]
    _append(sources.data[0], "\nkk:atlantis a kko:State .\n")
    third = cache.load_asserted(paths=sources, directory=store)
    assert len(third) == len(second) + 1


def test_an_entry_others_may_write_is_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources = default_sources(copy_project(tmp_path))
    store = tmp_path / "cache"
    cache.load_asserted(paths=sources, directory=store)
    [entry] = store.iterdir()
    entry.chmod(0o666)
    calls: list[object] = []
    real = cache.load_graph
    monkeypatch.setattr(cache, "load_graph", lambda **kw: calls.append(kw) or real(**kw))
    cache.load_asserted(paths=sources, directory=store)
    assert len(calls) == 1


def test_a_damaged_entry_is_replaced(tmp_path: Path) -> None:
    sources = default_sources(copy_project(tmp_path))
    store = tmp_path / "cache"
    expected = cache.load_asserted(paths=sources, directory=store)
    [entry] = store.iterdir()
    entry.write_bytes(b"not a pickle")
    assert isomorphic(cache.load_asserted(paths=sources, directory=store), expected)
    assert entry.read_bytes() != b"not a pickle"
    assert isomorphic(cache.load_asserted(paths=sources, directory=store), expected)


def test_queries_see_a_changed_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sources = default_sources(copy_project(tmp_path))
    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path / "cache"))
    text = "SELECT (COUNT(*) AS ?n) WHERE { ?s a kko:State }"
    before = int(sparql(text, paths=sources).rows[0]["n"])
    assert int(sparql(text, paths=sources).rows[0]["n"]) == before  # from the cache
    _append(sources.data[0], "\nkk:atlantis a kko:State .\n")
    assert int(sparql(text, paths=sources).rows[0]["n"]) == before + 1


@pytest.mark.cli
def test_kg_query_imports_neither_pyshacl_nor_owlrl(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    env = {**os.environ, "KG_HOME": str(root), "KG_CACHE_DIR": str(tmp_path / "cache")}
    probe = (
        "import sys, kg.cli\n"
        "code = kg.cli.main(['-q', 'sparql', 'SELECT * WHERE { ?s ?p ?o } LIMIT 1'])\n"
        "heavy = sorted(m for m in "
        "('pyshacl', 'owlrl', 'kg.graph.validation', 'kg.publishing.build') "
        "if m in sys.modules)\n"
        "print('HEAVY', heavy)\n"
        "sys.exit(code)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )
    assert "HEAVY []" in done.stdout
