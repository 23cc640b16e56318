"""Shared basics that every other part of kg uses: the error types (:mod:`.errors`), where the
project's files are (:mod:`.paths`), the project's settings (IRIs, formats, versions, the choice
of reasoning engine: :mod:`.settings`), its namespaces and CURIEs (:mod:`.namespaces`), files on
disk (atomic writes, cache keys: :mod:`.files`), a progress indicator (:mod:`.progress`), and
lazy imports, the one mechanism behind the command line's fast start (:mod:`.lazy`).

May import: the standard library, and rdflib (only :mod:`.namespaces` does). Nothing here
imports another part of kg, and only :mod:`.namespaces` loads an RDF library, so that the
command line can answer from its cache without one."""
