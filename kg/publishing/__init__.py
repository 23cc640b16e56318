"""Publishing: the build that validates, reasons, checks and writes every artefact into dist/
(:mod:`.build`, running a step in a second process with :mod:`.parallel`), and the ontology's
HTML documentation and class diagram (:mod:`.ontology_docs`).

May import: :mod:`kg.stores`, :mod:`kg.queries`, :mod:`kg.graph` and :mod:`kg.core`."""
