"""Counts that describe the graph: triples, entities by class, excerpts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from rdflib import RDF, Graph, URIRef

from kg.core.namespaces import KK, KKO
from kg.core.paths import Sources
from kg.graph.loading import load_graph

__all__ = ["ASSERTED_LAYERS", "Stats", "stats"]


#: the layers of the asserted graph, which every count describes unless told otherwise (the
#: build's "asserted" figure, the home page's and ``kg stats``'s are this one)
ASSERTED_LAYERS = ("ontology", "article")


@dataclass(frozen=True)
class Stats:
    """Triples in the graph of ``layers``, the project's entities (``kk:`` IRIs with a type)
    by class, the number of excerpts and of nodes that point to one."""

    triples: int
    entities: int
    entities_by_class: tuple[tuple[URIRef, int], ...]
    excerpts: int
    nodes_with_evidence: int
    layers: tuple[str, ...] = ASSERTED_LAYERS


def stats(
    graph: Graph | None = None, paths: Sources | None = None, include_reference: bool = False
) -> Stats:
    """Describe ``graph``, or the asserted graph (ontology and article), with the reference
    layer if ``include_reference``; ``layers`` names what was counted."""
    layers = ASSERTED_LAYERS + (("reference",) if include_reference else ())
    if graph is None:
        graph = load_graph(include_reference=include_reference, paths=paths)
    by_class: Counter[URIRef] = Counter()
    entities = set()
    for subject, cls in graph.subject_objects(RDF.type):
        if isinstance(subject, URIRef) and subject.startswith(str(KK)) and isinstance(cls, URIRef):
            by_class[cls] += 1
            entities.add(subject)
    ranked = tuple(sorted(by_class.items(), key=lambda item: (-item[1], str(item[0]))))
    return Stats(
        triples=len(graph),
        entities=len(entities),
        entities_by_class=ranked,
        excerpts=len(set(graph.subjects(RDF.type, KKO.Excerpt))),
        nodes_with_evidence=len(set(graph.subjects(KKO.evidence, None))),
        layers=layers,
    )
