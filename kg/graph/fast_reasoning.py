"""The OWL RL closure in a fraction of owlrl's time: owlrl on the schema, the Rust reasoner
``reasonable`` (PyPI) on everything, and the property chains that reasonable lacks.

owlrl costs about a millisecond a triple; reasonable is 10 to 40 times faster but differs from
owlrl in ways made up for here:

1. It does not implement property chains (``owl:propertyChainAxiom``, rule prp-spo2), and its
   rule for functional properties (prp-fp) pairs up every triple of such a property, in memory
   quadratic in their number (3 GiB for 230 thousand triples). Both are applied here instead
   (prp-fp by subject: the IRIs and blank nodes one subject has as values of one functional
   property are ``owl:sameAs``), and reasonable run again, until nothing new is inferred.
2. It draws no conclusion about anonymous class expressions (scm-* rules on blank nodes), so
   owlrl computes the closure of the schema's axioms: the triples whose subject is not an
   individual of the instance namespace (``kk:``) and whose predicate is of the RDF, RDFS or
   OWL vocabulary, annotations left out. That closure is then given to reasonable with the
   data, which infers everything else.
3. It writes every plain literal as ``"..."^^xsd:string``; RDF 1.1 says they are the same term,
   rdflib does not: they are written back as plain literals.
4. It checks no consistency rule: :mod:`kg.graph.reasoning` checks the closure with
   :mod:`kg.graph.consistency`, and owlrl has checked the schema.

Each triple found is one owlrl would infer (each engine applies OWL RL rules to the same
triples); that owlrl infers nothing more is checked by tests on the article graph and on a
generated graph many times its size.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from itertools import permutations

import owlrl
from rdflib import OWL, RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.plugins.stores.memory import SimpleMemory
from rdflib.term import Node

from kg.core.namespaces import KK

__all__ = ["apply_chains", "closure", "plain", "property_chains", "same_values"]

Triple = tuple[Node, Node, Node]

_LOGIC = (str(RDF), str(RDFS), str(OWL))
_FUNCTIONAL = (RDF.type, OWL.FunctionalProperty)
_ANNOTATIONS = frozenset(
    {RDFS.label, RDFS.comment, RDFS.seeAlso, RDFS.isDefinedBy, OWL.versionInfo, OWL.versionIRI}
)


def plain(node: Node) -> Node:
    """``node``, with an ``xsd:string`` literal written as the plain literal it equals."""
    if isinstance(node, Literal) and node.datatype == XSD.string and node.language is None:
        return Literal(str(node))
    return node


def property_chains(graph: Graph) -> list[tuple[Node, list[Node]]]:
    """Each property with its chain (``owl:propertyChainAxiom``) as a list of properties."""
    return [
        (prop, list(Collection(graph, chain)))
        for prop, chain in graph.subject_objects(OWL.propertyChainAxiom)
    ]


def apply_chains(triples: set[Triple], chains: list[tuple[Node, list[Node]]]) -> set[Triple]:
    """The triples that ``chains`` (see :func:`property_chains`) add to ``triples``."""
    by_property: dict[Node, dict[Node, set[Node]]] = defaultdict(lambda: defaultdict(set))
    wanted = {p for _, chain in chains for p in chain}
    for s, p, o in triples:
        if p in wanted:
            by_property[p][s].add(o)
    found: set[Triple] = set()
    for prop, chain in chains:
        pairs = {(s, o) for s, objects in by_property[chain[0]].items() for o in objects}
        for step in chain[1:]:
            follow = by_property[step]
            pairs = {(s, o2) for s, o in pairs for o2 in follow.get(o, ())}
        found |= {(s, prop, o) for s, o in pairs}
    return found - triples


def same_values(triples: Iterable[Triple], functional: set[Node]) -> set[Triple]:
    """Rule prp-fp, by subject: the IRIs and blank nodes that one subject has as values of one
    of the ``functional`` properties are the same (``owl:sameAs`` both ways)."""
    values: dict[tuple[Node, Node], set[Node]] = defaultdict(set)
    for s, p, o in triples:
        if p in functional and not isinstance(o, Literal):
            values[(s, p)].add(o)
    return {(a, OWL.sameAs, b) for found in values.values() for a, b in permutations(found, 2)}


def _graph(triples: Iterable[Triple]) -> Graph:
    graph = Graph(store=SimpleMemory())  # no named graphs: a third faster to fill and search
    graph.store.addN((s, p, o, graph) for s, p, o in triples)
    return graph


def _axiom(triple: Triple) -> bool:
    """A triple of the schema's logic: its subject is not an instance IRI, and its predicate is
    in the RDF, RDFS or OWL vocabulary but not an annotation (labels, comments, versions)."""
    s, p, _ = triple
    if isinstance(s, URIRef) and s.startswith(KK):
        return False
    return str(p).startswith(_LOGIC) and p not in _ANNOTATIONS


def _schema(graph: Graph) -> Graph:
    """owlrl's closure of the schema's axioms (see :func:`_axiom`)."""
    schema = _graph(t for t in graph if _axiom(t))
    owlrl.DeductiveClosure(
        owlrl.OWLRL_Semantics, rdfs_closure=False, axiomatic_triples=False, datatype_axioms=False
    ).expand(schema)
    return schema


def closure(graph: Graph) -> Graph:
    """The OWL RL closure of ``graph`` (its triples and the inferred ones), with owlrl's error
    reports about the schema (``err:ErrorMessage`` nodes) if it found any. ``graph`` is not
    modified."""
    import reasonable  # type: ignore[import-untyped]

    schema = _schema(graph)
    chains = property_chains(schema)
    functional = {t[0] for t in (*graph, *schema) if t[1:] == _FUNCTIONAL}
    reasoner = reasonable.PyReasoner()
    # owlrl types literals (rule dt-type2): reasonable takes no literal as a subject
    reasoner.from_graph(
        [t for t in (*graph, *schema) if not isinstance(t[0], Literal) and t[1:] != _FUNCTIONAL]
    )
    closed = {(plain(s), p, plain(o)) for s, p, o in reasoner.reason()}
    while extra := (apply_chains(closed, chains) | same_values(closed, functional)) - closed:
        reasoner.from_graph(list(extra))  # added to what it holds; it reasons again from there
        closed = {(plain(s), p, plain(o)) for s, p, o in reasoner.reason()}
    return _graph(closed.union(schema))
