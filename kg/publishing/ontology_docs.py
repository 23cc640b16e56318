"""Human documentation of the ontology, rebuilt by one command.

``python -m kg.publishing.ontology_docs`` writes, from the local Turtle (no network):

- ``docs/ontology.html``: the reference page, rendered by pyLODE 3.3.4 (OntPub profile);
- ``docs/ontology-classes.dot`` and ``docs/ontology-classes.svg``: a diagram of the classes
  and their object properties (domain → range edges; dashed edges for subclasses), grouped
  by module, generated with rdflib and laid out by Graphviz ``dot``.

Exit codes: 0 success; 2 a missing tool (pyLODE or Graphviz) or input file, or a tool that
failed. The tools are optional dependencies: ``pip install -e .[docs]`` and the Debian package
``graphviz``.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.compare import to_canonical_graph
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from kg.core.errors import KgError
from kg.core.files import atomic_write_text
from kg.core.namespaces import KKO, PREFIXES
from kg.core.paths import project_root

__all__ = [
    "MODULES",
    "DocsResult",
    "ToolMissingError",
    "add_term_anchors",
    "anchor",
    "build_docs",
    "class_diagram",
    "main",
    "pylode_graph",
    "render_html",
    "render_svg",
]

EXIT_OK, EXIT_USAGE = 0, 2

HTML_NAME = "ontology.html"
DOT_NAME = "ontology-classes.dot"
SVG_NAME = "ontology-classes.svg"

# The modules of the ontology, as its sections group the classes (ontology/kazkgz.ttl).
# Every class in the kko: namespace belongs to exactly one; a test keeps this complete.
MODULES: dict[str, tuple[str, ...]] = {
    "agents": (
        "State",
        "Person",
        "Incumbency",
        "HeadOfStateIncumbency",
        "FullMembership",
        "Organisation",
        "InternationalOrganisation",
        "BilateralInstitution",
        "CulturalCentre",
        "Community",
        "Nation",
        "HeadOfStatePost",
        "Occupation",
    ),
    "places": ("Place", "City", "Region", "River", "Border", "Facility", "HydropowerPlant"),
    "agreements": (
        "Agreement",
        "Treaty",
        "CooperationProgramme",
        "AgreementSet",
        "Arrangement",
        "Transfer",
        "AgreementLevel",
    ),
    "events": (
        "Event",
        "Independence",
        "EstablishmentOfDiplomaticRelations",
        "Visit",
        "OfficialVisit",
        "ReturnVisit",
        "Talks",
        "Conclusion",
        "Signing",
        "Ratification",
        "Accord",
        "EntryIntoForce",
        "SummitAttendance",
        "Commemoration",
        "PlannedProject",
        "EventSeries",
        "EventKind",
        "TalksFormat",
    ),
    "statistics": (
        "Statistic",
        "Observation",
        "TradeFigure",
        "InvestmentFigure",
        "StudentFigure",
        "TradePartnerRanking",
        "AgreementCount",
        "GrowthFigure",
        "Period",
        "Flow",
        "Commodity",
        "Topic",
        "ValueQualifier",
        "Status",
        "Unit",
        "Season",
        "Frequency",
        "DateQualifier",
        "ReportingVerb",
        "AnniversaryKind",
    ),
    "text": (
        "Claim",
        "FrameworkExample",
        "Saying",
        "Statement",
        "CreativeWork",
        "Article",
        "Section",
        "Excerpt",
        "Assertion",
        "VerificationStatus",
    ),
}

_COLOURS = {
    "agents": "#e8f0fe",
    "places": "#e6f4ea",
    "agreements": "#fef7e0",
    "events": "#fce8e6",
    "statistics": "#f3e8fd",
    "text": "#e8eaed",
    "external": "#ffffff",
}


class ToolMissingError(KgError):
    """pyLODE or Graphviz ``dot`` is not installed, or it failed."""


@dataclass(frozen=True)
class DocsResult:
    """The files that :func:`build_docs` wrote."""

    html: Path
    dot: Path
    svg: Path


# ---------------------------------------------------------------------------- HTML


def pylode_graph(ontology: Graph) -> Graph:
    """A copy of the ontology prepared for pyLODE 3.3.4.

    pyLODE takes every ``skos:ConceptScheme`` in its input for the document's ontology and
    merges their labels into the page's title and metadata. The copy keeps every triple
    except the ``rdf:type skos:ConceptScheme`` of the controlled-value schemes (which OntPub
    does not render anyway), so that the page's metadata is the ontology header's."""
    prepared = Graph()
    for prefix, namespace in ontology.namespaces():
        prepared.bind(prefix, namespace)
    for triple in ontology:
        if triple[1] == RDF.type and triple[2] == SKOS.ConceptScheme:
            continue
        prepared.add(triple)
    return prepared


_ENTITY = re.compile(
    r'(<div class="[^"]*\bentity\b[^"]*" id="[^"]*">)'
    r"(?=(?:(?!<div).)*?<code>" + re.escape(str(KKO)) + r"([A-Za-z0-9_]+)</code>)",
    re.DOTALL,
)


def anchor(term: URIRef) -> str:
    """The fragment of a kko: term's section in ontology.html: ``kko:LocalName``."""
    return f"kko:{_local(term)}"


