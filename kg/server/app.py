"""The ASGI application: SPARQL 1.1 Protocol at /sparql, the saved queries as a web API,
Linked Data pages, a home page and a query page. Build it with :func:`create_app`."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kg.core.errors import UsageError
from kg.core.settings import __version__
from kg.graph.serialization import serialize
from kg.queries import execution
from kg.server import openapi, pages, workbench
from kg.server.config import ServerConfig
from kg.server.describe import service_description
from kg.server.graphs import Background, graph_version, load_held_graphs
from kg.server.jobs import EngineSource, SavedJob, SparqlJob
from kg.server.negotiation import RDF_OFFERS, UnknownFormat, choose
from kg.server.pool import WorkerPool
from kg.server.responses import (
    TRUNCATED_HEADER,
    KgState,
    cached,
    error_response,
    parse_flag,
    public_base,
    reply_response,
    state_of,
    wants_html,
)
from kg.server.safety import Refused, check_graph_iris, nesting_depth
from kg.server.spool import remove_spool, spool_folder
from kg.stores.oxigraph import pyoxigraph_module
from kg.stores.published import dataset_file

__all__ = ["create_app"]

access_log = logging.getLogger("kg.server.access")

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
_RDF_KEYS = {"ttl": "ttl", "nt": "nt", "jsonld": "jsonld", "rdfxml": "xml"}


# ---------------------------------------------------------------- /sparql


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise Refused(413, "too-large", f"the request body is over the limit of {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise Refused(413, "too-large", f"the request body is over the limit of {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Refused(400, "encoding", f"the request is not UTF-8: {exc}") from exc


async def _protocol_params(request: Request, config: ServerConfig) -> list[tuple[str, str]]:
    """The protocol's parameters of a GET or POST (form or direct query)."""
    url_params = parse_qsl(request.url.query, keep_blank_values=True)
    if request.method in ("GET", "HEAD"):
        return url_params
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media == SPARQL_UPDATE:
        raise Refused(403, "update", "this endpoint is read-only: SPARQL Update is refused")
    if media not in (FORM, SPARQL_QUERY):
        raise Refused(
            415,
            "media-type",
            f"unsupported media type {media or '(none)'!r}: POST a query as {FORM} "
            f"or {SPARQL_QUERY}",
        )
    body = _decode(await _read_body(request, config.max_body))
    if media == FORM:
        return url_params + parse_qsl(body, keep_blank_values=True)
    if any(name == "query" for name, _ in url_params):
        raise Refused(400, "two-queries", "a direct POST carries the query in its body only")
    return [*url_params, ("query", body)]


async def sparql_endpoint(request: Request) -> Response:
    """SPARQL 1.1 Protocol, query operation (GET, POST form, POST direct)."""
    state = state_of(request)
    config = state.config
    try:
        params = await _protocol_params(request, config)
        if any(
            name in ("update", "using-graph-uri", "using-named-graph-uri") for name, _ in params
        ):
            raise Refused(403, "update", "this endpoint is read-only: SPARQL Update is refused")
        texts = [value for name, value in params if name == "query"]
        if len(texts) > 1:
            raise Refused(400, "two-queries", "the request has more than one query parameter")
        browser = wants_html(request)
        if not texts:
            if request.method == "POST":
                raise Refused(400, "no-query", "the request has no query parameter")
            if browser:
                return await cached(request, lambda: workbench.workbench_page(request))
            base, varies = public_base(request)
            return await cached(
                request, lambda: _service_description(request, base + "/sparql"), varies=varies
            )
        text = texts[0]
        request.state.query_hash = hashlib.sha256(text.encode()).hexdigest()[:16]
        if len(text) > config.max_query_length:
            status = 414 if request.method == "GET" else 413
            raise Refused(
                status,
                "too-long",
                f"the query has {len(text)} characters; the limit is {config.max_query_length}",
            )
        depth = nesting_depth(text)
        if depth > config.max_depth:
            raise Refused(
                400,
                "too-deep",
                f"the query nests brackets {depth} deep; the limit is {config.max_depth}",
            )
        values = dict(params)
        defaults = [v for n, v in params if n == "default-graph-uri"]
        named = [v for n, v in params if n == "named-graph-uri"]
        check_graph_iris(defaults, "default-graph-uri")  # refused here, before any work
        check_graph_iris(named, "named-graph-uri")
        if browser:
            inferred = parse_flag(values.get("inferred"), "inferred")
            graphs = [(n, v) for n, v in params if n in ("default-graph-uri", "named-graph-uri")]
            return await cached(
                request, lambda: workbench.sparql_results_page(request, text, inferred, graphs)
            )
        job = SparqlJob(
            text=text,
            default_graphs=tuple(defaults),
            named_graphs=tuple(named),
            inferred=parse_flag(values.get("inferred"), "inferred"),
            accept=request.headers.get("accept"),
            format=values.get("format"),
            max_rows=config.max_rows,
            max_bytes=config.max_bytes,
        )
    except Refused as exc:
        return error_response(request, exc.status, exc.kind, exc.message)

    async def produce() -> Response:
        return reply_response(request, await state.pool.run(job))

    return await cached(request, produce)


