"""The library's way of running pyshacl (kg.graph.validation, kg.graph.shacl_sparql): which
SHACL-SPARQL constraints it evaluates once for all focus nodes, and what it leaves untouched.

That its report is the one stock pyshacl gives is checked on every bad-data fixture by
tests/test_shapes.py (stock pyshacl runs once per fixture there, for the fixture's expectations
and for the comparison), on a generated graph with bad data injected by
tests/test_lib_validation_focus.py, and by the benchmark suite (``python -m benchmarks``) on
the real graph and larger generated graphs, where stock pyshacl takes seconds to minutes.
Stock means ``pyshacl.validate`` on an rdflib graph, every SHACL-SPARQL constraint evaluated
per focus node with ``$this`` pre-bound."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import SH
from rdflib.plugins.sparql import prepareQuery
from test_shapes import (
    BASE,
    CASES,
    ONTOLOGY,
    SHAPES,
    expectations,
    ontology_graph,
    shapes_graph,
)

from kg.graph.shacl_sparql import ShaclDataGraph, batchable
from kg.graph.validation import validate

EX = "PREFIX ex: <urn:ex:> "


def fixture_data(fixture: Path) -> Graph:
    graph = Graph().parse(BASE, format="turtle")
    return graph.parse(fixture, format="turtle")


@functools.cache
def sparql_rule_shapes() -> frozenset[str]:
    shapes = shapes_graph()
    return frozenset(str(s) for s in shapes.subjects(SH.sparql, None) if isinstance(s, URIRef))


def _names_a_rule(fixture: Path) -> bool:
    rules = {r.rsplit("#", 1)[-1] for r in sparql_rule_shapes()}
    return any(e.shape.removeprefix("kks:") in rules for e in expectations(fixture))


RULE_CASES = [p for p in CASES if _names_a_rule(p)]


def test_every_sparql_rule_has_a_fixture() -> None:
    """Each rule is exercised by a fixture, where tests/test_shapes.py compares the reports."""
    assert len(sparql_rule_shapes()) >= 9
    assert len(RULE_CASES) >= len(sparql_rule_shapes())


@pytest.mark.parametrize("prefixes", ["rdflib", "none"])
def test_the_callers_graph_is_not_modified(prefixes: str) -> None:
    """Not its triples (the ontology is mixed in only while validating), nor its prefixes."""
    data = Graph(bind_namespaces=prefixes)  # type: ignore[arg-type]
    data += fixture_data(CASES[0])
    before, namespaces = set(data), sorted(data.namespaces())
    validate(data, shapes=shapes_graph(), ontology=ontology_graph())
    assert set(data) == before
    assert sorted(data.namespaces()) == namespaces


def test_every_project_rule_is_evaluated_once() -> None:
    """Each of the project's SHACL-SPARQL constraints is batchable: one evaluation each."""
    prefixes = dict(shapes_graph().namespaces())
    for select in shapes_graph().objects(None, SH.select):
        assert batchable(prepareQuery(str(select), initNs=prefixes)), str(select)[:80]
    assert SHAPES.is_file()
    assert ONTOLOGY.is_file()


@pytest.mark.parametrize(
    "query",
    [
        "SELECT $this ?v WHERE { $this ex:p ?v }",
        "SELECT $this ?v WHERE { $this ex:p ?v FILTER NOT EXISTS { $this ex:q ?v } }",
        "SELECT $this ?v WHERE { { $this ex:p ?v } UNION { ?v ex:q $this } BIND (ex:p AS ?path) }",
        "SELECT $this ?v WHERE { $this ex:p ?v OPTIONAL { $this ex:q ?w } }",
        "SELECT $this ?s WHERE { { SELECT $this (SUM(?x) AS ?s) WHERE { $this ex:p ?x } "
        "GROUP BY $this } }",
        "SELECT $this ?m WHERE { { SELECT (MAX(?x) AS ?m) WHERE { ?a ex:p ?x } } $this ex:q ?m }",
    ],
)
def test_batchable(query: str) -> None:
    assert batchable(prepareQuery(EX + query))


@pytest.mark.parametrize(
    "query",
    [
        "SELECT ?v WHERE { $this ex:p ?v }",  # ?this not projected
        "SELECT $this ?v WHERE { ?s ex:p ?v OPTIONAL { ?s ex:q $this } }",  # bound only maybe
        "SELECT $this ?v WHERE { ?s ex:p ?v FILTER (?v != $this) }",  # only in an expression
        "SELECT $this ?y WHERE { { BIND ($this AS ?y) } $this ex:p ?v }",  # BIND before bound
        "SELECT $this ?v WHERE { $this ex:p ?v } LIMIT 1",  # a limit is global
        "SELECT $this ?v WHERE { $this ex:p ?v MINUS { $this ex:q ?v } }",
        "SELECT $this ?v WHERE { VALUES ?v { 1 } $this ex:p ?v }",
        "SELECT $this ?n WHERE { { SELECT (COUNT(*) AS ?n) WHERE { $this ex:p ?x } } "
        "$this ex:q ?n }",  # a sub-select that uses $this without returning it
        "SELECT $this ?v WHERE { { $this ex:p ?v } UNION { ?v ex:q ?w } }",  # one branch only
        "ASK { $this ex:p ?v }",
    ],
)
def test_not_batchable(query: str) -> None:
    assert not batchable(prepareQuery(EX + query))


def test_table_is_dropped_when_the_graph_changes() -> None:
    graph = ShaclDataGraph()
    p, a, b = URIRef("urn:ex:p"), URIRef("urn:ex:a"), URIRef("urn:ex:b")
    text = EX + "SELECT $this ?v WHERE { $this ex:p ?v }"
    graph.add((a, p, b))
    assert [r.v for r in graph.query(text, initBindings={"this": a})] == [b]
    assert list(graph.query(text, initBindings={"this": b})) == []
    graph.add((b, p, a))
    assert [r.v for r in graph.query(text, initBindings={"this": b})] == [a]
    assert graph.evaluations == 2
