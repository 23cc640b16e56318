"""The measured steps. Each runs in its own process (``python -m benchmarks step ...``), which
prepares its inputs untimed, times the step alone and prints one JSON line: the seconds, the
peak resident memory of the process or of the store it drives (the Java process, the Virtuoso
server), whichever is larger, and what the step produced (counts, to check the runs agree).

What a step needs beyond the data file is made once per size, beside the data file, each in
its own process or its own store's process (so that a step's memory is its own): the closure
(``.inferred.nt``, reasoned by :func:`benchmarks.reasoners.reasonable_inferred_file`), the TDB2
databases and the loaded Virtuoso database of the query steps. A server a step starts is
stopped when the step ends."""

from __future__ import annotations

import contextlib
import json
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rdflib import Graph

from kg.core.paths import default_sources

__all__ = ["STEPS", "run_step", "write_closure"]

Prepared = Any
ROOT = Path(__file__).resolve().parent.parent
# what the steps start (servers, temporary folders), closed when the step ends
_CLEANUP = contextlib.ExitStack()


def _ontology_files() -> tuple[Path, ...]:
    return default_sources().ontology


def _schema() -> Graph:
    graph = Graph()
    for file in _ontology_files():
        graph.parse(file, format="turtle")
    return graph


def _rdflib_graph(data: Path) -> Graph:
    graph = Graph()
    graph.parse(data, format="nt")
    for file in _ontology_files():
        graph.parse(file, format="turtle")
    return graph


def _oxigraph_store(data: Path, graph: Any = None) -> Any:
    from pyoxigraph import RdfFormat, Store

    store = Store()
    store.bulk_load(path=str(data), format=RdfFormat.N_TRIPLES, to_graph=graph)
    for file in _ontology_files():
        store.bulk_load(
            path=str(file), format=RdfFormat.TURTLE, base_iri=file.as_uri(), to_graph=graph
        )
    return store


#: values for the saved queries that need one (the others run with their defaults): entity
#: looks up the President of Kazakhstan by the name the article gives him
QUERY_PARAMS = {"entity": {"label": "托卡耶夫"}}


def _saved_queries() -> list[tuple[str, str, dict[str, Any], bool]]:
    from kg.queries.execution import bind_parameters, list_queries

    found = []
    for query in list_queries():
        bindings = bind_parameters(query, QUERY_PARAMS.get(query.name))
        found.append((query.name, query.text, bindings, query.inferred))
    return found


def write_closure(data: Path) -> int:
    """Write the closure's file beside ``data`` (reasonable, completed, fed from the file);
    returns the number of inferred triples."""
    from benchmarks.reasoners import reasonable_inferred_file

    cached = data.with_suffix(".inferred.nt")
    part = cached.with_suffix(".part")
    count = reasonable_inferred_file(data, _schema(), part)
    part.replace(cached)
    return count


def _closure_file(data: Path) -> Path:
    """The closure's file beside the data file, written once, in a process of its own: the
    query suite needs it for its three reasoning questions."""
    cached = data.with_suffix(".inferred.nt")
    if not cached.is_file():
        code = "import sys, pathlib; from benchmarks.steps import write_closure; "
        code += "write_closure(pathlib.Path(sys.argv[1]))"
        subprocess.run([sys.executable, "-c", code, str(data)], check=True, cwd=ROOT)  # noqa: S603
    return cached


def _inferred(data: Path) -> Graph:
    return Graph().parse(_closure_file(data), format="nt")


def _stored_once(target: Path, make: Callable[[Path], None]) -> Path:
    """``target``, made by ``make`` into a temporary name first unless it is there already."""
    if not target.exists():
        part = target.with_name(target.name + ".part")
        shutil.rmtree(part, ignore_errors=True)
        make(part)
        part.rename(target)
    return target


def _scratch(data: Path) -> Path:
    """A new folder beside the data file, removed when the step ends."""
    folder = Path(tempfile.mkdtemp(prefix="step-", dir=data.parent))
    _CLEANUP.callback(shutil.rmtree, folder, ignore_errors=True)
    return folder


def _suite_texts(inferred: bool) -> dict[str, str]:
    """The saved queries that read the closure (or those that do not), parameters as VALUES
    and the project's prefixes declared, as kg.stores sends them to an endpoint."""
    from kg.stores.base import prologue
    from kg.stores.values import with_values

    return {
        name: prologue(with_values(text, bindings))
        for name, text, bindings, needs in _saved_queries()
        if needs == inferred
    }


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
    from kg.graph.validation import validate

    graph = Graph().parse(data, format="nt")
    ontology = Graph()
    for file in _ontology_files():
        ontology.parse(file, format="turtle")

    def run(_: Prepared) -> dict[str, Any]:
        report = validate(graph, ontology=ontology, use_cache=False)
        return {"conforms": report.conforms, "report_triples": len(report.report_graph)}

    return None, run


