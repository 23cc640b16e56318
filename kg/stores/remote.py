"""A remote SPARQL 1.1 endpoint (Virtuoso, Fuseki, GraphDB, QLever ...), over HTTP with the
standard library: queries by the SPARQL 1.1 Protocol, loading by the Graph Store Protocol.

Replacing a graph (:meth:`RemoteStore.replace`, what ``kg push`` does):

1. ``PUT`` the data into a new graph with a fresh ``urn:uuid:`` name (Graph Store Protocol);
   if that fails (bad data, no rights), the published graph was never touched;
2. swap it in with one SPARQL Update, ``MOVE SILENT GRAPH <new> TO <graph>``: one request, which
   the stores run as one transaction, so a reader sees the old graph or the new one;
3. if the endpoint takes no SPARQL Update (it answers the ``MOVE`` with an error), ``PUT`` the
   same data onto the graph itself, which the protocol defines as a replacement in one
   request, and delete the new graph.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from rdflib import Graph
from rdflib.term import Node

from kg.core.errors import SparqlSyntaxError, UsageError
from kg.core.settings import VERIFICATION_GRAPH
from kg.graph.serialization import serialize
from kg.queries.execution import checked_query
from kg.queries.results import QueryResult
from kg.stores.base import (
    Data,
    as_graph,
    files_of,
    graphs_for,
    prologue,
    result_from_graph,
    result_from_json,
)
from kg.stores.values import with_values

__all__ = ["RemoteStore", "StoreError", "ascii_query"]

_GRAPH_TYPES = {
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/n-triples": "nt",
    "text/plain": "nt",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
}
_CONTENT_TYPES = {".ttl": "text/turtle", ".nt": "text/turtle", ".rdf": "application/rdf+xml"}


class StoreError(UsageError):
    """The store could not be reached, or refused or failed a request; names the URL and what
    the store said."""


def ascii_query(text: str) -> str:
    """``text`` with every non-ASCII character written as a SPARQL codepoint escape
    (``\\uXXXX`` or ``\\UXXXXXXXX``), which the standard lets stand anywhere in a query: some
    endpoints (Virtuoso 7) read the query's bytes in another encoding than UTF-8 and turn a
    Chinese literal into question marks."""
    return "".join(
        c if ord(c) < 128 else (f"\\u{ord(c):04X}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08X}")
        for c in text
    )


def _check_url(url: str) -> str:
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise UsageError(f"not an http(s) URL: {url!r}")
    return url


class RemoteStore:
    """A SPARQL 1.1 endpoint at ``endpoint``.

    ``gsp``: its Graph Store Protocol URL (for :meth:`replace`); ``update``: its SPARQL Update
    URL (default: ``endpoint``); ``user``/``password``: HTTP Basic credentials, or Digest ones
    with ``digest``. Queries run on the named graphs ``kg push`` writes (the asserted graph,
    plus the inferred one when asked), given as ``default-graph-uri``; with ``graph`` they run
    on that one graph, and with ``graph="default"`` on the endpoint's own default graph."""

    def __init__(
        self,
        endpoint: str,
        gsp: str | None = None,
        update: str | None = None,
        user: str | None = None,
        password: str | None = None,
        digest: bool = False,
        graph: str | None = None,
        timeout: float = 120.0,
    ) -> None:
        self.endpoint = _check_url(endpoint)
        self.gsp = None if gsp is None else _check_url(gsp)
        self.update_url = _check_url(update or endpoint)
        self.graph = graph
        self.timeout = timeout
        self.last_swap: str | None = None  # "move" or "put": how the last replace swapped
        handlers: list[urllib.request.BaseHandler] = []
        self._digest: urllib.request.HTTPDigestAuthHandler | None = None
        if user is not None:
            passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            for url in {self.endpoint, self.update_url, self.gsp}:
                if url:
                    passwords.add_password(None, url, user, password or "")
            auth = (
                urllib.request.HTTPDigestAuthHandler
                if digest
                else urllib.request.HTTPBasicAuthHandler
            )
            handler = auth(passwords)
            handlers.append(handler)
            if isinstance(handler, urllib.request.HTTPDigestAuthHandler):
                self._digest = handler
        self._opener = urllib.request.build_opener(*handlers)

    # ------------------------------------------------------------ HTTP

    def _send(
        self,
        method: str,
        url: str,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> tuple[int, str, bytes]:
        request = urllib.request.Request(url, data=body, method=method, headers=dict(headers or {}))  # noqa: S310 (checked http(s))
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                kind = response.headers.get_content_type()
                return int(response.status), kind, response.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace").strip().splitlines()
            message = " ".join(detail[:3])[:500]
            if exc.code == 400 and method in ("GET", "POST") and url == self.endpoint:
                raise SparqlSyntaxError(f"the endpoint refused the query: {message}") from exc
            raise StoreError(f"{method} {url}: HTTP {exc.code}: {message}") from exc
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise StoreError(f"cannot reach {url}: {reason}") from exc

    def _dataset(self, inferred: bool) -> list[tuple[str, str]]:
        if self.graph == "default":
            return []
        graphs = (self.graph,) if self.graph else graphs_for(inferred)
        named = [] if self.graph else [("named-graph-uri", VERIFICATION_GRAPH)]
        return [("default-graph-uri", g) for g in graphs] + named

    # ------------------------------------------------------------ Store

    def query(
        self, text: str, bindings: Mapping[str, Node] | None = None, inferred: bool = False
    ) -> QueryResult:
        full = prologue(with_values(text, bindings))
        kind = checked_query(full).algebra.name  # the same syntax errors and refusals as on rdflib
        graph_answer = kind in ("ConstructQuery", "DescribeQuery")
        accept = (
            "text/turtle, application/n-triples;q=0.9"
            if graph_answer
            else "application/sparql-results+json"
        )
        form = [("query", ascii_query(full)), *self._dataset(inferred)]
        _status, content_type, body = self._send(
            "POST",
            self.endpoint,
            urllib.parse.urlencode(form).encode("ascii"),
            {"Accept": accept, "Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
        )
        if graph_answer:
            fmt = _GRAPH_TYPES.get(content_type, "turtle")
            graph = Graph().parse(data=body.decode("utf-8"), format=fmt)
            return result_from_graph(graph, "CONSTRUCT" if kind == "ConstructQuery" else "DESCRIBE")
        return result_from_json(body, self.endpoint)

    def _update(self, text: str) -> None:
        self._send(
            "POST",
            self.update_url,
            urllib.parse.urlencode([("update", ascii_query(text))]).encode("ascii"),
            {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
        )

    def _gsp_url(self, graph_iri: str) -> str:
        if self.gsp is None:
            raise UsageError("loading needs the store's Graph Store Protocol URL (--gsp)")
        joiner = "&" if "?" in self.gsp else "?"
        return f"{self.gsp}{joiner}{urllib.parse.urlencode([('graph', graph_iri)])}"

    def put(self, graph_iri: str, body: bytes, content_type: str = "text/turtle") -> None:
        """Replace the named graph ``graph_iri`` by ``body`` (Graph Store Protocol PUT)."""
        url = self._gsp_url(graph_iri)
        headers = {"Content-Type": content_type, **self._digest_credentials("PUT", url)}
        self._send("PUT", url, body, headers)

    def _digest_credentials(self, method: str, url: str) -> dict[str, str]:
        """An ``Authorization`` header for ``method`` on ``url``, answering the challenge of a
        request without a body. The standard library's digest handler sends each request
        without credentials first; a server that answers 401 may close the connection before
        it has read a large body, and the client sees a broken pipe. With this header the
        body goes once, authenticated. Empty without digest authentication or a challenge."""
        if self._digest is None:
            return {}
        probe = urllib.request.Request(url, method="HEAD")  # noqa: S310 (checked http(s))
        try:
            with urllib.request.urlopen(probe, timeout=self.timeout):  # noqa: S310
                return {}  # no authentication asked
        except urllib.error.HTTPError as exc:
            challenge = exc.headers.get("WWW-Authenticate", "")
            exc.close()
        except (urllib.error.URLError, OSError) as exc:
            raise StoreError(f"cannot reach {url}: {getattr(exc, 'reason', exc)}") from exc
        scheme, _, params = challenge.partition(" ")
        if scheme.lower() != "digest":
            return {}
        fields = urllib.request.parse_keqv_list(urllib.request.parse_http_list(params))
        request = urllib.request.Request(url, method=method)  # noqa: S310 (checked http(s))
        answer = self._digest.get_authorization(request, fields)
        return {"Authorization": f"Digest {answer}"} if answer else {}

    def delete(self, graph_iri: str) -> None:
        """Delete the named graph ``graph_iri`` (Graph Store Protocol DELETE); a graph that
        does not exist is not an error."""
        try:
            self._send("DELETE", self._gsp_url(graph_iri))
        except StoreError as exc:
            if "HTTP 404" not in str(exc):
                raise

    def replace(self, graph_iri: str, data: Data) -> int:
        body, content_type = _payload(data)
        loading = f"urn:uuid:{uuid.uuid4()}"
        self.put(loading, body, content_type)
        try:
            self._update(f"MOVE SILENT GRAPH <{loading}> TO <{graph_iri}>")
            self.last_swap = "move"
        except StoreError:
            self.put(graph_iri, body, content_type)
            self.last_swap = "put"
            self.delete(loading)
        return self.count(graph_iri)

    def dump(self, graph_iri: str) -> Graph:
        """The named graph ``graph_iri`` as the store returns it (Graph Store Protocol GET)."""
        _status, content_type, body = self._send(
            "GET", self._gsp_url(graph_iri), None, {"Accept": "text/turtle"}
        )
        fmt = _GRAPH_TYPES.get(content_type, "turtle")
        return Graph().parse(data=body.decode("utf-8"), format=fmt)

    def count(self, graph_iri: str | None = None) -> int:
        text = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
        form: list[tuple[str, str]] = [("query", text)]
        if graph_iri is not None:
            form.append(("default-graph-uri", graph_iri))
        else:
            form += self._dataset(inferred=True)
        _status, _type, body = self._send(
            "POST",
            self.endpoint,
            urllib.parse.urlencode(form).encode("ascii"),
            {
                "Accept": "application/sparql-results+json",
                "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
            },
        )
        bindings: Any = json.loads(body)["results"]["bindings"]
        return int(bindings[0]["n"]["value"]) if bindings else 0

    def close(self) -> None:
        """Nothing is held open between requests."""


def _payload(data: Data) -> tuple[bytes, str]:
    """The bytes to PUT and their media type: a single Turtle, N-Triples or RDF/XML file as it
    is (N-Triples is sent as Turtle, which it is a subset of); a graph or several files as
    Turtle."""
    if not isinstance(data, Graph):
        files: Sequence[Path] = files_of(data)
        if len(files) == 1 and files[0].suffix in _CONTENT_TYPES:
            return files[0].read_bytes(), _CONTENT_TYPES[files[0].suffix]
    return serialize(as_graph(data), "ttl"), "text/turtle"
