"""OWL RL reasoning: useful inferences kept, noise dropped, input untouched, and each kind of
inconsistency reported with its nodes."""

from __future__ import annotations

import pytest
from lib_helpers import FIXTURES, KK, KKO, PROJECT, fixture_sources
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF

from kg import InconsistencyError, load_graph, reason
from kg.reasoning import STANDARD_NAMESPACES, is_noise


def test_inferred_triples_are_exactly_the_useful_ones() -> None:
    inferred = reason(load_graph(paths=fixture_sources()))
    expected = {
        (URIRef(KK + "japarov"), RDF.type, URIRef(KKO + "HeadOfState")),
        (URIRef(KK + "japarov"), RDF.type, URIRef(KKO + "Person")),
        (URIRef(KK + "sco"), URIRef(KKO + "hasMember"), URIRef(KK + "kazakhstan")),
        (URIRef(KK + "sco"), URIRef(KKO + "hasMember"), URIRef(KK + "kyrgyzstan")),
        (
            URIRef(KKO + "President"),
            URIRef("http://www.w3.org/2000/01/rdf-schema#subClassOf"),
            URIRef(KKO + "Person"),
        ),
    }
    assert set(inferred) == expected


def test_reason_does_not_touch_its_input() -> None:
    graph = load_graph(paths=fixture_sources())
    before = Graph()
    for triple in graph:
        before.add(triple)
    reason(graph)
    assert isomorphic(graph, before)


def test_noise_is_dropped() -> None:
    inferred = reason(load_graph(paths=fixture_sources()))
    for s, p, o in inferred:
        assert not isinstance(s, Literal)
        assert not (p == OWL.sameAs and s == o)
        assert not str(s).startswith(STANDARD_NAMESPACES)
    assert is_noise((OWL.Thing, RDF.type, OWL.Class))
    assert is_noise((URIRef(KK + "x"), OWL.sameAs, URIRef(KK + "x")))
    assert is_noise((Literal("a"), RDF.type, URIRef(KKO + "State")))
    assert not is_noise((URIRef(KK + "x"), RDF.type, URIRef(KKO + "State")))


BASE = [
    PROJECT / "ontology" / "kazkgz.ttl",
    PROJECT / "graph" / "article.ttl",
    PROJECT / "graph" / "excerpts.ttl",
]


@pytest.mark.parametrize(
    ("fixture", "nodes", "words"),
    [
        ("nothing.ttl", {KK + "ghost"}, "Nothing"),
        ("disjoint.ttl", {KK + "centaur", KKO + "Person", KKO + "State"}, "Disjoint classes"),
        (
            "functional-iri.ttl",
            {KK + "kazakhstan", KKO + "capital", KK + "astana", KK + "almaty"},
            "functional property kko:capital has two values on kk:kazakhstan",
        ),
        (
            "functional-literal.ttl",
            {KK + "diplomatic-relations", KKO + "established", "1992-10-15", "1992-10-16"},
            "functional property kko:established",
        ),
        ("same-different.ttl", {KK + "bishkek", KK + "frunze"}, "'sameAs' and 'differentFrom'"),
    ],
)
def test_each_kind_of_inconsistency_names_its_nodes(
    fixture: str, nodes: set[str], words: str
) -> None:
    graph = load_graph(paths=[*BASE, FIXTURES / "inconsistent" / fixture])
    with pytest.raises(InconsistencyError) as caught:
        reason(graph)
    assert nodes <= set(caught.value.nodes)
    assert words in str(caught.value)
    assert caught.value.exit_code == 1


def test_same_different_is_reported_once_per_pair() -> None:
    graph = load_graph(paths=[*BASE, FIXTURES / "inconsistent" / "same-different.ttl"])
    with pytest.raises(InconsistencyError) as caught:
        reason(graph)
    assert len(caught.value.problems) == 1


def test_functional_values_stated_equal_are_not_a_clash() -> None:
    graph = load_graph(paths=[*BASE, FIXTURES / "inconsistent" / "functional-iri.ttl"])
    graph.add((URIRef(KK + "astana"), OWL.sameAs, URIRef(KK + "almaty")))
    inferred = reason(graph)
    assert (URIRef(KK + "almaty"), OWL.sameAs, URIRef(KK + "astana")) in inferred
