"""The project's settings: the names and IRIs every part of kg shares, the versions of kg and
of the libraries whose output it stores (one source: pyproject.toml), and which engine computes
the OWL RL closure. Nothing here imports an RDF library, so that the command line can build its
parser and answer from its cache without loading one."""

from __future__ import annotations

import os
from importlib.metadata import PackageNotFoundError, version
from importlib.util import find_spec

from kg.core.errors import UsageError

__all__ = [
    "ASSERTED_GRAPH",
    "BASE",
    "ENGINES",
    "EXPORT_FORMATS",
    "GRAPHS",
    "INFERRED_GRAPH",
    "RESULT_FORMATS",
    "VERIFICATION_GRAPH",
    "__version__",
    "default_engine",
    "fast_available",
    "library_versions",
    "package_version",
    "resolve_engine",
]

# ---------------------------------------------------------------- names and IRIs

#: the base of every IRI the project mints (ontology, instances, shapes, graphs)
BASE = "https://w3id.org/kazkgz/"
ASSERTED_GRAPH = BASE + "graph/asserted"
INFERRED_GRAPH = BASE + "graph/inferred"
#: the verification layer: what independent sources say of each of the article's facts
VERIFICATION_GRAPH = BASE + "graph/verification"
GRAPHS = {
    "asserted": ASSERTED_GRAPH,
    "inferred": INFERRED_GRAPH,
    "verification": VERIFICATION_GRAPH,
}

#: the SPARQL 1.1 results formats of SELECT and ASK answers
RESULT_FORMATS = ("json", "csv", "tsv", "xml")

#: our export format name -> (rdflib format, file extension)
EXPORT_FORMATS: dict[str, tuple[str, str]] = {
    "ttl": ("turtle", "ttl"),
    "nt": ("nt", "nt"),
    "jsonld": ("json-ld", "jsonld"),
    "xml": ("xml", "rdf"),
}


# ---------------------------------------------------------------- versions


def package_version(distribution: str) -> str:
    """The installed version of ``distribution``, or ``"unknown"``."""
    try:
        return version(distribution)
    except PackageNotFoundError:
        return "unknown"


__version__ = package_version("kazkgz")


def library_versions() -> dict[str, str]:
    """The versions that an artefact depends on: kazkgz, rdflib, owlrl and pyshacl."""
    return {name: package_version(name) for name in ("kazkgz", "rdflib", "owlrl", "pyshacl")}


# ---------------------------------------------------------------- the reasoning engine

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
