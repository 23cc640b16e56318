"""The verification layer: what independent sources say of each of the article's facts.

From the table graph/verification.tsv (one row per fact and source) to graph/verification.ttl:
one ``schema:ClaimReview`` per row, whose ``schema:itemReviewed`` is the article's fact node,
with a status (a SKOS concept of ``kko:verificationStatuses``), our own words
(``schema:reviewBody``), the source it rests on (``prov:wasDerivedFrom``: a ``prov:Entity`` with
``schema:publisher``, ``schema:name``, ``schema:url``, ``schema:datePublished``), how the source
was found (``kko:foundVia``) and, where a finding concerns one property, that property with the
article's value and the source's (``kko:reviewedProperty``, ``kko:articleValue``,
``kko:sourceValue``). The layer never asserts anything about the world: the article graph keeps
what the article says.

Run ``python -m kg.graph.verification`` after editing the table to regenerate the Turtle; a bad
row is reported with its file, line and column name. :func:`assessments` reads the layer back
for ``kg source``, the pages and the query warnings.
"""

from __future__ import annotations

import hashlib
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import PROV, SH
from rdflib.term import Node

from kg.core.errors import KgError, VerificationRowError
from kg.core.files import atomic_write_text
from kg.core.namespaces import KK, KKO, PREFIXES, bind_prefixes
from kg.core.paths import Sources, default_sources, project_root

__all__ = [
    "COLUMNS",
    "STATUSES",
    "Assessment",
    "Finding",
    "Row",
    "SourceRecord",
    "VerificationStats",
    "assessments",
    "fact_nodes",
    "read_table",
    "status_of",
    "verification_graph",
    "verification_stats",
    "write_verification",
]

SCHEMA = Namespace("http://schema.org/")

ROOT = project_root()
TABLE = ROOT / "graph" / "verification.tsv"
DATA = ROOT / "graph" / "article.ttl"
OUTPUT = ROOT / "graph" / "verification.ttl"

#: the table's columns, in order (a fixed format: the first comment line names them)
COLUMNS = (
    "fact",
    "status",
    "property",
    "article_value",
    "source_value",
    "finding",
    "publisher",
    "title",
    "url",
    "published",
    "found_via",
)
#: status in the table → its concept in the ontology
STATUSES = {
    "corroborated": KKO.Corroborated,
    "contradicted": KKO.Contradicted,
    "more-precise": KKO.MorePrecise,
    "unverified": KKO.Unverified,
    "not-checkable": KKO.NotCheckable,
}
#: statuses that rest on a source; the others name what was searched or need nothing
SOURCED = ("corroborated", "contradicted", "more-precise")
#: statuses whose rows say which property differs and both values
COMPARED = ("contradicted", "more-precise")
STATUS_LABELS_ZH = {
    "corroborated": "已印证",
    "contradicted": "有出入",
    "more-precise": "他处更精确",
    "unverified": "未核实",
    "not-checkable": "无法核查",
}
_DATES = (
    (re.compile(r"\d{4}-\d{2}-\d{2}"), XSD.date),
    (re.compile(r"\d{4}-\d{2}"), XSD.gYearMonth),
    (re.compile(r"\d{4}"), XSD.gYear),
)
_SLUG = re.compile(r"kk:[a-z0-9][a-z0-9-]*")
_URL = re.compile(r"https?://[^\s<>\"{}|\\^`]+")


@dataclass(frozen=True)
class Row:
    """One row of the table, checked: the fact's IRI, the status and the other cells."""

    line: int
    fact: URIRef
    status: str
    property: URIRef | None
    article_value: Node | None
    source_value: Node | None
    finding: str
    publisher: str
    title: str
    url: str
    published: Literal | None
    found_via: str


def _cell_error(path: Path, line: int, column: str, message: str) -> VerificationRowError:
    return VerificationRowError(path, line, column, message)


def _term(text: str, path: Path, line: int, column: str) -> Node:
    """A Turtle term (an IRI, a CURIE with a project prefix, or a literal) as an rdflib term."""
    prologue = "".join(f"@prefix {p}: <{iri}> .\n" for p, iri in PREFIXES.items())
    try:
        graph = Graph().parse(data=f"{prologue}<urn:s> <urn:p> {text} .", format="turtle")
    except Exception as exc:  # rdflib raises several types for a bad term
        message = str(exc).splitlines()[-1] if str(exc) else type(exc).__name__
        raise _cell_error(path, line, column, f"not a Turtle term: {text!r} ({message})") from exc
    values = list(graph.objects())
    if len(values) != 1:
        raise _cell_error(path, line, column, f"not one Turtle term: {text!r}")
    return values[0]


