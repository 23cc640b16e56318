"""The article's words behind a node: its excerpts' quotes, offsets and sentences."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.term import Node

from kg.core.errors import NodeNotFoundError, UsageError
from kg.core.namespaces import KKO, OA, expand_node
from kg.core.paths import Sources, default_sources
from kg.graph.loading import load_graph
from kg.graph.verification import Assessment, assessments

__all__ = ["Evidence", "Provenance", "StatementEvidence", "sentence_around", "source"]

SENTENCE_ENDS = "。！？!?；\n"


@dataclass(frozen=True)
class Evidence:
    """One excerpt: the quote, its code-point offsets (0-based, end exclusive) and the
    sentence of the article around it. ``verified`` says the offsets select the quote."""

    excerpt: URIRef
    exact: str | None
    start: int | None
    end: int | None
    sentence: str | None
    verified: bool


@dataclass(frozen=True)
class StatementEvidence:
    """One triple whose subject is the node, and the excerpts that state that triple alone,
    as an assertion node (``kko:Assertion``) records them."""

    predicate: URIRef
    object: Node
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class Provenance:
    """A node, its label, the evidence behind it, the evidence per statement where the
    graph records which excerpt supports which of the node's triples, and what independent
    sources say of it (the verification layer's assessment, None where it has none)."""

    node: URIRef
    label: str | None
    evidence: tuple[Evidence, ...]
    statements: tuple[StatementEvidence, ...] = ()
    verification: Assessment | None = None


def sentence_around(text: str, start: int, end: int) -> str:
    """The sentence(s) of ``text`` that contain the span ``[start, end)``."""
    begin = start
    while begin > 0 and text[begin - 1] not in SENTENCE_ENDS:
        begin -= 1
    stop = end
    while stop < len(text) and (stop <= start or text[stop - 1] not in SENTENCE_ENDS):
        stop += 1
    return text[begin:stop].strip()


def _int(value: Node | None) -> int | None:
    if isinstance(value, Literal):
        try:
            return int(value)
        except (TypeError, ValueError):
            return None
    return None


def _label(graph: Graph, node: URIRef) -> str | None:
    labels = {
        lit.language: str(lit)
        for lit in graph.objects(node, RDFS.label)
        if isinstance(lit, Literal)
    }
    for lang in ("en", "zh", None):
        if lang in labels:
            return labels[lang]
    return next(iter(labels.values()), None)


def _evidence(graph: Graph, excerpt: URIRef, text: str | None) -> Evidence:
    exact = start = end = None
    for selector in graph.objects(excerpt, OA.hasSelector):
        kinds = set(graph.objects(selector, RDF.type))
        if OA.TextQuoteSelector in kinds or graph.value(selector, OA.exact) is not None:
            value = graph.value(selector, OA.exact)
            exact = str(value) if value is not None else exact
        if OA.TextPositionSelector in kinds or graph.value(selector, OA.start) is not None:
            start = _int(graph.value(selector, OA.start))
            end = _int(graph.value(selector, OA.end))
    sentence, verified = None, False
    if text is not None and start is not None and end is not None and 0 <= start <= end:
        verified = text[start:end] == exact
        sentence = sentence_around(text, start, end) if end <= len(text) else None
    return Evidence(excerpt, exact, start, end, sentence, verified)


def source(
    node: str | URIRef,
    graph: Graph | None = None,
    paths: Sources | None = None,
    verification: Graph | None = None,
) -> Provenance:
    """The excerpts behind ``node`` (an IRI or a CURIE such as ``kk:kazakhstan``): the
    excerpts it points to with ``kko:evidence``, or itself if it is an excerpt; and what
    independent sources say of it (``verification``), read from the verification layer
    (``verification`` if given, as ``graph`` for the data; otherwise parsed from ``paths``)."""
    iri = node if isinstance(node, URIRef) else expand_node(node)
    sources = default_sources() if paths is None else paths
    graph = load_graph(paths=sources) if graph is None else graph
    if (iri, None, None) not in graph and (None, None, iri) not in graph:
        raise NodeNotFoundError(f"the graph says nothing about {iri}")
    text = _article_text(sources.article_text)
    excerpts = sorted(e for e in graph.objects(iri, KKO.evidence) if isinstance(e, URIRef))
    if not excerpts and (iri, RDF.type, KKO.Excerpt) in graph:
        excerpts = [iri]
    evidence = tuple(_evidence(graph, e, text) for e in excerpts)
    layer = verification
    if layer is None and sources.verification:
        layer = load_graph(paths=sources.verification)
    assessed = assessments(layer, [iri]).get(iri) if layer is not None else None
    statements = _statements(graph, iri, text)
    return Provenance(iri, _label(graph, iri), _ordered(evidence), statements, assessed)


def _ordered(evidence: tuple[Evidence, ...]) -> tuple[Evidence, ...]:
    return tuple(sorted(evidence, key=lambda e: (e.start is None, e.start or 0, str(e.excerpt))))


def _statements(graph: Graph, iri: URIRef, text: str | None) -> tuple[StatementEvidence, ...]:
    """The assertion nodes about ``iri`` that name excerpts, one per triple."""
    found = []
    for node in graph.subjects(KKO.assertedSubject, iri):
        predicate = graph.value(node, KKO.assertedPredicate)
        value = graph.value(node, KKO.assertedObject)
        excerpts = sorted(e for e in graph.objects(node, KKO.evidence) if isinstance(e, URIRef))
        if isinstance(predicate, URIRef) and value is not None and excerpts:
            evidence = _ordered(tuple(_evidence(graph, e, text) for e in excerpts))
            found.append(StatementEvidence(predicate, value, evidence))
    return tuple(sorted(found, key=lambda s: (str(s.predicate), str(s.object))))


def _article_text(path: Path | None) -> str | None:
    if path is None or not path.is_file():
        return None
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {path}: {exc}") from exc