def add_term_anchors(html: str) -> str:
    """Give every kko: term's section a stable anchor, ``#kko:LocalName``.

    pyLODE 3.3.4 derives its own fragment ids from the labels (and falls back to the IRI
    when two collide), so they change when a label does; the diagram links to these."""
    return _ENTITY.sub(lambda m: f'{m.group(1)}<a id="kko:{m.group(2)}"></a>', html)


def render_html(ontology: Graph, destination: Path) -> Path:
    """Render the pyLODE page of ``ontology`` into ``destination``.

    pyLODE runs in a child process with a fixed hash seed: its output follows the order of
    rdflib's sets, so a fixed seed makes the page the same on every run."""
    if importlib.util.find_spec("pylode") is None:
        raise ToolMissingError(
            "pyLODE is not installed: pip install 'pylode==3.3.4' (or the project's docs extra)"
        )
    with tempfile.TemporaryDirectory(prefix="kg-docs-") as tmp:
        source = Path(tmp) / "ontology.nt"
        output = Path(tmp) / HTML_NAME
        # the same input bytes on every run (canonical blank nodes, sorted lines), since
        # pyLODE's output follows the order in which it reads the triples
        lines = to_canonical_graph(pylode_graph(ontology)).serialize(format="nt").splitlines()
        source.write_text("\n".join(sorted(lines)) + "\n", encoding="utf-8")
        env = dict(os.environ, PYTHONHASHSEED="0")
        command = [sys.executable, "-m", "pylode", "--sort", str(source), "-o", str(output)]
        done = subprocess.run(  # noqa: S603 - fixed command, no shell
            command, capture_output=True, text=True, env=env, check=False
        )
        if done.returncode != 0 or not output.is_file():
            raise ToolMissingError(f"pyLODE failed: {done.stderr.strip()[-2000:]}")
        html = add_term_anchors(output.read_text(encoding="utf-8"))
    return atomic_write_text(destination, html)


# ---------------------------------------------------------------------------- diagram


def _local(term: URIRef) -> str:
    text = str(term)
    return text[len(str(KKO)) :] if text.startswith(str(KKO)) else text


def _curie(term: URIRef) -> str:
    text = str(term)
    if text.startswith(str(KKO)):
        return text[len(str(KKO)) :]
    for prefix, namespace in sorted(PREFIXES.items(), key=lambda item: -len(item[1])):
        if text.startswith(namespace):
            return f"{prefix}:{text[len(namespace) :]}"
    return text


def _node_id(term: URIRef) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in _curie(term))


