"""Consistency checks: every ``queries/checks/*-violation.rq`` must return no rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rdflib import Graph

from kg.core.errors import UsageError
from kg.core.paths import Sources, default_sources
from kg.queries.execution import checked_query, execute, query_graph
from kg.queries.metadata import parse_query_file

__all__ = ["CheckResult", "run_checks"]


@dataclass(frozen=True)
class CheckResult:
    """One check: its name, summary, and the rows it returned (a violation each)."""

    name: str
    summary: str
    rows: tuple[dict[str, Any], ...]

    @property
    def passed(self) -> bool:
        """True when the check returned no rows."""
        return not self.rows


def run_checks(
    paths: Sources | None = None,
    asserted: Graph | None = None,
    inferred: Graph | None = None,
) -> tuple[CheckResult, ...]:
    """Run every check on the asserted graph, or on asserted + inferred when its metadata
    says ``inferred: true``. The graphs are loaded once, on first need."""
    sources = default_sources() if paths is None else paths
    directory = sources.checks_dir
    if directory is None:
        raise UsageError("no queries directory configured")
    graphs: dict[bool, Graph] = {}
    if asserted is not None:
        graphs[False] = asserted
    if inferred is not None:
        graphs[True] = inferred
    results = []
    for file in sorted(directory.glob("*-violation.rq")):
        check = parse_query_file(file)
        if check.inferred not in graphs:
            graphs[check.inferred] = query_graph(check.inferred, sources)
        answer = execute(
            graphs[check.inferred], checked_query(check.text, str(file)), None, check.name
        )
        results.append(CheckResult(check.name, check.summary, answer.rows))
    return tuple(results)
