"""SHACL validation with pyshacl.

Choices: the ontology is mixed into the data graph (what pyshacl does with an ``ont_graph``,
so that ``rdfs:subClassOf`` targets work): where the data is a graph alone in rdflib's
in-memory store and the shapes have no SHACL rules, the ontology's triples that the data
lacks are added to it for the time of the validation and removed afterwards (copying a
million triples costs more than most of the validation); otherwise into a copy, built in one
set union instead of pyshacl's node-by-node deep copy. ``inference="none"``: the
shapes judge the data as written, not what a reasoner adds; ``advanced=True`` for SHACL-SPARQL
constraints; ``allow_warnings=True`` so ``sh:Warning`` and ``sh:Info`` results are reported
without making the data non-conforming; ``owl:imports`` are not followed.

pyshacl validates only the focus nodes that :mod:`kg.graph.shacl_focus` cannot prove conform, and
SHACL-SPARQL constraints are evaluated by :class:`kg.graph.shacl_sparql.ShaclDataGraph`: each query
parsed once, and evaluated once for all focus nodes where that gives the same solutions. The
report is the one pyshacl builds (tests compare it with stock pyshacl's on every fixture and on
a generated graph with bad data put in).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from pyshacl import Validator
from pyshacl.graph_abstraction import DataGraph
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH
from rdflib.plugins.stores.memory import Memory
from rdflib.term import Node

from kg.core.errors import UsageError
from kg.core.files import atomic_write_bytes
from kg.core.namespaces import bind_prefixes, compact
from kg.core.paths import Sources, default_sources
from kg.graph.loading import load_graph, parse_turtle
from kg.graph.shacl_focus import restrict_focus_nodes
from kg.graph.shacl_sparql import ShaclDataGraph

__all__ = ["ValidationReport", "ValidationResult", "mixed_graph", "validate"]

_CACHE_FORMAT = "kazkgz-validation-1"


@dataclass(frozen=True)
class ValidationResult:
    """One result of the SHACL report."""

    focus_node: Node
    path: Node | None
    message: str
    severity: str
    source_shape: Node | None
    constraint: Node | None
    value: Node | None = None
    #: the path in SHACL's property path syntax (``^kko:concludes``, ``kko:a/kko:b``)
    path_text: str = ""
    #: where the focus node's statement is written: ``file:line`` (empty when unknown)
    location: str = ""

    def __str__(self) -> str:
        path = f" {self.path_text}" if self.path_text else ""
        value = f" = {compact(self.value.n3())}" if self.value is not None else ""
        where = f"  [{self.location}]" if self.location else ""
        return (
            f"{self.severity}: {compact(self.focus_node.n3())}{path}{value}: {self.message}{where}"
        )


@dataclass(frozen=True)
class ValidationReport:
    """Whether the data conforms, the results (violations first) and pyshacl's report graph."""

    conforms: bool
    results: tuple[ValidationResult, ...]
    report_graph: Graph

    @property
    def violations(self) -> tuple[ValidationResult, ...]:
        """The results of severity Violation."""
        return tuple(r for r in self.results if r.severity == "Violation")


_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}


_PATH_SUFFIXES = {SH.zeroOrMorePath: "*", SH.oneOrMorePath: "+", SH.zeroOrOnePath: "?"}


def path_text(graph: Graph, path: Node | None) -> str:
    """A SHACL property path in the syntax of SPARQL property paths, with CURIEs."""
    if path is None:
        return ""
    if not isinstance(path, BNode):
        return compact(path.n3())
    inverse = graph.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + path_text(graph, inverse)
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(path_text(graph, p) for p in Collection(graph, alternatives)) + ")"
    for predicate, suffix in _PATH_SUFFIXES.items():
        inner = graph.value(path, predicate)
        if inner is not None:
            return path_text(graph, inner) + suffix
    if graph.value(path, RDF.first) is not None:
        return "/".join(path_text(graph, p) for p in Collection(graph, path))
    return compact(path.n3())


