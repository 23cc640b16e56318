"""The measured steps. Each runs in its own process (``python -m benchmarks step ...``), which
prepares its inputs untimed, times the step alone and prints one JSON line: the seconds, the
process's peak resident memory and what the step produced (counts, to check the runs agree)."""

from __future__ import annotations

import json
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rdflib import Graph

from kg.paths import default_sources

__all__ = ["STEPS", "run_step"]

Prepared = Any


def _ontology_files() -> tuple[Path, ...]:
    return default_sources().ontology


def _rdflib_graph(data: Path) -> Graph:
    graph = Graph()
    graph.parse(data, format="nt")
    for file in _ontology_files():
        graph.parse(file, format="turtle")
    return graph


def _oxigraph_store(data: Path) -> Any:
    from pyoxigraph import RdfFormat, Store

    store = Store()
    store.bulk_load(path=str(data), format=RdfFormat.N_TRIPLES)
    for file in _ontology_files():
        store.bulk_load(path=str(file), format=RdfFormat.TURTLE, base_iri=file.as_uri())
    return store


def _saved_queries() -> list[tuple[str, str, dict[str, Any], bool]]:
    from kg.queries import bind_parameters, list_queries

    found = []
    for query in list_queries():
        bindings = bind_parameters(query, None)
        found.append((query.name, query.text, bindings, query.inferred))
    return found


def _inferred(data: Path) -> Graph:
    """The closure by reasonable (completed, see benchmarks.reasoners), cached beside the
    data file: the query suite needs it for its three reasoning questions."""
    cached = data.with_suffix(".inferred.nt")
    if cached.is_file():
        return Graph().parse(cached, format="nt")
    from benchmarks.reasoners import reasonable_inferred

    inferred = reasonable_inferred(_rdflib_graph(data))
    inferred.serialize(cached, format="nt", encoding="utf-8")
    return inferred


# ------------------------------------------------------------------ steps: (prepare, run)


def _parse_rdflib(data: Path) -> tuple[Prepared, Callable[[Prepared], dict[str, Any]]]:
    return None, lambda _: {"triples": len(_rdflib_graph(data))}


def _load_oxigraph(data: Path) -> tuple[Prepared, Callable[[Prepared], dict[str, Any]]]:
    return None, lambda _: {"triples": len(_oxigraph_store(data))}


def _validate_stock(data: Path) -> tuple[Prepared, Callable[[Prepared], dict[str, Any]]]:
    import pyshacl

    graph = _rdflib_graph(data)
    shapes = Graph().parse(default_sources().shapes[0], format="turtle")

    def run(_: Prepared) -> dict[str, Any]:
        conforms, report, _text = pyshacl.validate(
            graph,
            shacl_graph=shapes,
            inference="none",
            advanced=True,
            allow_warnings=True,
            do_owl_imports=False,
        )
        return {"conforms": bool(conforms), "report_triples": len(report)}

    return None, run


def _validate_kg(data: Path) -> tuple[Prepared, Callable[[Prepared], dict[str, Any]]]:
    from kg.validation import validate

    graph = Graph().parse(data, format="nt")
    ontology = Graph()
    for file in _ontology_files():
        ontology.parse(file, format="turtle")

    def run(_: Prepared) -> dict[str, Any]:
        report = validate(graph, ontology=ontology, use_cache=False)
        return {"conforms": report.conforms, "report_triples": len(report.report_graph)}

    return None, run


def _reason_owlrl(data: Path) -> tuple[Prepared, Callable[[Prepared], dict[str, Any]]]:
    from kg.reasoning import reason

    graph = _rdflib_graph(data)
    return None, lambda _: {"inferred": len(reason(graph, "owlrl"))}


def _reason_fast(data: Path) -> tuple[Prepared, Callable[[Prepared], dict[str, Any]]]:
    from kg.reasoning import reason

    graph = _rdflib_graph(data)
    return None, lambda _: {"inferred": len(reason(graph, "fast"))}


def _reason_reasonable(data: Path) -> tuple[Prepared, Callable[[Prepared], dict[str, Any]]]:
    from benchmarks.reasoners import reasonable_inferred

    graph = _rdflib_graph(data)
    return None, lambda _: {"inferred": len(reasonable_inferred(graph))}


def _queries_rdflib(data: Path) -> tuple[Prepared, Callable[[Prepared], dict[str, Any]]]:
    from kg.metadata import prepare

    asserted = _rdflib_graph(data)
    both = asserted + _inferred(data)
    suite = [(n, prepare(t), b, i) for n, t, b, i in _saved_queries()]

    def run(_: Prepared) -> dict[str, Any]:
        rows = {}
        for name, prepared, bindings, inferred in suite:
            graph = both if inferred else asserted
            rows[name] = len(list(graph.query(prepared, initBindings=bindings)))
        return {"rows": rows}

    return None, run


def _queries_oxigraph(data: Path) -> tuple[Prepared, Callable[[Prepared], dict[str, Any]]]:
    from pyoxigraph import RdfFormat, Store

    from kg.namespaces import PREFIXES
    from kg.stores.values import with_values

    asserted = _oxigraph_store(data)
    both = Store()
    both.extend(asserted)
    _inferred(data)
    both.bulk_load(path=str(data.with_suffix(".inferred.nt")), format=RdfFormat.N_TRIPLES)
    # parameters as VALUES clauses, as kg.stores binds them for Oxigraph
    suite = [(n, with_values(t, b), i) for n, t, b, i in _saved_queries()]

    def run(_: Prepared) -> dict[str, Any]:
        rows = {}
        for name, text, inferred in suite:
            store = both if inferred else asserted
            rows[name] = len(list(store.query(text, prefixes=PREFIXES)))  # type: ignore[arg-type]
        return {"rows": rows}

    return None, run


def _export_rdflib(data: Path) -> tuple[Prepared, Callable[[Prepared], dict[str, Any]]]:
    graph = _rdflib_graph(data)
    return None, lambda _: {"bytes": len(graph.serialize(format="nt", encoding="utf-8"))}


def _export_oxigraph(data: Path) -> tuple[Prepared, Callable[[Prepared], dict[str, Any]]]:
    from pyoxigraph import DefaultGraph, RdfFormat

    store = _oxigraph_store(data)

    def run(_: Prepared) -> dict[str, Any]:
        dumped = store.dump(format=RdfFormat.N_TRIPLES, from_graph=DefaultGraph())
        return {"bytes": len(dumped or b"")}

    return None, run


STEPS: dict[str, Callable[[Path], tuple[Prepared, Callable[[Prepared], dict[str, Any]]]]] = {
    "parse-rdflib": _parse_rdflib,
    "load-oxigraph": _load_oxigraph,
    "validate-pyshacl": _validate_stock,
    "validate-kg": _validate_kg,
    "reason-owlrl": _reason_owlrl,
    "reason-fast": _reason_fast,
    "reason-reasonable": _reason_reasonable,
    "queries-rdflib": _queries_rdflib,
    "queries-oxigraph": _queries_oxigraph,
    "export-rdflib": _export_rdflib,
    "export-oxigraph": _export_oxigraph,
}


def run_step(name: str, data: Path) -> None:
    """Prepare, time and report one step (in this process); prints one JSON line."""
    prepared, run = STEPS[name](data)
    started = time.perf_counter()
    produced = run(prepared)
    seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    line = {"seconds": seconds, "peak_rss_mib": peak_kib / 1024, "produced": produced}
    sys.stdout.write(json.dumps(line) + "\n")
