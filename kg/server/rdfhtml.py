"""RDF for the HTML pages: terms as views the templates show (the project's IRIs linked to
the server's own pages, literals with their datatype or language, blank nodes as nested
statements), property and incoming-link rows, labels, and a node's description (its
outgoing and incoming triples with the labels of its neighbours). The HTML itself comes
from the templates (``macros.html``), which escape every piece of text from the graph."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote

from rdflib import RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SKOS
from rdflib.term import Node

from kg.core.namespaces import BASE, KK, KKO, PREFIXES, bind_prefixes

__all__ = [
    "ONTOLOGY_IRI",
    "IncomingRow",
    "PropertyRow",
    "TermView",
    "curie",
    "describe",
    "incoming_rows",
    "iri_view",
    "labels",
    "literal_view",
    "local_path",
    "property_rows",
    "short_label",
    "term_view",
    "title_labels",
]

ONTOLOGY_IRI = BASE + "ontology"
LABEL_PROPERTIES = (RDFS.label, SKOS.prefLabel)


def curie(iri: str) -> str:
    """``iri`` as a CURIE with one of the project's prefixes, else as it is."""
    if iri == ONTOLOGY_IRI:
        return iri
    best = ""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(namespace) > len(PREFIXES.get(best, "")):
            best = prefix
    if best:
        return f"{best}:{iri[len(PREFIXES[best]) :]}"
    return iri


def local_path(iri: str, base: str = "") -> str | None:
    """The server's path of a project IRI (``kk:X`` → ``/id/X``, ``kko:T`` →
    ``/ontology#T``, graphs and shapes likewise), or None for another IRI."""
    if iri.startswith(str(KK)):
        return f"{base}/id/" + quote(iri[len(KK) :], safe="/-._~")
    if iri.startswith(str(KKO)):
        return f"{base}/ontology#" + quote(iri[len(KKO) :], safe="-._~")
    if iri == ONTOLOGY_IRI or iri.startswith(ONTOLOGY_IRI + "/"):
        return f"{base}/ontology"
    if iri.startswith(BASE + "shapes#"):
        return f"{base}/shapes#" + quote(iri[len(BASE + "shapes#") :], safe="-._~")
    if iri.startswith(BASE + "graph/"):
        return f"{base}/graph/" + quote(iri[len(BASE + "graph/") :], safe="-._~")
    return None


def labels(graph: Graph, node: Node) -> dict[str, str]:
    """The node's labels by language tag ("" for none): rdfs:label, else skos:prefLabel."""
    found: dict[str, str] = {}
    for prop in LABEL_PROPERTIES:
        for value in graph.objects(node, prop):
            if isinstance(value, Literal):
                found.setdefault(value.language or "", str(value))
    return found


def short_label(graph: Graph, node: Node) -> tuple[str, str] | None:
    """(language, label) to show beside a link: English, else Chinese, else any."""
    found = labels(graph, node)
    for lang in ("en", "zh", ""):
        if lang in found:
            return lang, found[lang]
    return next(iter(found.items()), None)


def title_labels(graph: Graph, node: Node) -> list[tuple[str, str]]:
    """(language, label) pairs for a page title: Chinese, English, then the others."""
    found = labels(graph, node)
    order = {"zh": 0, "en": 1}
    return sorted(found.items(), key=lambda item: (order.get(item[0], 2), item[0]))


@dataclass(frozen=True)
class TermView:
    """One RDF term as the templates show it (``macros.html``, ``term``).

    ``kind`` is ``iri`` (``text`` its CURIE, ``href`` where it links, ``label`` and
    ``label_lang`` its label), ``literal`` (``text``, ``lang`` or ``datatype`` as a CURIE),
    ``bnode`` (``rows``: its own statements), ``list`` (``items``) or ``anonymous``."""

    kind: str
    text: str = ""
    href: str | None = None
    label: str | None = None
    label_lang: str | None = None
    lang: str | None = None
    datatype: str | None = None
    rows: tuple[tuple[TermView, TermView], ...] = ()
    items: tuple[TermView, ...] = ()


def literal_view(value: Literal) -> TermView:
    datatype = None if value.language or value.datatype is None else curie(str(value.datatype))
    return TermView("literal", str(value), lang=value.language or None, datatype=datatype)