async def _service_description(request: Request, endpoint: str) -> Response:
    state = state_of(request)
    try:
        offer = choose(
            request.headers.get("accept"), request.query_params.get("format"), RDF_OFFERS
        )
    except UnknownFormat as exc:
        return error_response(request, 400, "unknown-format", str(exc))
    if offer is None:
        return _not_acceptable(request, RDF_OFFERS)
    graphs = await asyncio.to_thread(lambda: state.graphs)
    graph = service_description(endpoint, graphs)
    body = serialize(graph, _RDF_KEYS[offer.key])
    return Response(body, media_type=offer.media_type)


def _not_acceptable(request: Request, offers: tuple[Any, ...]) -> Response:
    types = ", ".join(o.media_type for o in offers)
    return error_response(request, 406, "not-acceptable", f"available: {types}")


# ---------------------------------------------------------------- saved queries


def query_listing(state: KgState) -> list[dict[str, Any]]:
    return [
        {
            "name": q.name,
            "summary": q.summary,
            "description": q.description,
            "tags": list(q.tags),
            "inferred": q.inferred,
            "url": f"/queries/{q.name}",
            "params": [
                {"name": p.name, "type": p.type, "required": p.required, "default": p.default}
                for p in q.params
            ],
        }
        for q in state.saved
    ]


async def list_saved(request: Request) -> Response:
    state = state_of(request)
    if wants_html(request):
        return await cached(request, lambda: workbench.saved_listing_page(request))

    async def produce() -> Response:
        return JSONResponse({"queries": await asyncio.to_thread(query_listing, state)})

    return await cached(request, produce)


async def run_saved(request: Request) -> Response:
    state = state_of(request)
    name = request.path_params["name"]
    text = state.saved_texts.get(name)
    if text is None:
        known = ", ".join(state.saved_texts)
        return error_response(
            request, 404, "unknown-query", f"unknown saved query {name!r} (known: {known})"
        )
    pairs = parse_qsl(request.url.query, keep_blank_values=True)
    browser = wants_html(request)
    reserved = {"format", "inferred", *(workbench.PAGING if browser else ())}
    params = tuple((k, v) for k, v in pairs if k not in reserved)
    seen = [k for k, _ in params]
    if len(seen) != len(set(seen)):
        return error_response(request, 400, "bad-parameter", "a parameter is given twice")
    try:
        inferred = parse_flag(request.query_params.get("inferred"), "inferred")
    except Refused as exc:
        return error_response(request, exc.status, exc.kind, exc.message)
    request.state.query_hash = hashlib.sha256(text.encode()).hexdigest()[:16]
    if browser:
        saved = await asyncio.to_thread(state.saved_query, name)
        assert saved is not None  # noqa: S101 - its file was read at start-up
        return await cached(
            request, lambda: workbench.saved_query_page(request, saved, params, inferred)
        )
    job = SavedJob(
        name=name,
        params=params,
        inferred=inferred,
        accept=request.headers.get("accept"),
        format=request.query_params.get("format"),
        max_rows=state.config.max_rows,
        max_bytes=state.config.max_bytes,
    )

    async def produce() -> Response:
        return reply_response(request, await state.pool.run(job))

    return await cached(request, produce)


async def query_page(request: Request) -> Response:
    """The workbench; ``?query=`` shows that query's answer below it (no JavaScript needed),
    ``?example=NAME`` opens a saved query."""
    try:
        inferred = parse_flag(request.query_params.get("inferred"), "inferred")
    except Refused as exc:
        return error_response(request, exc.status, exc.kind, exc.message)
    text = request.query_params.get("query", "")
    return await cached(request, lambda: workbench.workbench_page(request, text, inferred))


async def openapi_document(request: Request) -> Response:
    state = state_of(request)
    saved = await asyncio.to_thread(lambda: state.saved)
    return JSONResponse(openapi.document(saved, __version__))


# ---------------------------------------------------------------- health


async def health(request: Request) -> Response:
    state = state_of(request)
    pool = state.pool
    body = {
        "status": "ok" if pool.ready else "starting",
        "version": __version__,
        "graph_version": state.version,
        "graphs": await asyncio.to_thread(lambda: state.graphs.counts()),
        "saved_queries": len(state.saved_texts),
        "store": state.config.store,
        "workers": {
            "configured": pool.size,
            "saved_only": pool.saved_workers,
            "alive": pool.ready,
            "idle": pool.idle,
        },
        "lanes": pool.lanes(),
        "workers_replaced": pool.replaced,
        "workers_network": pool.network,
        "limits": {
            "timeout_s": state.config.timeout,
            "max_rows": state.config.max_rows,
            "max_bytes": state.config.max_bytes,
            "max_body": state.config.max_body,
            "max_query_length": state.config.max_query_length,
            "max_depth": state.config.max_depth,
            "memory_mb": state.config.memory_mb,
        },
        "cache": {"entries": len(state.cache), "hits": state.hits},
        "uptime_s": round(time.time() - state.started, 1),
    }
    return JSONResponse(body, headers={"Cache-Control": "no-store"})


