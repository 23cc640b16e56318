"""A query worker: a separate process that loads the graphs once, then runs one job at a
time (an ad hoc SPARQL query or a saved query) and sends back the finished document.

The parent kills a worker that overruns its time limit and starts another, so nothing a
query does (a runaway regular expression, a cartesian product, a huge string) can hold the
server. Each worker may also run under an address-space limit (``RLIMIT_AS``), and on Linux
runs in a network namespace of its own, where no connection can be opened
(:func:`isolate_network`).

A worker runs its queries on the Oxigraph store (:mod:`kg.server.engine`, the default) or
on rdflib graphs (:class:`WorkerState`, ``--store memory``)."""

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
from typing import Any

import rdflib.plugins.sparql
from rdflib import Dataset, Graph, URIRef, Variable
from rdflib.query import Result
from rdflib.term import Node

from kg.core.errors import (
    KgError,
    ParameterTypeError,
    UnknownParameterError,
    UnknownQueryError,
)
from kg.core.paths import Sources
from kg.queries import execution
from kg.server.engine import EngineState
from kg.server.formats import ask_document, graph_document, longest_fitting, select_document
from kg.server.graphs import GRAPH_IRIS, HeldGraphs, load_held_graphs
from kg.server.jobs import (
    EngineSource,
    JobHandler,
    ParsedQueries,
    Reply,
    SavedJob,
    SavedQueries,
    SparqlJob,
    acceptable,
    chosen_dataset,
)
from kg.server.negotiation import RDF_OFFERS, RESULT_OFFERS, UnknownFormat, typed
from kg.server.safety import Refused
from kg.server.spool import spool

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


@dataclass
class WorkerState(JobHandler):
    """The rdflib graphs of one worker and the datasets built from them (kept per
    combination): the engine of ``kg serve --store memory``."""

    sources: Sources
    graphs: HeldGraphs
    _datasets: dict[tuple[tuple[str, ...], tuple[str, ...]], Dataset] = field(default_factory=dict)
    _closure: Graph | None = None
    _saved: SavedQueries = field(init=False)
    _checks: ParsedQueries = field(default_factory=ParsedQueries)

    def __post_init__(self) -> None:
        self._saved = SavedQueries(self.sources)

    @classmethod
    def load(cls, sources: Sources) -> WorkerState:
        # never load a graph named in a query: only the held graphs exist
        rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False
        rdflib.plugins.sparql.SPARQL_DEFAULT_GRAPH_UNION = False
        state = cls(sources, load_held_graphs(sources))
        state.dataset(("asserted",), tuple(GRAPH_IRIS))
        return state

    def clear(self) -> None:
        """Forget what can be rebuilt (after a memory error)."""
        self._datasets.clear()
        self._checks.clear()

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

    # ------------------------------------------------------------------ jobs

    def sparql_job(self, job: SparqlJob) -> Reply:
        parsed = self._checks.parsed(job.text)
        prepared = parsed.query
        try:  # a text with a #+ header runs as its saved query does
            bindings, needs_inferred = execution.text_bindings(job.text)
        except KgError as exc:
            raise Refused(400, "bad-parameter", str(exc)) from exc
        chosen = chosen_dataset(job, parsed, tuple(GRAPH_IRIS), needs_inferred)
        prepared.algebra["datasetClause"] = None  # the dataset is ours: nothing is loaded
        dataset = self.dataset(chosen.defaults, chosen.named)
        variables: dict[str, Node] = {Variable(k): v for k, v in bindings.items()}
        return self._run(
            lambda: dataset.query(prepared, initBindings=variables),  # type: ignore[arg-type]
            job.accept,
            job.format,
            job.max_rows,
            job.max_bytes,
        )

    def saved_job(self, job: SavedJob) -> Reply:
        try:
            saved = self._saved.get(job.name)
            inferred = job.inferred or saved.inferred
            bindings = execution.bind_parameters(saved, dict(job.params))
        except UnknownQueryError as exc:
            return Reply.error(404, "unknown-query", str(exc))
        except (UnknownParameterError, ParameterTypeError) as exc:
            return Reply.error(400, "bad-parameter", str(exc))
        except KgError as exc:
            return Reply.error(500, "saved-query", str(exc))

        def execute() -> Result:  # as execution.run_query, with the query already read
            # the dataset /sparql gives a query: the held graphs named (a saved query reads
            # the verification layer with GRAPH), asserted (+ inferred) as the default graph
            defaults = ("asserted", "inferred") if inferred else ("asserted",)
            target = self.dataset(defaults, tuple(GRAPH_IRIS))
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
            offer = acceptable(accept, fmt, kind, offers)
            if kind == "ASK":
                body = ask_document(offer.key, bool(result.askAnswer))
                return Reply(200, body, typed(offer.media_type), 1, False, query_type=kind)
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
                return Reply(200, body, typed(offer.media_type), count, truncated, None, None, kind)
            graph = result.graph
            assert graph is not None  # noqa: S101 - CONSTRUCT and DESCRIBE have one
            body, count, truncated = graph_document(offer.key, graph, max_rows, max_bytes)
            return Reply(200, body, typed(offer.media_type), count, truncated, None, None, kind)
        except (Refused, UnknownFormat, RecursionError, MemoryError):
            raise
        except KgError as exc:
            return Reply.error(400, "query-failed", str(exc))
        except Exception as exc:  # rdflib's evaluation errors have no common type
            return Reply.error(
                400, "query-failed", f"the query failed: {type(exc).__name__}: {exc}"
            )


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
    conn: Connection, sources: Sources, memory_mb: int, engine: EngineSource, server: int
) -> None:
    """The worker process: leave the network (:func:`isolate_network`), load the graphs
    (rdflib, or the Oxigraph store ``engine`` names), say ready (with the network's state),
    then answer jobs until the pipe closes; a large answer goes through a file in the spool
    folder of the HTTP process ``server`` (a worker is the child of a fork server, not of
    that process)."""
    network = isolate_network()
    if network.startswith("not"):
        log.warning("query worker %s: %s", os.getpid(), network)
    probe = os.environ.get(PROBE_VARIABLE)
    if probe:
        log.warning("query worker %s: network probe: %s", os.getpid(), probe_network(probe))
    limit_malloc_arenas()
    try:
        state: WorkerState | EngineState
        if engine.oxigraph:
            state = EngineState.load(sources, engine.dataset, engine.store_path)
        else:
            state = WorkerState.load(sources)
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
            state.clear()
            conn.send(Reply.memory_limit(memory_mb))
            return  # a fresh worker takes this one's place
        except Exception as exc:  # a bug must not cost the worker: report it
            log.exception("query worker error")
            reply = Reply.error(500, "internal", f"internal error: {type(exc).__name__}: {exc}")
        path = spool(reply.body, server)
        conn.send(reply if path is None else replace(reply, body=b"", path=path))
