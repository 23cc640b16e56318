"""OWL 2 RL's consistency rules, checked on a closure: the rules of the OWL 2 RL profile whose
conclusion is *false* (eq-diff1–3, prp-irp, prp-asyp, prp-pdw, prp-adp, prp-npa1–2,
cls-nothing2, cls-com, cls-maxc1, cls-maxqc1–2, cax-dw, cax-adc, dt-not-type).

owlrl checks them while it reasons; ``reasonable`` checks none, so :mod:`kg.graph.reasoning` runs
these on the closure it computes with it. Messages use owlrl's wording, so that a problem reads
the same whichever engine found it. Two rules are checked as the profile states them where
owlrl stops short: eq-diff2/3 and prp-adp compare every pair of a list, where owlrl skips the
last member.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import combinations

from owlrl.DatatypeHandling import AltXSDToPYTHON
from owlrl.OWLRL import OWL_RL_Datatypes
from rdflib import OWL, RDF, Graph, Literal
from rdflib.term import Node

__all__ = ["violations"]

_SAME_AND = "'sameAs' and"
_PAIR = "cannot be used on the same subject-object pair"


def _pairs(graph: Graph, owner: Node, *properties: Node) -> Iterator[tuple[Node, Node]]:
    """Each pair of members at two different positions of the lists that ``owner`` has under
    ``properties``. A position may hold several members: in a closure, owl:sameAs rewrites
    (rule eq-rep-o) give a list node one ``rdf:first`` for each name of its member."""
    for prop in properties:
        for head in graph.objects(owner, prop):
            positions: list[set[Node]] = []
            node: Node | None = head
            seen: set[Node] = set()
            while node is not None and node != RDF.nil and node not in seen:
                seen.add(node)
                positions.append(set(graph.objects(node, RDF.first)))
                node = graph.value(node, RDF.rest)
            for first, second in combinations(positions, 2):
                yield from ((a, b) for a in first for b in second)


def _same(graph: Graph, a: Node, b: Node) -> bool:
    return a != b and ((a, OWL.sameAs, b) in graph or (b, OWL.sameAs, a) in graph)


def _equality(graph: Graph) -> Iterator[str]:
    for x, y in graph.subject_objects(OWL.differentFrom):
        if _same(graph, x, y):  # eq-diff1
            yield f"{_SAME_AND} 'differentFrom' {_PAIR}: ({x}, {y})"
    for group in graph.subjects(RDF.type, OWL.AllDifferent):  # eq-diff2, eq-diff3
        for a, b in _pairs(graph, group, OWL.members, OWL.distinctMembers):
            if _same(graph, a, b):
                yield f"{_SAME_AND} 'AllDifferent' {_PAIR}: ({a}, {b})"


def _properties(graph: Graph) -> Iterator[str]:
    for p in graph.subjects(RDF.type, OWL.IrreflexiveProperty):  # prp-irp
        for x, y in graph.subject_objects(p):
            if x == y:
                yield f"Irreflexive property used on {x} with {p}"
    for p in graph.subjects(RDF.type, OWL.AsymmetricProperty):  # prp-asyp
        for x, y in graph.subject_objects(p):
            if (y, p, x) in graph:
                yield f"Erroneous usage of asymmetric property {p} on {x} and {y}"
    for p1, p2 in graph.subject_objects(OWL.propertyDisjointWith):  # prp-pdw
        for x, y in graph.subject_objects(p1):
            if (x, p2, y) in graph:
                yield f"Erroneous usage of disjoint properties {p1} and {p2} on {x} and {y}"
    for group in graph.subjects(RDF.type, OWL.AllDisjointProperties):  # prp-adp
        for pi, pj in _pairs(graph, group, OWL.members):
            for x, y in graph.subject_objects(pi):
                if (x, pj, y) in graph:
                    yield (
                        "Disjoint properties in an 'AllDisjointProperties' are not really "
                        f"disjoint: ({x}, {pi},{y}) and ({x},{pj},{y})"
                    )
    for negation, i1 in graph.subject_objects(OWL.sourceIndividual):  # prp-npa1, prp-npa2
        for p in graph.objects(negation, OWL.assertionProperty):
            for kind, target in (("object", OWL.targetIndividual), ("datatype", OWL.targetValue)):
                for i2 in graph.objects(negation, target):
                    if (i1, p, i2) in graph:
                        yield (
                            f"Negative ({kind}) property assertion violated for: ({i1}, {p}, {i2})"
                        )


def _zero(graph: Graph, restriction: Node, prop: Node) -> bool:
    return any(isinstance(n, Literal) and n.value == 0 for n in graph.objects(restriction, prop))


def _classes(graph: Graph) -> Iterator[str]:
    for x in graph.subjects(RDF.type, OWL.Nothing):  # cls-nothing2
        yield f"{x} is defined of type 'Nothing'"
    for c1, c2 in graph.subject_objects(OWL.complementOf):  # cls-com
        for x in graph.subjects(RDF.type, c1):
            if (x, RDF.type, c2) in graph:
                yield f"Violation of complementarity for classes {c1} and {c2} on element {x}"
    for restriction in set(graph.subjects(OWL.maxCardinality, None)):  # cls-maxc1
        if _zero(graph, restriction, OWL.maxCardinality):
            for p in graph.objects(restriction, OWL.onProperty):
                for u in graph.subjects(RDF.type, restriction):
                    for y in graph.objects(u, p):
                        yield f"Erroneous usage of maximum cardinality with {restriction} and {y}"
    for restriction in set(graph.subjects(OWL.maxQualifiedCardinality, None)):  # cls-maxqc1/2
        if _zero(graph, restriction, OWL.maxQualifiedCardinality):
            for p in graph.objects(restriction, OWL.onProperty):
                for c in graph.objects(restriction, OWL.onClass):
                    for u in graph.subjects(RDF.type, restriction):
                        for y in graph.objects(u, p):
                            if c == OWL.Thing or (y, RDF.type, c) in graph:
                                yield (
                                    "Erroneous usage of maximum qualified cardinality with "
                                    f"{restriction}, {c} and {y}"
                                )
    for c1, c2 in graph.subject_objects(OWL.disjointWith):  # cax-dw
        for x in graph.subjects(RDF.type, c1):
            if (x, RDF.type, c2) in graph:
                yield f"Disjoint classes {c1} and {c2} have a common individual {x}"
    for group in graph.subjects(RDF.type, OWL.AllDisjointClasses):  # cax-adc
        for c1, c2 in _pairs(graph, group, OWL.members):
            for x in graph.subjects(RDF.type, c1):
                if (x, RDF.type, c2) in graph:
                    yield f"Disjoint classes {c1} and {c2} have a common individual {x}"


def _literals(graph: Graph) -> Iterator[str]:
    seen: set[Literal] = set()
    for o in graph.objects(None, None):
        if isinstance(o, Literal) and o.datatype in OWL_RL_Datatypes and o not in seen:
            seen.add(o)
            try:  # dt-not-type, with owlrl's own lexical-to-value conversion
                AltXSDToPYTHON.get(o.datatype, str)(str(o))
            except ValueError:
                yield (
                    f"Lexical value of the literal '{o}' does not match its datatype ({o.datatype})"
                )


def violations(closure: Graph) -> list[str]:
    """The consistency rules that ``closure`` (an OWL RL closure) breaks, one message each."""
    return sorted(
        {*_equality(closure), *_properties(closure), *_classes(closure), *_literals(closure)}
    )
