"""Names that every part of kg shares, in a module that imports nothing, so that the command
line can build its parser and answer from its cache without loading rdflib."""

from __future__ import annotations

__all__ = [
    "ASSERTED_GRAPH",
    "BASE",
    "EXPORT_FORMATS",
    "GRAPHS",
    "INFERRED_GRAPH",
    "RESULT_FORMATS",
]

#: the base of every IRI the project mints (ontology, instances, shapes, graphs)
BASE = "https://w3id.org/kazkgz/"
ASSERTED_GRAPH = BASE + "graph/asserted"
INFERRED_GRAPH = BASE + "graph/inferred"
GRAPHS = {"asserted": ASSERTED_GRAPH, "inferred": INFERRED_GRAPH}

#: the SPARQL 1.1 results formats of SELECT and ASK answers
RESULT_FORMATS = ("json", "csv", "tsv", "xml")

#: our export format name -> (rdflib format, file extension)
EXPORT_FORMATS: dict[str, tuple[str, str]] = {
    "ttl": ("turtle", "ttl"),
    "nt": ("nt", "nt"),
    "jsonld": ("json-ld", "jsonld"),
    "xml": ("xml", "rdf"),
}
