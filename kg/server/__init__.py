"""``kg serve``: the graph over HTTP (SPARQL 1.1 Protocol, saved queries, Linked Data).

Needs the ``server`` extra (Starlette and uvicorn). ``create_app`` and ``serve`` are
imported on first use, so that ``kg`` starts fast without them.

May import: :mod:`kg.stores`, :mod:`kg.queries`, :mod:`kg.graph` and :mod:`kg.core`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kg.core.lazy import lazy_exports
from kg.server.config import ENVIRONMENT, ServerConfig

if TYPE_CHECKING:
    from kg.server.app import create_app
    from kg.server.run import serve

__all__ = ["ENVIRONMENT", "ServerConfig", "create_app", "serve"]


__getattr__, __dir__ = lazy_exports(
    globals(), {"create_app": "kg.server.app", "serve": "kg.server.run"}
)
