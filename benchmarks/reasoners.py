"""OWL RL closures for large graphs: ``reasonable`` (Rust, PyPI) completed to match owlrl.

owlrl is the project's reference reasoner (kg.graph.reasoning); it costs about a millisecond a
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
   ..., and the functional-property clashes that kg.graph.reasoning adds): it cannot say that a
   graph is inconsistent. Where it is used, consistency must be checked elsewhere (the library's
   fast engine, kg.graph.fast_reasoning, runs kg.graph.consistency on its closure; the benchmarks
   use these functions only to time the closure).

Output is then filtered as :func:`kg.graph.reasoning.reason` filters owlrl's: the inferred triples
only, without the noise listed there.

:func:`reasonable_inferred_file` does the same for a million triples and more within a few
GiB: reasonable reads the data file itself, the closure is written to an N-Triples file as it
is read, and only the triples of the chains' properties are held in Python. It also keeps the
``owl:FunctionalProperty`` declarations from reasonable, whose rule prp-fp pairs up all the
triples of such a property (memory quadratic in their number: 3 GiB for 230 thousand
triples), and applies prp-fp itself, by subject: two IRIs (or blank nodes) that are values of
one functional property for one subject are the same (``owl:sameAs`` both ways, reasoned
again). Two different literals there are a clash, which owlrl reports and reasonable does not
(point 3).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from rdflib import OWL, RDF, Graph, URIRef
from rdflib.term import Node

from benchmarks.generate import nt_term
from kg.core.namespaces import KK
from kg.graph.fast_reasoning import apply_chains, plain, property_chains, same_values
from kg.graph.reasoning import is_noise

__all__ = ["instance_triples", "reasonable_inferred", "reasonable_inferred_file"]

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
    property chains (see the module documentation), filtered as kg.graph.reasoning filters
    owlrl's."""
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


def _line(triple: Triple) -> str:
    return f"{nt_term(triple[0])} {nt_term(triple[1])} {nt_term(triple[2])} .\n"


def _completions(
    closed: Sequence[Triple], chains: list[tuple[Node, list[Node]]], functional: set[Node]
) -> set[Triple]:
    """The triples that the chains and prp-fp add to ``closed`` (only the triples of the
    properties they read and write are held)."""
    read = {p for _, chain in chains for p in chain} | functional
    written = {prop for prop, _ in chains} | {OWL.sameAs}
    relevant = {(plain(s), p, plain(o)) for s, p, o in closed if p in read or p in written}
    found = apply_chains(relevant, chains) | same_values(relevant, functional)
    return found - relevant


def reasonable_inferred_file(data: Path, schema: Graph, out: Path) -> int:
    """Write to ``out`` (N-Triples) the triples that the OWL RL closure of the N-Triples file
    ``data`` with ``schema`` (the ontology) adds, as :func:`reasonable_inferred` finds them,
    but with reasonable reading ``data`` itself (see the module documentation); the property
    chains and functional properties are read from ``schema``. Returns the number written."""
    import reasonable  # the bench extra

    chains = property_chains(schema)
    functional = set(schema.subjects(RDF.type, OWL.FunctionalProperty))
    reasoner = reasonable.PyReasoner()
    with tempfile.TemporaryDirectory() as folder:
        link = Path(folder) / "data.ttl"  # reasonable reads by file name; N-Triples is Turtle
        link.symlink_to(data.resolve())
        reasoner.load_file(str(link))
    kept = Graph()
    kept += (t for t in schema if not (t[1] == RDF.type and t[2] == OWL.FunctionalProperty))
    reasoner.from_graph(kept)
    # asserted, then written: the lines not to write (again)
    done = {_line((plain(s), p, plain(o))) for s, p, o in reasoner.get_base_triples()}
    done |= {_line(t) for t in schema}
    closed = reasoner.reason()
    while extra := _completions(closed, chains, functional):
        reasoner.from_graph(list(extra))
        del closed
        closed = reasoner.reason()
    count = 0
    with out.open("w", encoding="utf-8", newline="\n") as handle:
        for s, p, o in closed:
            triple = (plain(s), p, plain(o))
            line = _line(triple)
            if line not in done and not is_noise(triple):
                handle.write(line)
                done.add(line)
                count += 1
    return count


def instance_triples(graph: Graph) -> set[Triple]:
    """The triples about the data: subject an instance IRI (``kk:``). Schema-level inferences
    (about classes, properties and class expressions of the ontologies we reuse) are owlrl's
    alone: reasonable does not apply rules such as scm-dom2 or scm-eqc to blank class
    expressions."""
    return {(s, p, plain(o)) for s, p, o in graph if isinstance(s, URIRef) and s.startswith(KK)}
