"""``kg serve``: the graph over HTTP (SPARQL 1.1 Protocol, saved queries, Linked Data).

Needs the ``server`` extra (Starlette and uvicorn). ``create_app`` and ``serve`` are
imported on first use, so that ``kg`` starts fast without them.

May import: :mod:`kg.stores`, :mod:`kg.queries`, :mod:`kg.graph` and :mod:`kg.core`."""

from __future__ import annotations

from typing import Any

from kg.server.config import ENVIRONMENT, ServerConfig

__all__ = ["ENVIRONMENT", "ServerConfig", "create_app", "serve"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from kg.server.app import create_app

        return create_app
    if name == "serve":
        from kg.server.run import serve

        return serve
    raise AttributeError(f"module 'kg.server' has no attribute {name!r}")
