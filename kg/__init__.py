"""kg: the Kazakhstan–Kyrgyzstan knowledge graph as a Python library.

Load the graph, validate it with SHACL, reason over it with OWL RL, run saved and ad hoc
SPARQL queries, trace a fact to the article's words, and publish the artefacts.

Importing ``kg`` is cheap: each public name (and each submodule, ``kg.graph.cache`` ...) is imported
on first use (PEP 562), so a command that runs a saved query never loads pyshacl or owlrl."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kg.core.lazy import lazy_exports

if TYPE_CHECKING:
    from kg.core.errors import (
        InconsistencyError,
        KgError,
        MissingParameterError,
        NodeNotFoundError,
        ParameterTypeError,
        QueryMetadataError,
        SparqlSyntaxError,
        TurtleSyntaxError,
        UnknownParameterError,
        UnknownQueryError,
        UsageError,
        ValidationFailed,
    )
    from kg.core.paths import Sources, default_sources, project_root
    from kg.core.settings import __version__
    from kg.graph.cache import load_inferred
    from kg.graph.counts import Stats, stats
    from kg.graph.loading import load_graph
    from kg.graph.provenance import Evidence, Provenance, source
    from kg.graph.reasoning import reason
    from kg.graph.search import Hit, search
    from kg.graph.serialization import export
    from kg.graph.validation import ValidationReport, ValidationResult, validate
    from kg.publishing.build import BuildReport, build
    from kg.queries.checks import CheckResult, run_checks
    from kg.queries.execution import get_query, list_queries, run_query, sparql
    from kg.queries.metadata import QueryParam, SavedQuery
    from kg.queries.results import QueryResult

_LAZY = {
    "load_inferred": "kg.graph.cache",
    "CheckResult": "kg.queries.checks",
    "run_checks": "kg.queries.checks",
    "Stats": "kg.graph.counts",
    "stats": "kg.graph.counts",
    "InconsistencyError": "kg.core.errors",
    "KgError": "kg.core.errors",
    "MissingParameterError": "kg.core.errors",
    "NodeNotFoundError": "kg.core.errors",
    "ParameterTypeError": "kg.core.errors",
    "QueryMetadataError": "kg.core.errors",
    "SparqlSyntaxError": "kg.core.errors",
    "TurtleSyntaxError": "kg.core.errors",
    "UnknownParameterError": "kg.core.errors",
    "UnknownQueryError": "kg.core.errors",
    "UsageError": "kg.core.errors",
    "ValidationFailed": "kg.core.errors",
    "load_graph": "kg.graph.loading",
    "QueryParam": "kg.queries.metadata",
    "SavedQuery": "kg.queries.metadata",
    "Sources": "kg.core.paths",
    "default_sources": "kg.core.paths",
    "project_root": "kg.core.paths",
    "Evidence": "kg.graph.provenance",
    "Provenance": "kg.graph.provenance",
    "source": "kg.graph.provenance",
    "BuildReport": "kg.publishing.build",
    "build": "kg.publishing.build",
    "get_query": "kg.queries.execution",
    "list_queries": "kg.queries.execution",
    "run_query": "kg.queries.execution",
    "sparql": "kg.queries.execution",
    "reason": "kg.graph.reasoning",
    "Hit": "kg.graph.search",
    "search": "kg.graph.search",
    "QueryResult": "kg.queries.results",
    "export": "kg.graph.serialization",
    "ValidationReport": "kg.graph.validation",
    "ValidationResult": "kg.graph.validation",
    "validate": "kg.graph.validation",
    "__version__": "kg.core.settings",
}

__all__ = [
    "BuildReport",
    "CheckResult",
    "Evidence",
    "Hit",
    "InconsistencyError",
    "KgError",
    "MissingParameterError",
    "NodeNotFoundError",
    "ParameterTypeError",
    "Provenance",
    "QueryMetadataError",
    "QueryParam",
    "QueryResult",
    "SavedQuery",
    "Sources",
    "SparqlSyntaxError",
    "Stats",
    "TurtleSyntaxError",
    "UnknownParameterError",
    "UnknownQueryError",
    "UsageError",
    "ValidationFailed",
    "ValidationReport",
    "ValidationResult",
    "__version__",
    "build",
    "default_sources",
    "export",
    "get_query",
    "list_queries",
    "load_graph",
    "load_inferred",
    "project_root",
    "reason",
    "run_checks",
    "run_query",
    "search",
    "source",
    "sparql",
    "stats",
    "validate",
]


__getattr__, __dir__ = lazy_exports(globals(), _LAZY)
