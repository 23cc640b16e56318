"""SHACL shapes (shapes/kazkgz-shapes.ttl): every bad-data fixture fails exactly as its header
says, every shape is proven by a fixture, and the real graph conforms.

Validation settings, the same as the project's: the ontology is pyshacl's ``ont_graph`` (mixed
in, so ``rdfs:subClassOf`` reaches class targets and ``sh:class``; never validated on its own);
``inference="none"``: RDFS inference would type every value by the ranges of its properties
(``kko:visitor`` has the range ``kko:Person``, so a state as visitor would become a person and
``sh:class`` could never fail), so the shapes judge the data as written; ``advanced=True`` for
SHACL-SPARQL; ``allow_warnings=True``; no ``owl:imports``.

Fixture format (tests/fixtures/shapes/<case>.ttl): a comment header with one line per expected
result, ``# expect: focus=<curie> [path=<path>] shape=<curie> [severity=Violation|Warning|Info]
[value=<curie>]``. Paths are written as a CURIE, ``^curie`` (inverse) or ``a|b`` (alternatives).
Each fixture is validated merged with tests/fixtures/shapes/_base.ttl (the article, an excerpt,
the two states, a data cube skeleton), which alone has no violations.
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass
from pathlib import Path

import pyshacl
import pytest
from lib_helpers import run_folder, sparql_parsed_once
from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import SH
from rdflib.term import Node

from kg.core.files import atomic_write_bytes
from kg.graph.validation import path_text
from kg.graph.validation import validate as library_validate

ROOT = Path(__file__).resolve().parent.parent
SHAPES = ROOT / "shapes" / "kazkgz-shapes.ttl"
ONTOLOGY = ROOT / "ontology" / "kazkgz.ttl"
DATA = (ROOT / "graph" / "article.ttl", ROOT / "graph" / "excerpts.ttl")
FIXTURES = ROOT / "tests" / "fixtures" / "shapes"
BASE = FIXTURES / "_base.ttl"
CASES = sorted(p for p in FIXTURES.glob("*.ttl") if not p.name.startswith("_"))

KK = Namespace("https://w3id.org/kazkgz/id/")
KKO = Namespace("https://w3id.org/kazkgz/ontology#")
KKS = Namespace("https://w3id.org/kazkgz/shapes#")
PREFIXES = {
    "kk": str(KK),
    "kko": str(KKO),
    "kks": str(KKS),
    "rdfs": str(RDFS),
    "oa": "http://www.w3.org/ns/oa#",
    "org": "http://www.w3.org/ns/org#",
    "qb": "http://purl.org/linked-data/cube#",
    "dcterms": "http://purl.org/dc/terms/",
    "schema": "http://schema.org/",
    "prov": "http://www.w3.org/ns/prov#",
}
SEVERITIES = {"Violation", "Warning", "Info"}


def curie(node: Node) -> str:
    """A node as a CURIE of the prefixes above, or its N-Triples form."""
    for prefix, namespace in PREFIXES.items():
        if isinstance(node, URIRef) and str(node).startswith(namespace):
            return f"{prefix}:{str(node)[len(namespace) :]}"
    return node.n3()


@dataclass(frozen=True)
class Result:
    focus: str
    path: str | None
    shape: str
    severity: str
    value: str | None


@dataclass(frozen=True)
class Expected:
    focus: str
    shape: str
    severity: str = "Violation"
    path: str | None = None
    value: str | None = None

    def matches(self, result: Result) -> bool:
        return (
            result.focus == self.focus
            and result.shape == self.shape
            and result.severity == self.severity
            and (self.path is None or result.path == self.path)
            and (self.value is None or result.value == self.value)
        )

    def __str__(self) -> str:
        return f"{self.severity} focus={self.focus} path={self.path} shape={self.shape}"


def expectations(fixture: Path) -> list[Expected]:
    """The ``# expect:`` lines of a fixture's header."""
    found = []
    for line in fixture.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        if not line.startswith("# expect:"):
            continue
        fields = dict(item.split("=", 1) for item in line.removeprefix("# expect:").split())
        unknown = set(fields) - {"focus", "path", "shape", "severity", "value"}
        assert not unknown, f"{fixture.name}: unknown keys {unknown}"
        assert fields.get("severity", "Violation") in SEVERITIES, f"{fixture.name}: {line}"
        found.append(Expected(**fields))
    assert found, f"{fixture.name}: no '# expect:' line in the header"
    return found


