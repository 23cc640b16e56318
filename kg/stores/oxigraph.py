"""Oxigraph (pyoxigraph): an embedded store, persistent on disk, much faster than rdflib on
large graphs. Parameters become a VALUES clause (:func:`kg.stores.values.with_values`)."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from rdflib import Graph
from rdflib.term import Node

from kg.core.errors import SparqlSyntaxError, UsageError
from kg.queries.execution import checked_query
from kg.queries.results import QueryResult
from kg.stores.base import (
    ASSERTED_GRAPH,
    INFERRED_GRAPH,
    Data,
    files_of,
    graphs_for,
    prologue,
    result_from_graph,
    result_from_json,
)
from kg.stores.values import with_values

__all__ = ["OxigraphStore", "pyoxigraph_module"]

_FORMATS = {".ttl": "TURTLE", ".nt": "N_TRIPLES", ".rdf": "RDF_XML", ".owl": "RDF_XML"}


def pyoxigraph_module() -> Any:
    """The pyoxigraph module, or a UsageError naming the extra that installs it."""
    try:
        import pyoxigraph
    except ImportError as exc:
        raise UsageError(
            "the Oxigraph store needs pyoxigraph (pip install 'kazkgz[server]')"
        ) from exc
    return pyoxigraph


class OxigraphStore:
    """An Oxigraph store in the folder ``path`` (created if missing), or in memory if None.

    ``read_only`` opens an existing folder for reading only, so that several processes (server
    workers) can share it."""

    def __init__(self, path: Path | str | None = None, read_only: bool = False) -> None:
        self._ox = pyoxigraph_module()
        self.path = None if path is None else Path(path)
        self.read_only = read_only
        if self.path is None:
            self._store = self._ox.Store()
        elif read_only:
            if not self.path.is_dir():
                raise UsageError(f"no Oxigraph store in {self.path}")
            self._store = self._ox.Store.read_only(str(self.path))
        else:
            self.path.mkdir(parents=True, exist_ok=True)
            self._store = self._ox.Store(str(self.path))

    def query(
        self, text: str, bindings: Mapping[str, Node] | None = None, inferred: bool = False
    ) -> QueryResult:
        ox = self._ox
        full = prologue(with_values(text, bindings))
        prepared = checked_query(full)  # the same syntax errors and refusals as on rdflib
        kind = prepared.algebra.name
        try:
            answer = self._store.query(
                full, default_graph=[ox.NamedNode(g) for g in graphs_for(inferred)]
            )
        except SyntaxError as exc:
            raise SparqlSyntaxError(str(exc)) from exc
        if kind in ("ConstructQuery", "DescribeQuery"):
            data = answer.serialize(format=ox.RdfFormat.N_TRIPLES)
            graph = Graph().parse(data=data.decode("utf-8"), format="nt")
            return result_from_graph(graph, "CONSTRUCT" if kind == "ConstructQuery" else "DESCRIBE")
        return result_from_json(answer.serialize(format=ox.QueryResultsFormat.JSON))

    def replace(self, graph_iri: str, data: Data) -> int:
        """Load ``data`` into a new graph, then move it onto ``graph_iri`` in one update (one
        transaction): a reader sees the old graph or the new one, never a mix."""
        ox = self._ox
        loading = ox.NamedNode(f"urn:uuid:{uuid.uuid4()}")
        if isinstance(data, Graph):
            nt = data.serialize(format="nt", encoding="utf-8")
            self._store.load(nt, format=ox.RdfFormat.N_TRIPLES, to_graph=loading)
        else:
            for file in files_of(data):
                fmt = getattr(ox.RdfFormat, _FORMATS.get(file.suffix, "TURTLE"))
                self._store.load(path=str(file), format=fmt, to_graph=loading)
        self._store.update(f"MOVE SILENT GRAPH <{loading.value}> TO <{graph_iri}>")
        self._store.flush()
        return self.count(graph_iri)

    def count(self, graph_iri: str | None = None) -> int:
        graphs = (ASSERTED_GRAPH, INFERRED_GRAPH) if graph_iri is None else (graph_iri,)
        answer = self._store.query(
            "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
            default_graph=[self._ox.NamedNode(g) for g in graphs],
        )
        return int(next(iter(answer))["n"].value)

    def dump(self, graph_iri: str) -> Graph:
        """The named graph ``graph_iri`` as an rdflib graph."""
        ox = self._ox
        data = self._store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph_iri))
        return Graph().parse(data=data.decode("utf-8"), format="nt")

    def close(self) -> None:
        if self.path is not None and not self.read_only:  # a read-only store cannot flush
            with contextlib.suppress(OSError):
                self._store.flush()
        del self._store
