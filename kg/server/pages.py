"""HTML pages and Linked Data routes.

- ``/id/{slug}``: every instance IRI ``https://w3id.org/kazkgz/id/{slug}``;
- ``/ontology`` (and ``/ontology/{version}``): the ontology document, its terms
  ``https://w3id.org/kazkgz/ontology#Term`` as anchors of its HTML page;
- ``/shapes`` and ``/graph/{name}``: the SHACL shapes and the four held graphs;
- ``/``: the home page (counts, saved queries, timeline, chart); ``/chart.svg``;
- ``/query``: a query page that works offline and without JavaScript.

Each Linked Data route negotiates HTML, Turtle, N-Triples, JSON-LD or RDF/XML (Accept with
q-values, or ``?format=``); RDF answers hold the asserted statements, ``?inferred=true``
adds the OWL RL inferences."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from html import escape
from typing import Any
from urllib.parse import quote

from markupsafe import Markup
from rdflib import OWL, RDF, Graph, Literal, URIRef
from rdflib.namespace import SH
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route

from kg.core.errors import KgError, UsageError
from kg.core.namespaces import BASE, KK, KKO, KKS, PREFIXES, expand_node
from kg.core.paths import project_root
from kg.graph.counts import Stats, stats
from kg.graph.loading import load_graph
from kg.graph.provenance import Evidence, source
from kg.graph.search import Hit, SearchIndex
from kg.graph.serialization import serialize
from kg.server.charts import Moment, chart_svg, timeline
from kg.server.graphs import GRAPH_IRIS
from kg.server.negotiation import HTML, RDF_OFFERS, Offer, UnknownFormat, choose
from kg.server.rdfhtml import (
    ONTOLOGY_IRI,
    PropertyRow,
    TermView,
    curie,
    describe,
    incoming_rows,
    iri_html,
    iri_view,
    labels,
    literal_html,
    local_path,
    page,
    property_rows,
    title_labels,
)
from kg.server.responses import KgState, cached, error_response, parse_flag
from kg.server.safety import Refused, nesting_depth
from kg.server.templating import render, static_route

__all__ = ["PageData", "routes"]

PAGE_OFFERS: tuple[Offer, ...] = (HTML, *RDF_OFFERS)
_RDF_KEYS = {"ttl": "ttl", "nt": "nt", "jsonld": "jsonld", "rdfxml": "xml"}
_FORMAT_LINKS = (
    ("ttl", "Turtle"),
    ("nt", "N-Triples"),
    ("jsonld", "JSON-LD"),
    ("rdfxml", "RDF/XML"),
)
RESULTS_ACCEPT = "application/sparql-results+json, text/turtle;q=0.9"


def routes() -> list[BaseRoute]:
    return [
        Route("/", home, methods=["GET"]),
        Route("/query", query_page, methods=["GET"]),
        Route("/chart.svg", chart, methods=["GET"]),
        Route("/search", search_page, methods=["GET"]),
        Route("/id/", entity_index, methods=["GET"]),
        Route("/id/{slug:path}", entity, methods=["GET"]),
        Route("/ontology", ontology, methods=["GET"]),
        Route("/ontology/{version:path}", ontology_version, methods=["GET"]),
        Route("/shapes", shapes, methods=["GET"]),
        Route("/graph/{name}", graph_document, methods=["GET"]),
        static_route(),
    ]


# ---------------------------------------------------------------- shared data


class PageData:
    """What the pages read, computed once per app on first use."""

    def __init__(self, state: KgState) -> None:
        self.state = state

    @cached_property
    def combined(self) -> Graph:
        """Asserted + reference: where labels are looked up."""
        return self.state.graphs.asserted + self.state.graphs.reference

    @cached_property
    def search_index(self) -> SearchIndex:
        return SearchIndex(self.combined)

    @cached_property
    def ontology(self) -> Graph:
        return load_graph(paths=self.state.config.sources.ontology)

    @cached_property
    def article_text(self) -> str | None:
        path = self.state.config.sources.article_text
        if path is None or not path.is_file():
            return None
        return path.read_text(encoding="utf-8")

    @cached_property
    def stats(self) -> Stats:
        return stats(graph=self.state.graphs.asserted)

    @cached_property
    def chart(self) -> str:
        return chart_svg(self.state.graphs.asserted)

    @cached_property
    def timeline(self) -> list[Moment]:
        return timeline(self.state.graphs.asserted)

    @cached_property
    def intro(self) -> str:
        """The README's first paragraph, else the ontology's description."""
        readme = project_root() / "README.md"
        if readme.is_file():
            paragraphs = readme.read_text(encoding="utf-8").split("\n\n")
            for paragraph in paragraphs:
                text = " ".join(paragraph.split())
                if text and not text.startswith("#"):
                    return text.replace("`", "")
        found = self.ontology.value(
            URIRef(ONTOLOGY_IRI), URIRef(PREFIXES["dcterms"] + "description")
        )
        return str(found or "")


def _state(request: Request) -> KgState:
    found: KgState = request.app.state.kg
    return found


def _data(request: Request) -> PageData:
    found = getattr(request.app.state, "kg_pages", None)
    if found is None:
        found = PageData(_state(request))
        request.app.state.kg_pages = found
    return found


def _base(request: Request) -> str:
    return str(request.scope.get("root_path", "")).rstrip("/")


async def _cached(request: Request, produce: Any) -> Response:
    return await cached(request, produce)


def _error(request: Request, status: int, kind: str, message: str, html: bool) -> Response:
    if html:
        text = render(
            "error.html", title=f"{status}: {message}", status=status, message=message,
            base=_base(request),
        )  # fmt: skip
        return HTMLResponse(text, status, headers={"Cache-Control": "no-store"})
    return error_response(request, status, kind, message)


def _html(text: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(text, status)


def _negotiate(request: Request, offers: tuple[Offer, ...] = PAGE_OFFERS) -> Offer | Response:
    """The representation the client wants, or the error answer (400, 406)."""
    try:
        offer = choose(request.headers.get("accept"), request.query_params.get("format"), offers)
    except UnknownFormat as exc:
        return _error(request, 400, "unknown-format", str(exc), False)
    if offer is None:
        types = ", ".join(o.media_type for o in offers)
        return _error(request, 406, "not-acceptable", f"available: {types}", False)
    return offer


def _flag(request: Request, name: str) -> bool | Response:
    try:
        return parse_flag(request.query_params.get(name), name)
    except Refused as exc:
        return _error(request, exc.status, exc.kind, exc.message, False)


def _rdf_response(graph: Graph, offer: Offer) -> Response:
    return Response(serialize(graph, _RDF_KEYS[offer.key]), media_type=offer.media_type)


# ---------------------------------------------------------------- /id/{slug}


async def entity(request: Request) -> Response:
    """A node the graph mints (``kk:{slug}``): its description as HTML or RDF."""
    node = URIRef(str(KK) + request.path_params["slug"])
    negotiated = _negotiate(request)
    if isinstance(negotiated, Response):
        return negotiated
    offer = negotiated
    inferred = _flag(request, "inferred")
    if isinstance(inferred, Response):
        return inferred
    reference = _flag(request, "reference")
    if isinstance(reference, Response):
        return reference
    state = _state(request)
    graphs = state.graphs
    in_asserted = (node, None, None) in graphs.asserted or (None, None, node) in graphs.asserted
    in_reference = (node, None, None) in graphs.reference or (None, None, node) in graphs.reference
    if not in_asserted and not in_reference:
        return _error(
            request, 404, "not-found", f"the graph says nothing about {node}", offer is HTML
        )
    data = _data(request)
    base = _base(request)

    def render() -> Response:
        if offer is HTML:
            return _html(entity_page(node, data, base, in_asserted))
        graph = describe(node, graphs.asserted)
        if inferred:
            graph += describe(node, graphs.inferred, labels_from=graphs.asserted)
        if reference or not in_asserted:
            graph += describe(node, graphs.reference, labels_from=data.combined)
        return _rdf_response(graph, offer)

    async def produce() -> Response:
        return await run_in_threadpool(render)

    return await _cached(request, produce)


@dataclass(frozen=True)
class Quote:
    """An excerpt as the entity page shows it: the sentence around the quote, the quoted
    words (``exact``, marked) apart, where they are and whether the offsets check."""

    before: str
    exact: str | None
    after: str
    excerpt: TermView
    where: str
    check: str


def _split(evidence: Evidence, text: str | None) -> tuple[str, str | None, str]:
    """The sentence of an excerpt as (before, quoted words, after); the quoted words are
    None when they cannot be placed in the sentence."""
    sentence, exact = evidence.sentence, evidence.exact
    if not sentence:
        return "", exact or "", ""
    offset: int | None = None
    if text is not None and evidence.start is not None and evidence.end is not None:
        begin = text.find(sentence, max(0, evidence.end - len(sentence)))
        if 0 <= begin <= evidence.start:
            offset = evidence.start - begin
    if offset is None and exact:
        offset = sentence.find(exact) if exact in sentence else None
    if offset is None or not exact or sentence[offset : offset + len(exact)] != exact:
        return sentence, None, ""
    return sentence[:offset], exact, sentence[offset + len(exact) :]


def _quotes(node: URIRef, data: PageData, base: str) -> list[Quote] | None:
    """The article's words behind ``node``; None when the article cannot be read."""
    state = data.state
    try:
        provenance = source(node, graph=state.graphs.asserted, paths=state.config.sources)
    except KgError:
        return None
    quotes = []
    for ev in provenance.evidence:
        where = (
            f"characters [{ev.start}, {ev.end}) of the article"
            if ev.start is not None
            else "no offsets"
        )
        check = "verified" if ev.verified else "NOT verified: the offsets do not select the quote"
        before, exact, after = _split(ev, data.article_text)
        excerpt = iri_view(str(ev.excerpt), data.combined, base)
        quotes.append(Quote(before, exact, after, excerpt, where, check))
    return quotes


