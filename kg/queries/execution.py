"""Saved queries (queries/*.rq) and ad hoc SPARQL over the asserted or inferred graph.

Parameters are bound with rdflib's ``initBindings``, never pasted into the query text. A
query text with a ``#+`` header means what the saved query means wherever it runs (by name,
as a file, over HTTP): :func:`text_bindings` applies its defaults, typed parameters and
``inferred`` flag, or refuses naming the parameter that has no value.
Queries that would reach out of the graph (``SERVICE``, ``FROM``/``FROM NAMED``) and updates
are refused: nothing is ever fetched from the network.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

from rdflib import Dataset, Graph, URIRef, Variable
from rdflib.graph import ConjunctiveGraph
from rdflib.plugins.sparql.algebra import traverse
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Node

from kg.core.errors import (
    MissingParameterError,
    SparqlSyntaxError,
    UnknownParameterError,
    UnknownQueryError,
    UsageError,
)
from kg.core.namespaces import bind_prefixes
from kg.core.paths import Sources, default_sources
from kg.core.settings import VERIFICATION_GRAPH
from kg.graph.cache import load_asserted, load_inferred
from kg.graph.loading import load_graph
from kg.queries.metadata import (
    SavedQuery,
    calls_service,
    has_header,
    parse_query_file,
    parse_query_text,
    prepare,
)
from kg.queries.results import QueryResult

__all__ = [
    "QueryTarget",
    "bind_parameters",
    "checked_query",
    "execute",
    "get_query",
    "list_queries",
    "query_graph",
    "run_query",
    "sparql",
    "text_bindings",
    "with_named_graphs",
]


class QueryTarget(Protocol):
    """What a query can run on besides an rdflib graph: a store (:class:`kg.stores.Store`)."""

    def query(
        self, text: str, bindings: Mapping[str, Node] | None = None, inferred: bool = False
    ) -> QueryResult:
        """Run ``text`` (SELECT, ASK, CONSTRUCT or DESCRIBE) with ``bindings`` (variable name
        without ``?`` → term) on the asserted graph, plus the inferred one if ``inferred``."""
        ...


def _queries_dir(paths: Sources | None) -> Path:
    sources = default_sources() if paths is None else paths
    if sources.queries_dir is None:
        raise UsageError("no queries directory configured")
    return sources.queries_dir


def list_queries(paths: Sources | None = None) -> tuple[SavedQuery, ...]:
    """Every saved query (``queries/*.rq``, not the checks), sorted by name."""
    directory = _queries_dir(paths)
    return tuple(parse_query_file(f) for f in sorted(directory.glob("*.rq")))


def get_query(name: str, paths: Sources | None = None) -> SavedQuery:
    """The saved query called ``name`` (the file name without ``.rq``)."""
    directory = _queries_dir(paths)
    file = directory / f"{name}.rq"
    if "/" in name or "\\" in name or not file.is_file():
        raise UnknownQueryError(name, sorted(f.stem for f in directory.glob("*.rq")))
    return parse_query_file(file)


def with_named_graphs(default: Graph, named: Mapping[str, Graph]) -> Dataset:
    """A dataset whose default graph holds ``default`` and whose named graphs are ``named``
    (graph IRI → graph): what a query with ``GRAPH <iri> { ... }`` needs on rdflib, as every
    other store holds the layers."""
    dataset = Dataset()
    bind_prefixes(dataset)
    dataset.default_graph += default
    for iri, graph in named.items():
        held = dataset.graph(URIRef(iri))
        held += graph
    return dataset


def query_graph(inferred: bool = False, paths: Sources | None = None) -> Graph:
    """The graph queries run on: the asserted graph, plus the inferred triples if
    ``inferred``, as the default graph of a dataset that also holds the verification layer
    as its named graph (:data:`~kg.core.settings.VERIFICATION_GRAPH`)."""
    graph = load_asserted(paths=paths)  # the parsed files, cached while they are unchanged
    if inferred:
        graph += load_inferred(paths=paths)
    sources = default_sources() if paths is None else paths
    named = {VERIFICATION_GRAPH: load_graph(paths=sources.verification)}
    return with_named_graphs(graph, named if sources.verification else {})


def _check_safe(text: str, source: str | None) -> None:
    if prepare(text).algebra.get("datasetClause"):
        raise SparqlSyntaxError("FROM and FROM NAMED are not supported here", source)
    if calls_service(text):
        raise SparqlSyntaxError("SERVICE is not allowed: the graph is queried locally", source)


def checked_query(text: str, source: str | None = None) -> Query:
    """``text`` parsed, or a SparqlSyntaxError naming ``source``; refused if it reaches out of
    the graph (FROM, FROM NAMED, SERVICE)."""
    try:
        prepared = prepare(text)  # parsed once per process (saved queries: already, for metadata)
    except Exception as exc:  # pyparsing and rdflib raise several types
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise SparqlSyntaxError(message, source) from exc
    _check_safe(text, source)
    return prepared


def _names_graphs(prepared: Query) -> bool:
    """The query has a ``GRAPH`` pattern (which rdflib runs only on a dataset)."""
    found: list[bool] = []

    def visit(node: object) -> None:
        if isinstance(node, CompValue) and node.name == "Graph":
            found.append(True)

    traverse(prepared.algebra, visitPre=visit)
    return bool(found)


def execute(
    graph: Graph, prepared: Query, bindings: Mapping[str, Node] | None, source: str | None
) -> QueryResult:
    """Run the parsed query on ``graph`` with ``bindings``; an evaluation error becomes a
    SparqlSyntaxError naming ``source``."""
    if not isinstance(graph, ConjunctiveGraph) and _names_graphs(prepared):
        graph = with_named_graphs(graph, {})  # GRAPH <iri> then matches nothing, as elsewhere
    try:
        result = graph.query(prepared, initBindings=dict(bindings or {}))  # type: ignore[arg-type]
    except (ValueError, TypeError, KeyError) as exc:
        raise SparqlSyntaxError(f"query failed: {exc}", source) from exc
    return QueryResult(result, graph)


def sparql(
    text: str,
    inferred: bool = False,
    graph: Graph | None = None,
    paths: Sources | None = None,
    store: QueryTarget | None = None,
    params: Mapping[str, Any] | None = None,
    source: str | None = None,
) -> QueryResult:
    """Run an ad hoc SPARQL query (SELECT, ASK, CONSTRUCT or DESCRIBE) on ``graph``
    (default: the asserted graph, or asserted + inferred if ``inferred``), or on ``store``
    (see :mod:`kg.stores`). A text with a ``#+`` header is run as that saved query would be
    (see :func:`text_bindings`), with ``params``; ``source`` names the text in errors."""
    bindings, needs_inferred = text_bindings(text, params, source)
    inferred = inferred or needs_inferred
    if store is not None:
        return store.query(text, bindings, inferred=inferred)
    prepared = checked_query(text, source)
    target = graph if graph is not None else query_graph(inferred, paths)
    variables: dict[str, Node] = {Variable(k): v for k, v in bindings.items()}
    return execute(target, prepared, variables, source)


def text_bindings(
    text: str, params: Mapping[str, Any] | None = None, source: str | None = None
) -> tuple[dict[str, Node], bool]:
    """The bindings (variable name → term) and whether the inferred graph is needed, for a
    query ``text`` run with ``params``. A text with a ``#+`` header is read as a saved query's
    (:func:`bind_parameters`: defaults filled, values typed, a missing one refused); a text
    without one binds nothing and takes no parameters. ``source`` names the text in errors."""
    if not has_header(text):
        for name in params or {}:
            raise UnknownParameterError(name, "", ())
        return {}, False
    query = parse_query_text(text, Path(source or "query"), Path(source).stem if source else "")
    return bind_parameters(query, params), query.inferred


def bind_parameters(query: SavedQuery, params: Mapping[str, Any] | None) -> dict[str, Node]:
    """The ``initBindings`` for ``params`` (defaults filled in). Raises
    :class:`UnknownParameterError`, :class:`ParameterTypeError`, or
    :class:`MissingParameterError` when a required value (or one of ``one_of``) is missing."""
    given = dict(params or {})
    known = [p.name for p in query.params]
    for name in given:
        if query.param(name) is None:
            raise UnknownParameterError(name, query.name, known)
    bindings: dict[str, Node] = {}
    for param in query.params:
        value = given.get(param.name, param.default)
        if value is None:
            if param.required:
                raise MissingParameterError(query.name, [param.name])
            continue
        bindings[param.variable] = param.bind(value)
    if query.one_of and not any(
        query.param(name).variable in bindings  # type: ignore[union-attr]
        for name in query.one_of
    ):
        raise MissingParameterError(query.name, query.one_of)
    return bindings


def run_query(
    name: str,
    params: Mapping[str, Any] | None = None,
    inferred: bool = False,
    graph: Graph | None = None,
    paths: Sources | None = None,
    store: QueryTarget | None = None,
) -> QueryResult:
    """Run the saved query ``name`` with ``params`` (name → value; strings are parsed by the
    parameter's type). It runs on ``graph`` if given, else on the asserted graph, or on the
    asserted + inferred graph if ``inferred`` or the query's metadata says ``inferred: true``;
    with ``store`` (see :mod:`kg.stores`), on that store's asserted (+ inferred) graphs."""
    query = get_query(name, paths)
    bindings = bind_parameters(query, params)
    if store is not None:
        return store.query(query.text, bindings, inferred=inferred or query.inferred)
    prepared = checked_query(query.text, str(query.path))
    target = graph if graph is not None else query_graph(inferred or query.inferred, paths)
    return execute(target, prepared, {Variable(k): v for k, v in bindings.items()}, query.name)
