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

from functools import cached_property
from html import escape
from typing import Any

from rdflib import OWL, RDF, Graph, URIRef
from rdflib.namespace import SH
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from kg.core.errors import KgError
from kg.core.namespaces import BASE, KK, KKO, KKS, PREFIXES
from kg.core.paths import project_root
from kg.graph.counts import Stats, stats
from kg.graph.loading import load_graph
from kg.graph.provenance import Evidence, source
from kg.graph.serialization import serialize
from kg.server.charts import Moment, chart_svg, timeline
from kg.server.graphs import GRAPH_IRIS
from kg.server.negotiation import HTML, RDF_OFFERS, Offer, UnknownFormat, choose
from kg.server.rdfhtml import (
    ONTOLOGY_IRI,
    curie,
    describe,
    incoming_table,
    iri_html,
    page,
    property_table,
    title_labels,
)
from kg.server.responses import KgState, cached, error_response, parse_flag
from kg.server.safety import Refused
from kg.server.templating import static_route

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
        Route("/chart.svg", chart, methods=["GET"]),
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
        body = f'<h1>{status}</h1><p class="error">{escape(message)}</p>'
        return HTMLResponse(
            page(f"{status}: {message}", body, _base(request)),
            status,
            headers={"Cache-Control": "no-store"},
        )
    return error_response(request, status, kind, message)


