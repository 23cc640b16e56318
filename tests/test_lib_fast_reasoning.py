"""The fast engine (kg.graph.fast_reasoning) infers what owlrl, the reference, infers: the same
triples on the article graph and on a generated graph, its default choice, and its cache."""

from __future__ import annotations

from pathlib import Path

import pytest
from lib_helpers import copy_project
from rdflib import Graph

from kg import load_graph
from kg.core.paths import default_sources
from kg.core.settings import default_engine
from kg.graph.cache import reason_files
from kg.graph.reasoning import reason

pytest.importorskip("reasonable")


@pytest.mark.slow
@pytest.mark.realdata
def test_the_article_graph_gets_owlrls_inferences() -> None:
    graph = load_graph()
    expected = set(reason(graph, "owlrl"))
    assert len(expected) > 1500
    assert set(reason(graph, "fast")) == expected


@pytest.mark.slow
def test_a_generated_graph_gets_owlrls_inferences(tmp_path: Path) -> None:
    generate = pytest.importorskip("benchmarks.generate").generate
    generate(2, tmp_path / "2.nt", seed=11)
    graph = Graph().parse(tmp_path / "2.nt", format="nt")
    for file in default_sources().ontology:
        graph.parse(file, format="turtle")
    expected = set(reason(graph, "owlrl"))
    assert len(expected) > 3000
    assert set(reason(graph, "fast")) == expected


def test_the_default_engine_is_fast_unless_kg_reasoner_says(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("KG_REASONER", raising=False)
    assert default_engine() == "fast"
    monkeypatch.setenv("KG_REASONER", "owlrl")
    assert default_engine() == "owlrl"


def test_each_engine_has_its_own_cache_entry(tmp_path: Path) -> None:
    files = default_sources(copy_project(tmp_path)).graph_files()
    by_owlrl = reason_files(files, tmp_path / "cache", engine="owlrl")
    by_fast = reason_files(files, tmp_path / "cache", engine="fast")
    again = reason_files(files, tmp_path / "cache", engine="fast")
    assert (by_owlrl.from_cache, by_fast.from_cache, again.from_cache) == (False, False, True)
    assert (by_owlrl.engine, again.engine) == ("owlrl", "fast")
    assert by_owlrl.key != by_fast.key == again.key
    assert set(by_owlrl.inferred) == set(by_fast.inferred) == set(again.inferred)
