"""The browser's side of the endpoint: the query workbench (``/query``, and ``/sparql`` with
a browser's Accept and no query), a query's answer as an HTML page (``/sparql`` with a
browser's Accept and a query), the saved queries as pages with a form built from their ``#+``
parameters (``/queries`` and ``/queries/NAME`` with a browser's Accept).

Results are paged on the server (``page``, ``limit``), so that every page works without
JavaScript; each offers its answer for download (CSV, TSV, JSON) from the same URL.
Parameters are checked by the saved query's own binding (:func:`bind_parameters`), the one
meaning every path gives them."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from rdflib import OWL, RDF, RDFS, Graph, URIRef
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from kg.core.errors import KgError, MissingParameterError
from kg.core.namespaces import PREFIXES
from kg.queries.execution import bind_parameters
from kg.queries.metadata import INTEGER_TYPES, QueryParam, SavedQuery
from kg.server.rdfhtml import curie, local_path
from kg.server.responses import KgState, state_of, wants_html
from kg.server.safety import Refused
from kg.server.spool import read_spooled
from kg.server.templating import render
from kg.server.worker import Reply, SavedJob, SparqlJob

__all__ = [
    "PAGING",
    "RESULTS_ACCEPT",
    "saved_listing_page",
    "saved_query_page",
    "sparql_results_page",
    "terms_of",
    "vocabulary",
    "wants_html",
    "workbench_page",
]

RESULTS_ACCEPT = "application/sparql-results+json, text/turtle;q=0.9"
PAGING = frozenset({"page", "limit"})
DEFAULT_LIMIT = 50
MAX_LIMIT = 1000
DOWNLOADS = (("csv", "CSV"), ("tsv", "TSV"), ("json", "JSON"))
PROPERTY_KINDS = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property)
# the workbench's pages run no inline script; YASGUI's column resizer adds a style element
WORKBENCH_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "connect-src 'self'; img-src 'self' data:; font-src 'self' data:; form-action 'self'; "
    "base-uri 'none'"
)
DEFAULT_QUERY = """PREFIX kko: <https://w3id.org/kazkgz/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?event ?date ?label WHERE {
  ?event kko:date ?date ; rdfs:label ?label .
  FILTER(lang(?label) = "en")
} ORDER BY ?date LIMIT 50"""
_NUMBERS = frozenset({"number", "decimal", "float", "double"})


# ---------------------------------------------------------------- results


@dataclass(frozen=True)
class Cell:
    """One value of a result, ready for the template: its text, a link, the datatype or
    language shown beside it."""

    text: str
    kind: str = "literal"
    href: str | None = None
    note: str = ""
    lang: str | None = None


@dataclass(frozen=True)
class Paging:
    """Which rows of an answer a page shows (``page`` from 1, ``limit`` rows a page)."""

    page: int = 1
    limit: int = DEFAULT_LIMIT

    @classmethod
    def of(cls, request: Request) -> Paging:
        """The request's ``page`` and ``limit``; a 400 Refused when either is not a whole
        number in range."""
        values = []
        for name, default, top in (("page", 1, None), ("limit", DEFAULT_LIMIT, MAX_LIMIT)):
            text = request.query_params.get(name) or str(default)
            if not text.isdigit() or int(text) < 1 or (top is not None and int(text) > top):
                bound = f"from 1 to {top}" if top else "from 1"
                raise Refused(400, "bad-parameter", f"{name} must be a whole number {bound}")
            values.append(int(text))
        return cls(*values)


@dataclass
class Answer:
    """A query's answer as a page shows it: the error, or one page of the rows (or the
    boolean, or the document of a graph), with links to the other pages and downloads."""

    status: int = 200
    error: str | None = None
    names: list[str] = field(default_factory=list)
    rows: list[list[Cell | None]] = field(default_factory=list)
    total: int = 0
    first: int = 0
    truncated: bool = False
    boolean: bool | None = None
    text: str | None = None
    previous: str | None = None
    next: str | None = None
    downloads: list[tuple[str, str]] = field(default_factory=list)


def cell(term: Mapping[str, str], base: str) -> Cell:
    """A SPARQL JSON term as a :class:`Cell`: project IRIs link to the server's pages."""
    value = term.get("value", "")
    kind = term.get("type", "literal")
    if kind == "uri":
        href = local_path(value, base)
        if href is None and value.startswith(("http://", "https://")):
            href = value
        return Cell(curie(value), "uri", href)
    if kind == "bnode":
        return Cell("_:" + value, "bnode")
    lang = term.get("xml:lang")
    if lang:
        return Cell(value, "literal", note="@" + lang, lang=lang)
    datatype = term.get("datatype")
    return Cell(value, "literal", note="^^" + curie(datatype) if datatype else "")


