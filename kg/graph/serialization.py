"""Serialise a graph as Turtle, N-Triples, JSON-LD or RDF/XML, written atomically."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from xml.dom import minidom

from rdflib import Graph

from kg.core.errors import UsageError
from kg.core.files import atomic_write_bytes
from kg.core.namespaces import PREFIXES, bind_prefixes
from kg.core.settings import EXPORT_FORMATS

__all__ = ["EXPORT_FORMATS", "export", "serialize"]


def serialize(graph: Graph, format: str) -> bytes:
    """``graph`` in ``format`` (ttl, nt, jsonld, xml) as UTF-8 bytes. JSON-LD carries an
    inline ``@context`` of the project prefixes, never a remote one."""
    if format not in EXPORT_FORMATS:
        raise UsageError(f"unknown format {format!r} (use {', '.join(EXPORT_FORMATS)})")
    rdflib_format = EXPORT_FORMATS[format][0]
    if format == "nt":
        # sorted lines: the same graph always gives the same bytes
        text = graph.serialize(format="nt", encoding="utf-8").decode("utf-8")
        lines = sorted(line for line in text.splitlines() if line.strip())
        return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""
    if format == "jsonld":
        text = graph.serialize(format=rdflib_format, context=dict(PREFIXES), auto_compact=True)
        document = _in_order(_types_as_strings(json.loads(text)))
        return (json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()
    bind_prefixes(graph)
    data = graph.serialize(format=rdflib_format, encoding="utf-8")
    return _xml_in_order(data) if format == "xml" else data


def _key(node: Any) -> str:
    return json.dumps(node, ensure_ascii=False, sort_keys=True)


def _in_order(node: Any) -> Any:
    """JSON-LD with every list sorted (nodes, values): rdflib writes them in the order of a
    Python set, which changes from process to process. Sets of values have no order in RDF;
    an RDF list is written as ``@list``, whose order is kept."""
    if isinstance(node, dict):
        return {k: v if k == "@list" else _in_order(v) for k, v in node.items()}
    if isinstance(node, list):
        return sorted((_in_order(item) for item in node), key=_key)
    return node


def _xml_in_order(data: bytes) -> bytes:
    """RDF/XML with its node elements and each one's property elements in a fixed order (rdflib
    writes them in the order of a Python set). Both orders carry no meaning in RDF/XML: the
    serialiser writes no rdf:li and no parseType="Collection"."""
    document = minidom.parseString(data)  # noqa: S318 (our own serialiser's output)
    root = document.documentElement
    if root is None:  # rdflib always writes rdf:RDF
        return data

    def sort_children(element: minidom.Element) -> None:
        children = [c for c in element.childNodes if isinstance(c, minidom.Element)]
        for child in element.childNodes[:]:
            element.removeChild(child)
        for child in sorted(children, key=lambda c: c.toxml()):
            element.appendChild(child)

    for description in [c for c in root.childNodes if isinstance(c, minidom.Element)]:
        sort_children(description)
    sort_children(root)
    return document.toprettyxml(indent="  ", encoding="utf-8")


def _types_as_strings(node: Any) -> Any:
    """JSON-LD with every ``@type`` value a string: rdflib writes a blank-node class (an OWL
    restriction an individual is inferred to belong to) as ``{"@id": "_:b"}``, which JSON-LD
    forbids in ``@type`` and strict parsers refuse."""
    if isinstance(node, list):
        return [_types_as_strings(item) for item in node]
    if not isinstance(node, dict):
        return node
    fixed = {key: _types_as_strings(value) for key, value in node.items()}
    types = fixed.get("@type")
    if isinstance(types, dict | list):
        items = types if isinstance(types, list) else [types]
        fixed["@type"] = [t["@id"] if isinstance(t, dict) and "@id" in t else t for t in items]
    return fixed


def export(graph: Graph, format: str, destination: Path | str) -> Path:
    """Write ``graph`` to ``destination`` in ``format`` (ttl, nt, jsonld, xml) atomically."""
    return atomic_write_bytes(destination, serialize(graph, format))