def entity_page(node: URIRef, data: PageData, base: str = "", in_asserted: bool = True) -> str:
    """The HTML page of one node: labels, types, the asserted and the inferred statements
    apart, incoming links, the article's words behind it, and the reference layer."""
    graphs = data.state.graphs
    labels_graph = data.combined
    names = title_labels(labels_graph, node)
    asserted_types = sorted(
        set(graphs.asserted.objects(node, RDF.type))
        | set(graphs.reference.objects(node, RDF.type)),
        key=str,
    )
    inferred_types = sorted(
        set(graphs.inferred.objects(node, RDF.type)) - set(asserted_types), key=str
    )
    incoming = [(s, p, "asserted") for s, p in graphs.asserted.subject_predicates(node)]
    incoming += [(s, p, "inferred") for s, p in graphs.inferred.subject_predicates(node)]
    reference_in = [(s, p, "reference") for s, p in graphs.reference.subject_predicates(node)]
    return render(
        "entity.html",
        title=" / ".join(text for _, text in names[:2]) or curie(str(node)),
        base=base,
        labels=names,
        curie=curie(str(node)),
        iri=str(node),
        # class expressions (blank nodes) are left to the tables
        asserted_types=[
            iri_view(str(t), labels_graph, base) for t in asserted_types if isinstance(t, URIRef)
        ],
        inferred_types=[
            iri_view(str(t), labels_graph, base) for t in inferred_types if isinstance(t, URIRef)
        ],
        path=f"{base}/id/{str(node)[len(str(KK)) :]}",
        asserted=property_rows(graphs.asserted.predicate_objects(node), labels_graph, base),
        inferred=property_rows(graphs.inferred.predicate_objects(node), labels_graph, base),
        incoming=incoming_rows(incoming, labels_graph, base),
        in_asserted=in_asserted,
        evidence=_quotes(node, data, base) if in_asserted else [],
        reference_out=property_rows(graphs.reference.predicate_objects(node), labels_graph, base),
        reference_in=incoming_rows(reference_in, labels_graph, base),
    )


