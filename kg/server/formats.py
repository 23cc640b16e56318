"""SPARQL 1.1 results (JSON, XML, CSV, TSV) and graphs (Turtle, N-Triples, JSON-LD,
RDF/XML) written by the server, with the row limit applied and a truncation said in the
document's metadata (``head.link`` in JSON, ``<link>`` in XML)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from rdflib import BNode, Graph, Literal, URIRef

from kg.graph.serialization import serialize

__all__ = ["TRUNCATED_LINK", "ask_document", "graph_document", "select_document"]

TRUNCATED_LINK = "urn:kazkgz:truncated"
"""The ``link`` a truncated result carries in its head (JSON and XML)."""

Row = Sequence[Any]


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


def _tsv_value(term: Any) -> str:
    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term.n3()).replace("\t", "\\t")


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
        lines += ["\t".join(_tsv_value(term) for term in row) for row in rows]
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


def graph_document(key: str, graph: Graph, max_triples: int) -> tuple[bytes, int, bool]:
    """A graph in ``key`` (ttl, nt, jsonld, rdfxml), cut to ``max_triples``; returns the
    bytes, the number of triples written and whether the graph was cut."""
    truncated = len(graph) > max_triples
    if truncated:
        kept = Graph()
        for prefix, namespace in graph.namespaces():
            kept.bind(prefix, namespace)
        for index, triple in enumerate(graph):
            if index >= max_triples:
                break
            kept.add(triple)
        graph = kept
    data = serialize(graph, _RDF_FORMATS[key])
    if truncated and key == "ttl":
        note = f"# truncated: only the first {max_triples} triples of the answer\n"
        data = note.encode() + data
    return data, len(graph), truncated
