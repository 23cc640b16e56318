"""OWL RL reasoning: the inferred triples only, without owlrl's noise, and inconsistencies
raised as :class:`~kg.core.errors.InconsistencyError`.

Two engines compute the closure (``engine=``, or ``$KG_REASONER``; see :mod:`kg.core.settings`):

- ``owlrl``: the reference, owlrl alone (about a millisecond a triple);
- ``fast`` (the default when ``reasonable`` is installed): :mod:`kg.graph.fast_reasoning`, owlrl on
  the schema and reasonable on everything, with the consistency rules of
  :mod:`kg.graph.consistency`. Tests show it infers the same triples and finds the same
  inconsistencies as owlrl.

What :func:`reason` leaves out of owlrl's output (and nothing else):

1. triples whose subject is a literal;
2. reflexive ``owl:sameAs`` (``x owl:sameAs x``);
3. triples whose subject is a term of a standard vocabulary (``rdf:``, ``rdfs:``, ``owl:``,
   ``xsd:``), e.g. ``owl:Thing a owl:Class`` or ``xsd:string a rdfs:Datatype``;
4. tautologies about the ontology's own terms: reflexive ``rdfs:subClassOf``,
   ``owl:equivalentClass``, ``rdfs:subPropertyOf`` and ``owl:equivalentProperty``;
   ``C rdfs:subClassOf owl:Thing``; ``x rdf:type owl:Thing``; ``P rdfs:domain owl:Thing`` and
   ``P rdfs:range owl:Thing`` (or ``rdfs:Resource``);
5. owlrl's error reports (``err:ErrorMessage`` nodes): they become an InconsistencyError.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

import owlrl
from rdflib import OWL, RDF, RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.graph import ReadOnlyGraphAggregate
from rdflib.plugins.stores.memory import SimpleMemory
from rdflib.term import Node

from kg.core.errors import InconsistencyError
from kg.core.namespaces import bind_prefixes, compact
from kg.core.settings import resolve_engine
from kg.graph import consistency

__all__ = ["STANDARD_NAMESPACES", "is_noise", "owlrl_closure", "reason"]

Triple = tuple[Node, Node, Node]

STANDARD_NAMESPACES = (str(RDF), str(RDFS), str(OWL), str(XSD))
_ERR = owlrl.Namespaces.ERRNS
_REFLEXIVE = frozenset(
    {OWL.sameAs, RDFS.subClassOf, OWL.equivalentClass, RDFS.subPropertyOf, OWL.equivalentProperty}
)
_IRI_IN_MESSAGE = re.compile(r"(?:https?|urn|file):[^\s,()'\"<>]*[^\s,()'\"<>:.;]")


def _standard(term: Node) -> bool:
    return isinstance(term, URIRef) and str(term).startswith(STANDARD_NAMESPACES)


def is_noise(triple: Triple) -> bool:
    """True for an inferred triple that :func:`reason` leaves out (see the module doc)."""
    s, p, o = triple
    if isinstance(s, Literal) or _standard(s):
        return True
    if p in _REFLEXIVE and s == o:
        return True
    if p == RDFS.subClassOf and o == OWL.Thing:
        return True
    if p in (RDFS.domain, RDFS.range) and o in (OWL.Thing, RDFS.Resource):
        return True
    return p == RDF.type and o == OWL.Thing


def _error_messages(closure: Graph) -> list[str]:
    messages = [
        str(m)
        for node in closure.subjects(RDF.type, _ERR.ErrorMessage)
        for m in closure.objects(node, _ERR.error)
    ]
    return sorted(set(messages))


def _functional_clashes(closure: Graph, asserted: Graph) -> list[tuple[str, tuple[str, ...]]]:
    """A functional property with two different values: two literals that differ in value,
    or two IRIs not stated to be the same (the project's IRIs name distinct things)."""
    problems = []
    seen: set[tuple[Node, frozenset[Node]]] = set()
    for prop in sorted(set(closure.subjects(RDF.type, OWL.FunctionalProperty)), key=str):
        values: dict[Node, set[Node]] = defaultdict(set)
        for s, o in closure.subject_objects(prop):
            if not isinstance(s, Literal):
                values[s].add(o)
        for subject, objects in sorted(values.items(), key=lambda item: str(item[0])):
            distinct = _distinct(sorted(objects, key=str), asserted)
            key = (prop, frozenset(distinct))
            if len(distinct) > 1 and key not in seen:
                seen.add(key)
                shown = ", ".join(compact(o.n3()) for o in distinct)
                nodes = (str(subject), str(prop), *(str(o) for o in distinct))
                problems.append(
                    (
                        compact(f"functional property {prop} has two values on {subject}: {shown}"),
                        nodes,
                    )
                )
    return problems


def _distinct(objects: list[Node], asserted: Graph) -> list[Node]:
    kept: list[Node] = []
    for obj in objects:
        if isinstance(obj, BNode):
            continue
        same = any(
            (obj.eq(k) if isinstance(obj, Literal) and isinstance(k, Literal) else obj == k)
            or (obj, OWL.sameAs, k) in asserted
            or (k, OWL.sameAs, obj) in asserted
            for k in kept
        )
        if not same:
            kept.append(obj)
    return kept


def _nothing_members(closure: Graph) -> list[tuple[str, tuple[str, ...]]]:
    return [
        (compact(f"{s} is a member of owl:Nothing"), (str(s),))
        for s in sorted(closure.subjects(RDF.type, OWL.Nothing), key=str)
    ]


def check_consistency(closure: Graph, asserted: Graph, messages: list[str]) -> None:
    """Raise InconsistencyError if the engine reported ``messages``, an individual is an
    owl:Nothing, or a functional property has two different values."""
    problems: list[tuple[str, tuple[str, ...]]] = []
    seen: set[tuple[str, frozenset[str]]] = set()
    for message in messages:
        mentioned = _IRI_IN_MESSAGE.findall(message)
        if len(mentioned) >= 2 and len(set(mentioned)) == 1:
            continue  # owlrl also reports the pair (x, x) after merging x with its sameAs
        key = (_IRI_IN_MESSAGE.sub("?", message), frozenset(mentioned))
        if key not in seen:
            seen.add(key)
            problems.append((compact(message), tuple(dict.fromkeys(mentioned))))
    reported = {n for _, nodes in problems for n in nodes}
    problems += [p for p in _nothing_members(closure) if p[1][0] not in reported]
    problems += _functional_clashes(closure, asserted)
    if problems:
        raise InconsistencyError(problems)


def owlrl_closure(graph: Graph) -> Graph:
    """owlrl's OWL RL closure of a copy of ``graph`` (asserted and inferred triples, noise and
    error reports included; :func:`reason` with ``engine="owlrl"`` is the filtered, checked
    form)."""
    closed = Graph()
    for triple in graph:
        closed.add(triple)
    owlrl.DeductiveClosure(
        owlrl.OWLRL_Semantics, rdfs_closure=False, axiomatic_triples=False, datatype_axioms=False
    ).expand(closed)
    return closed


def _partition(added: Iterable[Triple], errors: set[Node]) -> tuple[Graph, Graph]:
    """``added`` as two graphs: the inferred triples that :func:`reason` returns, and the others
    (noise, error reports), which the consistency checks still read."""
    inferred, other = Graph(store=SimpleMemory()), Graph(store=SimpleMemory())
    for triple in added:
        kept = triple[0] not in errors and not is_noise(triple)
        (inferred if kept else other).store.add(triple, inferred if kept else other)
    return inferred, other


def _closure(graph: Graph, engine: str) -> tuple[Graph, Graph, list[str]]:
    """The closure of ``graph`` by ``engine`` (``graph`` and the triples it adds, read as one
    graph), the inferred triples that :func:`reason` returns, and the inconsistencies the
    engine reports."""
    if engine == "owlrl":
        closed = owlrl_closure(graph)
        errors = set(closed.subjects(RDF.type, _ERR.ErrorMessage))
        inferred, _ = _partition((t for t in closed if t not in graph), errors)
        return closed, inferred, _error_messages(closed)
    from kg.graph import fast_reasoning  # reasonable is optional

    added = fast_reasoning.closure(graph)  # none of graph's triples: the three are read as one
    errors = {s for s, p, o in added if p == RDF.type and o == _ERR.ErrorMessage}
    inferred, other = _partition(added, errors)
    del added
    closed = ReadOnlyGraphAggregate([graph, inferred, other])
    return closed, inferred, sorted({*_error_messages(closed), *consistency.violations(closed)})


def reason(graph: Graph, engine: str | None = None) -> Graph:
    """The triples that the OWL RL closure of ``graph`` adds, without the noise listed in the
    module documentation, as a new graph. ``graph`` is not modified. ``engine`` is ``fast`` or
    ``owlrl`` (default: :func:`kg.core.settings.default_engine`).

    Raises :class:`InconsistencyError` naming the nodes if the data is inconsistent."""
    closed, inferred, messages = _closure(graph, resolve_engine(engine))
    check_consistency(closed, graph, messages)
    return bind_prefixes(inferred)
