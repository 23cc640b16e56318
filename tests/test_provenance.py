"""Provenance: the source text is the one the graph names, every quote is verbatim at its
code-point offsets, the excerpts' Turtle is what kg.graph.excerpts generates, and every fact-bearing
node of graph/article.ttl points to an excerpt."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic, to_isomorphic
from rdflib.namespace import SKOS, TIME

from kg.graph.excerpts import CONTEXT_LENGTH, excerpts_graph

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "graph" / "source" / "article.zh.txt"
ARTICLE_TTL = ROOT / "graph" / "article.ttl"
EXCERPTS_TTL = ROOT / "graph" / "excerpts.ttl"
SHA256 = "f55c600e9790b69e617099fde2cf00a523fc2fbf898f4369e389f13b8e0c325e"

KK = Namespace("https://w3id.org/kazkgz/id/")
KKO = Namespace("https://w3id.org/kazkgz/ontology#")
OA = Namespace("http://www.w3.org/ns/oa#")
QB = Namespace("http://purl.org/linked-data/cube#")
# Types whose nodes describe the data's structure, not a fact of the article.
STRUCTURAL = {SKOS.ConceptScheme, QB.DataStructureDefinition, QB.ComponentSpecification, QB.DataSet}
# calendar days, months and years, their descriptions and durations: the frame of the dates that
# facts state, not facts themselves
CALENDAR = {TIME.DateTimeInterval, TIME.GeneralDateTimeDescription, TIME.Duration}

pytestmark = pytest.mark.realdata


def text() -> str:
    return SOURCE.read_text(encoding="utf-8")


def data() -> Graph:
    return Graph().parse(ARTICLE_TTL, format="turtle")


def excerpts() -> Graph:
    return Graph().parse(EXCERPTS_TTL, format="turtle")


def selectors(graph: Graph) -> list[tuple[URIRef, str, str, str, int, int]]:
    """(excerpt, exact, prefix, suffix, start, end) for every excerpt."""
    rows = []
    for excerpt in sorted(graph.subjects(RDF.type, KKO.Excerpt)):
        quote = [
            s
            for s in graph.objects(excerpt, OA.hasSelector)
            if (s, RDF.type, OA.TextQuoteSelector) in graph
        ]
        position = [
            s
            for s in graph.objects(excerpt, OA.hasSelector)
            if (s, RDF.type, OA.TextPositionSelector) in graph
        ]
        assert len(quote) == 1, f"{excerpt}: {len(quote)} quote selectors"
        assert len(position) == 1, f"{excerpt}: {len(position)} position selectors"
        values = [graph.value(quote[0], p) for p in (OA.exact, OA.prefix, OA.suffix)]
        offsets = [graph.value(position[0], p) for p in (OA.start, OA.end)]
        assert all(isinstance(v, Literal) for v in values + offsets), excerpt
        rows.append(
            (
                URIRef(excerpt),
                str(values[0]),
                str(values[1]),
                str(values[2]),
                int(offsets[0].toPython()),  # type: ignore[union-attr]
                int(offsets[1].toPython()),  # type: ignore[union-attr]
            )
        )
    return rows


def test_source_text_has_the_recorded_hash() -> None:
    digest = hashlib.sha256(SOURCE.read_bytes()).hexdigest()
    assert digest == SHA256
    assert data().value(KK.article, KKO.sha256) == Literal(SHA256)


def test_there_are_excerpts() -> None:
    assert len(selectors(excerpts())) >= 80


def test_every_quote_is_verbatim_at_its_offsets() -> None:
    source = text()
    for excerpt, exact, _prefix, _suffix, start, end in selectors(excerpts()):
        assert 0 <= start < end <= len(source), excerpt
        assert source[start:end] == exact, excerpt


def test_every_quote_occurs_once() -> None:
    source = text()
    for excerpt, exact, *_ in selectors(excerpts()):
        assert source.count(exact) == 1, excerpt


def test_prefix_and_suffix_agree_with_the_text() -> None:
    source = text()
    for excerpt, _exact, prefix, suffix, start, end in selectors(excerpts()):
        assert source[start - len(prefix) : start] == prefix, excerpt
        assert source[end : end + len(suffix)] == suffix, excerpt
        # as much context as the text has, up to the table's context length
        assert len(prefix) == min(start, CONTEXT_LENGTH), excerpt
        assert len(suffix) == min(len(source) - end, CONTEXT_LENGTH), excerpt


def test_offsets_count_code_points() -> None:
    """The offsets of a quote after non-ASCII text are in characters, not bytes."""
    source = text()
    rows = {row[0]: row for row in selectors(excerpts())}
    _excerpt, exact, _p, _s, start, end = rows[KK["excerpt-treaty-1997"]]
    assert exact == "1997年4月8日签署的《永久友好条约》"
    assert end - start == len(exact) == 20
    assert len(source[:start].encode("utf-8")) > start


def test_excerpts_turtle_is_what_the_table_generates() -> None:
    generated = excerpts_graph()
    stored = excerpts()
    assert isomorphic(generated, stored), sorted(
        set(to_isomorphic(generated)) ^ set(to_isomorphic(stored))
    )[:10]


def test_every_evidence_is_an_excerpt_and_every_excerpt_is_used() -> None:
    cited = set(data().objects(None, KKO.evidence))
    defined = set(excerpts().subjects(RDF.type, KKO.Excerpt))
    assert cited - defined == set(), "evidence pointing to no excerpt"
    assert defined - cited == set(), "excerpts no fact points to"


def test_every_fact_bearing_node_has_evidence() -> None:
    graph = data()
    typed = set(graph.subjects(RDF.type, None))
    fact_bearing = {s for s in typed if set(graph.objects(s, RDF.type)) - STRUCTURAL - CALENDAR}
    assert len(fact_bearing) > 200
    without = sorted(str(s) for s in fact_bearing if (s, KKO.evidence, None) not in graph)
    assert without == []


def test_structural_nodes_are_only_schemes_and_cube_structure() -> None:
    """The exceptions above are exactly the concept schemes, the cube's structure and the calendar
    nodes that the facts' dates and periods point to."""
    graph = data()
    structural = {
        s for s in graph.subjects(RDF.type, None) if set(graph.objects(s, RDF.type)) <= STRUCTURAL
    }
    calendar = {
        s for s in graph.subjects(RDF.type, None) if set(graph.objects(s, RDF.type)) <= CALENDAR
    }
    times = set(
        graph.objects(None, TIME.hasTime | TIME.intervalStartedBy | TIME.intervalFinishedBy)
    )
    pointed_to = (
        times
        | {d for t in times for d in graph.objects(t, TIME.hasDateTimeDescription)}
        | set(graph.objects(None, TIME.hasDuration))
    )
    assert calendar == pointed_to
    assert KK["time-1992-10-15"] in calendar
    assert KK["duration-35-years"] in calendar
    assert {
        KK["dataset-trade"],
        KK["dsd-money-flows"],
        KK["component-amount"],
        KK.flows,
    } <= structural
    assert len(structural) == 6 + 2 + 7 + 3  # concept schemes, structures, components, data sets