def _date(text: str, path: Path, line: int) -> Literal | None:
    if not text:
        return None
    for pattern, datatype in _DATES:
        if pattern.fullmatch(text):
            month = text[5:7]
            if month and not 1 <= int(month) <= 12:
                break
            value = Literal(text, datatype=datatype)
            if value.ill_typed:
                break
            return value
    raise _cell_error(path, line, "published", f"not YYYY-MM-DD, YYYY-MM or YYYY: {text!r}")


def _row(path: Path, line: int, cells: list[str]) -> Row:
    if len(cells) != len(COLUMNS):
        raise _cell_error(
            path, line, "*", f"expected {len(COLUMNS)} tab-separated columns, got {len(cells)}"
        )
    cell = dict(zip(COLUMNS, (c.strip() for c in cells), strict=True))
    if not _SLUG.fullmatch(cell["fact"]):
        raise _cell_error(path, line, "fact", f"not a kk: node: {cell['fact']!r}")
    status = cell["status"]
    if status not in STATUSES:
        raise _cell_error(path, line, "status", f"{status!r} is not one of {', '.join(STATUSES)}")
    prop = _term(cell["property"], path, line, "property") if cell["property"] else None
    if prop is not None and not isinstance(prop, URIRef):
        raise _cell_error(path, line, "property", f"not a property IRI: {cell['property']!r}")
    values = {
        name: _term(cell[name], path, line, name) if cell[name] else None
        for name in ("article_value", "source_value")
    }
    if status in SOURCED:
        for name in ("finding", "publisher"):
            if not cell[name]:
                raise _cell_error(path, line, name, f"a {status} row needs it")
    if status == "unverified":
        if not cell["found_via"]:
            raise _cell_error(path, line, "found_via", "an unverified row names what was searched")
        if cell["url"]:
            raise _cell_error(path, line, "url", "an unverified row has no source")
    if cell["url"] and not _URL.fullmatch(cell["url"]):
        raise _cell_error(path, line, "url", f"not an http(s) URL: {cell['url']!r}")
    return Row(
        line=line,
        fact=KK[cell["fact"].removeprefix("kk:")],
        status=status,
        property=prop,
        article_value=values["article_value"],
        source_value=values["source_value"],
        finding=cell["finding"],
        publisher=cell["publisher"],
        title=cell["title"],
        url=cell["url"],
        published=_date(cell["published"], path, line),
        found_via=cell["found_via"],
    )


def read_table(path: Path = TABLE) -> list[Row]:
    """The checked rows of a verification table; lines starting with # are comments. All rows
    of one fact must carry the same status."""
    rows: list[Row] = []
    status_of_fact: dict[URIRef, tuple[str, int]] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        row = _row(path, number, line.split("\t"))
        first = status_of_fact.setdefault(row.fact, (row.status, number))
        if first[0] != row.status:
            raise _cell_error(
                path,
                number,
                "status",
                f"{row.status!r}, but line {first[1]} gives {first[0]!r} for the same fact",
            )
        rows.append(row)
    for fact, (status, first_line) in status_of_fact.items():
        if status in COMPARED and not any(_compares(r) for r in rows if r.fact == fact):
            raise _cell_error(
                path,
                first_line,
                "source_value",
                f"no row of this {status} fact gives the property and the source's value"
                + (" and the article's" if status == "contradicted" else ""),
            )
    return rows


def _compares(row: Row) -> bool:
    """The row says which property differs and the source's value (and, for a contradiction,
    the article's: a more precise value may stand where the article gives none)."""
    if row.property is None or row.source_value is None:
        return False
    return row.status != "contradicted" or row.article_value is not None


def _source_iri(row: Row) -> URIRef:
    """A readable, stable IRI for the source: its host (or publisher) and a short hash."""
    key = row.url or f"{row.publisher}\t{row.title}"
    host = re.sub(r"^https?://(www\.)?", "", row.url).split("/")[0] if row.url else row.publisher
    slug = re.sub(r"[^a-z0-9]+", "-", host.lower()).strip("-")[:40] or "source"
    return KK[f"verification-source-{slug}-{hashlib.sha256(key.encode()).hexdigest()[:8]}"]


