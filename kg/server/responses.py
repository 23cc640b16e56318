"""What the routes share: the application's state (:class:`KgState`), whether the client is a
browser (:func:`wants_html`), error answers (a page for a browser), the answer cache with its
ETags (:func:`cached`), a worker's reply as a response, and boolean parameters."""

from __future__ import annotations

import hashlib
import re
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response, StreamingResponse

from kg.queries.metadata import SavedQuery
from kg.server.config import ServerConfig
from kg.server.graphs import Background, HeldGraphs
from kg.server.jobs import Reply
from kg.server.negotiation import parse_accept
from kg.server.pool import WorkerPool
from kg.server.safety import Refused
from kg.server.spool import open_spooled, stream
from kg.server.templating import render

__all__ = [
    "TRUNCATED_HEADER",
    "KgState",
    "cached",
    "error_page",
    "error_response",
    "parse_flag",
    "public_base",
    "reply_response",
    "state_of",
    "wants_html",
]

TRUNCATED_HEADER = "X-KG-Truncated"


@dataclass
class KgState:
    """Everything the routes share: settings, graphs (for pages), saved queries (their
    metadata, and their texts by name, read at once), the graph's version, the worker pool
    and the answer cache."""

    config: ServerConfig
    held: Background[HeldGraphs]
    saved_list: Background[tuple[SavedQuery, ...]]
    saved_texts: dict[str, str]
    version: str
    pool: WorkerPool
    started: float = field(default_factory=time.time)
    cache: OrderedDict[str, tuple[int, bytes, str, dict[str, str]]] = field(
        default_factory=OrderedDict
    )
    hits: int = 0

    @property
    def graphs(self) -> HeldGraphs:
        """The held graphs (rdflib) that pages read, waiting for them while they load."""
        return self.held.get()

    @property
    def saved(self) -> tuple[SavedQuery, ...]:
        """The saved queries with their metadata, waiting for them while they are read."""
        return self.saved_list.get()

    def saved_query(self, name: str) -> SavedQuery | None:
        return next((q for q in self.saved if q.name == name), None)

    def etag(self, request: Request, varies: str = "") -> str:
        """A strong validator for a GET answer: the graph's version, the URL, the Accept
        header and ``varies`` (anything else the answer is made from)."""
        key = "\0".join(
            (
                self.version,
                request.url.path,
                request.url.query,
                request.headers.get("accept", ""),
                varies,
            )
        )
        return '"' + hashlib.sha256(key.encode()).hexdigest()[:32] + '"'


def _wants_json(request: Request) -> bool:
    for media, q in parse_accept(request.headers.get("accept")):
        if q > 0 and media.endswith(("/json", "+json")):
            return True
    return False


_HTML_TYPES = ("text/html", "application/xhtml+xml")


def wants_html(request: Request) -> bool:
    """True when the client is a browser: ``format=html``, or an Accept header whose first
    media range is HTML with the highest quality (``text/html,...;q=0.9``)."""
    named = request.query_params.get("format")
    if named:
        return named.strip().lower() in ("html", "text/html")
    ranges = parse_accept(request.headers.get("accept"))
    if not ranges or ranges[0][0] not in _HTML_TYPES:
        return False
    return ranges[0][1] > 0 and ranges[0][1] >= max(q for _, q in ranges)


def error_page(
    request: Request, status: int, message: str, headers: dict[str, str] | None = None
) -> HTMLResponse:
    """An error as a page of the site (never cached)."""
    base = str(request.scope.get("root_path", "")).rstrip("/")
    page = render(
        "error.html", title=f"{status}: {message}", status=status, message=message, base=base
    )
    return HTMLResponse(page, status, headers=headers or {"Cache-Control": "no-store"})


def error_response(request: Request, status: int, kind: str, message: str) -> Response:
    """An error as a page for a browser (:func:`wants_html`), as JSON (``{"error": kind,
    "message": ...}``) when the client accepts JSON, else as plain text; never cached."""
    request.state.error = kind
    headers = {"Cache-Control": "no-store"}
    if status == 503:
        headers["Retry-After"] = "1"
    if wants_html(request):
        return error_page(request, status, message, headers)
    if _wants_json(request) or request.url.path.startswith(("/queries", "/openapi")):
        body = {"error": kind, "status": status, "message": message}
        return JSONResponse(body, status_code=status, headers=headers)
    return Response(message + "\n", status, headers=headers, media_type="text/plain")


def state_of(request: Request) -> KgState:
    found: KgState = request.app.state.kg
    return found