def answer_of(
    reply: Reply, paging: Paging, url: str, params: Sequence[tuple[str, str]], base: str
) -> Answer:
    """The page of ``reply`` that ``paging`` selects; ``url`` and ``params`` (without the
    paging and format ones) make the links to the other pages and the downloads."""
    if reply.kind is not None:
        return Answer(reply.status, error=reply.message or reply.kind)

    def link(**extra: str | int) -> str:
        return url + "?" + urlencode([*params, *((k, str(v)) for k, v in extra.items())])

    answer = Answer(truncated=reply.truncated)
    answer.downloads = [(name, link(format=key)) for key, name in DOWNLOADS]
    data = reply.body if reply.path is None else read_spooled(reply.path)
    body = data.decode("utf-8", errors="replace")
    if not reply.media_type.startswith("application/sparql-results+json"):
        answer.text = body
        answer.downloads = []
        return answer
    document: dict[str, Any] = json.loads(body)
    if "boolean" in document:
        answer.boolean = bool(document["boolean"])
        return answer
    answer.names = list(document.get("head", {}).get("vars", []))
    bindings = document.get("results", {}).get("bindings", [])
    answer.total = len(bindings)
    start = (paging.page - 1) * paging.limit
    answer.first = start + 1
    answer.rows = [
        [cell(row[name], base) if name in row else None for name in answer.names]
        for row in bindings[start : start + paging.limit]
    ]
    if paging.page > 1:
        answer.previous = link(page=paging.page - 1, limit=paging.limit)
    if start + paging.limit < answer.total:
        answer.next = link(page=paging.page + 1, limit=paging.limit)
    return answer


def _base(request: Request) -> str:
    return str(request.scope.get("root_path", "")).rstrip("/")