def _html(text: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(text, status)


def _negotiate(request: Request) -> Offer | Response:
    """The representation the client wants, or the error answer (400, 406)."""
    try:
        offer = choose(
            request.headers.get("accept"), request.query_params.get("format"), PAGE_OFFERS
        )
    except UnknownFormat as exc:
        return _error(request, 400, "unknown-format", str(exc), False)
    if offer is None:
        types = ", ".join(o.media_type for o in PAGE_OFFERS)
        return _error(request, 406, "not-acceptable", f"available: {types}", False)
    return offer


def _flag(request: Request, name: str) -> bool | Response:
    try:
        return parse_flag(request.query_params.get(name), name)
    except Refused as exc:
        return _error(request, exc.status, exc.kind, exc.message, False)


def _rdf_response(graph: Graph, offer: Offer) -> Response:
    return Response(serialize(graph, _RDF_KEYS[offer.key]), media_type=offer.media_type)


def _format_links(path: str, inferred: bool = True) -> str:
    links = [f'<a href="{escape(path)}?format={key}">{name}</a>' for key, name in _FORMAT_LINKS]
    if inferred:
        links.append(
            f'<a href="{escape(path)}?format=ttl&amp;inferred=true">Turtle with inferences</a>'
        )
    return '<p class="formats">As data: ' + " ".join(links) + "</p>"


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


def _marked(evidence: Evidence, text: str | None) -> str:
    """The sentence of an excerpt with the quoted words in ``<mark>``, all escaped."""
    sentence, exact = evidence.sentence, evidence.exact
    if not sentence:
        return f"<mark>{escape(exact or '')}</mark>"
    offset: int | None = None
    if text is not None and evidence.start is not None and evidence.end is not None:
        begin = text.find(sentence, max(0, evidence.end - len(sentence)))
        if 0 <= begin <= evidence.start:
            offset = evidence.start - begin
    if offset is None and exact:
        offset = sentence.find(exact) if exact in sentence else None
    if offset is None or not exact or sentence[offset : offset + len(exact)] != exact:
        return escape(sentence)
    after = offset + len(exact)
    return escape(sentence[:offset]) + f"<mark>{escape(exact)}</mark>" + escape(sentence[after:])


def _evidence_section(node: URIRef, data: PageData, base: str) -> str:
    state = data.state
    try:
        provenance = source(node, graph=state.graphs.asserted, paths=state.config.sources)
    except KgError:
        return ""
    if not provenance.evidence:
        return '<p class="muted">No excerpt of the article is attached to this node.</p>'
    items = []
    for ev in provenance.evidence:
        where = (
            f"characters [{ev.start}, {ev.end}) of the article"
            if ev.start is not None
            else "no offsets"
        )
        check = "verified" if ev.verified else "NOT verified: the offsets do not select the quote"
        items.append(
            f'<li class="excerpt"><blockquote lang="zh">{_marked(ev, data.article_text)}'
            f"</blockquote><p>{iri_html(str(ev.excerpt), data.combined, base)} · "
            f'<span class="offsets">{escape(where)}</span> · {escape(check)}</p></li>'
        )
    return '<ol class="evidence">' + "".join(items) + "</ol>"


def entity_page(node: URIRef, data: PageData, base: str = "", in_asserted: bool = True) -> str:
    """The HTML page of one node: labels, types, the asserted and the inferred statements
    apart, incoming links, the article's words behind it, and the reference layer."""
    graphs = data.state.graphs
    labels_graph = data.combined
    names = title_labels(labels_graph, node)
    heading = " / ".join(
        f'<span lang="{escape(lang or "und", quote=True)}">{escape(text)}</span>'
        + (f' <span class="lang">{escape(lang)}</span>' if lang else "")
        for lang, text in names
    ) or escape(curie(str(node)))
    title = " / ".join(text for _, text in names[:2]) or curie(str(node))
    asserted_types = sorted(
        set(graphs.asserted.objects(node, RDF.type))
        | set(graphs.reference.objects(node, RDF.type)),
        key=str,
    )
    inferred_types = sorted(
        set(graphs.inferred.objects(node, RDF.type)) - set(asserted_types), key=str
    )
    # class expressions (blank nodes) are left to the tables
    asserted_types = [t for t in asserted_types if isinstance(t, URIRef)]
    inferred_types = [t for t in inferred_types if isinstance(t, URIRef)]
    types = ", ".join(iri_html(str(t), labels_graph, base) for t in asserted_types)
    if inferred_types:
        types += (", " if types else "") + ", ".join(
            iri_html(str(t), labels_graph, base) + ' <span class="muted">(inferred)</span>'
            for t in inferred_types
        )
    incoming = [(s, p, "asserted") for s, p in graphs.asserted.subject_predicates(node)]
    incoming += [(s, p, "inferred") for s, p in graphs.inferred.subject_predicates(node)]
    path = f"{base}/id/{str(node)[len(str(KK)) :]}"
    body = [
        f"<h1>{heading}</h1>",
        f'<p><code class="iri">{escape(str(node))}</code></p>',
        f'<p class="types">Types: {types or "none"}</p>',
        _format_links(path),
        '<section id="asserted"><h2>Asserted</h2>',
        property_table(graphs.asserted.predicate_objects(node), labels_graph, base),
        "</section>",
        '<section id="inferred"><h2>Inferred (OWL RL)</h2>',
        property_table(graphs.inferred.predicate_objects(node), labels_graph, base),
        "</section>",
        '<section id="incoming"><h2>Incoming links</h2>',
        incoming_table(incoming, labels_graph, base),
        "</section>",
        '<section id="article"><h2>In the article</h2>',
        _evidence_section(node, data, base) if in_asserted else '<p class="muted">None.</p>',
        "</section>",
    ]
    reference_out = list(graphs.reference.predicate_objects(node))
    reference_in = [(s, p, "reference") for s, p in graphs.reference.subject_predicates(node)]
    if reference_out or reference_in:
        body += [
            '<section id="reference"><h2>Reference layer (other sources)</h2>',
            property_table(reference_out, labels_graph, base) if reference_out else "",
            incoming_table(reference_in, labels_graph, base) if reference_in else "",
            "</section>",
        ]
    return page(title, "".join(body), base)


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
    groups: dict[str, list[URIRef]] = {name: [] for name, _ in kinds}
    for term in terms:
        types = set(graph.objects(term, RDF.type))
        name = next((n for n, cls in kinds if cls is not None and cls in types), kinds[-1][0])
        groups[name].append(term)
    index = []
    sections = []
    for name, members in groups.items():
        if not members:
            continue
        links = ", ".join(
            f'<a href="#{escape(local, quote=True)}">{escape(local)}</a>'
            for local in (str(t)[len(namespace) :] for t in members)
        )
        index.append(f"<li><strong>{escape(name)}</strong> ({len(members)}): {links}</li>")
        sections.append(f"<h2>{escape(name)}</h2>")
        for term in members:
            local = str(term)[len(namespace) :]
            names = " / ".join(
                f'<span lang="{escape(lang or "und", quote=True)}">{escape(text)}</span>'
                for lang, text in title_labels(graph, term)
            )
            sections.append(
                f'<section class="term" id="{escape(local, quote=True)}"><h3>'
                f'<a href="#{escape(local, quote=True)}">{escape(curie(str(term)))}</a> '
                f'<span class="label">{names}</span></h3>'
                f'<p><code class="iri">{escape(str(term))}</code></p>'
                + property_table(graph.predicate_objects(term), graph, base)
                + "</section>"
            )
    header = ""
    if document is not None:
        header = (
            '<section id="document">'
            + property_table(graph.predicate_objects(document), graph, base)
            + "</section>"
        )
    body = (
        f"<h1>{escape(title)}</h1>"
        + (
            f'<p><code class="iri">{escape(str(document))}</code></p>'
            if document is not None
            else ""
        )
        + _format_links(path, inferred=False)
        + header
        + f'<ul class="index">{"".join(index)}</ul>'
        + "".join(sections)
    )
    return page(title, body, base)


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
        body = (
            f'<h1>Graph {escape(name)}</h1><p><code class="iri">{escape(GRAPH_IRIS[name])}'
            f"</code></p><p>{len(graph)} triples.</p>"
            + _format_links(f"{base}/graph/{name}", inferred=False)
            + f'<p>Query it at <a href="{base}/query">the query page</a> or '
            f'<a href="{base}/sparql">/sparql</a> (with <code>named-graph-uri</code> or '
            "<code>GRAPH</code>).</p>"
        )
        return page(f"Graph {name}", body, base)

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


def _timeline_html(moments: list[Moment], base: str, graph: Graph) -> str:
    items = []
    for m in moments:
        if m.date is not None:
            shown = (
                f'<time datetime="{escape(str(m.date), quote=True)}">{escape(str(m.date))}</time>'
            )
            precision = f" ({escape(m.precision)})" if m.precision else ""
        else:
            shown = f"<time>{escape(m.begin)} – {escape(m.end)}</time>"
            precision = " (span)"
        qualifier = f' <span class="muted">{escape(m.qualifier)}</span>' if m.qualifier else ""
        items.append(
            f"<li>{shown}{precision}{qualifier} "
            f"{iri_html(str(m.event), graph, base, with_label=False)} "
            f'{escape(m.label_en)} <span lang="zh" class="muted">{escape(m.label_zh)}</span> '
            f'<span class="muted">· {escape(m.kind)}</span></li>'
        )
    return '<ol class="timeline">' + "".join(items) + "</ol>"


def _saved_queries_html(state: KgState, base: str) -> str:
    rows = []
    for q in state.saved:
        api = f"{base}/queries/{q.name}"
        params = ", ".join(
            f"{p.name} ({p.type}{', required' if p.required else ''}"
            f"{', default ' + str(p.default) if p.default is not None else ''})"
            for p in q.params
        )
        links = " ".join(
            f'<a href="{escape(api)}?format={fmt}">{fmt.upper()}</a>'
            for fmt in ("json", "csv", "tsv", "xml")
        )
        rows.append(
            f"<tr><td><code>{escape(q.name)}</code>{' (inferred)' if q.inferred else ''}</td>"
            f"<td>{escape(q.summary)}</td><td>{escape(params) or '—'}</td>"
            f'<td>{links} <a href="{base}/query?example={escape(q.name, quote=True)}">'
            "open in the query page</a></td></tr>"
        )
    if not rows:
        return '<p class="muted">No saved queries.</p>'
    return (
        '<table id="saved-queries"><thead><tr><th>name</th><th>question</th><th>parameters</th>'
        f"<th>run it</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


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
    table = "".join(
        f'<tr><td>{escape(name)}</td><td class="count">{value}</td></tr>'
        for name, value in count_rows
    )
    body = (
        "<h1>Kazakhstan–Kyrgyzstan knowledge graph</h1>"
        f'<p class="intro">{escape(data.intro)}</p>'
        f'<p>Start at <a href="{base}/id/kazakhstan">Kazakhstan</a>, '
        f'<a href="{base}/id/kyrgyzstan">Kyrgyzstan</a>, '
        f'the <a href="{base}/id/article">article</a> '
        f'or the <a href="{base}/ontology">ontology</a>; ask your own question on the '
        f'<a href="{base}/query">query page</a>.</p>'
        f'<h2>Counts</h2><table id="counts"><tbody>{table}</tbody></table>'
        '<h2 id="chart">Trade and investment</h2>'
        f'<figure>{data.chart}<figcaption><a href="{base}/chart.svg">chart.svg</a>: every '
        "kko:TradeFigure and kko:InvestmentFigure, as the graph qualifies it.</figcaption></figure>"
        '<h2 id="timeline">Timeline</h2>'
        "<p>Every dated event, ordered by kko:beginDate, with kko:date at the precision the "
        "article gives.</p>"
        + _timeline_html(data.timeline, base, data.combined)
        + f'<h2 id="queries">Saved queries</h2>{_saved_queries_html(state, base)}'
    )
    return page("Kazakhstan–Kyrgyzstan knowledge graph", body, base)


async def home(request: Request) -> Response:
    data = _data(request)
    base = _base(request)

    async def produce() -> Response:
        return _html(await run_in_threadpool(home_page, data, base))

    return await _cached(request, produce)


# ---------------------------------------------------------------- query page
