"""The store interface: what the rest of the library needs from a place that holds the graph.

A store holds named graphs (the published ``asserted`` and ``inferred`` graphs, by default under
:data:`ASSERTED_GRAPH` and :data:`INFERRED_GRAPH`) and answers SPARQL over their union:
the asserted graph alone, or with the inferred one when ``inferred`` is asked. Every
implementation returns the same :class:`~kg.queries.results.QueryResult`, so callers never know
which store they talk to."""

from __future__ import annotations

import functools
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

from rdflib import Graph
from rdflib.query import Result

from kg.core.errors import SparqlSyntaxError
from kg.core.namespaces import PREFIXES, bind_prefixes
from kg.core.settings import ASSERTED_GRAPH, GRAPHS, INFERRED_GRAPH
from kg.queries.execution import QueryTarget
from kg.queries.results import QueryResult

__all__ = [
    "ASSERTED_GRAPH",
    "GRAPHS",
    "INFERRED_GRAPH",
    "Data",
    "Store",
    "graphs_for",
    "prologue",
    "result_from_graph",
    "result_from_json",
]


#: what a store loads: an rdflib graph, or files (Turtle, N-Triples, RDF/XML by extension)
Data = Graph | Path | str | Sequence[Path | str]


@runtime_checkable
class Store(QueryTarget, Protocol):
    """A place that holds the published graphs and answers SPARQL over them (its ``query``
    is :meth:`QueryTarget.query <kg.queries.execution.QueryTarget.query>`)."""

    def replace(self, graph_iri: str, data: Data) -> int:
        """Make the named graph ``graph_iri`` hold exactly ``data``, atomically as readers see
        it; returns the graph's triple count afterwards."""
        ...

    def count(self, graph_iri: str | None = None) -> int:
        """Triples in the named graph ``graph_iri`` (None: the asserted and inferred graphs)."""
        ...

    def close(self) -> None:
        """Release what the store holds open (files, connections)."""
        ...


def graphs_for(inferred: bool) -> tuple[str, ...]:
    """The named graphs whose union a query runs on."""
    return (ASSERTED_GRAPH, INFERRED_GRAPH) if inferred else (ASSERTED_GRAPH,)


def prologue(text: str) -> str:
    """``text`` preceded by the project's PREFIX declarations, which a query may use without
    declaring them (the query's own declarations come later and win)."""
    lines = [f"PREFIX {prefix}: <{iri}>" for prefix, iri in PREFIXES.items()]
    return "\n".join(lines) + "\n" + text


@functools.cache
def _labels_graph() -> Graph:
    """An empty graph with the project's prefixes, through which results show IRIs as CURIEs:
    one per process, as building its prefix table took longer than Oxigraph's query."""
    return bind_prefixes(Graph())


def result_from_json(data: bytes | str, source: str | None = None) -> QueryResult:
    """A QueryResult from SPARQL 1.1 JSON results (SELECT or ASK). Accepts the SPARQL 1.0
    ``typed-literal`` that some stores still write."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        result = Result.parse(io.BytesIO(raw), format="json")
    except Exception as exc:  # the parser raises several types
        raise SparqlSyntaxError(f"unreadable results from the store: {exc}", source) from exc
    return QueryResult(result, _labels_graph())


def result_from_graph(graph: Graph, kind: str = "CONSTRUCT") -> QueryResult:
    """A QueryResult of a CONSTRUCT or DESCRIBE query whose answer is ``graph``."""
    result = Result(kind)
    result.graph = bind_prefixes(graph)
    return QueryResult(result, result.graph)


def files_of(data: Data) -> list[Path]:
    """``data`` as a list of paths (when it is not a graph)."""
    if isinstance(data, str | Path):
        return [Path(data)]
    if isinstance(data, Graph):
        raise TypeError("a graph is not a list of files")
    return [Path(p) for p in data]


FORMAT_BY_SUFFIX = {
    ".ttl": "turtle",
    ".nt": "nt",
    ".rdf": "xml",
    ".owl": "xml",
    ".jsonld": "json-ld",
}


def as_graph(data: Data) -> Graph:
    """``data`` as one rdflib graph."""
    if isinstance(data, Graph):
        return data
    graph = Graph()
    for file in files_of(data):
        graph.parse(file, format=FORMAT_BY_SUFFIX.get(file.suffix, "turtle"))
    return graph