# ---------------------------------------------------------------- /id/ and /search


SEARCH_OFFERS: tuple[Offer, ...] = (HTML, Offer("json", "application/json"))
SEARCH_LIMIT = 50


def _entity_href(node: URIRef, base: str) -> str:
    return local_path(str(node), base) or str(node)


def _hit_json(hit: Hit, base: str) -> dict[str, Any]:
    return {
        "iri": str(hit.node),
        "curie": curie(str(hit.node)),
        "page": _entity_href(hit.node, base),
        "labels": dict(hit.labels),
        "match": hit.match,
        "matched": {
            "value": str(hit.matched),
            "lang": hit.matched.language,
            "property": curie(str(hit.property)),
        },
        "types": [curie(str(t)) for t in hit.types],
    }


def _hit_view(hit: Hit, graph: Graph, base: str) -> dict[str, Any]:
    return {
        "href": _entity_href(hit.node, base),
        "curie": curie(str(hit.node)),
        "labels": hit.labels,
        "types": [iri_view(str(t), graph, base) for t in hit.types],
        "match": hit.match,
        "property": curie(str(hit.property)),
        "matched": str(hit.matched),
        "lang": hit.matched.language,
    }


async def search_page(request: Request) -> Response:
    """``/search?q=``: entities and terms by name, ranked (exact, prefix, substring, near),
    as HTML or, by Accept or ``format=json``, as JSON."""
    negotiated = _negotiate(request, SEARCH_OFFERS)
    if isinstance(negotiated, Response):
        return negotiated
    offer = negotiated
    text = request.query_params.get("q", "")
    data = _data(request)
    base = _base(request)
    try:
        hits = data.search_index.search(text, SEARCH_LIMIT + 1) if text.strip() else ()
    except UsageError as exc:
        return _error(request, 400, "bad-search", str(exc), offer is HTML)
    if not text.strip() and offer is not HTML:
        return _error(request, 400, "bad-search", "nothing to search for: give q=", False)
    limited = len(hits) > SEARCH_LIMIT
    hits = hits[:SEARCH_LIMIT]

    def render_page() -> Response:
        if offer is not HTML:
            body = {
                "query": text,
                "count": len(hits),
                "limited": limited,
                "results": [_hit_json(hit, base) for hit in hits],
            }
            return JSONResponse(body)
        return _html(
            render(
                "search.html",
                title=f"Search: {text}" if text.strip() else "Search",
                base=base,
                search_text=text,
                hits=[_hit_view(hit, data.combined, base) for hit in hits],
                limited=limited,
            )
        )

    async def produce() -> Response:
        return await run_in_threadpool(render_page)

    return await _cached(request, produce)