@functools.cache
def shapes_graph() -> Graph:
    return Graph().parse(SHAPES, format="turtle")


@functools.cache
def ontology_graph() -> Graph:
    return Graph().parse(ONTOLOGY, format="turtle")


def stock_report(data: Graph, premixed: bool = False) -> tuple[bool, Graph]:
    """Stock pyshacl's verdict and report graph for ``data``. With ``premixed``, the ontology is
    already in ``data`` (the union that pyshacl builds from ``ont_graph``): the same results,
    without pyshacl copying the ontology node by node (seconds a run here), which every fixture
    would pay. Each SHACL-SPARQL constraint is parsed once per process (see
    :func:`lib_helpers.sparql_parsed_once`), not once per focus node."""
    with sparql_parsed_once():
        conforms, report, _text = pyshacl.validate(
            data,
            shacl_graph=shapes_graph(),
            ont_graph=None if premixed else ontology_graph(),
            inference="none",
            advanced=True,
            allow_warnings=True,
            do_owl_imports=False,
        )
    return bool(conforms), report


def results_of(report: Graph) -> list[Result]:
    """The results of a report graph, as CURIEs."""
    results = []
    for node in report.subjects(RDF.type, SH.ValidationResult):
        value = report.value(node, SH.value)
        results.append(
            Result(
                focus=curie(report.value(node, SH.focusNode)),
                path=path_text(report, report.value(node, SH.resultPath)) or None,
                shape=curie(report.value(node, SH.sourceShape)),
                severity=str(report.value(node, SH.resultSeverity)).rsplit("#", 1)[-1],
                value=None if value is None or isinstance(value, Literal) else curie(value),
            )
        )
    return results


def validate(data: Graph, premixed: bool = False) -> tuple[bool, list[Result]]:
    """Stock pyshacl's verdict and results for ``data`` (see :func:`stock_report`)."""
    conforms, report = stock_report(data, premixed)
    return conforms, results_of(report)


def fixture_graph(fixture: Path, with_ontology: bool = True) -> Graph:
    graph = Graph().parse(BASE, format="turtle")
    graph.parse(fixture, format="turtle")
    if with_ontology:
        graph += ontology_graph()
    return graph


def library_report(fixture: Path) -> tuple[bool, Graph]:
    """The library's validation (kg.graph.validation) of ``fixture`` with the base data, the
    shapes and the ontology: its verdict and report graph. Computed once per test run: the
    first test process to ask writes the report (N-Triples) into the run's folder, and the
    others read it (tests/test_shacl_engines.py asks for the same reports)."""
    entry = run_folder() / "library-reports" / f"{fixture.stem}.nt"
    if not entry.is_file():
        data = fixture_graph(fixture, with_ontology=False)
        report = library_validate(data, shapes=shapes_graph(), ontology=ontology_graph())
        atomic_write_bytes(entry, report.report_graph.serialize(format="nt", encoding="utf-8"))
    graph = Graph().parse(entry, format="nt")
    return Literal(True) in set(graph.objects(None, SH.conforms)), graph


def test_premixed_ontology_gives_the_same_results() -> None:
    """The ontology premixed into the data gives stock pyshacl's results with the ontology as
    its ``ont_graph``, on two fixtures validated together: a SHACL-SPARQL rule's, and one
    whose ``sh:class`` is reached through the ontology's ``rdfs:subClassOf``."""
    fixtures = [FIXTURES / "exports-above-total.ttl", FIXTURES / "visit-by-a-state.ttl"]
    data = fixture_graph(fixtures[0], with_ontology=False)
    data.parse(fixtures[1], format="turtle")
    as_ont_graph = validate(data)
    premixed = validate(data + ontology_graph(), premixed=True)
    for fixture in fixtures:  # each case is there to compare
        expected = expectations(fixture)
        assert all(any(e.matches(r) for r in as_ont_graph[1]) for e in expected), fixture.stem
    assert as_ont_graph[0] == premixed[0]
    assert sorted(map(str, as_ont_graph[1])) == sorted(map(str, premixed[1]))


