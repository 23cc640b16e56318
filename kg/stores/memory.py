"""The default store: rdflib graphs in memory (what the library does without a store)."""

from __future__ import annotations

from collections.abc import Mapping

from rdflib import Graph, Variable
from rdflib.term import Node

from kg.core.paths import Sources, default_sources
from kg.core.settings import VERIFICATION_GRAPH
from kg.graph.cache import load_inferred
from kg.graph.loading import load_graph
from kg.queries.execution import checked_query, execute, with_named_graphs
from kg.queries.results import QueryResult
from kg.stores.base import ASSERTED_GRAPH, INFERRED_GRAPH, Data, as_graph, graphs_for

__all__ = ["MemoryStore"]


class MemoryStore:
    """Named rdflib graphs in memory. Without ``graphs`` it reads the project's files on first
    use: the asserted graph (ontology + article data) and the cached OWL RL closure."""

    def __init__(
        self, graphs: Mapping[str, Graph] | None = None, paths: Sources | None = None
    ) -> None:
        self._graphs: dict[str, Graph] = dict(graphs or {})
        self._from_project = graphs is None
        self._paths = paths
        self._unions: dict[bool, Graph] = {}

    def _graph(self, iri: str) -> Graph:
        if iri not in self._graphs and self._from_project:
            if iri == ASSERTED_GRAPH:
                self._graphs[iri] = load_graph(paths=self._paths)
            elif iri == INFERRED_GRAPH:
                self._graphs[iri] = load_inferred(paths=self._paths)
            elif iri == VERIFICATION_GRAPH:
                sources = default_sources() if self._paths is None else self._paths
                self._graphs[iri] = load_graph(paths=sources.verification)
        return self._graphs.get(iri, Graph())

    def union(self, inferred: bool = False) -> Graph:
        """The graph queries run on (kept until a graph is replaced): the asserted (and
        inferred) graphs as the default graph, the verification layer as its named graph."""
        if inferred not in self._unions:
            union = Graph()
            for iri in graphs_for(inferred):
                union += self._graph(iri)
            named = {VERIFICATION_GRAPH: self._graph(VERIFICATION_GRAPH)}
            self._unions[inferred] = with_named_graphs(union, named)
        return self._unions[inferred]

    def query(
        self, text: str, bindings: Mapping[str, Node] | None = None, inferred: bool = False
    ) -> QueryResult:
        prepared = checked_query(text)
        initial: dict[str, Node] = {Variable(k): v for k, v in (bindings or {}).items()}
        return execute(self.union(inferred), prepared, initial, None)

    def replace(self, graph_iri: str, data: Data) -> int:
        graph = as_graph(data)
        copy = Graph()
        copy += graph
        self._graphs[graph_iri] = copy
        self._unions.clear()
        return len(copy)

    def count(self, graph_iri: str | None = None) -> int:
        if graph_iri is None:
            return len(self.union(inferred=True))
        return len(self._graph(graph_iri))

    def close(self) -> None:
        self._graphs.clear()
        self._unions.clear()
