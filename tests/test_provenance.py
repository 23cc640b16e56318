"""Provenance: the source text is the one the graph names, every quote is verbatim at its
code-point offsets, the excerpts' Turtle is what kg.graph.excerpts generates, and every fact-bearing
node of graph/article.ttl points to an excerpt."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic, to_isomorphic
from rdflib.namespace import DCTERMS, SKOS, TIME

from kg.core.namespaces import compact
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
ORG = Namespace("http://www.w3.org/ns/org#")
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


# Triples that are not facts the article states: labels and notes, and the evidence link itself.
NOT_STATED = {RDF.type, RDFS.label, SKOS.prefLabel, SKOS.altLabel, SKOS.note, SKOS.definition}
# Stated by no excerpt, so they have no assertion node: membership in the project's own code lists
# and data sets, and the properties of the article's file (its hash and language).
STRUCTURE_PREDICATES = {SKOS.inScheme, QB.dataSet}
FILE_PROPERTIES = {(KK.article, KKO.sha256), (KK.article, DCTERMS.language)}


def test_every_statement_of_a_node_with_several_excerpts_has_its_own_evidence() -> None:
    """Where a node has two or more excerpts, each of its triples (other than labels, notes,
    code-list and data-set membership and the file's own properties) has an assertion node that
    names the excerpts stating it, all among the node's own excerpts. A node added with several
    excerpts and no assertion nodes fails here."""
    graph = Graph()
    for path in (ARTICLE_TTL, EXCERPTS_TTL):
        graph.parse(path, format="turtle")
    asserted: dict[tuple[object, object, object], set[object]] = {}
    for node in graph.subjects(RDF.type, KKO.Assertion):
        key = (
            graph.value(node, KKO.assertedSubject),
            graph.value(node, KKO.assertedPredicate),
            graph.value(node, KKO.assertedObject),
        )
        asserted.setdefault(key, set()).update(graph.objects(node, KKO.evidence))
    several = {
        s
        for s in set(graph.subjects(KKO.evidence, None))
        if len(set(graph.objects(s, KKO.evidence))) >= 2
        and (s, RDF.type, KKO.Assertion) not in graph
    }
    assert KK.astana in several
    assert KK["return-visit-of-tokayev-to-kyrgyzstan-2022"] in several
    covered, missing = 0, []
    for subject in several:
        own = set(graph.objects(subject, KKO.evidence))
        for predicate, value in graph.predicate_objects(subject):
            if predicate in NOT_STATED | {KKO.evidence} | STRUCTURE_PREDICATES:
                continue
            if (subject, predicate) in FILE_PROPERTIES:
                continue
            excerpts = asserted.get((subject, predicate, value), set())
            if not excerpts:
                missing.append((str(subject), str(predicate), str(value)))
                continue
            assert excerpts <= own, (subject, predicate, value)
            covered += 1
    assert sorted(missing) == []
    assert covered >= 135


def test_statements_stated_by_no_excerpt_have_no_assertion_node() -> None:
    """The exempted triples above are not given an excerpt that does not state them."""
    graph = data()
    for node in graph.subjects(RDF.type, KKO.Assertion):
        subject = graph.value(node, KKO.assertedSubject)
        predicate = graph.value(node, KKO.assertedPredicate)
        assert predicate not in STRUCTURE_PREDICATES, node
        assert (subject, predicate) not in FILE_PROPERTIES, node


# (node, predicate, object, the excerpt that states the triple, an excerpt of the same node that
# does not); each pair read from the article.
SPOT_CHECKS = [
    # 2022年5月，托卡耶夫总统回访比什凯克 / 两国元首在小范围和大范围会谈中…
    (
        "return-visit-of-tokayev-to-kyrgyzstan-2022",
        KKO.place,
        KK.bishkek,
        "visit-2022",
        "talks-2022",
    ),
    (
        "return-visit-of-tokayev-to-kyrgyzstan-2022",
        KKO.hasPart,
        KK["talks-in-bishkek-2022-narrow"],
        "talks-2022",
        "visit-2022",
    ),
    # 2021年3月，吉尔吉斯斯坦总统萨德尔·扎帕罗夫正式访哈 / 在阿斯塔纳与总统…举行会谈
    ("visit-of-japarov-to-kazakhstan-2021", KKO.place, KK.astana, "talks-2021", "visit-2021"),
    (
        "visit-of-japarov-to-kazakhstan-2021",
        KKO.visitor,
        KK["sadyr-japarov"],
        "visit-2021",
        "talks-2021",
    ),
    # 2023年在比什凯克，两国外长还签署了《2024-2026年合作计划》 / 重点包括…水资源…
    (
        "cooperation-programme-2024-2026",
        KKO.coversPeriod,
        KK["period-2024-2026"],
        "programme-2023",
        "programme-focus",
    ),
    (
        "cooperation-programme-2024-2026",
        KKO.focusArea,
        KK["topic-water-resources"],
        "programme-focus",
        "programme-2023",
    ),
    # 塔拉兹的“玛纳斯-阿塔”中心 / 哈国设有多个吉尔吉斯民族文化中心
    ("manas-ata-centre", KKO.place, KK.taraz, "centre-taraz", "centres"),
    ("manas-ata-centre", KKO.community, KK["kyrgyz-nation"], "centres", "centre-taraz"),
    # 2024年前9个月，哈方投资额为4800万美元 / 吉方向哈投资480万美元
    (
        "obs-investment-kyrgyzstan-to-kazakhstan-2024-january-to-september",
        KKO.refPeriod,
        KK["period-2024-january-to-september"],
        "investment-2024-kz",
        "investment-2024-kg",
    ),
    # 哈方在夏季…以灌溉突厥斯坦州农田 / 冬季再返还电力
    (
        "seasonal-electricity-exchange",
        KKO.serves,
        KK["turkistan-region"],
        "electricity-summer",
        "electricity-winter",
    ),
    # 本月初，两国外长同意… / 并计划于2026年在边境建立工业贸易物流综合体…
    (
        "foreign-ministers-accord-2025-08",
        KKO.outcome,
        KK["construction-of-logistics-complex"],
        "logistics-complex",
        "trade-target",
    ),
    (
        "foreign-ministers-accord-2025-08",
        TIME.hasTime,
        KK["time-2025-08"],
        "trade-target",
        "logistics-complex",
    ),
    # 吉尔吉斯斯坦总统萨德尔·扎帕罗夫 / 两国元首 (heads of state, not "president")
    ("post-president-of-kyrgyzstan", ORG.role, KK["role-president"], "visit-2021", "talks-2022"),
]


def _id(case: tuple[object, ...]) -> str:
    return f"{case[0]}-{str(case[1]).rsplit('#', 1)[-1].rsplit('/', 1)[-1]}"


@pytest.mark.parametrize("case", SPOT_CHECKS, ids=[_id(c) for c in SPOT_CHECKS])
def test_source_names_the_excerpt_of_each_statement(
    case: tuple[str, URIRef, URIRef, str, str],
) -> None:
    """kg.graph.provenance.source answers per statement with the excerpt that states it."""
    from kg.graph.provenance import source

    node, predicate, value, stating, other = case
    found = source(f"kk:{node}")
    node_excerpts = {e.excerpt for e in found.evidence}
    assert {KK[f"excerpt-{stating}"], KK[f"excerpt-{other}"]} <= node_excerpts
    per_statement = [s for s in found.statements if (s.predicate, s.object) == (predicate, value)]
    assert len(per_statement) == 1
    named = {e.excerpt for e in per_statement[0].evidence}
    assert KK[f"excerpt-{stating}"] in named
    assert KK[f"excerpt-{other}"] not in named
    assert all(e.verified for e in per_statement[0].evidence)


def _per_statement(output: str) -> dict[str, set[str]]:
    """The "per statement:" part of `kg source`: "PREDICATE OBJECT" -> the excerpts listed."""
    found: dict[str, set[str]] = {}
    lines = output.splitlines()
    start = lines.index("  per statement:") + 1
    current = ""
    for line in lines[start:]:
        if line.startswith("      "):
            found[current].add(line.strip().split(": ", 1)[0])
        elif line.startswith("    "):
            current = line.strip()
            found[current] = set()
    return found


@pytest.mark.parametrize("case", SPOT_CHECKS, ids=[_id(c) for c in SPOT_CHECKS])
def test_kg_source_names_the_excerpt_of_each_statement(
    case: tuple[str, URIRef, URIRef, str, str], tmp_path: Path
) -> None:
    """The `kg source` command prints, under the statement, the excerpt that states it."""
    node, predicate, value, stating, other = case
    env = {**os.environ, "KG_HOME": str(ROOT), "KG_CACHE_DIR": str(tmp_path / "cache")}
    proc = subprocess.run(
        [sys.executable, "-m", "kg", "source", f"kk:{node}"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    line = f"{compact(f'<{predicate}>')} {compact(f'<{value}>')}"
    per_statement = _per_statement(proc.stdout)
    assert line in per_statement, sorted(per_statement)
    assert f"kk:excerpt-{stating}" in per_statement[line]
    assert f"kk:excerpt-{other}" not in per_statement[line]
    # the node's own excerpts, listed above, include the one the statement leaves out
    assert f"  kk:excerpt-{other}" in proc.stdout.splitlines()