def _reason_owlrl(data: Path) -> tuple[Prepared, Callable[[Prepared], dict[str, Any]]]:
    from kg.graph.reasoning import reason

    graph = _rdflib_graph(data)
    return None, lambda _: {"inferred": len(reason(graph, "owlrl"))}


def _reason_fast(data: Path) -> tuple[Prepared, Callable[[Prepared], dict[str, Any]]]:
    from kg.graph.reasoning import reason

    graph = _rdflib_graph(data)
    return None, lambda _: {"inferred": len(reason(graph, "fast"))}


def _reason_alone(data: Path) -> tuple[Prepared, Callable[[Prepared], dict[str, Any]]]:
    """reasonable alone on the fast engine's input (the same rdflib graph): what the fast
    engine is measured against. Without the owl:FunctionalProperty declarations, for which
    reasonable's prp-fp pairs up every triple of the property (3 GiB at 230 thousand
    triples): the fast engine applies prp-fp itself."""
    from rdflib import OWL, RDF

    graph = _rdflib_graph(data)
    functional = (RDF.type, OWL.FunctionalProperty)

    def run(_: Prepared) -> dict[str, Any]:
        import reasonable  # type: ignore[import-untyped]  # the bench extra

        reasoner = reasonable.PyReasoner()
        reasoner.from_graph([t for t in graph if t[1:] != functional])
        return {"closure": len(reasoner.reason())}

    return None, run


def _reason_reasonable(data: Path) -> tuple[Prepared, Callable[[Prepared], dict[str, Any]]]:
    """From the data file to the closure's file (which the query steps then use)."""
    return None, lambda _: {"inferred": write_closure(data)}


def _queries_rdflib(data: Path) -> tuple[Prepared, Callable[[Prepared], dict[str, Any]]]:
    from kg.queries.execution import execute
    from kg.queries.metadata import prepare

    asserted = _rdflib_graph(data)
    both = asserted + _inferred(data)
    suite = [(n, prepare(t), b, i) for n, t, b, i in _saved_queries()]

    def run(_: Prepared) -> dict[str, Any]:
        rows = {}
        for name, prepared, bindings, inferred in suite:
            graph = both if inferred else asserted
            # as the library runs it (a query with GRAPH patterns runs on a dataset)
            rows[name] = len(list(execute(graph, prepared, bindings, name).result))
        return {"rows": rows}

    return None, run


def _queries_oxigraph(data: Path) -> tuple[Prepared, Callable[[Prepared], dict[str, Any]]]:
    from pyoxigraph import NamedNode, RdfFormat

    from kg.core.namespaces import PREFIXES
    from kg.stores import ASSERTED_GRAPH, INFERRED_GRAPH, with_values

    asserted, inferred = NamedNode(ASSERTED_GRAPH), NamedNode(INFERRED_GRAPH)
    store = _oxigraph_store(data, asserted)
    store.bulk_load(path=str(_closure_file(data)), format=RdfFormat.N_TRIPLES, to_graph=inferred)
    # parameters as VALUES clauses, as kg.stores binds them for Oxigraph
    suite = [(n, with_values(t, b), i) for n, t, b, i in _saved_queries()]

    def run(_: Prepared) -> dict[str, Any]:
        rows = {}
        for name, text, needs in suite:
            graphs = [asserted, inferred] if needs else [asserted]
            answer = store.query(text, prefixes=PREFIXES, default_graph=graphs)  # type: ignore[arg-type]
            rows[name] = len(list(answer))
        return {"rows": rows}

    return None, run


def _jena_cache(data: Path) -> Path:
    return data.parent / "jena"


def _load_jena(data: Path) -> tuple[Prepared, Callable[[Prepared], dict[str, Any]]]:
    from benchmarks.stores import jena_queries, tdb2_load

    location = _scratch(data) / "tdb2"
    count = {"n": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}

    def run(_: Prepared) -> dict[str, Any]:
        tdb2_load(_jena_cache(data), location, [data, *_ontology_files()])
        # counted after the clock stops (see run_step)
        return {
            "triples": lambda: int(
                jena_queries(_jena_cache(data), location, count)["n"][0]["n"]["value"]
            )
        }

    return None, run