def _labels(graph: Graph, node: URIRef) -> dict[str | None, str]:
    return {
        lit.language: str(lit)
        for lit in graph.objects(node, RDFS.label)
        if isinstance(lit, Literal)
    }


def verification_graph(table: Path = TABLE, data: Path = DATA) -> Graph:
    """The verification layer of every row of ``table``; each fact must be a node of the
    article graph ``data``."""
    article = Graph().parse(data, format="turtle")
    graph = bind_prefixes(Graph())
    counts: dict[URIRef, int] = {}
    for row in read_table(table):
        if (row.fact, None, None) not in article:
            raise _cell_error(table, row.line, "fact", f"{row.fact} is not a node of {data.name}")
        counts[row.fact] = counts.get(row.fact, 0) + 1
        slug = str(row.fact).removeprefix(str(KK))
        review = KK[f"verification-{slug}-{counts[row.fact]}"]
        labels = _labels(article, row.fact)
        by = f" ({row.publisher})" if row.publisher else ""
        graph.add((review, RDF.type, SCHEMA.ClaimReview))
        graph.add((review, SCHEMA.itemReviewed, row.fact))
        graph.add((review, KKO.verificationStatus, STATUSES[row.status]))
        graph.add(
            (review, RDFS.label, Literal(f"{labels.get('en', slug)}: {row.status}{by}", lang="en"))
        )
        zh = f"核查：{labels.get('zh', slug)}（{STATUS_LABELS_ZH[row.status]}）"
        graph.add((review, RDFS.label, Literal(zh, lang="zh")))
        if row.finding:
            graph.add((review, SCHEMA.reviewBody, Literal(row.finding, lang="en")))
        if row.found_via:
            graph.add((review, KKO.foundVia, Literal(row.found_via)))
        if row.property is not None:
            graph.add((review, KKO.reviewedProperty, row.property))
        if row.article_value is not None:
            graph.add((review, KKO.articleValue, row.article_value))
        if row.source_value is not None:
            graph.add((review, KKO.sourceValue, row.source_value))
        if row.publisher or row.url:
            source = _source_iri(row)
            graph.add((review, PROV.wasDerivedFrom, source))
            graph.add((source, RDF.type, PROV.Entity))
            graph.add((source, RDF.type, SCHEMA.CreativeWork))
            # the publisher's name (written in English in the table); a title keeps no
            # language tag, as the table does not say its language
            graph.add((source, RDFS.label, Literal(row.publisher or row.url, lang="en")))
            if row.publisher:
                graph.add((source, SCHEMA.publisher, Literal(row.publisher)))
            if row.title:
                graph.add((source, SCHEMA.name, Literal(row.title)))
            if row.url:
                graph.add((source, SCHEMA.url, URIRef(row.url)))
            if row.published is not None:
                graph.add((source, SCHEMA.datePublished, row.published))
    return graph


def write_verification(output: Path = OUTPUT, table: Path = TABLE) -> int:
    """Regenerate the layer's Turtle atomically; returns the number of triples written."""
    graph = verification_graph(table)
    header = (
        "# Generated by `python -m kg.graph.verification` from graph/verification.tsv: "
        "do not edit by hand.\n"
    )
    atomic_write_text(output, header + graph.serialize(format="turtle"))
    return len(graph)


# ---------------------------------------------------------------- reading the layer back


@dataclass(frozen=True)
class SourceRecord:
    """A source a finding rests on: publisher, title, URL and date as the table gives them."""

    iri: URIRef
    publisher: str | None
    title: str | None
    url: str | None
    published: str | None


@dataclass(frozen=True)
class Finding:
    """One source's reading of a fact: our words, the property it concerns with the article's
    and the source's values, the source, and how it was found."""

    review: URIRef
    body: str | None
    property: URIRef | None
    article_value: Node | None
    source_value: Node | None
    source: SourceRecord | None
    found_via: str | None


@dataclass(frozen=True)
class Assessment:
    """What independent sources say of one fact: its status (``corroborated``,
    ``contradicted``, ``more-precise``, ``unverified``, ``not-checkable``) and the findings."""

    fact: URIRef
    status: str
    findings: tuple[Finding, ...]


_STATUS_NAMES = {concept: name for name, concept in STATUSES.items()}


def _text(graph: Graph, node: Node, predicate: URIRef) -> str | None:
    value = graph.value(node, predicate)
    return None if value is None else str(value)