async def entity_index(request: Request) -> Response:
    """``/id/``: the entities by class with counts; ``?class=`` (a CURIE or an IRI) lists
    the entities of one class."""
    data = _data(request)
    base = _base(request)
    wanted = request.query_params.get("class")
    chosen: URIRef | None = None
    if wanted is not None:
        try:
            chosen = expand_node(wanted)
        except KgError as exc:
            return _error(request, 400, "bad-class", str(exc), True)
    graph = data.combined
    figures = stats(graph=graph)
    if chosen is not None and chosen not in dict(figures.entities_by_class):
        return _error(request, 404, "not-found", f"no entity of class {curie(str(chosen))}", True)

    def render_page() -> Response:
        if chosen is None:
            classes = [
                (iri_view(str(c), graph, base), n, f"{base}/id/?class={quote(curie(str(c)))}")
                for c, n in figures.entities_by_class
            ]
            return _html(
                render(
                    "index.html",
                    title="Entities by class",
                    base=base,
                    total=figures.entities,
                    classes=classes,
                    chosen=None,
                )
            )
        members = sorted(
            (s for s in graph.subjects(RDF.type, chosen) if isinstance(s, URIRef)),
            key=lambda node: (labels(graph, node).get("en", ""), str(node)),
        )
        entities = [
            {
                "href": _entity_href(node, base),
                "curie": curie(str(node)),
                "labels": title_labels(graph, node),
            }
            for node in members
            if str(node).startswith(str(KK))
        ]
        return _html(
            render(
                "index.html",
                title=f"Entities of class {curie(str(chosen))}",
                base=base,
                chosen=iri_view(str(chosen), graph, base),
                entities=entities,
            )
        )

    async def produce() -> Response:
        return await run_in_threadpool(render_page)

    return await _cached(request, produce)


# ---------------------------------------------------------------- documents


_ONTOLOGY_KINDS: tuple[tuple[str, URIRef | None], ...] = (
    ("Classes", OWL.Class),
    ("Object properties", OWL.ObjectProperty),
    ("Datatype properties", OWL.DatatypeProperty),
    ("Annotation properties", OWL.AnnotationProperty),
    ("Individuals and other terms", None),
)
_SHAPES_KINDS: tuple[tuple[str, URIRef | None], ...] = (
    ("Node shapes", SH.NodeShape),
    ("Property shapes", SH.PropertyShape),
    ("Other", None),
)