def test_source_answers_per_statement() -> None:
    """Evidence per statement: 吉尔吉斯斯坦总统萨德尔·扎帕罗夫正式访哈 shows Japarov in office at
    the March 2021 visit; 两国元首在小范围和大范围会谈中 at the talks of May 2022. The incumbency
    has three excerpts; each of its kko:inOfficeAt triples names the one that states it."""
    from kg.graph.provenance import source

    found = source("kk:incumbency-japarov-president-of-kyrgyzstan")
    by_event = {
        str(s.object).rsplit("/", 1)[-1]: {e.exact for e in s.evidence} for s in found.statements
    }
    assert by_event["visit-of-japarov-to-kazakhstan-2021"] == {
        "2021年3月，吉尔吉斯斯坦总统萨德尔·扎帕罗夫正式访哈"
    }
    assert by_event["talks-in-bishkek-2022-narrow"] == {
        "两国元首在小范围和大范围会谈中达成多项具体协议，涵盖政治、经济以及人文领域"
    }
    assert "ratification-of-deepening-agreement-by-kazakhstan" not in by_event
    assert all(e.verified for s in found.statements for e in s.evidence)
    kazakhstan = {
        str(s.predicate).rsplit("#", 1)[-1]: s for s in source("kk:kazakhstan").statements
    }
    assert {e.exact for e in kazakhstan["borders"].evidence} == {
        "作为毗邻国家，它们同为多个国际与区域组织的成员"
    }
    assert {e.exact for e in kazakhstan["hasDiplomaticRelationsWith"].evidence} == {
        "哈萨克斯坦与吉尔吉斯斯坦于1992年10月15日正式建立外交关系"
    }


def test_every_assertion_node_of_the_article_names_an_asserted_triple_and_its_evidence() -> None:
    """An assertion node of the article layer stands for a triple the article graph asserts,
    and its excerpts are among the excerpts of the triple's subject."""
    kko = KKO
    graph = Graph()
    for path in (ARTICLE_TTL, EXCERPTS_TTL):
        graph.parse(path, format="turtle")
    nodes = set(graph.subjects(kko.assertedSubject, None))
    assert len(nodes) >= 15
    for node in nodes:
        subject = graph.value(node, kko.assertedSubject)
        triple = (
            subject,
            graph.value(node, kko.assertedPredicate),
            graph.value(node, kko.assertedObject),
        )
        assert triple in graph, node
        excerpts = set(graph.objects(node, kko.evidence))
        assert excerpts, node
        assert excerpts <= set(graph.objects(subject, kko.evidence)), node
