"""The build: validate, reason, run the checks, and publish every artefact into dist/."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Graph
from rdflib.compare import to_canonical_graph
from rdflib.term import Node

from kg.core.errors import InconsistencyError, ValidationFailed
from kg.core.files import atomic_write_bytes, atomic_write_text
from kg.core.namespaces import bind_prefixes
from kg.core.paths import Sources, default_sources
from kg.graph.cache import reason_files
from kg.graph.loading import load_graph
from kg.graph.serialization import EXPORT_FORMATS, serialize
from kg.graph.validation import ValidationReport, validate
from kg.publishing.catalogue import (
    GRAPH,
    Distribution,
    catalogue_record,
    release_date,
    void_description,
)
from kg.publishing.parallel import start
from kg.queries.checks import CheckResult, run_checks

__all__ = ["LAYERS", "SERVED", "BuildReport", "build", "stable"]


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
    verification_triples: int = 0


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


def stable(graph: Graph, prefix: str) -> Graph:
    """``graph`` with blank nodes labelled from its content (``prefix`` + rdflib's canonical
    label) and its triples in sorted order, so that every serialisation of the same graph
    gives the same bytes, and blank nodes of different graphs never share a label."""
    canonical = to_canonical_graph(graph)

    def label(term: Node) -> Node:
        return BNode(f"{prefix}{term}") if isinstance(term, BNode) else term

    out = bind_prefixes(Graph())
    for s, p, o in sorted(canonical, key=lambda triple: tuple(t.n3() for t in triple)):
        out.add((label(s), p, label(o)))
    return out


#: the published graphs: name -> what it holds (the ontology, the shapes, each layer, and the
#: asserted graph the endpoint serves: ontology and article together)
LAYERS = {
    "ontology": "the OWL ontology",
    "article": "the article's facts and the quotes behind them",
    "asserted": "the ontology and the article's facts (the endpoint's asserted graph)",
    "inferred": "the OWL RL inferences from the asserted graph",
    "reference": "the reference layer: facts from other public sources, each naming its source",
    "verification": "the verification layer: what independent sources say of each of the "
    "article's facts (schema:ClaimReview with PROV-O sources)",
    "shapes": "the SHACL shapes",
}
#: the named graphs of the combined dataset file: those the endpoint serves
SERVED = ("asserted", "inferred", "reference", "verification", "shapes")


def _render(graphs: dict[str, Graph]) -> dict[str, Distribution]:
    """File name → distribution, for each graph in each export format."""
    return {
        f"{name}.{ext}": Distribution(
            f"{name}.{ext}", f"{LAYERS[name]} ({rdflib_format})", serialize(graph, fmt)
        )
        for name, graph in graphs.items()
        for fmt, (rdflib_format, ext) in EXPORT_FORMATS.items()
    }


def _combined(graphs: dict[str, Graph]) -> dict[str, Distribution]:
    """The named graphs the endpoint serves in one file, as N-Quads and as TriG (each graph's
    Turtle in a graph block, the prefixes once)."""
    served = [(GRAPH[name], graphs[name]) for name in SERVED if name in graphs]
    quads = sorted(
        f"{line.removesuffix(' .')} {iri.n3()} ."
        for iri, graph in served
        for line in serialize(graph, "nt").decode("utf-8").splitlines()
    )
    prefixes: set[str] = set()
    blocks = []
    for iri, graph in served:
        turtle = serialize(graph, "ttl").decode("utf-8").splitlines()
        prefixes |= {line for line in turtle if line.startswith("@prefix ")}
        # not indented: the lines of a multi-line literal are part of its value
        body = "\n".join(line for line in turtle if not line.startswith("@prefix "))
        blocks.append(f"{iri.n3()} {{\n{body.strip()}\n}}\n")
    trig = "\n".join(sorted(prefixes)) + "\n\n" + "\n".join(blocks)
    holds = f"the named graphs the endpoint serves ({', '.join(SERVED)})"
    return {
        "dataset.nq": Distribution(
            "dataset.nq", f"{holds} (N-Quads)", ("\n".join(quads) + "\n").encode()
        ),
        "dataset.trig": Distribution("dataset.trig", f"{holds} (TriG)", trig.encode()),
    }


def build(
    out_dir: Path | str = "dist",
    paths: Sources | None = None,
    progress: Callable[[str], None] | None = None,
    engine: str | None = None,
) -> BuildReport:
    """Validate, reason (with ``engine``: see :mod:`kg.core.settings`), run the checks; if all
    pass, write into ``out_dir`` each published graph (:data:`LAYERS`) in every format, the
    named graphs the endpoint serves in one N-Quads and one TriG file, ``void.ttl`` (VoID),
    ``catalog.ttl`` (DCAT) and ``SHA256SUMS``. The same inputs give the same bytes.

    Raises :class:`ValidationFailed` (non-conforming data or a failed check) or
    :class:`~kg.core.errors.InconsistencyError` before writing anything."""
    say = progress or (lambda _message: None)
    sources = default_sources() if paths is None else paths
    out = Path(out_dir)
    say("loading")
    asserted = load_graph(paths=sources.graph_files())
    reference = load_graph(paths=sources.reference)
    verification = load_graph(paths=sources.verification)
    layers = {
        "ontology": load_graph(paths=sources.ontology),
        "article": load_graph(paths=sources.data),
        "asserted": asserted,
        "reference": reference if sources.reference else None,
        "verification": verification if sources.verification else None,
        "shapes": load_graph(paths=sources.shapes) if sources.shapes else None,
    }
    published = {name: stable(g, f"{name}-") for name, g in layers.items() if g is not None}
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
    graphs = published | {"inferred": stable(inferred, "inferred-")}
    rendered |= _render({"inferred": graphs["inferred"]}) | _combined(graphs)
    released = release_date(graphs["ontology"])
    dumps = {name: [f for f in rendered if f.startswith(f"{name}.")] for name in graphs}
    void = void_description({n: graphs[n] for n in SERVED if n in graphs}, dumps, released)
    rendered["void.ttl"] = Distribution(
        "void.ttl", "a VoID description of the graphs (Turtle)", serialize(void, "ttl")
    )
    catalogue = catalogue_record(list(rendered.values()), released)
    written = [atomic_write_bytes(out / name, d.data) for name, d in sorted(rendered.items())]
    written.append(atomic_write_bytes(out / "catalog.ttl", serialize(catalogue, "ttl")))
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
        verification_triples=len(verification),
    )
