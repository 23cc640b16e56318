"""A query worker: a separate process that loads the graphs once, then runs one job at a
time (an ad hoc SPARQL query or a saved query) and sends back the finished document.

The parent kills a worker that overruns its time limit and starts another, so nothing a
query does (a runaway regular expression, a cartesian product, a huge string) can hold the
server. Each worker may also run under an address-space limit (``RLIMIT_AS``), and on Linux
runs in a network namespace of its own, where no connection can be opened
(:func:`isolate_network`)."""

from __future__ import annotations

import contextlib
import ctypes
import gc
import logging
import os
import resource
import socket
import sys
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from itertools import islice
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any

import rdflib.plugins.sparql
from rdflib import Dataset, Graph, URIRef, Variable
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parser import parseUpdate
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Result
from rdflib.term import Node

from kg.core.errors import (
    KgError,
    ParameterTypeError,
    UnknownParameterError,
    UnknownQueryError,
)
from kg.core.namespaces import PREFIXES
from kg.core.paths import Sources
from kg.queries import execution
from kg.queries.metadata import SavedQuery, uses_service
from kg.server.formats import ask_document, graph_document, longest_fitting, select_document
from kg.server.graphs import GRAPH_IRIS, HeldGraphs, load_held_graphs
from kg.server.negotiation import RDF_OFFERS, RESULT_OFFERS, UnknownFormat, choose
from kg.server.safety import Refused, check_graph_iris, dataset_clause, normalised_query
from kg.server.spool import spool

if TYPE_CHECKING:
    from kg.stores.oxigraph import OxigraphStore

__all__ = [
    "PROBE_VARIABLE",
    "Reply",
    "SavedJob",
    "SparqlJob",
    "WorkerState",
    "isolate_network",
    "probe_network",
    "worker_main",
]

log = logging.getLogger("kg.server.worker")


@dataclass(frozen=True)
class SparqlJob:
    """An ad hoc query with the protocol's dataset parameters (graph IRIs)."""

    text: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    inferred: bool = False
    accept: str | None = None
    format: str | None = None
    max_rows: int = 10_000
    max_bytes: int = 16_777_216


@dataclass(frozen=True)
class SavedJob:
    """A saved query by name, with its parameters as text."""

    name: str
    params: tuple[tuple[str, str], ...] = ()
    inferred: bool = False
    accept: str | None = None
    format: str | None = None
    max_rows: int = 10_000
    max_bytes: int = 16_777_216


@dataclass(frozen=True)
class Reply:
    """What a worker sends back: a document, or an error (``kind`` and ``message``)."""

    status: int
    body: bytes = b""
    media_type: str = "text/plain; charset=utf-8"
    rows: int | None = None
    truncated: bool = False
    kind: str | None = None
    message: str | None = None
    query_type: str | None = None
    path: str | None = None
    """Where the document is, when it went through a file (:mod:`kg.server.spool`)."""

    @classmethod
    def error(cls, status: int, kind: str, message: str) -> Reply:
        return cls(status=status, kind=kind, message=message)


