"""The fast engine (kg.graph.fast_reasoning) infers what owlrl, the reference, infers where the
triples it keeps from reasonable meet owl:sameAs and super-properties (on the article graph
and on a generated graph: tests/test_reasoners.py, which closes each with owlrl once for the
engines it compares); its closure holds only new triples, in the input's own terms; its
default choice, and its cache."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from lib_helpers import copy_project
from rdflib import Graph

from kg import load_graph
from kg.core.paths import default_sources
from kg.core.settings import default_engine
from kg.graph import fast_reasoning
from kg.graph.cache import reason_files
from kg.graph.reasoning import reason

pytest.importorskip("reasonable")


def test_the_closure_holds_only_new_triples_in_the_inputs_own_terms() -> None:
    """Not the input again as new term objects (twice the memory at a million triples)."""
    graph = load_graph()
    added = fast_reasoning.closure(graph)
    assert len(added) > 1500
    assert not [t for t in added if t in graph][:5]
    own: dict[object, set[int]] = defaultdict(set)  # a term → the objects that hold it
    for triple in graph:
        for term in triple:
            own[term].add(id(term))
    foreign = [t for triple in added for t in triple if t in own and id(t) not in own[t]]
    assert not foreign[:5]


_KEPT_BACK = """
@prefix ex: <http://example.org/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:note a owl:DatatypeProperty ; rdfs:subPropertyOf ex:remark ; rdfs:domain ex:Noted .
ex:remark a owl:AnnotationProperty ; rdfs:range ex:Text .
ex:cites a owl:ObjectProperty ; rdfs:subPropertyOf ex:mentions ; rdfs:range ex:Source .
ex:Noted rdfs:subClassOf ex:Thing .
ex:start a owl:DatatypeProperty , owl:FunctionalProperty ; rdfs:domain ex:Span .
ex:a ex:note "first" ; ex:cites ex:b ; rdfs:label "a" .
ex:b owl:sameAs ex:c .
ex:c ex:note "third" ; ex:remark ex:d .
ex:e ex:cites ex:c .
ex:b ex:start 3 .
"""


def test_the_triples_kept_from_reasonable_get_owlrls_inferences() -> None:
    """Properties that only have a domain, a range and super-properties (or are functional with
    literal values) are kept from reasonable: their super-properties, types and owl:sameAs
    rewrites are owlrl's."""
    graph = Graph().parse(data=_KEPT_BACK, format="turtle")
    expected = set(reason(graph, "owlrl"))
    assert len(expected) > 15
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