def locate(files: Iterable[Path], node: Node, predicate: Node | None = None) -> str:
    """``file:line`` where ``node``'s statements start in the Turtle ``files`` (the line of
    ``predicate`` within them when it is written there), or empty when not found. A search of
    the text for the node's IRI or CURIE at the start of a line: good enough to open the file at
    the right place."""
    if not isinstance(node, URIRef):
        return ""
    for file in files:
        try:
            text = Path(file).read_text(encoding="utf-8")
        except OSError:
            continue
        prefixes = dict(re.findall(r"@prefix\s+([\w-]*):\s*<([^>]*)>", text))
        lines = text.splitlines()
        subject = _written(node, prefixes)
        start = next((i for i, line in enumerate(lines) if line.split(" ", 1)[0] in subject), None)
        if start is None:
            continue
        found = start
        if isinstance(predicate, URIRef):
            tokens = _written(predicate, prefixes)
            end = start + 1
            while end < len(lines) and (lines[end][:1] in (" ", "\t") or not lines[end]):
                end += 1
            found = next(
                (i for i in range(start, end) if any(t in lines[i].split() for t in tokens)),
                start,
            )
        return f"{_shown(Path(file))}:{found + 1}"
    return ""


def _written(term: URIRef, prefixes: dict[str, str]) -> list[str]:
    """The ways Turtle with these ``prefixes`` may write ``term``: its IRI, its CURIEs."""
    found = [f"<{term}>"]
    found += [f"{p}:{term[len(ns) :]}" for p, ns in prefixes.items() if term.startswith(ns)]
    return found


