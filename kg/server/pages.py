"""HTML pages and Linked Data routes.

- ``/id/{slug}``: every instance IRI ``https://w3id.org/kazkgz/id/{slug}``;
- ``/ontology`` (and ``/ontology/{version}``): the ontology document, its terms
  ``https://w3id.org/kazkgz/ontology#Term`` as anchors of its HTML page;
- ``/shapes`` and ``/graph/{name}``: the SHACL shapes and the four held graphs;
- ``/``: the home page (counts, saved queries, timeline, chart); ``/chart.svg``.

(The query workbench and the saved queries' pages are :mod:`kg.server.workbench`'s.)

Each Linked Data route negotiates HTML, Turtle, N-Triples, JSON-LD or RDF/XML (Accept with
q-values, or ``?format=``); RDF answers hold the asserted statements, ``?inferred=true``
adds the OWL RL inferences."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any
from urllib.parse import quote

from markupsafe import Markup
from rdflib import OWL, RDF, Graph, URIRef
from rdflib.namespace import SH
from rdflib.term import Node
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
from kg.graph.verification import STATUS_LABELS_ZH, assessments
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
    iri_view,
    labels,
    local_path,
    property_rows,
    term_view,
    title_labels,
)
from kg.server.responses import KgState, cached, error_page, error_response, parse_flag
from kg.server.safety import Refused
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


def routes() -> list[BaseRoute]:
    return [
        Route("/", home, methods=["GET"]),
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
        request.state.error = kind
        return error_page(request, status, message)
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
        provenance = source(
            node,
            graph=state.graphs.asserted,
            paths=state.config.sources,
            verification=state.graphs.verification,
        )
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


@dataclass(frozen=True)
class FindingView:
    """One source's reading of a fact as the entity page shows it."""

    property: TermView | None
    article_value: TermView | None
    source_value: TermView | None
    body: str | None
    publisher: str | None
    title: str | None
    url: str | None
    published: str | None
    found_via: str | None


@dataclass(frozen=True)
class VerificationView:
    """What independent sources say of a node: its status (English and Chinese) and the
    findings, from the verification layer the server holds."""

    status: str
    status_zh: str
    findings: tuple[FindingView, ...]


def _verification(node: URIRef, data: PageData, base: str) -> VerificationView | None:
    """The verification layer's assessment of ``node``, None where it has none."""
    found = assessments(data.state.graphs.verification, [node]).get(node)
    if found is None:
        return None
    graph = data.combined

    def view(term: Node | None) -> TermView | None:
        return None if term is None else term_view(term, graph, base)

    findings = tuple(
        FindingView(
            property=view(f.property),
            article_value=view(f.article_value),
            source_value=view(f.source_value),
            body=f.body,
            publisher=f.source.publisher if f.source else None,
            title=f.source.title if f.source else None,
            url=f.source.url if f.source else None,
            published=f.source.published if f.source else None,
            found_via=f.found_via,
        )
        for f in found.findings
    )
    return VerificationView(found.status, STATUS_LABELS_ZH[found.status], findings)


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
        verification=_verification(node, data, base),
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