def iri_view(iri: str, graph: Graph | None, base: str = "", with_label: bool = True) -> TermView:
    """An IRI as a link: the server's own page for a project IRI, the IRI itself for
    another http(s) IRI, no link for any other scheme."""
    target = local_path(iri, base)
    if target is None and iri.startswith(("http://", "https://")):
        target = iri
    found = short_label(graph, URIRef(iri)) if with_label and graph is not None else None
    lang, label = found if found else (None, None)
    return TermView("iri", curie(iri), href=target, label=label, label_lang=lang or None)


def term_view(term: Node, graph: Graph, base: str = "", depth: int = 0) -> TermView:
    """One RDF term: an IRI as a link with its label, a literal with its datatype or
    language, a blank node as its own statements (an RDF list as its items)."""
    if isinstance(term, Literal):
        return literal_view(term)
    if isinstance(term, URIRef):
        return iri_view(str(term), graph, base)
    if isinstance(term, BNode):
        if (term, RDF.first, None) in graph and depth < 6:
            items = tuple(
                term_view(item, graph, base, depth + 1) for item in Collection(graph, term)
            )
            return TermView("list", items=items)
        pairs = sorted(graph.predicate_objects(term), key=_sort_key)
        if not pairs or depth >= 4:
            return TermView("anonymous")
        rows = tuple(
            (iri_view(str(p), graph, base, with_label=False), term_view(o, graph, base, depth + 1))
            for p, o in pairs
        )
        return TermView("bnode", rows=rows)
    return TermView("literal", str(term))


def _property_rank(prop: Node) -> tuple[int, str]:
    first = {RDF.type: 0, RDFS.label: 1, SKOS.prefLabel: 2}
    return (first.get(prop, 3), curie(str(prop)))  # type: ignore[call-overload]


def _sort_key(pair: tuple[Node, Node]) -> tuple[tuple[int, str], str]:
    prop, value = pair
    return (_property_rank(prop), str(value))


PropertyRow = tuple[TermView, TermView]
IncomingRow = tuple[TermView, TermView, str]


def property_rows(
    pairs: Iterable[tuple[Node, Node]], graph: Graph, base: str = ""
) -> list[PropertyRow]:
    """Property → value rows (sorted: type, labels, then by property), values shown with
    the labels in ``graph``."""
    return [
        (iri_view(str(p), graph, base, with_label=False), term_view(o, graph, base))
        for p, o in sorted(set(pairs), key=_sort_key)
    ]


def incoming_rows(
    rows: Iterable[tuple[Node, Node, str]], graph: Graph, base: str = ""
) -> list[IncomingRow]:
    """Subject, property and which graph says it, for the triples pointing at a node."""
    ordered = sorted(set(rows), key=lambda r: (r[2], curie(str(r[1])), str(r[0])))
    return [
        (term_view(s, graph, base), iri_view(str(p), graph, base, with_label=False), kind)
        for s, p, kind in ordered
    ]


def _add_bnode_closure(out: Graph, graph: Graph, node: Node, seen: set[Node]) -> None:
    if not isinstance(node, BNode) or node in seen:
        return
    seen.add(node)
    for p, o in graph.predicate_objects(node):
        out.add((node, p, o))
        _add_bnode_closure(out, graph, o, seen)


def describe(node: URIRef, graph: Graph, labels_from: Graph | None = None) -> Graph:
    """A concise description of ``node`` in ``graph``: its outgoing triples (with the
    statements of blank nodes reached), its incoming triples, and the labels (from
    ``labels_from``, default ``graph``) of the IRIs at their other ends."""
    labels_from = graph if labels_from is None else labels_from
    out = bind_prefixes(Graph())
    seen: set[Node] = set()
    neighbours: set[Node] = set()
    for p, o in graph.predicate_objects(node):
        out.add((node, p, o))
        _add_bnode_closure(out, graph, o, seen)
        neighbours.update((p, o))
    for s, p in graph.subject_predicates(node):
        out.add((s, p, node))
        neighbours.update((s, p))
    for other in neighbours:
        if isinstance(other, URIRef) and other != node:
            for prop in LABEL_PROPERTIES:
                for value in labels_from.objects(other, prop):
                    out.add((other, prop, value))
    return out