def _source(graph: Graph, node: Node | None) -> SourceRecord | None:
    if not isinstance(node, URIRef):
        return None
    return SourceRecord(
        iri=node,
        publisher=_text(graph, node, SCHEMA.publisher),
        title=_text(graph, node, SCHEMA.name),
        url=_text(graph, node, SCHEMA.url),
        published=_text(graph, node, SCHEMA.datePublished),
    )


def status_of(graph: Graph, fact: URIRef) -> str | None:
    """The status the layer ``graph`` gives ``fact``, or None where it has no assessment."""
    for review in graph.subjects(SCHEMA.itemReviewed, fact):
        concept = graph.value(review, KKO.verificationStatus)
        if concept in _STATUS_NAMES:
            return _STATUS_NAMES[concept]  # type: ignore[index]
    return None


def assessments(graph: Graph, facts: Iterable[URIRef] | None = None) -> dict[URIRef, Assessment]:
    """The assessment of each fact of the layer ``graph`` (or of ``facts`` only)."""
    wanted = None if facts is None else set(facts)
    found: dict[URIRef, list[Finding]] = {}
    for review, fact in sorted(graph.subject_objects(SCHEMA.itemReviewed)):
        if not isinstance(fact, URIRef) or (wanted is not None and fact not in wanted):
            continue
        prop = graph.value(review, KKO.reviewedProperty)
        found.setdefault(fact, []).append(
            Finding(
                review=review,  # type: ignore[arg-type]
                body=_text(graph, review, SCHEMA.reviewBody),
                property=prop if isinstance(prop, URIRef) else None,
                article_value=graph.value(review, KKO.articleValue),
                source_value=graph.value(review, KKO.sourceValue),
                source=_source(graph, graph.value(review, PROV.wasDerivedFrom)),
                found_via=_text(graph, review, KKO.foundVia),
            )
        )
    return {
        fact: Assessment(fact, status_of(graph, fact) or "unverified", tuple(findings))
        for fact, findings in found.items()
    }


# ---------------------------------------------------------------- coverage


@dataclass(frozen=True)
class VerificationStats:
    """How far the verification layer covers the article: the fact-bearing nodes, how many
    have an assessment, the count of facts by status, the rows (findings) and the distinct
    sources, and the facts still without an assessment."""

    facts: int
    assessed: int
    by_status: tuple[tuple[str, int], ...]
    findings: int
    sources: int
    unassessed: tuple[URIRef, ...]


def _coverage_shapes(sources: Sources) -> Path:
    folder = sources.shapes[0].parent if sources.shapes else project_root() / "shapes"
    return folder / "verification-coverage.ttl"


def fact_nodes(article: Graph, sources: Sources | None = None) -> set[URIRef]:
    """The fact-bearing nodes of ``article``: the nodes of the target classes of
    shapes/verification-coverage.ttl (events, agreements, institutions, memberships, figures,
    cultural items, claims and statements)."""
    shapes = _coverage_shapes(default_sources() if sources is None else sources)
    classes = set(Graph().parse(shapes, format="turtle").objects(None, SH.targetClass))
    return {n for c in classes for n in article.subjects(RDF.type, c) if isinstance(n, URIRef)}


def verification_stats(sources: Sources | None = None) -> VerificationStats:
    """What the project's verification layer covers (see :class:`VerificationStats`)."""
    chosen = default_sources() if sources is None else sources
    article = Graph()
    for file in chosen.data:
        article.parse(file, format="turtle")
    layer = Graph()
    for file in chosen.verification:
        layer.parse(file, format="turtle")
    facts = fact_nodes(article, chosen)
    found = assessments(layer)
    counted = dict.fromkeys(STATUSES, 0)
    for fact in facts & set(found):
        counted[found[fact].status] += 1
    reviews = set(layer.subjects(SCHEMA.itemReviewed, None))
    return VerificationStats(
        facts=len(facts),
        assessed=len(facts & set(found)),
        by_status=tuple(counted.items()),
        findings=len(reviews),
        sources=len(set(layer.objects(None, PROV.wasDerivedFrom))),
        unassessed=tuple(sorted(facts - set(found))),
    )


if __name__ == "__main__":
    try:
        count = write_verification()
    except (KgError, OSError) as error:
        print(f"kg.graph.verification: {error}", file=sys.stderr)
        sys.exit(2)
    print(f"wrote {OUTPUT.relative_to(ROOT)}: {count} triples")
