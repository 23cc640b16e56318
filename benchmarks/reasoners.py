"""OWL RL closures for large graphs: ``reasonable`` (Rust, PyPI) completed to match owlrl.

owlrl is the project's reference reasoner (kg.reasoning); it costs about a millisecond a
triple. ``reasonable`` is 10 to 40 times faster, but differs from owlrl in three ways, which
:func:`reasonable_inferred` makes up for, so that its instance inferences equal owlrl's (a test
checks it on the article graph and on a generated graph):

1. It does not implement property chains (``owl:propertyChainAxiom``, rule prp-spo2): our
   ontology infers ``kko:placeWithin`` (place ∘ located-in) and ``kko:memberOf`` (has-membership
   ∘ org:organization), and from the latter its super-property ``org:memberOf`` and the
   inverses ``kko:hasMember`` and ``org:hasMember``. We apply the chains ourselves and reason
   again, until nothing new is inferred.
2. It writes every plain literal as ``"..."^^xsd:string``; RDF 1.1 says they are the same
   term, rdflib does not: we write them back as plain literals.
3. It implements none of the consistency rules (eq-diff*, prp-pdw, prp-irp, cls-com, cls-nothing
   ..., and the functional-property clashes that kg.reasoning adds): it cannot say that a graph
   is inconsistent. Where it is used, consistency must be checked elsewhere (kg build runs
   owlrl; the benchmarks use it only to time the closure).

Output is then filtered as :func:`kg.reasoning.reason` filters owlrl's: the inferred triples
only, without the noise listed there.
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import Graph, URIRef
from rdflib.term import Node

from kg.fast_reasoning import apply_chains, plain, property_chains
from kg.namespaces import KK
from kg.reasoning import is_noise

__all__ = ["instance_triples", "reasonable_inferred"]

Triple = tuple[Node, Node, Node]


def _reasonable(triples: Iterable[Triple]) -> set[Triple]:
    import reasonable  # type: ignore[import-untyped]  # the bench extra

    graph = Graph()
    graph.store.addN((s, p, o, graph) for s, p, o in triples)
    reasoner = reasonable.PyReasoner()
    reasoner.from_graph(graph)
    return {(plain(s), p, plain(o)) for s, p, o in reasoner.reason()}


def reasonable_inferred(graph: Graph) -> Graph:
    """The triples that the OWL RL closure of ``graph`` adds, by ``reasonable`` completed with
    property chains (see the module documentation), filtered as kg.reasoning filters owlrl's."""
    asserted = {(plain(s), p, plain(o)) for s, p, o in graph}
    chains = property_chains(graph)
    closed = _reasonable(asserted)
    while True:
        extra = apply_chains(closed, chains)
        if not extra:
            break
        closed = _reasonable(closed | extra)
    inferred = Graph()
    inferred.store.addN(
        (s, p, o, inferred) for s, p, o in closed - asserted if not is_noise((s, p, o))
    )
    return inferred


def instance_triples(graph: Graph) -> set[Triple]:
    """The triples about the data: subject an instance IRI (``kk:``). Schema-level inferences
    (about classes, properties and class expressions of the ontologies we reuse) are owlrl's
    alone: reasonable does not apply rules such as scm-dom2 or scm-eqc to blank class
    expressions."""
    return {(s, p, plain(o)) for s, p, o in graph if isinstance(s, URIRef) and s.startswith(KK)}
