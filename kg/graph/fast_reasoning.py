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

At a million triples the time goes to turning terms into reasonable's and back (about 10 µs a
triple each way), so reasonable gets only what its rules read: the triples of a property that
no rule reads but for its domain, range and super-properties (labels, selectors, sources ...,
see :class:`_Passive`) are kept back, and it gets the types they imply instead; their
super-properties' triples and owl:sameAs rewrites are derived here. What the chains and prp-fp
add is mostly found from the asserted triples first, so that reasonable seldom runs twice.
:func:`closure` returns only the triples it adds, in the input's own terms.

Each triple found is one owlrl would infer (each engine applies OWL RL rules to the same
triples); that owlrl infers nothing more is checked by tests on the article graph and on a
generated graph many times its size.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
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
# the types of a property that no OWL RL rule reads (prp-fp: see _Passive)
_DECLARATIONS = frozenset(
    {
        OWL.ObjectProperty,
        OWL.DatatypeProperty,
        OWL.AnnotationProperty,
        RDF.Property,
        OWL.FunctionalProperty,
    }
)
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


def _axiom(triple: Triple) -> bool:
    """A triple of the schema's logic: its subject is not an instance IRI, and its predicate is
    in the RDF, RDFS or OWL vocabulary but not an annotation (labels, comments, versions)."""
    s, p, _ = triple
    if isinstance(s, URIRef) and s.startswith(KK):
        return False
    return str(p).startswith(_LOGIC) and p not in _ANNOTATIONS


def _schema(axioms: Iterable[Triple]) -> Graph:
    """owlrl's closure of the schema's ``axioms`` (see :func:`_axiom`)."""
    schema = Graph(store=SimpleMemory())  # no named graphs: a third faster to fill and search
    schema.store.addN((s, p, o, schema) for s, p, o in axioms)
    owlrl.DeductiveClosure(
        owlrl.OWLRL_Semantics, rdfs_closure=False, axiomatic_triples=False, datatype_axioms=False
    ).expand(schema)
    return schema


def _free(predicate: Node) -> bool:
    """A predicate that no OWL RL rule reads: outside the RDF, RDFS and OWL vocabularies, or an
    annotation."""
    return not str(predicate).startswith(_LOGIC) or predicate in _ANNOTATIONS


@dataclass
class _Passive:
    """The properties whose triples take part in no OWL RL rule but prp-dom, prp-rng, prp-spo1
    (towards passive super-properties only) and the owl:sameAs rewrites (eq-rep-s, eq-rep-o):
    the schema names them only in declarations, annotations, domains, ranges and
    sub-properties, and a functional one has literal values only (prp-fp on other values is
    applied here, see :func:`same_values`). Their triples are kept from reasonable, which gets
    the types they imply instead; their super-properties' triples and their owl:sameAs
    rewrites (see :func:`_renamed`) are derived here."""

    supers: dict[Node, set[Node]]
    domains: dict[Node, set[Node]]
    ranges: dict[Node, set[Node]]

    @classmethod
    def of(
        cls, by_predicate: dict[Node, list[Triple]], schema: Graph, functional: set[Node]
    ) -> _Passive:
        """The passive properties of a graph (its triples ``by_predicate``) and of its schema's
        closure ``schema``."""
        named: set[Node] = set()  # named by an axiom other than those listed above
        supers: dict[Node, set[Node]] = defaultdict(set)
        domains: dict[Node, set[Node]] = defaultdict(set)
        ranges: dict[Node, set[Node]] = defaultdict(set)
        axioms = (t for p, ts in by_predicate.items() if not _free(p) for t in ts)
        for s, p, o in (*schema, *axioms):
            if s == o:
                continue  # reflexive (scm-op, scm-dp, eq-ref ...): nothing follows
            if p == RDFS.subPropertyOf:
                supers[s].add(o)
            elif p == RDFS.domain:
                domains[s].add(o)
            elif p == RDFS.range:
                ranges[s].add(o)
            elif p != RDF.type or not (o in _DECLARATIONS or not str(o).startswith(_LOGIC)):
                named.add(s)  # a type not of the OWL vocabulary would be one (owlrl's cax-sco)
            if p not in (RDFS.subPropertyOf, RDFS.domain, RDFS.range, RDF.type):
                named.add(o)
        valued = {  # functional, with an IRI or a blank node as a value
            p
            for p in functional
            if any(not isinstance(t[2], Literal) for t in by_predicate.get(p, ()))
        }
        used = {*by_predicate, *(q for qs in supers.values() for q in qs)}
        passive = {p for p in used if _free(p)} - named - valued
        while blocked := {p for p in passive if not supers[p] <= passive}:
            passive -= blocked
        return cls(
            {p: supers[p] for p in passive},
            {p: set().union(*(domains[q] for q in {p, *supers[p]})) for p in passive},
            {p: set().union(*(ranges[q] for q in {p, *supers[p]})) for p in passive},
        )

    def __contains__(self, predicate: object) -> bool:
        return predicate in self.supers


def _renamed(graph: Graph, passive: _Passive, same: dict[Node, set[Node]]) -> Iterator[Triple]:
    """The passive triples of ``graph`` and their super-properties' about the other names of
    their terms (``same``: each term's owl:sameAs in the closure; rules eq-rep-s, eq-rep-o)."""
    seen: set[Triple] = set()
    for term in same:
        for triple in (*graph.triples((term, None, None)), *graph.triples((None, None, term))):
            s, p, o = triple
            if p in passive and triple not in seen:
                seen.add(triple)
                for q in {p, *passive.supers[p]}:
                    for name in same.get(s, set()) | {s}:
                        yield from ((name, q, other) for other in same.get(o, set()) | {o})


