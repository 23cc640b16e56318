"""The OpenAPI 3.1 description of the server's query routes: the SPARQL endpoint, the
list of saved queries, and one path per saved query with its typed parameters."""

from __future__ import annotations

from typing import Any

from kg.queries.metadata import QueryParam, SavedQuery

__all__ = ["document"]

_RESULT_TYPES = (
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
)
_FORMAT = {
    "name": "format",
    "in": "query",
    "required": False,
    "description": "result format (overrides Accept): json, xml, csv or tsv",
    "schema": {"type": "string", "enum": ["json", "xml", "csv", "tsv"]},
}
_INFERRED = {
    "name": "inferred",
    "in": "query",
    "required": False,
    "description": "run on the asserted graph plus the OWL RL inferences",
    "schema": {"type": "boolean", "default": False},
}
_ERROR = {
    "description": "an error: its kind and a message",
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {
                    "error": {"type": "string"},
                    "status": {"type": "integer"},
                    "message": {"type": "string"},
                },
            }
        }
    },
}


def _schema(param: QueryParam) -> dict[str, Any]:
    kind = param.type
    schema: dict[str, Any]
    if kind == "iri":
        schema = {"type": "string", "format": "iri", "description": "an IRI or a CURIE"}
    elif kind == "number" or kind in ("decimal", "float", "double"):
        schema = {"type": "number"}
    elif kind.endswith(("integer", "Integer", "int", "long", "short", "byte")) or kind in (
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    ):
        schema = {"type": "integer"}
    elif kind == "boolean":
        schema = {"type": "boolean"}
    elif kind == "date":
        schema = {"type": "string", "format": "date"}
    elif kind == "dateTime":
        schema = {"type": "string", "format": "date-time"}
    else:
        schema = {"type": "string"}
    if param.default is not None:
        schema["default"] = param.default
    schema["x-sparql-type"] = kind
    return schema


def _results(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {media: {} for media in _RESULT_TYPES},
        "headers": {
            "X-KG-Truncated": {
                "description": "true when the result was cut at the row limit",
                "schema": {"type": "string"},
            }
        },
    }


def _query_path(query: SavedQuery) -> dict[str, Any]:
    params = [
        {
            "name": p.name,
            "in": "query",
            "required": p.required,
            "description": f"?{p.variable} ({p.type})",
            "schema": _schema(p),
        }
        for p in query.params
    ]
    return {
        "get": {
            "operationId": f"query_{query.name.replace('-', '_')}",
            "summary": query.summary,
            "description": query.description or query.summary,
            "tags": list(query.tags) or ["saved queries"],
            "parameters": [*params, _FORMAT, _INFERRED],
            "responses": {
                "200": _results("the query's results"),
                "400": _ERROR,
                "404": _ERROR,
                "503": _ERROR,
            },
        }
    }


def document(saved: tuple[SavedQuery, ...], version: str) -> dict[str, Any]:
    """The OpenAPI 3.1 document for ``saved``."""
    paths: dict[str, Any] = {
        "/sparql": {
            "get": {
                "operationId": "sparql",
                "summary": "SPARQL 1.1 Protocol query (no query: the service description)",
                "parameters": [
                    {
                        "name": "query",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "string"},
                    },
                    {
                        "name": "default-graph-uri",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "array", "items": {"type": "string"}},
                    },
                    {
                        "name": "named-graph-uri",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "array", "items": {"type": "string"}},
                    },
                    _INFERRED,
                ],
                "responses": {"200": _results("results or a graph"), "400": _ERROR},
            },
            "post": {
                "operationId": "sparqlPost",
                "summary": "SPARQL 1.1 Protocol query by POST (form or direct)",
                "requestBody": {
                    "content": {
                        "application/x-www-form-urlencoded": {
                            "schema": {
                                "type": "object",
                                "properties": {"query": {"type": "string"}},
                            }
                        },
                        "application/sparql-query": {"schema": {"type": "string"}},
                    }
                },
                "responses": {"200": _results("results or a graph"), "400": _ERROR},
            },
        },
        "/queries": {
            "get": {
                "operationId": "listQueries",
                "summary": "the saved queries with their metadata and parameters",
                "responses": {
                    "200": {"description": "the list", "content": {"application/json": {}}}
                },
            }
        },
    }
    for query in saved:
        paths[f"/queries/{query.name}"] = _query_path(query)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Kazakhstan–Kyrgyzstan knowledge graph",
            "version": version,
            "description": "SPARQL over the graph and its saved questions.",
        },
        "paths": paths,
    }
