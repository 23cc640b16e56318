"""kg: the Kazakhstan–Kyrgyzstan knowledge graph as a Python library.

Load the graph, validate it with SHACL, reason over it with OWL RL, run saved and ad hoc
SPARQL queries, trace a fact to the article's words, and publish the artefacts.

Importing ``kg`` is cheap: each public name (and each submodule, ``kg.cache`` ...) is imported
on first use (PEP 562), so a command that runs a saved query never loads pyshacl or owlrl."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kg.cache import load_inferred
    from kg.checks import CheckResult, run_checks
    from kg.counts import Stats, stats
    from kg.errors import (
        InconsistencyError,
        KgError,
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
    from kg.loading import load_graph
    from kg.metadata import QueryParam, SavedQuery
    from kg.paths import Sources, default_sources, project_root
    from kg.provenance import Evidence, Provenance, source
    from kg.publish import BuildReport, build
    from kg.queries import get_query, list_queries, run_query, sparql
    from kg.reasoning import reason
    from kg.results import QueryResult
    from kg.serialization import export
    from kg.validation import ValidationReport, ValidationResult, validate
    from kg.versions import __version__

_LAZY = {
    "load_inferred": "kg.cache",
    "CheckResult": "kg.checks",
    "run_checks": "kg.checks",
    "Stats": "kg.counts",
    "stats": "kg.counts",
    "InconsistencyError": "kg.errors",
    "KgError": "kg.errors",
    "NodeNotFoundError": "kg.errors",
    "ParameterTypeError": "kg.errors",
    "QueryMetadataError": "kg.errors",
    "SparqlSyntaxError": "kg.errors",
    "TurtleSyntaxError": "kg.errors",
    "UnknownParameterError": "kg.errors",
    "UnknownQueryError": "kg.errors",
    "UsageError": "kg.errors",
    "ValidationFailed": "kg.errors",
    "load_graph": "kg.loading",
    "QueryParam": "kg.metadata",
    "SavedQuery": "kg.metadata",
    "Sources": "kg.paths",
    "default_sources": "kg.paths",
    "project_root": "kg.paths",
    "Evidence": "kg.provenance",
    "Provenance": "kg.provenance",
    "source": "kg.provenance",
    "BuildReport": "kg.publish",
    "build": "kg.publish",
    "get_query": "kg.queries",
    "list_queries": "kg.queries",
    "run_query": "kg.queries",
    "sparql": "kg.queries",
    "reason": "kg.reasoning",
    "QueryResult": "kg.results",
    "export": "kg.serialization",
    "ValidationReport": "kg.validation",
    "ValidationResult": "kg.validation",
    "validate": "kg.validation",
    "__version__": "kg.versions",
}

__all__ = [
    "BuildReport",
    "CheckResult",
    "Evidence",
    "InconsistencyError",
    "KgError",
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
    "source",
    "sparql",
    "stats",
    "validate",
]


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first use and keep it."""
    module = _LAZY.get(name)
    if module is None:
        try:
            return importlib.import_module(f"kg.{name}")  # a submodule: kg.cache ...
        except ModuleNotFoundError as exc:
            if exc.name != f"kg.{name}":
                raise
            raise AttributeError(f"module 'kg' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