def _along_properties(
    by_predicate: dict[Node, list[Triple]], schema: Graph, wanted: set[Node]
) -> set[Triple]:
    """The triples of the ``wanted`` properties that the asserted ones (``by_predicate``) give
    along sub-properties and inverses alone (prp-spo1, prp-inv1, prp-inv2): most of what the
    property chains and prp-fp read, found before reasonable runs."""
    steps: dict[Node, set[tuple[Node, bool]]] = defaultdict(set)  # property → (next, reversed)
    for a, b in schema.subject_objects(RDFS.subPropertyOf):
        steps[a].add((b, False))
    for a, b in schema.subject_objects(OWL.equivalentProperty):
        steps[a].add((b, False))
        steps[b].add((a, False))
    for a, b in schema.subject_objects(OWL.inverseOf):
        steps[a].add((b, True))
        steps[b].add((a, True))
    sources = set(wanted)  # the properties from which a wanted one is reached
    while more := {a for a, nexts in steps.items() if {q for q, _ in nexts} & sources} - sources:
        sources |= more
    found = {t for p in sources for t in by_predicate.get(p, ())}
    frontier = found
    while frontier:
        frontier = {
            (o, q, s) if flip else (s, q, o)
            for s, p, o in frontier
            for q, flip in steps.get(p, ())
            if q in sources and not (flip and isinstance(o, Literal))
        } - found
        found |= frontier
    return {t for t in found if t[1] in wanted}


def _completions(
    triples: set[Triple], chains: list[tuple[Node, list[Node]]], functional: set[Node]
) -> set[Triple]:
    """What the property chains and prp-fp add to ``triples``, which hold every triple of the
    properties they read and write."""
    return (apply_chains(triples, chains) | same_values(triples, functional)) - triples


def closure(graph: Graph) -> set[Triple]:
    """The triples that the OWL RL closure of ``graph`` adds to it (none of ``graph``'s own),
    with owlrl's error reports about the schema (``err:ErrorMessage`` nodes) if it found any;
    their terms are ``graph``'s own wherever they are equal. ``graph`` is not modified."""
    import reasonable  # type: ignore[import-untyped]

    terms: dict[Node, Node] = {}  # the input's terms, which the output shares
    by_predicate: dict[Node, list[Triple]] = defaultdict(list)
    for triple in graph:
        terms[triple[0]] = triple[0]
        terms[triple[2]] = triple[2]
        by_predicate[triple[1]].append(triple)
    terms.update((p, p) for p in by_predicate)
    logic = (ts for p, ts in by_predicate.items() if str(p).startswith(_LOGIC))
    schema = _schema(t for ts in logic for t in ts if _axiom(t))
    chains = property_chains(schema)
    functional = set(schema.subjects(*_FUNCTIONAL)) | set(graph.subjects(*_FUNCTIONAL))
    passive = _Passive.of(by_predicate, schema, functional)
    given: set[Triple] = set()  # the input's triples that reasonable gets
    implied: set[Triple] = set()  # the types that the passive ones give their terms
    derived: set[Triple] = set()  # and their super-properties' triples
    for p, triples in by_predicate.items():
        if p not in passive:
            given.update(triples)
            continue
        if domains := passive.domains[p]:
            implied.update((s, RDF.type, c) for s in {t[0] for t in triples} for c in domains)
        if ranges := passive.ranges[p]:
            objects = {t[2] for t in triples if not isinstance(t[2], Literal)}
            implied.update((o, RDF.type, c) for o in objects for c in ranges)
        derived.update((s, q, o) for s, _, o in triples for q in passive.supers[p])
    derived.difference_update(*(by_predicate.get(p, ()) for p in {t[1] for t in derived}))
    # prp-fp is applied here; owlrl types literals (rule dt-type2): reasonable takes no literal
    # as a subject
    withheld = {t for t in given if isinstance(t[0], Literal) or t[1:] == _FUNCTIONAL}
    given -= withheld
    read = {p for _, chain in chains for p in chain} | functional
    written = {prop for prop, _ in chains} | {OWL.sameAs}
    # what the asserted triples give the chains and prp-fp, so that reasonable seldom runs twice
    early = _completions(
        _along_properties(by_predicate, schema, read | written), chains, functional
    )
    del by_predicate
    reasoner = reasonable.PyReasoner()
    reasoner.from_graph(
        [
            *given,
            *(implied - given),
            *early,
            *(t for t in schema if not isinstance(t[0], Literal) and t[1:] != _FUNCTIONAL),
        ]
    )
    del implied
    while True:
        closed = reasoner.reason()
        relevant = {(plain(s), p, plain(o)) for s, p, o in closed if p in read or p in written}
        if not (extra := _completions(relevant, chains, functional)):
            break
        del closed
        reasoner.from_graph(list(extra))  # added to what it holds; it reasons again from there
    del reasoner
    same: dict[Node, set[Node]] = defaultdict(set)
    for a, _, b in (t for t in relevant if t[1] == OWL.sameAs and t[0] != t[2]):
        same[a].add(b)
    added = derived
    for s, p, o in closed:
        triple = (plain(s), p, plain(o))
        if not (triple in given or triple in withheld or (p in passive and triple in graph)):
            added.add(triple)
    del closed, given
    added.update(t for t in _renamed(graph, passive, same) if t not in graph)
    added.update(t for t in schema if t not in graph)
    return {(terms.get(s, s), terms.get(p, p), terms.get(o, o)) for s, p, o in added}
