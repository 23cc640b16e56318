"""Shared basics that every other part of kg uses: the error types (:mod:`.errors`), where the
project's files are (:mod:`.paths`), the names and IRIs the project mints (:mod:`.constants`,
:mod:`.namespaces`), versions, the choice of reasoning engine, cache keys, atomic file writes,
a progress indicator, and lazy imports for the command line's fast start (:mod:`.lazy`).

May import: the standard library and rdflib (only :mod:`.namespaces` does). Nothing here
imports another part of kg, and only :mod:`.namespaces` loads an RDF library, so that the
command line can answer from its cache without one."""