@dataclass(frozen=True)
class Term:
    """One term of a vocabulary document: its local name (the page's anchor), CURIE,
    labels and statements."""

    local: str
    curie: str
    iri: str
    labels: list[tuple[str, str]]
    rows: list[PropertyRow]


@dataclass(frozen=True)
class TermGroup:
    name: str
    terms: list[Term]


def document_page(
    title: str,
    graph: Graph,
    document: URIRef | None,
    namespace: str,
    kinds: tuple[tuple[str, URIRef | None], ...],
    path: str,
    base: str = "",
) -> str:
    """A vocabulary document: its header's statements, then every term of ``namespace``
    grouped by kind, each a section whose id is its local name (so ``#Term`` works)."""
    terms = sorted(
        {s for s in graph.subjects() if isinstance(s, URIRef) and s.startswith(namespace)},
        key=str,
    )
    groups: dict[str, list[Term]] = {name: [] for name, _ in kinds}
    for term in terms:
        types = set(graph.objects(term, RDF.type))
        name = next((n for n, cls in kinds if cls is not None and cls in types), kinds[-1][0])
        groups[name].append(
            Term(
                str(term)[len(namespace) :],
                curie(str(term)),
                str(term),
                title_labels(graph, term),
                property_rows(graph.predicate_objects(term), graph, base),
            )
        )
    return render(
        "document.html",
        title=title,
        base=base,
        document=str(document) if document is not None else None,
        path=path,
        header=(
            property_rows(graph.predicate_objects(document), graph, base)
            if document is not None
            else None
        ),
        groups=[TermGroup(name, members) for name, members in groups.items() if members],
    )


async def _document(
    request: Request,
    graph: Graph,
    render_html: Any,
) -> Response:
    negotiated = _negotiate(request)
    if isinstance(negotiated, Response):
        return negotiated
    offer = negotiated

    def render() -> Response:
        if offer is HTML:
            return _html(render_html())
        return _rdf_response(graph, offer)

    async def produce() -> Response:
        return await run_in_threadpool(render)

    return await _cached(request, produce)


async def ontology(request: Request) -> Response:
    """The ontology document (``https://w3id.org/kazkgz/ontology`` and its ``#`` terms)."""
    data = _data(request)
    base = _base(request)
    graph = data.ontology
    found = graph.value(predicate=RDF.type, object=OWL.Ontology)
    document = URIRef(found) if isinstance(found, URIRef) else None

    def render_html() -> str:
        label = graph.value(document, URIRef(PREFIXES["dcterms"] + "title")) if document else None
        title = f"Ontology: {label}" if label else "Ontology"
        return document_page(
            title, graph, document, str(KKO), _ONTOLOGY_KINDS, f"{base}/ontology", base
        )

    return await _document(request, graph, render_html)


async def ontology_version(request: Request) -> Response:
    """The ontology by its version IRI (``…/ontology/<version>``), while it is current."""
    data = _data(request)
    wanted = URIRef(f"{BASE}ontology/{request.path_params['version']}")
    if (None, OWL.versionIRI, wanted) not in data.ontology:
        offer = _negotiate(request)
        html = offer is HTML or isinstance(offer, Response)
        return _error(request, 404, "not-found", f"no ontology version {wanted}", html)
    return await ontology(request)


async def shapes(request: Request) -> Response:
    """The SHACL shapes (``https://w3id.org/kazkgz/shapes#``)."""
    graph = _state(request).graphs.shapes
    base = _base(request)

    def render_html() -> str:
        return document_page(
            "SHACL shapes", graph, None, str(KKS), _SHAPES_KINDS, f"{base}/shapes", base
        )

    return await _document(request, graph, render_html)


async def graph_document(request: Request) -> Response:
    """One of the four held graphs (``https://w3id.org/kazkgz/graph/{name}``), whole."""
    name = request.path_params["name"]
    if name not in GRAPH_IRIS:
        offer = _negotiate(request)
        html = offer is HTML or isinstance(offer, Response)
        known = ", ".join(GRAPH_IRIS)
        return _error(request, 404, "not-found", f"no graph named {name!r} (known: {known})", html)
    graph = _state(request).graphs.by_name(name)
    base = _base(request)

    def render_html() -> str:
        return render(
            "graph.html",
            title=f"Graph {name}",
            base=base,
            name=name,
            iri=GRAPH_IRIS[name],
            size=len(graph),
            path=f"{base}/graph/{name}",
        )

    return await _document(request, graph, render_html)