# ---------------------------------------------------------------- access log


class AccessLog:
    """One JSON line per request on the ``kg.server.access`` logger: method, path, status,
    duration, the query's hash, rows, truncation and cache use."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        scope.setdefault("state", {})

        async def wrapped(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, wrapped)
        finally:
            info = scope["state"]
            record = {
                "method": scope["method"],
                "path": scope["path"],
                "status": status,
                "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                "query_hash": info.get("query_hash"),
                "rows": info.get("rows"),
                "truncated": bool(info.get("truncated", False)),
                "cache": info.get("cache"),
                "error": info.get("error"),
            }
            access_log.info(json.dumps(record, ensure_ascii=False))


# ---------------------------------------------------------------- the app


def engine_source(config: ServerConfig) -> EngineSource:
    """Where the workers' engine finds the graphs; a UsageError, before anything starts, if
    the store or the built dataset is missing (or pyoxigraph is not installed)."""
    if config.store != "oxigraph":
        return EngineSource()
    pyoxigraph_module()
    if config.store_path is not None:
        check_store(config.store_path)
        return EngineSource(store_path=config.store_path)
    return EngineSource(dataset=dataset_file(config.dist, config.sources))


def check_store(path: Path) -> None:
    """Raise UsageError unless ``path`` holds an Oxigraph store with an asserted graph."""
    from kg.stores.base import ASSERTED_GRAPH
    from kg.stores.oxigraph import OxigraphStore

    hint = "load one with kg push --store oxigraph --path DIR, or give --dist instead"
    try:
        store = OxigraphStore(path, read_only=True)
    except UsageError:
        raise
    except Exception as exc:  # pyoxigraph reports a missing or broken store as OSError
        raise UsageError(f"no Oxigraph store in {path} ({hint}): {exc}") from exc
    try:
        if store.count(ASSERTED_GRAPH) == 0:
            raise UsageError(f"the Oxigraph store in {path} holds no asserted graph ({hint})")
    finally:
        store.close()


def create_app(config: ServerConfig | None = None) -> Starlette:
    """The server as an ASGI app (mountable in another Starlette or ASGI app).

    The worker processes start with the app's lifespan, or on the first query when
    mounted; the graphs that pages read (rdflib) load in the background meanwhile."""
    config = ServerConfig() if config is None else config
    engine = engine_source(config)
    folder = config.sources.queries_dir
    texts = (
        {f.stem: f.read_text(encoding="utf-8") for f in sorted(folder.glob("*.rq"))}
        if folder is not None and folder.is_dir()
        else {}
    )
    held = Background(lambda: load_held_graphs(config.sources))
    saved = Background(lambda: execution.list_queries(config.sources) if folder else ())
    pool = WorkerPool(
        config.sources,
        config.workers,
        config.timeout,
        config.memory_mb,
        engine,
        config.saved_workers,
        config.queue,
    )
    state = KgState(config, held, saved, texts, graph_version(config.sources), pool)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        spool_folder().mkdir(exist_ok=True)  # where workers leave large answers
        pool.begin()
        try:
            yield
        finally:
            await pool.close()
            remove_spool()

    routes = [
        Route("/sparql", sparql_endpoint, methods=["GET", "POST"]),
        Route("/queries", list_saved, methods=["GET"]),
        Route("/queries/{name}", run_saved, methods=["GET"]),
        Route("/query", query_page, methods=["GET"]),
        Route("/query/terms", workbench.vocabulary, methods=["GET"]),
        Route("/openapi.json", openapi_document, methods=["GET"]),
        Route("/health", health, methods=["GET"]),
        *pages.routes(),
    ]
    middleware = [
        Middleware(AccessLog),
        Middleware(
            CORSMiddleware,
            allow_origins=["*"],
            allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=["*"],
            expose_headers=["ETag", TRUNCATED_HEADER, "X-KG-Rows", "X-KG-Version"],
        ),
        Middleware(AlwaysAllowOrigin),
    ]
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    app.state.kg = state
    return app


class AlwaysAllowOrigin:
    """``Access-Control-Allow-Origin: *`` on every answer, with or without an Origin."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if not any(k.lower() == b"access-control-allow-origin" for k, _ in headers):
                    headers.append((b"access-control-allow-origin", b"*"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, wrapped)
