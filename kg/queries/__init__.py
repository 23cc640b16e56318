"""SPARQL over the graph: saved queries' ``#+`` metadata and typed parameters
(:mod:`.metadata`), running saved and ad hoc queries on rdflib (:mod:`.execution`), their results
(:mod:`.results`), the consistency checks ``queries/checks/*-violation.rq`` (:mod:`.checks`) and
the command line's cache of printed answers (:mod:`.answers`).

May import: :mod:`kg.graph` and :mod:`kg.core`."""