# ---------------------------------------------------------------- home page


async def chart(request: Request) -> Response:
    """The trade and investment figures as SVG."""
    data = _data(request)

    async def produce() -> Response:
        svg = await run_in_threadpool(lambda: data.chart)
        return Response(
            '<?xml version="1.0" encoding="UTF-8"?>\n' + svg, media_type="image/svg+xml"
        )

    return await _cached(request, produce)


def home_page(data: PageData, base: str = "") -> str:
    state = data.state
    counts = state.graphs.counts()
    figures = data.stats
    layers = " + ".join(figures.layers)
    count_rows = [
        ("triples, asserted (ontology + article)", counts["asserted"]),
        ("triples, inferred by OWL RL (additions)", counts["inferred"]),
        (f"entities (kk: IRIs with a type), {layers}", figures.entities),
        (f"excerpts of the article, {layers}", figures.excerpts),
        (f"nodes pointing to an excerpt, {layers}", figures.nodes_with_evidence),
        ("triples, reference layer", counts["reference"]),
        ("triples, SHACL shapes", counts["shapes"]),
        ("saved queries", len(state.saved)),
    ]
    timeline = [
        {**vars(m), "link": iri_view(str(m.event), data.combined, base, with_label=False)}
        for m in data.timeline
    ]
    return render(
        "home.html",
        title="Kazakhstan–Kyrgyzstan knowledge graph",
        base=base,
        intro=data.intro,
        counts=count_rows,
        chart=Markup(data.chart),  # noqa: S704 - the SVG this project draws, escaped there
        timeline=timeline,
        queries=state.saved,
    )


async def home(request: Request) -> Response:
    data = _data(request)
    base = _base(request)

    async def produce() -> Response:
        return _html(await run_in_threadpool(home_page, data, base))

    return await _cached(request, produce)


# ---------------------------------------------------------------- query page


@dataclass(frozen=True)
class Outcome:
    """What running a query gave: a SPARQL JSON document, another document, or an error."""

    status: int
    results: dict[str, Any] | None = None
    text: str | None = None
    error: str | None = None
    truncated: bool = False


async def _run_query(state: KgState, text: str, inferred: bool) -> Outcome:
    from kg.server.worker import SparqlJob

    config = state.config
    if len(text) > config.max_query_length:
        return Outcome(
            413,
            error=f"the query has {len(text)} characters; the limit is {config.max_query_length}",
        )
    depth = nesting_depth(text)
    if depth > config.max_depth:
        return Outcome(
            400, error=f"the query nests brackets {depth} deep; the limit is {config.max_depth}"
        )
    job = SparqlJob(text=text, inferred=inferred, accept=RESULTS_ACCEPT, max_rows=config.max_rows)
    reply = await state.pool.run(job)
    if reply.kind is not None:
        return Outcome(reply.status, error=reply.message or reply.kind)
    body = reply.body.decode("utf-8", errors="replace")
    if reply.media_type.startswith("application/sparql-results+json"):
        return Outcome(200, results=json.loads(body), truncated=reply.truncated)
    return Outcome(200, text=body, truncated=reply.truncated)


def _binding_html(value: dict[str, str], graph: Graph, base: str) -> str:
    kind = value.get("type")
    if kind == "uri":
        return iri_html(value.get("value", ""), graph, base)
    if kind == "bnode":
        return f"<code>_:{escape(value.get('value', ''))}</code>"
    datatype = value.get("datatype")
    literal = Literal(
        value.get("value", ""),
        lang=value.get("xml:lang"),
        datatype=URIRef(datatype) if datatype and not value.get("xml:lang") else None,
    )
    return literal_html(literal)


