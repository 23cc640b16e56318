"""SPARQL 1.1 results (JSON, XML, CSV, TSV) and graphs (Turtle, N-Triples, JSON-LD,
RDF/XML) written by the server, with the row and byte limits applied and a truncation said in
the document's metadata (``head.link`` in JSON, ``<link>`` in XML, a comment in Turtle)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from itertools import islice
from typing import Any, TypeVar
from xml.sax.saxutils import escape, quoteattr

from rdflib import BNode, Graph, Literal, URIRef

from kg.graph.serialization import serialize
from kg.queries.results import tsv_term

__all__ = [
    "TRUNCATED_LINK",
    "ask_document",
    "graph_document",
    "longest_fitting",
    "raw_size",
    "select_document",
]

TRUNCATED_LINK = "urn:kazkgz:truncated"
"""The ``link`` a truncated result carries in its head (JSON and XML)."""

Row = Sequence[Any]
Item = TypeVar("Item")


def raw_size(terms: Sequence[Any]) -> int:
    """The characters of the terms' values in a row or triple: a lower bound on the bytes
    any format writes for them."""
    return sum(len(str(term)) for term in terms if term is not None)


def longest_fitting(
    items: Sequence[Item],
    write: Callable[[Sequence[Item], bool], bytes],
    max_bytes: int,
    size: Callable[[Item], int] = raw_size,  # type: ignore[assignment]
) -> tuple[bytes, int]:
    """The document ``write(items[:n], cut)`` of the most leading items whose document has at
    most ``max_bytes`` bytes (``cut``: fewer than all), and ``n``. ``size`` is a lower bound
    on an item's bytes in the document: items past ``max_bytes`` by it are never written;
    the others are written once when they fit, else the longest prefix that fits is found
    by halving."""
    total = count = 0
    for item in items:
        total += size(item)
        if total > max_bytes:
            break
        count += 1
    body = write(items[:count], count < len(items))
    if len(body) <= max_bytes:
        return body, count
    low, high = 0, count - 1  # the document of ``low`` items fits (none, at worst)
    while low < high:
        middle = (low + high + 1) // 2
        if len(write(items[:middle], True)) <= max_bytes:
            low = middle
        else:
            high = middle - 1
    return write(items[:low], True), low


def _json_term(term: Any) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    value: dict[str, str] = {"type": "literal", "value": str(term)}
    if isinstance(term, Literal):
        if term.language:
            value["xml:lang"] = term.language
        elif term.datatype is not None:
            value["datatype"] = str(term.datatype)
    return value


def _xml_term(term: Any) -> str:
    if isinstance(term, URIRef):
        return f"<uri>{escape(str(term))}</uri>"
    if isinstance(term, BNode):
        return f"<bnode>{escape(str(term))}</bnode>"
    attrs = ""
    if isinstance(term, Literal):
        if term.language:
            attrs = f" xml:lang={quoteattr(term.language)}"
        elif term.datatype is not None:
            attrs = f" datatype={quoteattr(str(term.datatype))}"
    return f"<literal{attrs}>{escape(str(term))}</literal>"


def _csv_value(term: Any) -> str:
    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def select_document(key: str, names: Sequence[str], rows: Sequence[Row], truncated: bool) -> bytes:
    """A SELECT result in ``key`` (json, xml, csv, tsv)."""
    if key == "json":
        head: dict[str, Any] = {"vars": list(names)}
        if truncated:
            head["link"] = [TRUNCATED_LINK]
        bindings = [
            {
                name: _json_term(term)
                for name, term in zip(names, row, strict=True)
                if term is not None
            }
            for row in rows
        ]
        document = {"head": head, "results": {"bindings": bindings}}
        return json.dumps(document, ensure_ascii=False).encode("utf-8")
    if key == "xml":
        out = ['<?xml version="1.0" encoding="UTF-8"?>']
        out.append('<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>')
        out += [f"<variable name={quoteattr(name)}/>" for name in names]
        if truncated:
            out.append(f"<link href={quoteattr(TRUNCATED_LINK)}/>")
        out.append("</head><results>")
        for row in rows:
            out.append("<result>")
            out += [
                f"<binding name={quoteattr(name)}>{_xml_term(term)}</binding>"
                for name, term in zip(names, row, strict=True)
                if term is not None
            ]
            out.append("</result>")
        out.append("</results></sparql>\n")
        return "\n".join(out).encode("utf-8")
    if key == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(names)
        writer.writerows([_csv_value(term) for term in row] for row in rows)
        return buffer.getvalue().encode("utf-8")
    if key == "tsv":
        lines = ["\t".join(f"?{name}" for name in names)]
        lines += ["\t".join(tsv_term(term) for term in row) for row in rows]
        return ("\n".join(lines) + "\n").encode("utf-8")
    raise ValueError(f"not a results format: {key}")


def ask_document(key: str, answer: bool) -> bytes:
    """An ASK result in ``key`` (json, xml; csv and tsv as one ``_askResult`` column)."""
    word = "true" if answer else "false"
    if key == "json":
        return json.dumps({"head": {}, "boolean": answer}).encode("utf-8")
    if key == "xml":
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
            f"<head/><boolean>{word}</boolean></sparql>\n"
        ).encode()
    if key in ("csv", "tsv"):
        return f"{'?' if key == 'tsv' else ''}_askResult\n{word}\n".encode()
    raise ValueError(f"not a results format: {key}")


_RDF_FORMATS = {"ttl": "ttl", "nt": "nt", "jsonld": "jsonld", "rdfxml": "xml"}


def graph_document(
    key: str, graph: Graph, max_triples: int, max_bytes: int | None = None
) -> tuple[bytes, int, bool]:
    """A graph in ``key`` (ttl, nt, jsonld, rdfxml), cut to ``max_triples`` and to the most
    triples whose document has at most ``max_bytes`` bytes; returns the bytes, the number of
    triples written and whether the graph was cut."""
    triples = list(islice(iter(graph), max_triples + 1))
    over_rows = len(triples) > max_triples
    triples = triples[:max_triples]

    def write(kept: Sequence[Any], cut: bool) -> bytes:
        part = Graph()
        for prefix, namespace in graph.namespaces():
            part.bind(prefix, namespace)
        for triple in kept:
            part.add(triple)
        data = serialize(part, _RDF_FORMATS[key])
        if (cut or over_rows) and key == "ttl":
            note = f"# truncated: only the first {len(kept)} triples of the answer\n"
            data = note.encode() + data
        return data

    if max_bytes is None:
        return write(triples, False), len(triples), over_rows
    data, count = longest_fitting(triples, write, max_bytes)
    return data, count, over_rows or count < len(triples)
