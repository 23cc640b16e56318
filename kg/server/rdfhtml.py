"""RDF as HTML: terms as links (the project's IRIs to the server's own pages), literals
with their datatype or language, property tables, and a node's description (its outgoing
and incoming triples with the labels of its neighbours). Every piece of text from the graph
goes through :func:`html.escape`; a whole page comes from the ``base.html`` template."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from urllib.parse import quote

from markupsafe import Markup
from rdflib import RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SKOS
from rdflib.term import Node

from kg.core.namespaces import BASE, KK, KKO, PREFIXES, bind_prefixes
from kg.server.templating import render

__all__ = [
    "ONTOLOGY_IRI",
    "curie",
    "describe",
    "labels",
    "local_path",
    "page",
    "property_table",
    "term_html",
    "title_labels",
]

ONTOLOGY_IRI = BASE + "ontology"
LABEL_PROPERTIES = (RDFS.label, SKOS.prefLabel)


def page(title: str, body: str, base: str = "") -> str:
    """A whole HTML document from the base template; ``title`` is plain text, ``body`` HTML."""
    return render("base.html", title=title, body=Markup(body), base=base)  # noqa: S704


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


def _short_label(graph: Graph, node: Node) -> str | None:
    found = labels(graph, node)
    for lang in ("en", "zh", ""):
        if lang in found:
            return found[lang]
    return next(iter(found.values()), None)


def title_labels(graph: Graph, node: Node) -> list[tuple[str, str]]:
    """(language, label) pairs for a page title: Chinese, English, then the others."""
    found = labels(graph, node)
    order = {"zh": 0, "en": 1}
    return sorted(found.items(), key=lambda item: (order.get(item[0], 2), item[0]))


def literal_html(value: Literal) -> str:
    text = f'<span class="lit">{escape(str(value))}</span>'
    if value.language:
        return text + f'<span class="dt">@{escape(value.language)}</span>'
    if value.datatype is not None:
        return text + f'<span class="dt">^^{escape(curie(str(value.datatype)))}</span>'
    return text


def iri_html(iri: str, graph: Graph | None, base: str = "", with_label: bool = True) -> str:
    target = local_path(iri, base)
    if target is None and iri.startswith(("http://", "https://")):
        target = iri
    name = f'<span class="curie">{escape(curie(iri))}</span>'
    link = f'<a href="{escape(target, quote=True)}">{name}</a>' if target else name
    if with_label and graph is not None:
        label = _short_label(graph, URIRef(iri))
        if label:
            link += f'<span class="label">{escape(label)}</span>'
    return link


def term_html(term: Node, graph: Graph, base: str = "", depth: int = 0) -> str:
    """One RDF term as HTML: an IRI as a link with its label, a literal with its datatype
    or language, a blank node as a nested table of its own statements."""
    if isinstance(term, Literal):
        return literal_html(term)
    if isinstance(term, URIRef):
        return iri_html(str(term), graph, base)
    if isinstance(term, BNode):
        if (term, RDF.first, None) in graph and depth < 6:
            items = [term_html(item, graph, base, depth + 1) for item in Collection(graph, term)]
            return "( " + " ".join(items) + " )"
        rows = sorted(graph.predicate_objects(term), key=_sort_key)
        if not rows or depth >= 4:
            return '<span class="muted">[] (an anonymous node)</span>'
        inner = "".join(
            f"<tr><td>{iri_html(str(p), graph, base, with_label=False)}</td>"
            f"<td>{term_html(o, graph, base, depth + 1)}</td></tr>"
            for p, o in rows
        )
        return f'<table class="nested">{inner}</table>'
    return escape(str(term))


def _property_rank(prop: Node) -> tuple[int, str]:
    first = {RDF.type: 0, RDFS.label: 1, SKOS.prefLabel: 2}
    return (first.get(prop, 3), curie(str(prop)))  # type: ignore[call-overload]


def _sort_key(pair: tuple[Node, Node]) -> tuple[tuple[int, str], str]:
    prop, value = pair
    return (_property_rank(prop), str(value))


def _table(headings: tuple[str, ...], rows: list[str]) -> str:
    if not rows:
        return '<p class="muted">None.</p>'
    head = "".join(f"<th>{escape(h)}</th>" for h in headings)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def property_table(pairs: Iterable[tuple[Node, Node]], graph: Graph, base: str = "") -> str:
    """Property → value rows (sorted: type, labels, then by property), values rendered
    with the labels in ``graph``."""
    rows = [
        f"<tr><td>{iri_html(str(p), graph, base, with_label=False)}</td>"
        f"<td>{term_html(o, graph, base)}</td></tr>"
        for p, o in sorted(set(pairs), key=_sort_key)
    ]
    return _table(("property", "value"), rows)


def incoming_table(rows: Iterable[tuple[Node, Node, str]], graph: Graph, base: str = "") -> str:
    """Subject, property and which graph says it, for the triples pointing at a node."""
    ordered = sorted(set(rows), key=lambda r: (r[2], curie(str(r[1])), str(r[0])))
    cells = [
        f'<tr class="{escape(kind, quote=True)}"><td>{term_html(s, graph, base)}</td>'
        f"<td>{iri_html(str(p), graph, base, with_label=False)}</td><td>{escape(kind)}</td></tr>"
        for s, p, kind in ordered
    ]
    return _table(("subject", "property", "graph"), cells)


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