def results_html(outcome: Outcome, graph: Graph, base: str = "") -> str:
    """A query's outcome as the page's results block (server-rendered)."""
    if outcome.error is not None:
        return f'<p class="error" id="error">{escape(outcome.error)}</p>'
    note = (
        '<p class="muted">Truncated: only the first rows are shown.</p>'
        if outcome.truncated
        else ""
    )
    if outcome.text is not None:
        return note + f"<pre>{escape(outcome.text)}</pre>"
    document = outcome.results or {}
    if "boolean" in document:
        return f'<p class="boolean">{"true" if document["boolean"] else "false"}</p>'
    names = document.get("head", {}).get("vars", [])
    rows = document.get("results", {}).get("bindings", [])
    head = "".join(f"<th>{escape(name)}</th>" for name in names)
    body = "".join(
        "<tr>"
        + "".join(
            f"<td>{_binding_html(row[name], graph, base) if name in row else ''}</td>"
            for name in names
        )
        + "</tr>"
        for row in rows
    )
    count = f'<p class="count">{len(rows)} row{"s" if len(rows) != 1 else ""}</p>'
    return f"{count}{note}<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


_DEFAULT_QUERY = """PREFIX kko: <https://w3id.org/kazkgz/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?event ?date ?label WHERE {
  ?event kko:date ?date ; rdfs:label ?label .
  FILTER(lang(?label) = "en")
} ORDER BY ?date LIMIT 50"""

_SCRIPT = """
(function () {
  var config = JSON.parse(document.getElementById('page-config').textContent);
  var form = document.getElementById('query-form');
  var area = document.getElementById('query');
  var select = document.getElementById('example');
  var inferred = document.getElementById('inferred');
  var results = document.getElementById('results');
  var prefixes = config.prefixes;
  function local(iri) {
    var kk = prefixes.kk, kko = prefixes.kko;
    if (iri.indexOf(kk) === 0) return config.base + '/id/' + iri.slice(kk.length);
    if (iri.indexOf(kko) === 0) return config.base + '/ontology#' + iri.slice(kko.length);
    return null;
  }
  function compact(iri) {
    var best = null;
    Object.keys(prefixes).forEach(function (p) {
      var longer = !best || prefixes[p].length > prefixes[best].length;
      if (iri.indexOf(prefixes[p]) === 0 && longer) best = p;
    });
    return best ? best + ':' + iri.slice(prefixes[best].length) : iri;
  }
  function cell(term) {
    var td = document.createElement('td');
    if (!term) return td;
    if (term.type === 'uri') {
      var href = local(term.value);
      var el = document.createElement(href ? 'a' : 'span');
      if (href) el.setAttribute('href', href);
      el.className = 'curie';
      el.textContent = compact(term.value);
      td.appendChild(el);
    } else {
      var span = document.createElement('span');
      span.className = 'lit';
      span.textContent = term.type === 'bnode' ? '_:' + term.value : term.value;
      td.appendChild(span);
      var note = term['xml:lang'] ? '@' + term['xml:lang']
        : (term.datatype ? '^^' + compact(term.datatype) : '');
      if (note) {
        var dt = document.createElement('span');
        dt.className = 'dt';
        dt.textContent = note;
        td.appendChild(dt);
      }
    }
    return td;
  }
  function show(nodes) {
    results.textContent = '';
    results.setAttribute('data-source', 'browser');
    nodes.forEach(function (n) { results.appendChild(n); });
  }
  function message(text, cls) {
    var p = document.createElement(cls === 'error' ? 'p' : 'pre');
    if (cls) p.className = cls;
    p.textContent = text;
    return p;
  }
  function render(doc) {
    if (typeof doc.boolean === 'boolean') {
      show([message(String(doc.boolean), 'boolean')]);
      return;
    }
    var names = doc.head.vars || [];
    var rows = doc.results.bindings || [];
    var table = document.createElement('table');
    var head = table.createTHead().insertRow();
    names.forEach(function (n) {
      var th = document.createElement('th');
      th.textContent = n;
      head.appendChild(th);
    });
    var body = table.createTBody();
    rows.forEach(function (row) {
      var tr = body.insertRow();
      tr.className = 'row';
      names.forEach(function (n) { tr.appendChild(cell(row[n])); });
    });
    var count = document.createElement('p');
    count.className = 'count';
    count.textContent = rows.length + (rows.length === 1 ? ' row' : ' rows');
    show([count, table]);
  }
  function run() {
    var body = new URLSearchParams();
    body.set('query', area.value);
    if (inferred.checked) body.set('inferred', 'true');
    show([message('Running…', 'muted')]);
    fetch(config.endpoint, {method: 'POST', body: body, headers: {'Accept': config.accept}})
      .then(function (r) {
        var type = r.headers.get('content-type') || '';
        return r.text().then(function (text) {
          if (!r.ok) { show([message(r.status + ': ' + text, 'error')]); return; }
          if (type.indexOf('sparql-results+json') >= 0) render(JSON.parse(text));
          else show([message(text, '')]);
        });
      })
      .catch(function (e) { show([message('The request failed: ' + e, 'error')]); });
  }
  select.addEventListener('change', function () {
    var found = config.examples[select.value];
    if (found) { area.value = found.text; inferred.checked = found.inferred; }
  });
  form.addEventListener('submit', function (event) { event.preventDefault(); run(); });
  // autorun presses Run, so that it takes the same path as a click
  if (new URLSearchParams(location.search).get('autorun')) {
    if (form.requestSubmit) form.requestSubmit(document.getElementById('run'));
    else run();
  }
})();
"""


