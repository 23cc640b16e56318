"""The graph's lifecycle: load the Turtle (:mod:`.loading`), generate and check the article's
excerpts (:mod:`.excerpts`), validate with SHACL (:mod:`.validation`, with the fast paths of
:mod:`.shacl_focus` and :mod:`.shacl_sparql`), reason with OWL RL (:mod:`.reasoning`,
:mod:`.fast_reasoning`) and check the closure's consistency (:mod:`.consistency`), cache what
costs time (:mod:`.cache`), serialise graphs (:mod:`.serialization`), trace a node to the
article's words (:mod:`.provenance`) and count what the graph holds (:mod:`.counts`).

May import: :mod:`kg.core`, rdflib, owlrl, pyshacl, reasonable."""
