"""kg: the Kazakhstan–Kyrgyzstan knowledge graph as a Python library.

Load the graph, validate it with SHACL, reason over it with OWL RL, run saved and ad hoc
SPARQL queries, trace a fact to the article's words, and publish the artefacts."""

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