def _escape(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def _label(graph: Graph, term: URIRef, language: str) -> str:
    for label in graph.objects(term, RDFS.label):
        if isinstance(label, Literal) and label.language == language:
            return str(label)
    return ""


def _named_supers(graph: Graph, cls: URIRef) -> set[URIRef]:
    """Named superclasses: asserted, and the named members of an equivalent intersection."""
    supers = {s for s in graph.objects(cls, RDFS.subClassOf) if isinstance(s, URIRef)}
    for equivalent in graph.objects(cls, OWL.equivalentClass):
        for members in graph.objects(equivalent, OWL.intersectionOf):
            supers.update(m for m in Collection(graph, members) if isinstance(m, URIRef))
    return supers


def _inherited(graph: Graph, prop: URIRef, axis: URIRef) -> URIRef | None:
    """The property's own domain or range, else the nearest super-property's."""
    seen: set[URIRef] = set()
    frontier = [prop]
    while frontier:
        current = frontier.pop(0)
        if current in seen:
            continue
        seen.add(current)
        value = graph.value(current, axis)
        if isinstance(value, URIRef):
            return value
        frontier.extend(
            sorted(s for s in graph.objects(current, RDFS.subPropertyOf) if isinstance(s, URIRef))
        )
    return None


def _is_ours(term: URIRef | None) -> bool:
    return term is not None and str(term).startswith(str(KKO))


def _characteristics(graph: Graph, prop: URIRef) -> str:
    marks = [
        mark
        for kind, mark in (
            (OWL.SymmetricProperty, "symmetric"),
            (OWL.TransitiveProperty, "transitive"),
            (OWL.FunctionalProperty, "functional"),
        )
        if (prop, RDF.type, kind) in graph
    ]
    if (prop, OWL.propertyChainAxiom, None) in graph:
        marks.append("chain")
    return f" ({', '.join(marks)})" if marks else ""


def _node(
    graph: Graph,
    cls: URIRef,
    incoming: Iterable[str],
    outgoing: Iterable[str],
    fill: str,
    external: bool,
) -> str:
    """One class as a Graphviz HTML-like label: its name, its Chinese label, and the
    properties that have it as their only end (range of, domain of)."""
    name = _curie(cls)
    zh = _label(graph, cls, "zh")
    rows = [f"<TR><TD><B>{_escape(name)}</B></TD></TR>"]
    if zh and not external:
        rows.append(f'<TR><TD><FONT POINT-SIZE="9">{_escape(zh)}</FONT></TD></TR>')
    for heading, names in (("range of", sorted(incoming)), ("domain of", sorted(outgoing))):
        if names:
            text = _escape(f"{heading}: " + ", ".join(names))
            rows.append(f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="8">{text}</FONT></TD></TR>')
    label = '<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0">' + "".join(rows) + "</TABLE>>"
    tooltip = _escape(f"{_label(graph, cls, 'en')} / {zh}".strip(" /") or name)
    style = "rounded,dashed,filled" if external else "rounded,filled"
    url = f' URL="{HTML_NAME}#{anchor(cls)}" target="_top"' if not external else ""
    return (
        f'    {_node_id(cls)} [label={label} tooltip="{tooltip}" '
        f'style="{style}" fillcolor="{fill}"{url}];'
    )


def class_diagram(ontology: Graph) -> str:
    """The Graphviz source of the class diagram: one cluster per module (and one for the
    external classes that kko properties point to), an edge per object property with a
    domain and a range (own or inherited), dashed edges from subclass to superclass."""
    ours = sorted(
        c for c in ontology.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef) and _is_ours(c)
    )
    module_of = {KKO[name]: module for module, names in MODULES.items() for name in names}
    edges: list[tuple[URIRef, URIRef, str]] = []
    incoming: dict[URIRef, set[str]] = defaultdict(set)
    outgoing: dict[URIRef, set[str]] = defaultdict(set)
    properties = (
        p for p in ontology.subjects(RDF.type, OWL.ObjectProperty) if isinstance(p, URIRef)
    )
    for prop in sorted(properties):
        domain = _inherited(ontology, prop, RDFS.domain)
        range_ = _inherited(ontology, prop, RDFS.range)
        if not (_is_ours(prop) or _is_ours(domain) or _is_ours(range_)):
            continue
        name = _curie(prop) + _characteristics(ontology, prop)
        if domain is not None and range_ is not None:
            edges.append((domain, range_, name))
        elif range_ is not None:
            incoming[range_].add(name)
        elif domain is not None:
            outgoing[domain].add(name)
    external = sorted(
        {t for d, r, _ in edges for t in (d, r) if not _is_ours(t)}
        | {t for t in (*incoming, *outgoing) if not _is_ours(t)}
    )
    lines = [
        "// Generated by `python -m kg.publishing.ontology_docs` from ontology/kazkgz.ttl: "
        "do not edit.",
        "digraph kko_classes {",
        '    graph [rankdir=LR, fontname="DejaVu Sans", fontsize=12, compound=true, '
        'nodesep=0.25, ranksep=0.9, newrank=true, label="kko: classes and their object '
        'properties (solid: domain → range; dashed: subclass of)", labelloc=t];',
        '    node [shape=box, fontname="DejaVu Sans", fontsize=10, margin="0.05,0.02"];',
        '    edge [fontname="DejaVu Sans", fontsize=8, color="#5f6368", fontcolor="#3c4043"];',
    ]
    for module in [*MODULES, "other"]:
        members = [c for c in ours if module_of.get(c, "other") == module]
        if not members:
            continue
        lines.append(f"    subgraph cluster_{module} {{")
        lines.append(f'        label="{module}"; style="rounded"; color="#9aa0a6";')
        for cls in members:
            fill = _COLOURS.get(module, "#ffffff")
            lines.append(
                "    " + _node(ontology, cls, incoming[cls], outgoing[cls], fill, external=False)
            )
        lines.append("    }")
    if external:
        lines.append("    subgraph cluster_external {")
        lines.append('        label="external vocabularies"; style="dashed"; color="#9aa0a6";')
        for cls in external:
            lines.append(
                "    "
                + _node(ontology, cls, incoming[cls], outgoing[cls], "#ffffff", external=True)
            )
        lines.append("    }")
    shown = set(ours)
    for cls in ours:
        for sup in sorted(_named_supers(ontology, cls)):
            if sup in shown:
                lines.append(
                    f"    {_node_id(cls)} -> {_node_id(sup)} "
                    '[style=dashed, arrowhead=empty, color="#80868b"];'
                )
    for domain, range_, name in sorted(edges):
        lines.append(f'    {_node_id(domain)} -> {_node_id(range_)} [label="{_escape(name)}"];')
    lines.append("}")
    return "\n".join(lines) + "\n"


def render_svg(dot_source: str, destination: Path) -> Path:
    """Lay out ``dot_source`` with Graphviz ``dot`` into an SVG file."""
    dot = shutil.which("dot")
    if dot is None:
        raise ToolMissingError("Graphviz is not installed: apt-get install graphviz")
    done = subprocess.run(  # noqa: S603 - fixed command, no shell
        [dot, "-Tsvg"], input=dot_source.encode("utf-8"), capture_output=True, check=False
    )
    if done.returncode != 0:
        raise ToolMissingError(f"dot failed: {done.stderr.decode('utf-8', 'replace').strip()}")
    svg = done.stdout.decode("utf-8")
    return atomic_write_text(destination, svg)


# ---------------------------------------------------------------------------- command


def build_docs(ontology_path: Path | None = None, out_dir: Path | None = None) -> DocsResult:
    """Rebuild the HTML page, the diagram's source and its SVG from the ontology file."""
    root = project_root()
    ontology_path = ontology_path or root / "ontology" / "kazkgz.ttl"
    out_dir = out_dir or root / "docs"
    if not ontology_path.is_file():
        raise ToolMissingError(f"no ontology file at {ontology_path}")
    ontology = Graph()
    ontology.parse(ontology_path, format="turtle")
    dot_source = class_diagram(ontology)
    dot_path = atomic_write_text(out_dir / DOT_NAME, dot_source)
    svg_path = render_svg(dot_source, out_dir / SVG_NAME)
    html_path = render_html(ontology, out_dir / HTML_NAME)
    return DocsResult(html=html_path, dot=dot_path, svg=svg_path)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m kg.publishing.ontology_docs [--ontology FILE] [--out DIR]``."""
    parser = argparse.ArgumentParser(
        prog="python -m kg.publishing.ontology_docs",
        description="Rebuild the ontology's HTML documentation (pyLODE) and class diagram "
        "(Graphviz) from the local Turtle.",
    )
    parser.add_argument("--ontology", type=Path, help="ontology Turtle file")
    parser.add_argument("--out", type=Path, help="output folder (default: docs/)")
    args = parser.parse_args(argv)
    try:
        result = build_docs(args.ontology, args.out)
    except KgError as error:
        sys.stderr.write(f"kg.publishing.ontology_docs: {error}\n")
        return EXIT_USAGE
    for path in (result.html, result.dot, result.svg):
        sys.stdout.write(f"wrote {path}\n")
    return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
