"""The focus-node check in front of pyshacl (kg.graph.shacl_focus) and the SHACL-SPARQL rules
evaluated once with their FILTERs pushed down (kg.graph.shacl_sparql) leave the report as stock
pyshacl gives it: on a generated graph with bad data injected, where a violation the fast path
dropped would show as a difference (and as a missing expected result). Every bad-data fixture
is compared the same way in tests/test_shapes.py."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
from rdflib import RDF, XSD, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDFS, SH
from test_shapes import KK, KKO, ontology_graph, shapes_graph, stock_report

from kg.graph.shacl_focus import Checker
from kg.graph.shacl_sparql import ShaclDataGraph
from kg.graph.validation import ValidationReport, mixed_graph, validate

OA = "http://www.w3.org/ns/oa#"
KKS = "https://w3id.org/kazkgz/shapes#"


def stock(data: Graph) -> tuple[bool, Graph]:
    return stock_report(data + ontology_graph(), premixed=True)


# ---------------------------------------------------------------- a generated graph, spoiled


def _first(graph: Graph, cls: URIRef) -> URIRef:
    return min(s for s in graph.subjects(RDF.type, cls) if isinstance(s, URIRef))


@functools.cache
def spoiled() -> tuple[Graph, frozenset[tuple[str, str]]]:
    """The benchmark generator's graph at scale 1, with bad data put in: the graph and the
    (focus node, shape) pairs each change must produce."""
    generate = pytest.importorskip("benchmarks.generate").generate
    path = Path(__file__).resolve().parent / ".spoiled-generated.nt"
    try:
        generate(1, path, seed=7)
        graph = Graph().parse(path, format="nt")
    finally:
        path.unlink(missing_ok=True)
    expected = set()
    # a missing English label and a second Chinese one: qualified value shapes, uniqueLang
    organisation = _first(graph, KKO.BilateralInstitution)
    for label in list(graph.objects(organisation, RDFS.label)):
        if isinstance(label, Literal) and label.language == "en":
            graph.remove((organisation, RDFS.label, label))
    expected.add((organisation, "EnLabelShape"))
    person = _first(graph, KKO.Person)
    graph.add((person, RDFS.label, Literal("又一个名字", lang="zh")))
    expected |= {(person, "ZhLabelShape"), (person, "LabelLanguageShape")}
    # evidence that is not an excerpt: sh:class
    event = _first(graph, KKO.Talks)
    graph.add((event, KKO.evidence, organisation))
    expected.add((event, "EvidenceShape"))
    # a quote whose offsets no longer span it: a SHACL-SPARQL rule
    selector = min(graph.subjects(RDF.type, URIRef(OA + "TextPositionSelector")))
    end = graph.value(selector, URIRef(OA + "end"))
    assert isinstance(end, Literal)
    graph.set((selector, URIRef(OA + "end"), Literal(int(end) + 1, datatype=end.datatype)))
    excerpt = graph.value(None, URIRef(OA + "hasSelector"), selector)
    expected.add((excerpt, "QuoteLengthRule"))
    # an order typed xsd:integer where the ontology declares xsd:positiveInteger: a rule
    # whose FILTER is pushed into its pattern
    counted = min(s for s in graph.subjects(KKO.order, None) if isinstance(s, URIRef))
    count = graph.value(counted, KKO.order)
    assert isinstance(count, Literal)
    graph.set((counted, KKO.order, Literal(int(count), datatype=XSD.integer)))
    expected.add((counted, "DeclaredRangeRule"))
    # a date as a plain string: sh:or of datatypes
    dated = min(s for s in graph.subjects(KKO.date, None) if isinstance(s, URIRef))
    graph.set((dated, KKO.date, Literal("2020")))
    expected.add((dated, "DateShape"))
    # a directed flow that is also undirected: sh:xone
    flow = min(s for s in graph.subjects(KKO.fromState, None) if isinstance(s, URIRef))
    graph.add((flow, KKO.between, KK.kazakhstan))
    graph.add((flow, KKO.between, KK.kyrgyzstan))
    expected.add((flow, "FlowDirectionShape"))
    return graph, frozenset((str(f), KKS + s) for f, s in expected)


@functools.cache
def spoiled_report() -> ValidationReport:
    """The library's report on :func:`spoiled`'s graph, once per process."""
    graph, _ = spoiled()
    return validate(graph, shapes=shapes_graph(), ontology=ontology_graph())


def test_spoiled_generated_graph_same_report_as_stock_pyshacl() -> None:
    graph, _ = spoiled()
    report = spoiled_report()
    stock_conforms, stock_report = stock(graph)
    assert (report.conforms, stock_conforms) == (False, False)
    assert isomorphic(report.report_graph, stock_report)


def test_spoiled_generated_graph_reports_every_injected_result() -> None:
    _, expected = spoiled()
    report = spoiled_report()
    found = {(str(r.focus_node), str(r.source_shape)) for r in report.results}
    assert expected - found == set()


def _rule_queries() -> list[str]:
    shapes = shapes_graph()
    prefixes = "".join(
        f"PREFIX {shapes.value(d, SH.prefix)}: <{shapes.value(d, SH.namespace)}>\n"
        for d in shapes.objects(None, SH.declare)
    )
    return [prefixes + str(select) for select in shapes.objects(None, SH.select)]


def _rows(result: object) -> set[frozenset[tuple[str, object]]]:
    return {frozenset((str(k), v) for k, v in row.asdict().items()) for row in result}  # type: ignore[attr-defined]


def test_rule_solutions_as_rdflib_gives_them() -> None:
    """Each rule evaluated once for all focus nodes (BGPs ordered by counts, FILTER conditions
    applied as soon as their variables are bound) has, for each focus node, the solutions of
    rdflib's own evaluation with ``$this`` pre-bound, as stock pyshacl runs it; on the
    spoiled graph, where rules have solutions."""
    graph, _ = spoiled()
    fast_graph = mixed_graph(graph, ontology_graph())
    plain = Graph()
    plain += fast_graph
    queries = _rule_queries()
    assert len(queries) >= 9
    with_solutions = 0
    for text in queries:
        unbound = _rows(plain.query(text))
        expected = {dict(row)["this"] for row in unbound}
        assert fast_graph.focus_nodes_with_solutions(text) == expected, text[-300:]
        for this in expected | {min(graph.subjects())}:
            bound = {"this": this}
            want = _rows(plain.query(text, initBindings=bound))
            assert _rows(fast_graph.query(text, initBindings=bound)) == want, text[-300:]
        with_solutions += bool(expected)
    assert with_solutions >= 2


# ---------------------------------------------------------------- the three-valued check


EX = "urn:ex:"


def _checker(shapes_ttl: str, data: Graph) -> Checker:
    shapes = Graph().parse(
        data=f"@prefix sh: <{SH}> . @prefix ex: <{EX}> . @prefix xsd: <{XSD}> . " + shapes_ttl,
        format="turtle",
    )
    mixed = ShaclDataGraph()
    mixed += data
    return Checker(mixed, shapes, lambda _node: None)


def test_checker_is_certain_only_where_it_knows_the_component() -> None:
    a, b, p = URIRef(EX + "a"), URIRef(EX + "b"), URIRef(EX + "p")
    data = Graph()
    data.add((a, p, Literal("x")))
    checker = _checker(
        "ex:Count sh:path ex:p ; sh:minCount 1 ; sh:maxCount 1 . "
        "ex:Type sh:path ex:p ; sh:datatype xsd:integer . "
        "ex:Class sh:path ex:p ; sh:class ex:C . "
        "ex:Pattern sh:path ex:p ; sh:pattern 'x' . "
        "ex:Closed sh:closed true . "
        "ex:Sparql sh:sparql [ sh:select 'SELECT $this WHERE { $this ?p ?o }' ] .",
        data,
    )
    shape = URIRef
    assert checker.conforms(shape(EX + "Count"), a) is True
    assert checker.conforms(shape(EX + "Count"), b) is False
    assert checker.conforms(shape(EX + "Type"), a) is False
    assert checker.conforms(shape(EX + "Class"), a) is False  # a literal is no instance
    assert checker.conforms(shape(EX + "Class"), b) is True  # no values
    assert checker.conforms(shape(EX + "Pattern"), a) is None  # not implemented
    assert checker.conforms(shape(EX + "Closed"), a) is None
    assert checker.conforms(shape(EX + "Sparql"), a) is None  # solutions not known
    assert checker.keep(shape(EX + "Count"), [a, b]) == {b}


def test_checker_is_off_for_shapes_graphs_with_their_own_components() -> None:
    checker = _checker(
        "ex:Comp a sh:ConstraintComponent . ex:Count sh:path ex:p ; sh:minCount 0 .", Graph()
    )
    assert checker.conforms(URIRef(EX + "Count"), URIRef(EX + "a")) is None


def test_an_expression_that_is_no_function_of_its_variables_is_evaluated_each_time() -> None:
    """BINDs are computed once per distinct value of the variables they read, but RAND() is
    not a function of them: each solution gets its own value."""
    graph = ShaclDataGraph()
    p, same = URIRef(EX + "p"), Literal("same")
    nodes = [URIRef(f"{EX}n{i}") for i in range(20)]
    for node in nodes:
        graph.add((node, p, same))
    text = f"PREFIX ex: <{EX}> SELECT $this ?r ?n WHERE {{ $this ex:p ?v "
    text += "BIND (CONCAT(?v, STR(RAND())) AS ?r) BIND (STRLEN(?v) AS ?n) }"
    rows = [next(iter(graph.query(text, initBindings={"this": n}))) for n in nodes]
    assert len({row.r for row in rows}) == len(nodes)
    assert {row.n for row in rows} == {Literal(4)}
    assert graph.evaluations == 1
