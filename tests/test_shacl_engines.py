"""The SHACL shapes are portable: Jena's SHACL engine (as ``shacl validate`` runs it, all inputs
in one JVM by tests/stores/JenaBatch.java), and the JavaScript engines shacl-engine and
rdf-validate-shacl (one Node process each, tests/stores/shacl-js.cjs) give the same
conformance and the same results, as (focus node, path, source shape, severity), as pyshacl.

Inputs, exactly as tests/test_shapes.py builds them: every bad-data fixture merged with
tests/fixtures/shapes/_base.ttl and the ontology (premixed), and the real graph
(graph/article.ttl and graph/excerpts.ttl with the ontology), each written as N-Triples.

Features an engine lacks, said per shape: the JavaScript engines run without SHACL-SPARQL.
rdf-validate-shacl has none (it stops at the first ``sh:sparql`` constraint: "Cannot find
validator for constraint component sh:SPARQLConstraintComponent"); shacl-engine's SPARQL plugin
(shacl-engine/sparql.js, with Comunica) fails on the project's constraints ("Tried to bind
variable ?this in a GROUP BY operator": it pre-binds ?this by rewriting the query, which
Comunica refuses where ?this is grouped on). So both get the shapes without their ``sh:sparql``
constraints, the results of those shapes are left out of their comparison (Jena runs them all),
and their conformance is compared as "no violation from the other shapes". shacl-engine also
follows rdfs:subClassOf (for ``sh:targetClass`` and ``sh:class``) in the shapes graph only,
not in the data graph as SHACL says: both JavaScript engines get the ontology with the shapes.

Blank nodes (an excerpt's selectors, a shape's nested property shapes) are compared as "a blank
node"; a result path is compared as tests/test_shapes.py writes it (``^p``, ``a|b``).
"""

# ruff: noqa: F811 (pytest fixtures imported by name, then taken as arguments)
from __future__ import annotations

import functools
from collections import Counter
from pathlib import Path

import pytest
from rdflib import RDF, BNode, Graph
from rdflib.namespace import SH
from rdflib.term import Node
from stores.fixtures import tool_cache  # noqa: F401 (fixture)
from stores.tools import engine_params, jena_batch, node, node_module
from test_shapes import (
    CASES,
    DATA,
    SHAPES,
    curie,
    fixture_graph,
    library_report,
    ontology_graph,
    path_text,
    shapes_graph,
)

from kg.graph.validation import validate

pytestmark = [pytest.mark.stores]

ENGINES = ("jena", "shacl-engine", "rdf-validate-shacl")
NO_SPARQL = ("shacl-engine", "rdf-validate-shacl")
INPUTS = [case.stem for case in CASES] + ["real-graph"]

Finding = tuple[str, str | None, str, str]


def _term(node: Node | None) -> str:
    if isinstance(node, BNode):
        return "a blank node"
    return curie(node) if node is not None else "none"


def findings(report: Graph) -> tuple[bool, list[Finding]]:
    """Conformance and the results of a SHACL validation report."""
    results = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        path = report.value(result, SH.resultPath)
        results.append(
            (
                _term(report.value(result, SH.focusNode)),
                None if path is None else path_text(report, path),
                _term(report.value(result, SH.sourceShape)),
                str(report.value(result, SH.resultSeverity)).rsplit("#", 1)[-1],
            )
        )
    conforms = report.value(predicate=SH.conforms)
    if conforms is None:  # an engine that writes no sh:conforms: none of its results violate
        return all(r[3] != "Violation" for r in results), results
    return conforms.toPython() is True, results


@functools.cache
def sparql_shapes() -> frozenset[str]:
    """The shapes whose constraints are SHACL-SPARQL."""
    return frozenset(_term(shape) for shape in shapes_graph().subjects(SH.sparql, None))


def input_graph(name: str) -> Graph:
    if name == "real-graph":
        graph = Graph()
        for file in DATA:
            graph.parse(file, format="turtle")
        return graph + ontology_graph()
    return fixture_graph(next(case for case in CASES if case.stem == name))


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("shacl-inputs")
    files = {}
    for name in INPUTS:
        files[name] = folder / f"{name}.nt"
        input_graph(name).serialize(files[name], format="nt", encoding="utf-8")
    return files


@pytest.fixture(scope="module")
def reference() -> dict[str, tuple[bool, list[Finding]]]:
    """pyshacl with the project's settings, as kg.graph.validation runs it (tests/test_shapes.py and
    tests/test_lib_validation_engine.py show it gives stock pyshacl's report): each fixture's
    report as tests/test_shapes.py keeps it for the test run, and the real graph's report from
    kg's cache when its inputs are unchanged."""
    found = {}
    for name in INPUTS:
        if name == "real-graph":
            report = validate()
            found[name] = (report.conforms, findings(report.report_graph)[1])
        else:
            conforms, report_graph = library_report(next(c for c in CASES if c.stem == name))
            found[name] = (conforms, findings(report_graph)[1])
    return found


@pytest.fixture(scope="module")
def reports(
    inputs: dict[str, Path],
    tool_cache: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, dict[str, tuple[bool, list[Finding]]]]:
    """engine → input → (conformance, results)."""
    files = [str(inputs[name]) for name in INPUTS]
    found: dict[str, dict[str, tuple[bool, list[Finding]]]] = {}
    out = tmp_path_factory.mktemp("shacl-jena")
    jena_batch(tool_cache, "shacl", str(SHAPES), str(out), *files)
    found["jena"] = {
        name: findings(Graph().parse(out / f"{name}.nt.ttl", format="turtle")) for name in INPUTS
    }
    node_module("shacl-engine")
    node_module("rdf-validate-shacl")
    # the shapes without SHACL-SPARQL, with the ontology: shacl-engine follows rdfs:subClassOf
    # (for sh:targetClass and sh:class) in the shapes graph only, not in the data graph
    shapes_file = tmp_path_factory.mktemp("shapes") / "shapes-for-js.ttl"
    shapes = Graph().parse(SHAPES, format="turtle")
    shapes.remove((None, SH.sparql, None))
    shapes += ontology_graph()
    shapes.serialize(shapes_file, format="turtle", encoding="utf-8")
    for engine in NO_SPARQL:
        out = tmp_path_factory.mktemp(f"shacl-{engine}")
        node("shacl-js.cjs", engine, str(shapes_file), str(out), *files)
        found[engine] = {
            name: findings(Graph().parse(out / f"{name}.nt.{engine}.nt", format="nt"))
            for name in INPUTS
        }
    return found


KNOWN: dict[tuple[str, str], str] = {}


@pytest.mark.parametrize(
    ("engine", "name"), engine_params(ENGINES, [(name, name) for name in INPUTS], KNOWN)
)
def test_engine_reports_as_pyshacl(
    engine: str,
    name: str,
    reports: dict[str, dict[str, tuple[bool, list[Finding]]]],
    reference: dict[str, tuple[bool, list[Finding]]],
) -> None:
    conforms, results = reports[engine][name]
    expected_conforms, expected = reference[name]
    if engine in NO_SPARQL:
        left_out = sparql_shapes()
        assert not [r for r in results if r[2] in left_out], "a SPARQL shape it cannot run?"
        expected = [r for r in expected if r[2] not in left_out]
        expected_conforms = all(r[3] != "Violation" for r in expected)
    assert Counter(set(results)) == Counter(set(expected))
    assert conforms == expected_conforms


def test_the_fixtures_exercise_sparql_shapes() -> None:
    """The left-out shapes are few and named: each is still compared on Jena."""
    assert 0 < len(sparql_shapes()) < 20
