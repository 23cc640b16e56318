"""The build: validate, reason, run the checks, and publish every artefact into dist/."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, VOID

from kg.core.errors import InconsistencyError, ValidationFailed
from kg.core.files import atomic_write_bytes, atomic_write_text
from kg.core.namespaces import BASE, KK, bind_prefixes
from kg.core.paths import Sources, default_sources
from kg.core.settings import library_versions
from kg.graph.cache import reason_files
from kg.graph.loading import load_graph
from kg.graph.serialization import EXPORT_FORMATS, serialize
from kg.graph.validation import ValidationReport, validate
from kg.publishing.parallel import start
from kg.queries.checks import CheckResult, run_checks

__all__ = ["BuildReport", "build", "void_description"]

GRAPH = Namespace(BASE + "graph/")


@dataclass(frozen=True)
class BuildReport:
    """What the build did: the files it wrote, the triple counts, the validation report and
    the checks."""

    out_dir: Path
    files: tuple[Path, ...]
    asserted_triples: int
    inferred_triples: int
    reference_triples: int
    validation: ValidationReport
    checks: tuple[CheckResult, ...]
    inferred_from_cache: bool


def _partitions(void: Graph, dataset: URIRef, graph: Graph) -> None:
    classes = Counter(o for o in graph.objects(None, RDF.type) if isinstance(o, URIRef))
    properties = Counter(p for p in graph.predicates() if isinstance(p, URIRef))
    void.add((dataset, VOID.triples, Literal(len(graph))))
    void.add((dataset, VOID.classes, Literal(len(classes))))
    void.add((dataset, VOID.properties, Literal(len(properties))))
    void.add((dataset, VOID.distinctSubjects, Literal(len(set(graph.subjects())))))
    void.add((dataset, VOID.distinctObjects, Literal(len(set(graph.objects())))))
    for cls, count in sorted(classes.items()):
        part = BNode()
        void.add((dataset, VOID.classPartition, part))
        void.add((part, VOID["class"], cls))
        void.add((part, VOID.entities, Literal(count)))
    for prop, count in sorted(properties.items()):
        part = BNode()
        void.add((dataset, VOID.propertyPartition, part))
        void.add((part, VOID.property, prop))
        void.add((part, VOID.triples, Literal(count)))


def void_description(
    graphs: dict[str, Graph], out_dir: Path, modified: datetime | None = None
) -> Graph:
    """A VoID description of the published graphs (``name`` → graph), their dumps in
    ``out_dir`` (relative IRIs when serialised with ``base``) and the software versions."""
    void = bind_prefixes(Graph())
    base = out_dir.resolve().as_uri() + "/"
    root = URIRef(BASE)
    stamp = (modified or datetime.now(UTC)).replace(microsecond=0)
    void.add((root, RDF.type, VOID.Dataset))
    void.add((root, DCTERMS.title, Literal("Kazakhstan–Kyrgyzstan relations", lang="en")))
    void.add((root, DCTERMS.modified, Literal(stamp.isoformat(), datatype=XSD.dateTime)))
    void.add((root, VOID.uriSpace, Literal(str(KK))))
    void.add((root, VOID.vocabulary, URIRef(BASE + "ontology")))
    versions = library_versions()
    void.add((root, OWL.versionInfo, Literal(versions["kazkgz"])))
    activity = BNode()
    void.add((root, PROV.wasGeneratedBy, activity))
    void.add((activity, RDF.type, PROV.Activity))
    void.add((activity, PROV.endedAtTime, Literal(stamp.isoformat(), datatype=XSD.dateTime)))
    for name, version in versions.items():
        agent = BNode()
        void.add((activity, PROV.wasAssociatedWith, agent))
        void.add((agent, RDF.type, PROV.SoftwareAgent))
        void.add((agent, RDFS.label, Literal(name)))
        void.add((agent, OWL.versionInfo, Literal(version)))
    for name, graph in graphs.items():
        dataset = GRAPH[name]
        void.add((root, VOID.subset, dataset))
        void.add((dataset, RDF.type, VOID.Dataset))
        void.add((dataset, DCTERMS.title, Literal(f"{name} graph", lang="en")))
        for _rdflib_format, ext in EXPORT_FORMATS.values():
            void.add((dataset, VOID.dataDump, URIRef(f"{base}{name}.{ext}")))
        _partitions(void, dataset, graph)
    return void


def _sha256sums(files: list[Path], out_dir: Path) -> Path:
    lines = []
    for file in sorted(files):
        digest = hashlib.sha256(file.read_bytes()).hexdigest()
        lines.append(f"{digest}  {file.name}")
    return atomic_write_text(out_dir / "SHA256SUMS", "\n".join(lines) + "\n")


def _require_conformance(report: ValidationReport) -> None:
    if not report.conforms:
        raise ValidationFailed(
            f"the data does not conform to the shapes ({len(report.violations)} violations)",
            [str(r) for r in report.violations],
        )


def _render(graphs: dict[str, Graph]) -> dict[str, bytes]:
    """File name → bytes, for each graph in each export format."""
    return {
        f"{name}.{ext}": serialize(graph, fmt)
        for name, graph in graphs.items()
        for fmt, (_rdflib_format, ext) in EXPORT_FORMATS.items()
    }


def build(
    out_dir: Path | str = "dist",
    paths: Sources | None = None,
    progress: Callable[[str], None] | None = None,
    engine: str | None = None,
) -> BuildReport:
    """Validate, reason (with ``engine``: see :mod:`kg.core.settings`), run the checks; if all pass,
    write the asserted, inferred and reference graphs in every format, ``void.ttl`` and
    ``SHA256SUMS`` into ``out_dir``.

    Raises :class:`ValidationFailed` (non-conforming data or a failed check) or
    :class:`~kg.core.errors.InconsistencyError` before writing anything."""
    say = progress or (lambda _message: None)
    sources = default_sources() if paths is None else paths
    out = Path(out_dir)
    say("loading")
    asserted = load_graph(paths=sources.graph_files())
    reference = load_graph(paths=sources.reference)
    published = {"asserted": asserted} | ({"reference": reference} if sources.reference else {})
    say("validating")
    # apart, while this process reasons: validate, and render the graphs already known
    side = start(lambda: (validate(paths=sources), _render(published)))
    say("reasoning")
    try:
        closure = reason_files(sources.graph_files(), engine=engine, asserted=asserted)
    except InconsistencyError:
        _require_conformance(side()[0])  # non-conforming data is reported first
        raise
    report, rendered = side()
    _require_conformance(report)
    inferred = closure.inferred
    say("running checks")
    checks = run_checks(sources, asserted=asserted, inferred=asserted + inferred)
    failed = [c for c in checks if not c.passed]
    if failed:
        raise ValidationFailed(
            f"{len(failed)} consistency check(s) returned rows",
            [f"{c.name}: {len(c.rows)} row(s): {c.summary}" for c in failed],
        )
    say("writing artefacts")
    rendered |= _render({"inferred": inferred})
    written = [atomic_write_bytes(out / name, data) for name, data in sorted(rendered.items())]
    graphs = {"asserted": asserted, "inferred": inferred, **published}
    void = void_description(graphs, out)
    text = void.serialize(format="turtle", base=out.resolve().as_uri() + "/")
    # keep the dump links relative to void.ttl's own location: no absolute @base
    text = "\n".join(line for line in text.splitlines() if not line.startswith("@base ")) + "\n"
    written.append(atomic_write_text(out / "void.ttl", text))
    written.append(_sha256sums(written, out))
    return BuildReport(
        out_dir=out,
        files=tuple(written),
        asserted_triples=len(asserted),
        inferred_triples=len(inferred),
        reference_triples=len(reference),
        validation=report,
        checks=checks,
        inferred_from_cache=closure.from_cache,
    )
