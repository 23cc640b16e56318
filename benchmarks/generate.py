"""A deterministic synthetic graph of our domain at a scale factor of the article's graph.

Scale factor ``k`` writes ``k`` copies of the article's data (graph/article.ttl and
graph/excerpts.ttl), each a complete article-sized world that follows the ontology and passes
the shapes: its own IRIs (``kk:s<seed>c<i>-<slug>``), its own blank nodes, and money and
person figures scaled by a whole factor drawn from the seed (1 to 9, one factor per copy, so a
copy's totals and their flows keep their proportions and its consistency rules still hold).
The hubs a growing corpus shares are shared by every copy: the states, international
organisations, nations, cities, regions and rivers, and the SKOS concepts (topics,
commodities, roles, kinds); their own triples are written once. Copies are therefore joined
through the hubs, as more articles about the same two states would be.

The output is N-Triples written directly from a template (fast: a million triples in
seconds); the ontology is not included (pass it beside the data, as the library does).
"""

from __future__ import annotations

import random
import re
from pathlib import Path

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import SKOS
from rdflib.plugins.serializers.nt import _quoteLiteral
from rdflib.term import Node

from kg.core.namespaces import KK, KKO
from kg.core.paths import default_sources

__all__ = ["HUB_CLASSES", "article_triples", "generate", "nt_term", "template"]

HUB_CLASSES = frozenset(
    {
        KKO.State,
        KKO.InternationalOrganisation,
        KKO.Nation,
        KKO.City,
        KKO.Region,
        KKO.River,
        KKO.Topic,
        KKO.Commodity,
        KKO.EventKind,
        KKO.Occupation,
        SKOS.ConceptScheme,
        URIRef("http://www.w3.org/ns/org#Role"),
    }
)
_SCALED = (str(KKO.amount), str(KKO.personCount))
_COPY = "\x00"  # stands for the copy's tag in the template
_VALUE = re.compile(r'^"(?P<value>[0-9.]+)"\^\^<(?P<type>[^>]+)>$')


def article_triples() -> Graph:
    """The article's data graph (article and excerpts, without the reference layer)."""
    graph = Graph()
    for file in default_sources().data:
        graph.parse(file, format="turtle")
    return graph


def nt_term(node: Node) -> str:
    """A term as N-Triples writes it (``n3()`` may write a long literal in triple quotes)."""
    return _quoteLiteral(node) if isinstance(node, Literal) else node.n3()


def _scaled(literal: str, factor: int) -> str:
    match = _VALUE.match(literal)
    if match is None:
        raise ValueError(f"not a plain number: {literal}")
    text = match.group("value")
    if "." in text:
        whole, _, fraction = text.partition(".")
        scaled = int(whole + fraction) * factor
        digits = str(scaled).rjust(len(fraction) + 1, "0")
        value = f"{digits[: -len(fraction)]}.{digits[-len(fraction) :]}".rstrip("0").rstrip(".")
        value = value if "." in value else value + ".0"
    else:
        value = str(int(text) * factor)
    return f'"{value}"^^<{match.group("type")}>'


def template(graph: Graph | None = None) -> tuple[list[str], list[tuple[str, str, str]]]:
    """The once-only lines (the hubs' own triples; what they point to is copy 0's) and the
    per-copy triples as N-Triples terms, the copy's tag a placeholder in both."""
    graph = article_triples() if graph is None else graph
    hubs = {s for s, _, o in graph.triples((None, RDF.type, None)) if o in HUB_CLASSES}
    prefix = f"<{KK}"

    def term(node: Node) -> str:
        text = nt_term(node)
        if text.startswith("_:"):
            return f"_:{_COPY}{text[2:]}"
        if text.startswith(prefix) and URIRef(text[1:-1]) not in hubs:
            return f"{prefix}{_COPY}{text[len(prefix) :]}"
        return text

    once: list[str] = []
    per_copy: list[tuple[str, str, str]] = []
    for s, p, o in sorted(graph, key=lambda t: (t[0].n3(), t[1].n3(), t[2].n3())):
        subject, obj = term(s), term(o)
        if s in hubs:
            once.append(f"{nt_term(s)} {nt_term(p)} {obj} .\n")  # objects: copy 0's
        elif _COPY not in subject and _COPY not in obj:  # about shared terms only
            once.append(f"{subject} {nt_term(p)} {obj} .\n")
        else:
            per_copy.append((subject, nt_term(p), obj))
    return once, per_copy


def generate(scale: int, out: Path, seed: int = 1) -> int:
    """Write ``scale`` copies of the article's data as N-Triples to ``out``; returns the
    number of triples written. The same ``scale`` and ``seed`` give the same bytes."""
    once, per_copy = template()
    rng = random.Random(seed)  # noqa: S311 (reproducible data, not secrets)
    plain = "".join(f"{s} {p} {o} .\n" for s, p, o in per_copy if p[1:-1] not in _SCALED)
    scaled = [(s, p, o) for s, p, o in per_copy if p[1:-1] in _SCALED]
    count = len(once)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="\n") as handle:
        handle.write("".join(once).replace(_COPY, f"s{seed}c0-"))
        for copy in range(scale):
            tag = f"s{seed}c{copy}-"
            factor = rng.randint(1, 9)
            handle.write(plain.replace(_COPY, tag))
            for s, p, o in scaled:
                handle.write(f"{s} {p} {_scaled(o, factor)} .\n".replace(_COPY, tag))
            count += len(per_copy)
    return count