def _page(template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """``template`` rendered under :data:`WORKBENCH_CSP` (no inline script)."""
    return HTMLResponse(render(template, **{"csp": WORKBENCH_CSP, **context}), status)


# ---------------------------------------------------------------- the workbench and /sparql


async def workbench_page(request: Request, text: str = "", inferred: bool = False) -> Response:
    """The workbench, its editor holding ``text`` (or the saved query ``?example=`` names);
    its form posts to /sparql, whose answer for a browser is a page of its own."""
    state = state_of(request)
    example = request.query_params.get("example", "")
    chosen = state.saved_query(example) if example else None
    if example and chosen is None:
        message = f"unknown saved query {example!r}"
        return _page("workbench.html", 404, **_workbench(request, "", False, message))
    shown = text or (chosen.text if chosen else "")
    context = _workbench(request, shown, inferred or bool(chosen and chosen.inferred), None)
    return _page("workbench.html", **context)


def _workbench(request: Request, text: str, inferred: bool, error: str | None) -> dict[str, Any]:
    state = state_of(request)
    base = _base(request)
    config = {
        "base": base,
        "endpoint": f"{base}/sparql",
        "page": f"{base}/query",
        "terms": f"{base}/query/terms",
        "prefixes": dict(sorted(PREFIXES.items())),
        "query": text or DEFAULT_QUERY,
        "inferred": inferred,
        "autorun": bool(text) and bool(request.query_params.get("autorun")),
        "examples": {q.name: {"text": q.text, "inferred": q.inferred} for q in state.saved},
    }
    return {
        "title": "Query the graph",
        "base": base,
        "text": text,
        "inferred": inferred,
        "error": error,
        "saved": state.saved,
        "example": request.query_params.get("example", ""),
        "config": config,
    }


async def vocabulary(request: Request) -> Response:
    """``/query/terms``: the classes and properties the editor completes (the ontology's, and
    every one the graph uses), as JSON."""
    state = state_of(request)
    found = getattr(request.app.state, "kg_terms", None)
    if found is None:
        found = await run_in_threadpool(terms_of, state.graphs.asserted)
        request.app.state.kg_terms = found
    return JSONResponse(found, headers={"Cache-Control": "public, max-age=60"})


def terms_of(graph: Graph) -> dict[str, list[str]]:
    """The IRIs of ``graph``'s classes (declared, or the type of a node) and properties
    (declared, or used as a predicate), sorted."""
    classes = set(graph.objects(None, RDF.type))
    classes |= {s for kind in (OWL.Class, RDFS.Class) for s in graph.subjects(RDF.type, kind)}
    properties = set(graph.predicates())
    properties |= {s for kind in PROPERTY_KINDS for s in graph.subjects(RDF.type, kind)}
    return {
        "classes": sorted(str(c) for c in classes if isinstance(c, URIRef)),
        "properties": sorted(str(p) for p in properties if isinstance(p, URIRef)),
    }


async def _run_text(
    request: Request,
    state: KgState,
    text: str,
    inferred: bool,
    url: str,
    graphs: Sequence[tuple[str, str]] = (),
) -> Answer:
    """The answer of ``text`` (checked by /sparql's limits already), one page of it, on the
    dataset that ``graphs`` (the protocol's ``default-graph-uri`` and ``named-graph-uri``
    parameters, checked already) give, as /sparql runs it for any other client."""
    try:
        paging = Paging.of(request)
    except Refused as exc:
        return Answer(exc.status, error=exc.message)
    job = SparqlJob(
        text=text,
        default_graphs=tuple(v for n, v in graphs if n == "default-graph-uri"),
        named_graphs=tuple(v for n, v in graphs if n == "named-graph-uri"),
        inferred=inferred,
        accept=RESULTS_ACCEPT,
        max_rows=state.config.max_rows,
        max_bytes=state.config.max_bytes,
    )
    reply = await state.pool.run(job)
    params = [("query", text), *graphs, *([("inferred", "true")] if inferred else [])]
    return answer_of(reply, paging, url, params, _base(request))


async def sparql_results_page(
    request: Request, text: str, inferred: bool, graphs: Sequence[tuple[str, str]] = ()
) -> Response:
    """The answer of a query sent to /sparql by a browser, as a paged HTML table."""
    state = state_of(request)
    base = _base(request)
    answer = await _run_text(request, state, text, inferred, f"{base}/sparql", graphs)
    edit = f"{base}/query?" + urlencode(
        {"query": text, **({"inferred": "true"} if inferred else {})}
    )
    return _page(
        "sparql_results.html",
        answer.status,
        title="Query results",
        base=base,
        text=text,
        answer=answer,
        edit=edit,
    )


# ---------------------------------------------------------------- saved queries


@dataclass(frozen=True)
class Field:
    """A saved query's parameter as a form's input."""

    name: str
    label: str
    input_type: str
    value: str
    default: str | None
    required: bool
    hint: str
    step: str | None = None
    pattern: str | None = None
    error: str | None = None


def _input(param: QueryParam) -> tuple[str, str, str | None, str | None]:
    """The input's type, the hint shown beside it, its step and pattern, by the parameter's
    type."""
    kind = param.type
    if kind in INTEGER_TYPES:
        return "number", f"a whole number (xsd:{kind})", "1", None
    if kind in _NUMBERS:
        return "number", "a number", "any", None
    if kind == "date":
        return "date", "a date (YYYY-MM-DD)", None, None
    if kind == "gYear":
        return "text", "a year (YYYY)", None, r"-?[0-9]{4,}"
    if kind == "iri":
        return "text", "an IRI, or a CURIE such as kk:kazakhstan", None, None
    if kind in ("string", "literal"):
        return "text", "text", None, None
    if len(kind) == 2:
        return "text", f"text in the language {kind}", None, None
    return "text", f"an xsd:{kind}", None, None


def _fields(query: SavedQuery, given: Mapping[str, str], errors: Mapping[str, str]) -> list[Field]:
    fields = []
    for param in query.params:
        input_type, hint, step, pattern = _input(param)
        needed = "required" if param.required else "optional"
        if param.name in query.one_of:
            needed = "give " + " or ".join(query.one_of)
        fields.append(
            Field(
                name=param.name,
                label=param.name,
                input_type=input_type,
                value=given.get(param.name, param.default or ""),
                default=param.default,
                required=param.required,
                hint=f"{hint}; {needed}",
                step=step,
                pattern=pattern,
                error=errors.get(param.name),
            )
        )
    return fields


async def saved_listing_page(request: Request) -> Response:
    """``/queries`` for a browser: every saved query with its summary and tags."""
    state = state_of(request)
    return _page(
        "saved_queries.html", title="Saved queries", base=_base(request), saved=state.saved
    )


async def saved_query_page(
    request: Request, query: SavedQuery, params: Sequence[tuple[str, str]], inferred: bool
) -> Response:
    """``/queries/NAME`` for a browser: what the query asks, a form of its parameters with
    their values (defaults filled in), and the answer for them, paged, with downloads."""
    state = state_of(request)
    base = _base(request)
    given = {name: value for name, value in params if value.strip()}  # an empty field: not given
    errors: dict[str, str] = {}
    problem: str | None = None
    for name, value in given.items():
        param = query.param(name)
        if param is None:
            problem = f"query {query.name!r} has no parameter {name!r}"
            continue
        try:
            param.bind(value)
        except KgError as exc:
            errors[name] = str(exc)
    answer: Answer | None = None
    status = 200
    if problem is None and not errors:
        try:
            bind_parameters(query, given)
        except MissingParameterError as exc:
            problem = str(exc)
            status = 400 if given else 200  # a first visit shows the form, not an error
    if problem is None and not errors:
        try:
            paging = Paging.of(request)
        except Refused as exc:
            answer = Answer(exc.status, error=exc.message)
        else:
            job = SavedJob(
                name=query.name,
                params=tuple(given.items()),
                inferred=inferred,
                accept=RESULTS_ACCEPT,
                max_rows=state.config.max_rows,
                max_bytes=state.config.max_bytes,
            )
            reply = await state.pool.run(job)
            extra = [("inferred", "true")] if inferred else []
            answer = answer_of(
                reply, paging, f"{base}/queries/{query.name}", [*given.items(), *extra], base
            )
        status = answer.status
    elif errors or (problem and given):
        status = 400
    return _page(
        "saved_query.html",
        status,
        title=query.summary,
        base=base,
        query=query,
        fields=_fields(query, given, errors),
        problem=problem,
        inferred=inferred,
        answer=answer,
        workbench=f"{base}/query?" + urlencode({"example": query.name}),
    )
