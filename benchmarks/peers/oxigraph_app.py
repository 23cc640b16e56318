"""A minimal SPARQL endpoint, the endpoint benchmark's floor: Starlette over an in-memory
pyoxigraph store loaded from the Turtle file named by ``$KG_BENCH_DATA``.

    KG_BENCH_DATA=asserted.ttl uvicorn benchmarks.peers.oxigraph_app:app --workers 2

GET /sparql?query=... answers SELECT and ASK as SPARQL JSON results; nothing else (no limits,
no time limit, no isolation)."""

from __future__ import annotations

import os

from pyoxigraph import QueryResultsFormat, RdfFormat, Store
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

store = Store()
store.bulk_load(path=os.environ["KG_BENCH_DATA"], format=RdfFormat.TURTLE)


async def sparql(request: Request) -> Response:
    try:
        results = store.query(request.query_params["query"])
        body = results.serialize(format=QueryResultsFormat.JSON)  # type: ignore[arg-type]
    except (KeyError, SyntaxError, ValueError) as exc:
        return PlainTextResponse(f"{type(exc).__name__}: {exc}\n", status_code=400)
    return Response(body, media_type="application/sparql-results+json")


app = Starlette(routes=[Route("/sparql", sparql)])