def _shown(file: Path) -> str:
    """``file`` relative to the working directory when it lies under it."""
    try:
        return str(file.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(file)


def with_locations(report: ValidationReport, files: Iterable[Path]) -> ValidationReport:
    """``report`` with each result's location in the Turtle ``files``."""
    sources = list(files)
    located = tuple(
        replace(r, location=locate(sources, r.focus_node, r.path)) for r in report.results
    )
    return ValidationReport(report.conforms, located, report.report_graph)


def _results(report: Graph) -> tuple[ValidationResult, ...]:
    results = []
    for node in report.subjects(RDF.type, SH.ValidationResult):
        severity = report.value(node, SH.resultSeverity)
        messages = sorted(str(m) for m in report.objects(node, SH.resultMessage))
        constraint = report.value(node, SH.sourceConstraintComponent)
        results.append(
            ValidationResult(
                focus_node=report.value(node, SH.focusNode) or URIRef(""),
                path=report.value(node, SH.resultPath),
                message="; ".join(messages) or compact(str(constraint)),
                severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
                source_shape=report.value(node, SH.sourceShape),
                constraint=constraint,
                value=report.value(node, SH.value),
                path_text=path_text(report, report.value(node, SH.resultPath)),
            )
        )
    return tuple(
        sorted(results, key=lambda r: (_ORDER.get(r.severity, 3), str(r.focus_node), r.message))
    )


def _union(files: Iterable[Path]) -> Graph:
    graph = Graph()
    for file in files:
        parse_turtle(file, graph)
    return graph


def validate(
    data_graph: Graph | Iterable[Path] | None = None,
    shapes: Graph | Iterable[Path] | None = None,
    ontology: Graph | Iterable[Path] | None = None,
    paths: Sources | None = None,
    include_reference: bool = False,
    use_cache: bool = True,
    cache_directory: Path | None = None,
) -> ValidationReport:
    """Validate ``data_graph`` (a graph, or Turtle files; default: the article's data, plus the
    reference layer if ``include_reference``) against the project's SHACL shapes, with the
    ontology mixed in (pyshacl's ``ont_graph``). ``data_graph`` is not modified. Results of
    files carry the ``file:line`` of the focus node's statement.

    When the data, shapes and ontology are the project's files (none of the three given), the
    report is cached on disk (see :mod:`kg.graph.cache`) under a key over those files' bytes and the
    versions of kazkgz, rdflib and pyshacl: a second call with unchanged inputs reads it back,
    a changed input validates again. ``use_cache=False`` always validates."""
    sources = default_sources() if paths is None else paths
    data_files = sources.data + (sources.reference if include_reference else ())
    if use_cache and data_graph is None and shapes is None and ontology is None:
        return with_locations(_cached(sources, include_reference, cache_directory), data_files)
    if data_graph is None or not isinstance(data_graph, Graph):
        data_files = data_files if data_graph is None else tuple(data_graph)
        return with_locations(
            validate(load_graph(paths=data_files), shapes, ontology, sources), data_files
        )
    if shapes is None:
        if not sources.shapes:
            raise UsageError("no SHACL shapes found (shapes/kazkgz-shapes.ttl)")
        shapes = sources.shapes
    shapes_graph = shapes if isinstance(shapes, Graph) else _union(shapes)
    if ontology is None:
        ontology = sources.ontology
    ont_graph = ontology if isinstance(ontology, Graph) else _union(ontology)
    return _run_pyshacl(data_graph, shapes_graph, ont_graph)


def _cached(sources: Sources, include_reference: bool, directory: Path | None) -> ValidationReport:
    from kg.graph.cache import cache_dir, cache_key

    data = sources.data + (sources.reference if include_reference else ())
    if not sources.shapes:
        raise UsageError("no SHACL shapes found (shapes/kazkgz-shapes.ttl)")
    files = [*sources.ontology, *data, *sources.shapes]
    kind = f"{_CACHE_FORMAT}:{len(sources.ontology)}:{len(data)}:{len(sources.shapes)}"
    key = cache_key(files, kind, ("kazkgz", "rdflib", "pyshacl"))
    entry = (directory or cache_dir()) / f"validation-{key}.nt"
    if entry.is_file():
        report = Graph()
        try:
            report.parse(entry, format="nt")
        except Exception:  # noqa: S110 (a damaged entry is validated again and replaced)
            pass
        else:
            conforms = next(report.objects(None, SH.conforms), None)
            if isinstance(conforms, Literal):
                return ValidationReport(
                    bool(conforms.toPython()), _results(report), bind_prefixes(report)
                )
    found = validate(paths=sources, include_reference=include_reference, use_cache=False)
    # a read-only home still validates, without a cache
    with contextlib.suppress(OSError):
        atomic_write_bytes(entry, found.report_graph.serialize(format="nt", encoding="utf-8"))
    return found


def mixed_graph(data_graph: Graph, ont_graph: Graph | None) -> ShaclDataGraph:
    """A new graph holding the data and the ontology, as pyshacl would mix them."""
    mixed = ShaclDataGraph()
    for prefix, namespace in data_graph.namespaces():
        mixed.bind(prefix, namespace, override=False)
    store = mixed.store
    store.addN((s, p, o, mixed) for s, p, o in data_graph)
    if ont_graph is not None:
        store.addN((s, p, o, mixed) for s, p, o in ont_graph)
    return mixed


def _borrowable(data_graph: Graph, shapes_graph: Graph) -> bool:
    """Whether the ontology may be mixed into ``data_graph`` itself for the time of the
    validation: a graph alone in rdflib's in-memory store, which binds rdflib's default
    prefixes already (pyshacl's view of the store binds them), and shapes with no SHACL rules
    (which would write to it)."""
    if type(data_graph.store) is not Memory or (None, SH.rule, None) in shapes_graph:
        return False
    if not set(Graph().namespaces()) <= set(data_graph.namespaces()):
        return False
    return all(c.identifier == data_graph.identifier for c in data_graph.store.contexts())


@contextlib.contextmanager
def _mixed(
    data_graph: Graph, ont_graph: Graph | None, shapes_graph: Graph
) -> Iterator[ShaclDataGraph]:
    """The data with the ontology mixed in. Copying a million triples into a new graph takes
    longer than most of the validation; where :func:`_borrowable`, the ontology's triples that
    the data lacks are added to the caller's graph and removed again afterwards, even on an
    error (so the graph holds them only while ``validate`` runs)."""
    if not _borrowable(data_graph, shapes_graph):
        yield mixed_graph(data_graph, ont_graph)
        return
    view = ShaclDataGraph(
        store=data_graph.store, identifier=data_graph.identifier, bind_namespaces="none"
    )
    added = [t for t in ont_graph or () if t not in data_graph]
    view.addN((s, p, o, view) for s, p, o in added)
    try:
        yield view
    finally:
        for triple in added:
            data_graph.remove(triple)


def _run_pyshacl(
    data_graph: Graph, shapes_graph: Graph, ont_graph: Graph | None
) -> ValidationReport:
    with _mixed(data_graph, ont_graph, shapes_graph) as mixed:
        # what pyshacl.validate does with these options, the shapes' focus nodes restricted
        validator = Validator(
            DataGraph.from_rdflib(mixed),
            shacl_graph=shapes_graph,
            options={
                "inference": "none",
                "advanced": True,
                "inplace": True,  # our own graph: pyshacl need not clone it again
                "allow_warnings": True,
                "abort_on_first": False,
            },
        )
        restrict_focus_nodes(validator.shacl_graph, mixed)
        conforms, report, _text = validator.run()  # type: ignore[no-untyped-call]
    return ValidationReport(bool(conforms), _results(report), bind_prefixes(report))
