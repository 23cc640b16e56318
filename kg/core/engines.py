"""Which engine computes the OWL RL closure: chosen without importing either, so that cache
keys can name it cheaply."""

from __future__ import annotations

import os
from importlib.util import find_spec

from kg.core.errors import UsageError

__all__ = ["ENGINES", "default_engine", "fast_available", "resolve_engine"]

#: fast: owlrl on the schema and reasonable on everything (kg.graph.fast_reasoning); owlrl: the
#: reference, owlrl alone
ENGINES = ("fast", "owlrl")


def fast_available() -> bool:
    """True if ``reasonable``, which the fast engine needs, is installed."""
    return find_spec("reasonable") is not None


def default_engine() -> str:
    """``$KG_REASONER`` if set, else ``fast`` if reasonable is installed, else ``owlrl``."""
    return os.environ.get("KG_REASONER") or ("fast" if fast_available() else "owlrl")


def resolve_engine(engine: str | None) -> str:
    """``engine``, or the default one; a UsageError if it is unknown or cannot run here."""
    chosen = engine or default_engine()
    if chosen not in ENGINES:
        raise UsageError(f"unknown reasoner {chosen!r} (use {' or '.join(ENGINES)})")
    if chosen == "fast" and not fast_available():
        raise UsageError("the fast reasoner needs the package reasonable (pip install reasonable)")
    return chosen
