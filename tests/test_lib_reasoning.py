"""OWL RL reasoning, by each engine (owlrl, the reference, and the fast one): useful inferences
kept, noise dropped, input untouched, and each kind of inconsistency reported with its nodes;
the engines infer the same triples and find the same inconsistencies."""

from __future__ import annotations

import pytest
from lib_helpers import FIXTURES, KK, KKO, PROJECT, fixture_sources
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF

from kg import InconsistencyError, load_graph, reason
from kg.core.errors import UsageError
from kg.core.settings import ENGINES
from kg.graph.reasoning import STANDARD_NAMESPACES, is_noise


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_inferred_triples_are_exactly_the_useful_ones(engine: str) -> None:
    inferred = reason(load_graph(paths=fixture_sources()), engine)
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


def test_reason_does_not_touch_its_input(engine: str) -> None:
    graph = load_graph(paths=fixture_sources())
    before = Graph()
    for triple in graph:
        before.add(triple)
    reason(graph, engine)
    assert isomorphic(graph, before)


def test_noise_is_dropped(engine: str) -> None:
    inferred = reason(load_graph(paths=fixture_sources()), engine)
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
        ("irreflexive.ttl", {KK + "kazakhstan", KKO + "bordersItself"}, "Irreflexive property"),
        ("asymmetric.ttl", {KKO + "parentOf", KK + "sco", KK + "eaeu"}, "asymmetric property"),
        (
            "disjoint-properties.ttl",
            {KKO + "allyOf", KKO + "rivalOf", KK + "kazakhstan", KK + "kyrgyzstan"},
            "disjoint properties",
        ),
        (
            "all-disjoint-properties.ttl",
            {KKO + "friendOf", KKO + "foeOf", KK + "kazakhstan"},
            "'AllDisjointProperties'",
        ),
        ("all-different.ttl", {KK + "astana", KK + "almaty"}, "'sameAs' and 'AllDifferent'"),
        ("complement.ttl", {KKO + "NonState", KKO + "State"}, "complementarity"),
        ("max-cardinality.ttl", {KK + "caspian-coast"}, "maximum cardinality"),
        (
            "max-qualified-cardinality.ttl",
            {KK + "csto", KKO + "MilitaryAlliance"},
            "maximum qualified cardinality",
        ),
        (
            "negative-assertion.ttl",
            {KK + "kazakhstan", KKO + "borders", KK + "vienna"},
            "Negative (object) property assertion",
        ),
        (
            "negative-value.ttl",
            {KK + "diplomatic-relations", KKO + "establishedYear"},
            "Negative (datatype) property assertion",
        ),
        ("bad-literal.ttl", set(), "Lexical value of the literal 'many'"),
    ],
)
def test_each_kind_of_inconsistency_names_its_nodes(
    engine: str, fixture: str, nodes: set[str], words: str
) -> None:
    graph = load_graph(paths=[*BASE, FIXTURES / "inconsistent" / fixture])
    with pytest.raises(InconsistencyError) as caught:
        reason(graph, engine)
    assert nodes <= set(caught.value.nodes)
    assert words in str(caught.value)
    assert caught.value.exit_code == 1


def test_same_different_is_reported_once_per_pair(engine: str) -> None:
    graph = load_graph(paths=[*BASE, FIXTURES / "inconsistent" / "same-different.ttl"])
    with pytest.raises(InconsistencyError) as caught:
        reason(graph, engine)
    assert len(caught.value.problems) == 1


def test_functional_values_stated_equal_are_not_a_clash(engine: str) -> None:
    graph = load_graph(paths=[*BASE, FIXTURES / "inconsistent" / "functional-iri.ttl"])
    graph.add((URIRef(KK + "astana"), OWL.sameAs, URIRef(KK + "almaty")))
    inferred = reason(graph, engine)
    assert (URIRef(KK + "almaty"), OWL.sameAs, URIRef(KK + "astana")) in inferred


def test_the_fast_engine_checks_every_pair_of_a_list() -> None:
    """eq-diff2 as the OWL 2 RL profile states it: the last member of the list counts too
    (owlrl's loop stops before it)."""
    graph = load_graph(paths=[*BASE, FIXTURES / "inconsistent" / "all-different.ttl"])
    graph.remove((URIRef(KK + "astana"), OWL.sameAs, URIRef(KK + "almaty")))
    graph.add((URIRef(KK + "almaty"), OWL.sameAs, URIRef(KK + "bishkek")))
    with pytest.raises(InconsistencyError) as caught:
        reason(graph, "fast")
    assert {KK + "almaty", KK + "bishkek"} <= set(caught.value.nodes)


def test_an_unknown_engine_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="unknown reasoner 'hermit' \\(use fast or owlrl\\)"):
        reason(load_graph(paths=fixture_sources()), "hermit")
