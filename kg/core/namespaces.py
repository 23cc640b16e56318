"""The project's namespaces and the CURIE/IRI handling for node arguments."""

from __future__ import annotations

import re

from rdflib import Graph, Namespace, URIRef

from kg.core.errors import NodeNotFoundError
from kg.core.settings import BASE

__all__ = ["BASE", "KK", "KKO", "KKS", "OA", "PREFIXES", "bind_prefixes", "compact", "expand_node"]

KK = Namespace(BASE + "id/")
KKO = Namespace(BASE + "ontology#")
KKS = Namespace(BASE + "shapes#")
OA = Namespace("http://www.w3.org/ns/oa#")

PREFIXES: dict[str, str] = {
    "kk": str(KK),
    "kko": str(KKO),
    "kks": str(KKS),
    "oa": str(OA),
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "time": "http://www.w3.org/2006/time#",
    "schema": "http://schema.org/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "qb": "http://purl.org/linked-data/cube#",
    "vann": "http://purl.org/vocab/vann/",
    "void": "http://rdfs.org/ns/void#",
    "sh": "http://www.w3.org/ns/shacl#",
}


def bind_prefixes(graph: Graph) -> Graph:
    """Bind the project prefixes on ``graph`` (for readable serialisations); returns it."""
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri, override=True, replace=True)
    return graph


def expand_node(text: str) -> URIRef:
    """A node argument as an IRI: ``<iri>``, a full IRI, or a CURIE with a project prefix."""
    text = text.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    if "://" in text or text.startswith("urn:"):
        if any(c in text for c in ' <>"{}|\\^`'):
            raise NodeNotFoundError(f"not a valid IRI: {text!r}")
        return URIRef(text)
    prefix, sep, local = text.partition(":")
    if sep and prefix in PREFIXES:
        return URIRef(PREFIXES[prefix] + local)
    known = ", ".join(f"{p}:" for p in PREFIXES)
    raise NodeNotFoundError(f"not a full IRI nor a CURIE with a known prefix ({known}): {text!r}")


_IRI = re.compile(r"<?((?:https?|urn):[^\s,()'\"<>]*[^\s,()'\"<>:.;])>?")


def compact(text: str) -> str:
    """``text`` with every IRI under a project prefix written as a CURIE (for messages)."""

    def shorten(match: re.Match[str]) -> str:
        iri = match.group(1)
        for prefix, namespace in PREFIXES.items():
            local = iri[len(namespace) :]
            if iri.startswith(namespace) and re.fullmatch(r"[\w.-]*", local):
                return f"{prefix}:{local}"
        return match.group(0)

    return _IRI.sub(shorten, text)