@dataclass
class WorkerState:
    """The graphs of one worker and the datasets built from them (kept per combination).

    With ``store`` (an Oxigraph store opened read-only), saved queries and ad hoc queries on
    the default dataset (asserted, or asserted + inferred) run there; a query that names
    graphs (FROM, ``default-graph-uri``, ``named-graph-uri``) runs on the held graphs."""

    sources: Sources
    graphs: HeldGraphs
    store: OxigraphStore | None = None
    _datasets: dict[tuple[tuple[str, ...], tuple[str, ...]], Dataset] = field(default_factory=dict)
    _closure: Graph | None = None
    _saved_queries: dict[str, tuple[SavedQuery, tuple[int, int] | None]] = field(
        default_factory=dict
    )
    _parsed: dict[str, _Parsed] = field(default_factory=dict)

    @classmethod
    def load(cls, sources: Sources) -> WorkerState:
        # never load a graph named in a query: only the held graphs exist
        rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False
        rdflib.plugins.sparql.SPARQL_DEFAULT_GRAPH_UNION = False
        state = cls(sources, load_held_graphs(sources))
        state.dataset(("asserted",), tuple(GRAPH_IRIS))
        return state

    @property
    def closure(self) -> Graph:
        """Asserted + inferred: what the query sees when it asks for the inferred graph."""
        if self._closure is None:
            self._closure = self.graphs.asserted + self.graphs.inferred
            freeze_loaded()
        return self._closure

    def _default_part(self, name: str) -> Graph:
        return self.closure if name == "inferred" else self.graphs.by_name(name)

    def dataset(self, defaults: tuple[str, ...], named: tuple[str, ...]) -> Dataset:
        """The RDF dataset: a default graph merging ``defaults`` (``inferred`` there means
        asserted + inferred) and the named graphs ``named`` (each as held)."""
        key = (tuple(sorted(defaults)), tuple(sorted(named)))
        found = self._datasets.get(key)
        if found is not None:
            return found
        dataset = Dataset()
        default = dataset.default_context
        for name in key[0]:
            default.addN((s, p, o, default) for s, p, o in self._default_part(name))
        for name in key[1]:
            graph = dataset.graph(URIRef(GRAPH_IRIS[name]))
            graph.addN((s, p, o, graph) for s, p, o in self.graphs.by_name(name))
        if len(self._datasets) >= 16:
            self._datasets.pop(next(iter(self._datasets)))
        self._datasets[key] = dataset
        freeze_loaded()
        return dataset

    def saved_query(self, name: str) -> SavedQuery:
        """The saved query ``name``, read again only when its file has changed."""
        cached = self._saved_queries.get(name)
        if cached is not None and _stamp(cached[0].path) == cached[1]:
            return cached[0]
        query = execution.get_query(name, self.sources)
        self._saved_queries[name] = (query, _stamp(query.path))
        return query

    def parsed(self, text: str) -> _Parsed:
        """``text`` normalised (:func:`normalised_query`: the text every engine runs), parsed
        and its SERVICE and dataset clauses read; kept for the last :data:`PARSED_ENTRIES`
        texts of at most :data:`PARSED_MAX_LENGTH` characters (a refused text is parsed each
        time)."""
        found = self._parsed.get(text)
        if found is None:
            normal = normalised_query(text)
            prepared = self._prepare(normal)
            algebra = prepared.algebra
            found = _Parsed(normal, prepared, uses_service(algebra), *dataset_clause(algebra))
            if len(text) <= PARSED_MAX_LENGTH:
                if len(self._parsed) >= PARSED_ENTRIES:
                    self._parsed.pop(next(iter(self._parsed)))
                self._parsed[text] = found
        return found

    # ------------------------------------------------------------------ jobs

    def handle(self, job: SparqlJob | SavedJob) -> Reply:
        try:
            if isinstance(job, SavedJob):
                return self._saved(job)
            return self._sparql(job)
        except Refused as exc:
            return Reply.error(exc.status, exc.kind, exc.message)
        except UnknownFormat as exc:
            return Reply.error(400, "unknown-format", str(exc))
        except RecursionError:
            return Reply.error(400, "too-deep", "the query is nested too deeply to evaluate")

    def _prepare(self, text: str) -> Query:
        try:
            return prepareQuery(text, initNs=PREFIXES)
        except RecursionError:
            raise
        except Exception as exc:  # pyparsing and rdflib raise several types
            message = str(exc) or type(exc).__name__
            try:
                parseUpdate(text)
            except Exception:  # not an update either: report the query parser's message
                raise Refused(400, "syntax", f"SPARQL syntax error: {message}") from exc
            raise Refused(
                403,
                "update",
                "this endpoint is read-only: SPARQL Update (INSERT, DELETE, LOAD, CLEAR, "
                "CREATE, DROP ...) is refused",
            ) from exc

    def _sparql(self, job: SparqlJob) -> Reply:
        parsed = self.parsed(job.text)
        prepared = parsed.query
        try:  # a text with a #+ header runs as its saved query does
            bindings, needs_inferred = execution.text_bindings(job.text)
        except KgError as exc:
            raise Refused(400, "bad-parameter", str(exc)) from exc
        inferred = job.inferred or needs_inferred
        if parsed.service:
            raise Refused(403, "service", "SERVICE is refused: this endpoint never fetches")
        from_defaults = check_graph_iris(parsed.from_iris, "FROM")
        from_named = check_graph_iris(parsed.from_named_iris, "FROM NAMED")
        protocol_defaults = check_graph_iris(job.default_graphs, "default-graph-uri")
        protocol_named = check_graph_iris(job.named_graphs, "named-graph-uri")
        if protocol_defaults or protocol_named:  # the protocol overrides the query
            defaults, named = protocol_defaults, protocol_named
        elif from_defaults or from_named:
            defaults, named = from_defaults, from_named
        else:
            if self.store is not None:  # the default dataset: the store's graphs
                store = self.store
                return self._run(
                    lambda: store.query(parsed.text, bindings, inferred=inferred).result,
                    job.accept,
                    job.format,
                    job.max_rows,
                    job.max_bytes,
                )
            defaults, named = ("asserted",), tuple(GRAPH_IRIS)
        if inferred and "inferred" not in defaults:
            defaults = (*defaults, "inferred")
        prepared.algebra["datasetClause"] = None  # the dataset is ours: nothing is loaded
        dataset = self.dataset(defaults, named)
        variables: dict[str, Node] = {Variable(k): v for k, v in bindings.items()}
        return self._run(
            lambda: dataset.query(prepared, initBindings=variables),  # type: ignore[arg-type]
            job.accept,
            job.format,
            job.max_rows,
            job.max_bytes,
        )

    def _saved(self, job: SavedJob) -> Reply:
        try:
            saved = self.saved_query(job.name)
            inferred = job.inferred or saved.inferred
            bindings = execution.bind_parameters(saved, dict(job.params))
        except UnknownQueryError as exc:
            return Reply.error(404, "unknown-query", str(exc))
        except (UnknownParameterError, ParameterTypeError) as exc:
            return Reply.error(400, "bad-parameter", str(exc))
        except KgError as exc:
            return Reply.error(500, "saved-query", str(exc))

        def execute() -> Result:  # as execution.run_query, with the query already read
            if self.store is not None:
                return self.store.query(saved.text, bindings, inferred=inferred).result
            target = self.closure if inferred else self.graphs.asserted
            prepared = execution.checked_query(saved.text, str(saved.path))
            variables: dict[str, Node] = {Variable(k): v for k, v in bindings.items()}
            return execution.execute(target, prepared, variables, saved.name).result

        return self._run(execute, job.accept, job.format, job.max_rows, job.max_bytes)

    def _run(
        self,
        execute: Callable[[], Any],
        accept: str | None,
        fmt: str | None,
        max_rows: int,
        max_bytes: int,
    ) -> Reply:
        try:
            result: Result = execute()
            kind = str(result.type)
            offers = RDF_OFFERS if kind in ("CONSTRUCT", "DESCRIBE") else RESULT_OFFERS
            offer = choose(accept, fmt, offers)
            if offer is None:
                wanted = fmt or accept or ""
                types = ", ".join(o.media_type for o in offers)
                raise Refused(
                    406,
                    "not-acceptable",
                    f"a {kind} answer cannot be sent as {wanted}; available: {types}",
                )
            if kind == "ASK":
                body = ask_document(offer.key, bool(result.askAnswer))
                return Reply(200, body, _typed(offer.media_type), 1, False, query_type=kind)
            if kind == "SELECT":
                names = [str(v) for v in (result.vars or ())]
                rows = list(islice(iter(result), max_rows + 1))
                over_rows = len(rows) > max_rows
                key = offer.key
                body, count = longest_fitting(
                    rows[:max_rows],
                    lambda kept, cut: select_document(key, names, kept, cut or over_rows),  # type: ignore[arg-type]
                    max_bytes,
                )
                truncated = over_rows or count < min(len(rows), max_rows)
                return Reply(
                    200, body, _typed(offer.media_type), count, truncated, None, None, kind
                )
            graph = result.graph
            assert graph is not None  # noqa: S101 - CONSTRUCT and DESCRIBE have one
            body, count, truncated = graph_document(offer.key, graph, max_rows, max_bytes)
            return Reply(200, body, _typed(offer.media_type), count, truncated, None, None, kind)
        except (Refused, UnknownFormat, RecursionError, MemoryError):
            raise
        except KgError as exc:
            return Reply.error(400, "query-failed", str(exc))
        except Exception as exc:  # rdflib's evaluation errors have no common type
            return Reply.error(
                400, "query-failed", f"the query failed: {type(exc).__name__}: {exc}"
            )