def _queries_jena(data: Path) -> tuple[Prepared, Callable[[Prepared], dict[str, Any]]]:
    from benchmarks.stores import jena_queries, tdb2_load

    cache = _jena_cache(data)
    files = [data, *_ontology_files()]
    locations = {
        False: _stored_once(data.with_suffix(".tdb2"), lambda p: tdb2_load(cache, p, files)),
        True: _stored_once(
            data.with_suffix(".tdb2-inferred"),
            lambda p: tdb2_load(cache, p, [*files, _closure_file(data)]),
        ),
    }
    suites = {needs: _suite_texts(needs) for needs in locations}

    def run(_: Prepared) -> dict[str, Any]:
        rows = {}
        for needs, location in locations.items():
            answers = jena_queries(cache, location, suites[needs])
            rows.update({name: len(found) for name, found in answers.items()})
        return {"rows": rows}

    return None, run


def _virtuoso_server(folder: Path) -> Any:
    from benchmarks.stores import virtuoso

    return _CLEANUP.enter_context(virtuoso(folder))


def _virtuoso_count(server: Any, graph: str) -> int:
    from kg.stores import RemoteStore

    store = RemoteStore(server.sparql, graph=graph)
    return int(store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0]["n"])


def _load_virtuoso(data: Path) -> tuple[Prepared, Callable[[Prepared], dict[str, Any]]]:
    from benchmarks.stores import peak_rss_mib, virtuoso_load
    from kg.stores import ASSERTED_GRAPH

    server = _virtuoso_server(_scratch(data) / "virtuoso")

    def run(_: Prepared) -> dict[str, Any]:
        virtuoso_load(server, {ASSERTED_GRAPH: [data, *_ontology_files()]})
        # after the clock stops (see run_step)
        return {
            "triples": lambda: _virtuoso_count(server, ASSERTED_GRAPH),
            "peak_rss_mib": lambda: peak_rss_mib(server.pid),
        }

    return None, run


def _queries_virtuoso(data: Path) -> tuple[Prepared, Callable[[Prepared], dict[str, Any]]]:
    from benchmarks.stores import peak_rss_mib, virtuoso, virtuoso_load
    from kg.stores import ASSERTED_GRAPH, INFERRED_GRAPH, RemoteStore

    def load(folder: Path) -> None:
        with virtuoso(folder) as server:
            graphs = {ASSERTED_GRAPH: [data, *_ontology_files()]}
            virtuoso_load(server, {**graphs, INFERRED_GRAPH: [_closure_file(data)]})

    # loaded once, by a server of its own, so that this server's memory is the queries'
    server = _virtuoso_server(_stored_once(data.with_suffix(".virtuoso"), load))
    store = RemoteStore(server.sparql, timeout=1800)
    suite = _saved_queries()

    def run(_: Prepared) -> dict[str, Any]:
        rows = {}
        for name, text, bindings, needs in suite:
            rows[name] = len(store.query(text, bindings, inferred=needs).rows)
        return {"rows": rows, "peak_rss_mib": lambda: peak_rss_mib(server.pid)}

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
    "load-jena": _load_jena,
    "load-virtuoso": _load_virtuoso,
    "validate-pyshacl": _validate_stock,
    "validate-kg": _validate_kg,
    "reason-owlrl": _reason_owlrl,
    "reason-alone": _reason_alone,
    "reason-fast": _reason_fast,
    "reason-reasonable": _reason_reasonable,
    "queries-rdflib": _queries_rdflib,
    "queries-oxigraph": _queries_oxigraph,
    "queries-jena": _queries_jena,
    "queries-virtuoso": _queries_virtuoso,
    "export-rdflib": _export_rdflib,
    "export-oxigraph": _export_oxigraph,
}


def _stop(signum: int, _frame: object) -> None:
    sys.exit(128 + signum)


def run_step(name: str, data: Path) -> None:
    """Prepare, time and report one step (in this process); prints one JSON line. What the
    step produced may hold functions (a count, a server's memory): they are called after the
    clock stops. Stopped by SIGTERM (a run over the budget), it stops its servers first."""
    signal.signal(signal.SIGTERM, _stop)
    with _CLEANUP:
        prepared, run = STEPS[name](data)
        started = time.perf_counter()
        produced = run(prepared)
        seconds = time.perf_counter() - started
        produced = {k: v() if callable(v) else v for k, v in produced.items()}
    peak_kib = max(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,  # KiB on Linux
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,  # Java, the closure's process
    )
    peak = max(peak_kib / 1024, produced.pop("peak_rss_mib", 0))
    line = {"seconds": seconds, "peak_rss_mib": peak, "produced": produced}
    sys.stdout.write(json.dumps(line) + "\n")