def _cache_headers(state: KgState, etag: str | None) -> dict[str, str]:
    headers = {"Cache-Control": "public, max-age=60", "Vary": "Accept"}
    if etag:
        headers["ETag"] = etag
    headers["X-KG-Version"] = state.version[:16]
    return headers


def _not_modified(request: Request, etag: str) -> bool:
    wanted = request.headers.get("if-none-match")
    if not wanted:
        return False
    tags = {t.strip().removeprefix("W/") for t in wanted.split(",")}
    return etag in tags or "*" in tags


async def cached(
    request: Request,
    produce: Callable[[], Awaitable[Response]],
    cacheable: bool = True,
    varies: str = "",
) -> Response:
    """Answer a GET from the ETag (304) or the answer cache, or ``produce`` it; 200 answers
    get the ETag and Cache-Control of the graph's version and are kept. An answer made from
    anything but the URL and Accept (a request header) passes it as ``varies``: the cache
    keeps it for that value only."""
    state = state_of(request)
    if request.method not in ("GET", "HEAD") or not cacheable:
        return await produce()
    etag = state.etag(request, varies)
    if _not_modified(request, etag):
        request.state.cache = "not-modified"
        return Response(status_code=304, headers=_cache_headers(state, etag))
    hit = state.cache.get(etag)
    if hit is not None:
        state.cache.move_to_end(etag)
        state.hits += 1
        request.state.cache = "hit"
        status, body, media_type, extra = hit
        request.state.rows = extra.get("X-KG-Rows")
        headers = {**_cache_headers(state, etag), **extra}
        return Response(body, status, headers=headers, media_type=media_type)
    response = await produce()
    if response.status_code == 200:
        response.headers.update(_cache_headers(state, etag))
        streamed = isinstance(response, StreamingResponse)  # large: never kept
        body = b"" if streamed else bytes(response.body)
        limit = state.config.cache_entries
        if limit and not streamed:
            extra = {k: v for k, v in response.headers.items() if k.lower().startswith("x-kg-")}
            extra = {k.title().replace("X-Kg-", "X-KG-"): v for k, v in extra.items()}
            media = response.media_type or response.headers.get("content-type", "")
            state.cache[etag] = (200, body, media, extra)
            while len(state.cache) > limit:
                state.cache.popitem(last=False)
        request.state.cache = "miss"
    return response


def reply_response(request: Request, reply: Reply) -> Response:
    """A worker's reply as an HTTP response."""
    request.state.rows = reply.rows
    if reply.kind is not None:
        response = error_response(request, reply.status, reply.kind, reply.message or reply.kind)
        if reply.retry_after is not None:
            response.headers["Retry-After"] = str(reply.retry_after)
        return response
    headers = {"X-KG-Rows": str(reply.rows or 0)}
    if reply.truncated:
        headers[TRUNCATED_HEADER] = "true"
        request.state.truncated = True
    if reply.path is not None:  # a large answer, streamed from its file
        return StreamingResponse(
            stream(open_spooled(reply.path)),
            reply.status,
            headers=headers,
            media_type=reply.media_type,
        )
    return Response(reply.body, reply.status, headers=headers, media_type=reply.media_type)


_HOST = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?")


def public_base(request: Request) -> tuple[str, str]:
    """The server's public address (scheme, host and mount path, no trailing slash) and what
    of the request it was read from (for :func:`cached`'s ``varies``). ``--base-url`` names
    it for every request (nothing read); else the request's scheme and ``Host``, with
    ``X-Forwarded-Proto`` and ``X-Forwarded-Host`` only from a configured proxy's address.
    A host that is no host name or address is not used: the server's own address is."""
    config = state_of(request).config
    if config.base_url:
        return config.base_url, ""
    scheme = request.url.scheme
    host = request.headers.get("host", "")
    client = request.client.host if request.client else None
    if config.trusts(client):
        proto = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
        scheme = proto if proto in ("http", "https") else scheme
        host = request.headers.get("x-forwarded-host", "").split(",")[0].strip() or host
    if not _HOST.fullmatch(host):
        server = request.scope.get("server") or ("localhost", None)
        host = server[0] if server[1] is None else f"{server[0]}:{server[1]}"
    base = f"{scheme}://{host}{request.scope.get('root_path', '')}".rstrip("/")
    return base, base


def parse_flag(value: str | None, name: str) -> bool:
    """A boolean parameter's value (absent or empty: false); a 400 Refused if it is neither."""
    if value is None or value.lower() in ("", "false", "0", "no"):
        return False
    if value.lower() in ("true", "1", "yes"):
        return True
    raise Refused(400, "bad-parameter", f"{name} must be true or false, not {value!r}")