@dataclass(frozen=True)
class _Parsed:
    """An ad hoc query: the normalised text that is checked and run, its parse, and what
    the checks read from it before it runs."""

    text: str
    query: Query
    service: bool
    from_iris: tuple[str, ...]
    from_named_iris: tuple[str, ...]


PARSED_ENTRIES = 64
PARSED_MAX_LENGTH = 8000
"""How many parsed query texts a worker keeps, and how long each may be (a bound on the
memory they take, well under the worker's limit)."""


def _stamp(path: Path | None) -> tuple[int, int] | None:
    """When and how big the file at ``path`` is: a changed file gets another stamp."""
    try:
        stat = path.stat() if path is not None else None
    except OSError:
        return None
    return None if stat is None else (stat.st_mtime_ns, stat.st_size)


def _typed(media_type: str) -> str:
    if media_type.startswith("text/") or media_type.endswith(("json", "xml")):
        return f"{media_type}; charset=utf-8"
    return media_type


def freeze_loaded() -> None:
    """Collect the garbage of loading, then leave every object alive now (the graphs) out of
    the collector's later passes: a full pass over them took tens of milliseconds, the p99
    latency of a query that happened to trigger one."""
    gc.collect()
    gc.freeze()


M_ARENA_MAX = -8
"""glibc's mallopt parameter: the most malloc arenas a process keeps."""