def _script_json(value: object) -> str:
    """JSON that is safe inside a <script> element."""
    text = json.dumps(value, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


async def query_page(request: Request) -> Response:
    """The query page: a form, the saved queries as examples, the results table. With
    ``?query=`` the server runs the query and renders the table (no JavaScript needed);
    with JavaScript the Run button posts to /sparql and renders the answer in place;
    ``?example=NAME`` fills the form with a saved query, ``&autorun=1`` runs it at once."""
    state = _state(request)
    data = _data(request)
    base = _base(request)
    inferred = _flag(request, "inferred")
    if isinstance(inferred, Response):
        return inferred
    text = request.query_params.get("query", "")
    example = request.query_params.get("example", "")
    chosen = state.saved_query(example) if example else None
    if example and chosen is None:
        return _error(request, 404, "unknown-query", f"unknown saved query {example!r}", True)

    async def produce() -> Response:
        outcome: Outcome | None = None
        shown = text or (chosen.text if chosen else _DEFAULT_QUERY)
        checked = inferred or bool(chosen and chosen.inferred and not text)
        if text.strip():
            outcome = await _run_query(state, text, bool(inferred))
        rendered = (
            await run_in_threadpool(results_html, outcome, data.combined, base)
            if outcome is not None
            else '<p class="muted">Run a query to see its answer here.</p>'
        )
        options = ['<option value="">— saved queries —</option>'] + [
            f'<option value="{escape(q.name, quote=True)}"{" selected" if chosen is q else ""}>'
            f"{escape(q.name)}: {escape(q.summary)}</option>"
            for q in state.saved
        ]
        config = {
            "endpoint": f"{base}/sparql",
            "base": base,
            "accept": RESULTS_ACCEPT,
            "prefixes": {"kk": str(KK), "kko": str(KKO), **PREFIXES},
            "examples": {q.name: {"text": q.text, "inferred": q.inferred} for q in state.saved},
        }
        body = (
            "<h1>Query the graph</h1>"  # noqa: S608 - HTML (escaped), not SQL
            f'<form id="query-form" method="get" action="{base}/query">'
            '<p><label for="example">Examples: </label><select id="example" name="example">'
            f"{''.join(options)}</select> <noscript>(choosing an example needs JavaScript; "
            "or open one from the home page)</noscript></p>"
            '<p><textarea id="query" name="query" rows="14" spellcheck="false">'
            f"{escape(shown)}</textarea></p>"
            f'<p><label><input type="checkbox" id="inferred" name="inferred" value="true"'
            f"{' checked' if checked else ''}> with the OWL RL inferences</label> "
            '<button type="submit" id="run">Run</button></p></form>'
            '<p class="muted">Prefixes kk:, kko:, rdfs:, skos:, org: and the other project '
            f'prefixes are predeclared. The endpoint is <a href="{base}/sparql">{base}/sparql'
            "</a> (SPARQL 1.1 Protocol).</p>"
            f'<h2>Results</h2><div id="results" data-source="server">{rendered}</div>'
            f'<script type="application/json" id="page-config">{_script_json(config)}</script>'
            f"<script>{_SCRIPT}</script>"
        )
        status = outcome.status if outcome is not None and outcome.error else 200
        return _html(page("Query the graph", body, base), status)

    return await _cached(request, produce)