def test_base_has_no_violations() -> None:
    conforms, results = validate(Graph().parse(BASE, format="turtle") + ontology_graph(), True)
    assert conforms, [r for r in results if r.severity == "Violation"]


@pytest.mark.parametrize("fixture", CASES, ids=[p.stem for p in CASES])
def test_fixture_fails_as_expected(fixture: Path) -> None:
    """Stock pyshacl reports what the fixture's header expects, and the library's validation
    (kg.graph.validation: the focus-node check in front of pyshacl, each SHACL-SPARQL rule
    evaluated once; see tests/test_lib_validation_engine.py) gives the same report graph."""
    expected = expectations(fixture)
    conforms, report = stock_report(fixture_graph(fixture), premixed=True)
    results = results_of(report)
    missing = [str(e) for e in expected if not any(e.matches(r) for r in results)]
    assert not missing, f"expected results not reported: {missing}; got {results}"
    unexpected = [
        r for r in results if r.severity == "Violation" and not any(e.matches(r) for e in expected)
    ]
    assert not unexpected, f"violations the fixture does not expect: {unexpected}"
    assert conforms == all(e.severity != "Violation" for e in expected)
    library_conforms, library = library_report(fixture)
    assert library_conforms == conforms
    assert isomorphic(library, report)


def _named_shapes() -> set[URIRef]:
    shapes = shapes_graph()
    found = set(shapes.subjects(RDF.type, SH.NodeShape)) | set(
        shapes.subjects(RDF.type, SH.PropertyShape)
    )
    return {s for s in found if isinstance(s, URIRef)}


def test_every_shape_has_a_fixture() -> None:
    exercised = {e.shape for fixture in CASES for e in expectations(fixture)}
    shapes = {curie(s) for s in _named_shapes()}
    assert len(shapes) >= 60
    assert shapes - exercised == set(), "shapes without a bad-data fixture"
    assert exercised - shapes == set(), "fixtures naming shapes that do not exist"


def test_every_shape_has_label_and_message_in_english() -> None:
    shapes = shapes_graph()
    for shape in _named_shapes():
        labels = [lbl for lbl in shapes.objects(shape, RDFS.label) if lbl.language == "en"]
        assert labels, f"{curie(shape)} has no English rdfs:label"
        messages = list(shapes.objects(shape, SH.message))
        for constraint in shapes.objects(shape, SH.sparql):
            messages += list(shapes.objects(constraint, SH.message))
        assert any(m.language == "en" for m in messages), f"{curie(shape)} has no sh:message"


def test_shapes_file_holds_no_data_or_ontology() -> None:
    """The shapes graph is separate: it types nothing with a class of the ontology."""
    shapes = shapes_graph()
    types = set(shapes.objects(None, RDF.type))
    assert not {t for t in types if str(t).startswith(str(KKO))}


def test_every_class_of_the_graph_is_targeted() -> None:
    """Each class used in graph/*.ttl is the target (itself or a superclass) of some shape."""
    data = Graph()
    for file in DATA:
        data.parse(file, format="turtle")
    ontology = ontology_graph()
    targeted = set(shapes_graph().objects(None, SH.targetClass))
    used = set(data.objects(None, RDF.type))
    assert len(used) > 50
    untargeted = {
        curie(cls)
        for cls in used
        if not targeted & set(ontology.transitive_objects(cls, RDFS.subClassOf))
    }
    assert untargeted == set()


@pytest.mark.realdata
@pytest.mark.slow
def test_real_graph_conforms() -> None:
    data = Graph()
    for file in DATA:
        data.parse(file, format="turtle")
    started = time.perf_counter()
    conforms, results = validate(data + ontology_graph(), premixed=True)
    elapsed = time.perf_counter() - started
    violations = [r for r in results if r.severity == "Violation"]
    assert violations == []
    assert conforms
    # Warnings the article itself causes: it gives no dates for "the past 15 years", and it
    # reports the ratification of the 2025 agreement on deepening allied relations, not its signing.
    assert any(
        r.focus == "kk:period-past-15-years" and r.shape == "kks:PeriodBoundsShape" for r in results
    )
    assert any(
        r.focus == "kk:agreement-on-deepening-allied-relations"
        and r.shape == "kks:AgreementConclusionShape"
        for r in results
    )
    print(f"pyshacl on the real graph: {elapsed:.1f} s, {len(results)} warnings and infos")