def limit_malloc_arenas(count: int = 4) -> None:
    """Let glibc's malloc keep at most ``count`` arenas (elsewhere: nothing). Each thread that
    allocates may get an arena of its own, and each reserves 64 MiB of address space, which
    the address-space limit counts: the Oxigraph store's threads took a worker to its limit
    with under 100 MiB in use, and the worker died in the middle of a query."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").mallopt(M_ARENA_MAX, count)


def limit_memory(megabytes: int) -> None:
    """Cap this process's address space at ``megabytes`` MiB (0: no cap)."""
    if megabytes > 0:
        limit = megabytes * 1024 * 1024
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


CLONE_NEWNET = 0x40000000
CLONE_NEWUSER = 0x10000000
"""unshare(2) flags: a new network namespace, a new user namespace."""

PROBE_VARIABLE = "KG_NETWORK_PROBE"
"""An address (``host:port``) each worker tries to connect to once isolated, logging the
outcome: a way to check a deployment (and the tests') that workers cannot reach it."""


def isolate_network() -> str:
    """Move this process (before it starts any thread) into a network namespace of its own:
    its only interface is a loopback that is down, so no connection can be opened to any
    address, whatever a query makes the engine try. As root (or with the capability) a
    network namespace; otherwise a user namespace holding one, where the kernel allows it.
    Returns what was done, or (starting with ``not isolated``) why it could not be."""
    if not sys.platform.startswith("linux"):
        return "not isolated: network namespaces need Linux"
    libc = ctypes.CDLL(None, use_errno=True)
    failures = []
    for flags, what in (
        (CLONE_NEWNET, "a network namespace"),
        (CLONE_NEWUSER | CLONE_NEWNET, "a user and network namespace"),
    ):
        if libc.unshare(flags) == 0:
            return f"isolated: {what} of its own, with no interface up"
        failures.append(os.strerror(ctypes.get_errno()))
    return (
        f"not isolated: unshare failed ({'; '.join(failures)}); run as root or allow "
        "unprivileged user namespaces to keep query workers off the network"
    )


def probe_network(address: str) -> str:
    """Try to open a TCP connection to ``address`` (``host:port``): what happened, in words."""
    host, _, port = address.rpartition(":")
    try:
        with socket.create_connection((host, int(port)), timeout=2):
            return f"connected to {address}"
    except (OSError, ValueError) as exc:
        return f"could not connect to {address}: {exc}"


def worker_main(
    conn: Connection, sources: Sources, memory_mb: int, store_path: Path | None = None
) -> None:
    """The worker process: leave the network (:func:`isolate_network`), load (and open the
    Oxigraph store in ``store_path`` read-only, if given), say ready (with the network's
    state), then answer jobs until the pipe closes."""
    network = isolate_network()
    if network.startswith("not"):
        log.warning("query worker %s: %s", os.getpid(), network)
    probe = os.environ.get(PROBE_VARIABLE)
    if probe:
        log.warning("query worker %s: network probe: %s", os.getpid(), probe_network(probe))
    limit_malloc_arenas()
    try:
        state = WorkerState.load(sources)
        if store_path is not None:
            from kg.stores.oxigraph import OxigraphStore

            state.store = OxigraphStore(store_path, read_only=True)
        limit_memory(memory_mb)
    except Exception as exc:
        conn.send(("failed", f"{type(exc).__name__}: {exc}"))
        return
    freeze_loaded()
    conn.send(("ready", os.getpid(), network))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        try:
            reply = state.handle(job)
        except MemoryError:
            state._datasets.clear()
            reply = Reply.error(
                503, "memory-limit", f"the query reached the memory limit ({memory_mb} MiB)"
            )
            conn.send(reply)
            return  # a fresh worker takes this one's place
        except Exception as exc:  # a bug must not cost the worker: report it
            log.exception("query worker error")
            reply = Reply.error(500, "internal", f"internal error: {type(exc).__name__}: {exc}")
        path = spool(reply.body)
        conn.send(reply if path is None else replace(reply, body=b"", path=path))
