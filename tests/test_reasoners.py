"""A second OWL RL engine agrees with owlrl (kg.graph.reasoning.reason) on the instance data,
and the project's fast engine (kg.graph.fast_reasoning) infers exactly owlrl's triples: on the
article graph, and on a graph of the benchmark suite's generator (each closed by owlrl once).

reasonable (PyPI; a Rust OWL RL reasoner, 10 to 40 times faster) and owlrl run on the same
graph: the published asserted graph (ontology, article and excerpts, as ``kg build`` writes
it), read once, so that both see the same blank nodes (the ontology's restrictions, which
instances are typed with). Compared: the inferred triples whose subject is an instance
(``https://w3id.org/kazkgz/id/``), after kg.graph.reasoning's noise filter on both sides and with a
plain literal and an xsd:string literal taken as the same term (RDF 1.1; reasonable writes
"x"^^xsd:string for the asserted "x", so that oa:exact, oa:prefix ... would look inferred).

The one explained difference: reasonable does not implement property chains (OWL RL rule
prp-spo2). The ontology has two, kko:placeWithin (kko:place / kko:locatedIn) and kko:memberOf
(kko:hasMembership / org:organization); what owlrl alone infers is exactly their triples and
what follows from them along rdfs:subPropertyOf and owl:inverseOf (org:memberOf,
kko:hasMember, org:hasMember). The test asserts that set, by predicate and by count, so any new
difference fails. Also not in reasonable, and not compared here: eq-ref (owlrl's reflexive
owl:sameAs, which kg.graph.reasoning drops as noise anyway) and the consistency rules (eq-diff*,
prp-pdw, cls-com ...), which kg.graph.reasoning checks on owlrl's closure; where reasonable is used,
those must come from elsewhere.

On the generated graph (two copies of the article's graph joined through the hubs, with two
IRIs as values of one functional property), the benchmark suite's reasonable (the chains and
prp-fp applied outside it; in memory and fed from the file) infers owlrl's instance triples, and
the fast engine every triple owlrl infers, owl:sameAs and what follows from it included.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
import reasonable
from rdflib import OWL, RDFS, XSD, Graph, Literal, URIRef
from stores.fixtures import published  # noqa: F401 (fixture)

from kg.core.namespaces import KK, KKO
from kg.core.paths import default_sources
from kg.graph import fast_reasoning
from kg.graph.reasoning import is_noise, owlrl_closure, reason

pytestmark = [pytest.mark.realdata, pytest.mark.slow]

ORG = "http://www.w3.org/ns/org#"
# what owlrl alone infers: predicate -> number of triples (see the module docstring)
CHAIN_TRIPLES = {
    KKO + "placeWithin": 11,
    KKO + "memberOf": 12,
    ORG + "memberOf": 12,
    ORG + "hasMember": 12,
}

Triple = tuple[object, object, object]


def _term(triple: Triple) -> Triple:
    s, p, o = triple
    if isinstance(o, Literal) and o.datatype == XSD.string and o.language is None:
        o = Literal(str(o))
    return (s, p, o)


def _instances(triples: set[Triple]) -> set[Triple]:
    return {t for t in triples if isinstance(t[0], URIRef) and str(t[0]).startswith(KK)}


@pytest.fixture(scope="module")
def article(published: Path) -> tuple[Graph, frozenset[Triple]]:  # noqa: F811
    """The published asserted graph and what owlrl infers from it (closed once for the
    module: about ten seconds)."""
    graph = Graph().parse(published / "asserted.nt", format="nt")
    started = time.perf_counter()
    by_owlrl = frozenset(reason(graph, "owlrl"))
    print(f"\nowlrl {time.perf_counter() - started:.2f} s")
    return graph, by_owlrl


@pytest.fixture(scope="module")
def inferred(article: tuple[Graph, frozenset[Triple]]) -> dict[str, set[Triple]]:
    """engine → its inferred instance triples (normalised)."""
    graph, owlrl_triples = article
    asserted = {_term(t) for t in graph}
    by_owlrl = {_term(t) for t in owlrl_triples}
    started = time.perf_counter()
    reasoner = reasonable.PyReasoner()
    reasoner.from_graph(graph)
    by_reasonable = {_term(t) for t in reasoner.reason() if not is_noise(t)} - asserted
    reasonable_time = time.perf_counter() - started
    print(f"\nreasonable {reasonable_time:.2f} s")
    return {"owlrl": _instances(by_owlrl), "reasonable": _instances(by_reasonable)}


def chain_closure(ontology: Graph) -> set[URIRef]:
    """The chain properties and every property reached from them along rdfs:subPropertyOf
    (upwards) and owl:inverseOf (either way)."""
    found = {p for p in ontology.subjects(OWL.propertyChainAxiom, None) if isinstance(p, URIRef)}
    while True:
        more = set(found)
        for p in found:
            more |= set(ontology.objects(p, RDFS.subPropertyOf))
            more |= set(ontology.objects(p, OWL.inverseOf))
            more |= set(ontology.subjects(OWL.inverseOf, p))
        more = {p for p in more if isinstance(p, URIRef)}
        if more == found:
            return found
        found = more


def test_reasonable_infers_nothing_owlrl_does_not(inferred: dict[str, set[Triple]]) -> None:
    extra = inferred["reasonable"] - inferred["owlrl"]
    assert extra == set(), sorted(extra)[:10]


def test_owlrl_alone_infers_exactly_the_property_chains(
    inferred: dict[str, set[Triple]],
    published: Path,  # noqa: F811
) -> None:
    only_owlrl = inferred["owlrl"] - inferred["reasonable"]
    by_predicate = Counter(str(p) for _s, p, _o in only_owlrl)
    assert dict(by_predicate) == CHAIN_TRIPLES
    ontology = Graph().parse(published / "asserted.nt", format="nt")
    assert set(CHAIN_TRIPLES) <= {str(p) for p in chain_closure(ontology)}


def test_most_instance_inferences_agree(inferred: dict[str, set[Triple]]) -> None:
    shared = inferred["owlrl"] & inferred["reasonable"]
    assert len(shared) > 1000
    assert len(shared) == len(inferred["owlrl"]) - sum(CHAIN_TRIPLES.values())


def test_the_fast_engine_infers_what_owlrl_infers(article: tuple[Graph, frozenset[Triple]]) -> None:
    """On the article graph, every triple: blank nodes (the ontology's restrictions) included."""
    graph, by_owlrl = article
    assert len(by_owlrl) > 1500
    assert set(reason(graph, "fast")) == by_owlrl


@dataclass(frozen=True)
class Generated:
    """A generated graph: its file, the ontology, both read as one graph, and what owlrl's
    closure adds to it (without kg's noise)."""

    data: Path
    schema: Graph
    graph: Graph
    by_owlrl: frozenset[Triple]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    """The generator's graph (seed 9) at scale 2, with two IRIs as values of one functional
    property, read and closed by owlrl once for the module (about fifteen seconds; owlrl's own
    closure: kg.graph.reasoning.reason refuses two values of a functional property)."""
    generate = pytest.importorskip("benchmarks.generate").generate
    data = tmp_path_factory.mktemp("generated") / "data.nt"
    generate(2, data, seed=9)
    x, q1, q2 = KK["s9c0-deal"], KK["s9c0-q1"], KK["s9c0-q2"]
    more = Graph()
    more.add((x, KKO.valueQualifier, q1))
    more.add((x, KKO.valueQualifier, q2))
    more.add((q1, KKO.valueQualifier, x))  # something to carry over to q2
    with data.open("a", encoding="utf-8") as handle:
        handle.write(more.serialize(format="nt"))
    schema = Graph()
    for file in default_sources().ontology:
        schema.parse(file, format="turtle")
    graph = Graph().parse(data, format="nt") + schema
    closed = owlrl_closure(graph)
    by_owlrl = frozenset(t for t in closed if t not in graph and not is_noise(t))
    return Generated(data, schema, graph, by_owlrl)


def test_the_fast_engine_infers_what_owlrl_infers_on_a_generated_graph(
    generated: Generated,
) -> None:
    """Every triple, owl:sameAs between the two values of the functional property included."""
    by_owlrl = generated.by_owlrl
    assert len(by_owlrl) > 3000
    assert (KK["s9c0-q2"], OWL.sameAs, KK["s9c0-q1"]) in by_owlrl
    assert {t for t in fast_reasoning.closure(generated.graph) if not is_noise(t)} == by_owlrl


def test_benchmark_reasonable_infers_owlrls_instance_triples(generated: Generated) -> None:
    """The benchmark's reasonable in memory (its closure as kg.graph.reasoning filters
    owlrl's)."""
    reasoners = pytest.importorskip("benchmarks.reasoners", reason="pip install -e '.[bench]'")
    expected = reasoners.instance_triples(generated.by_owlrl)
    assert len(expected) > 1000
    inferred = reasoners.reasonable_inferred(generated.graph)
    assert reasoners.instance_triples(inferred) == expected


def test_file_fed_benchmark_reasonable_infers_owlrls_instance_triples(
    generated: Generated, tmp_path: Path
) -> None:
    """reasonable fed from the file, its closure streamed to a file, the chains and prp-fp
    applied outside it."""
    reasoners = pytest.importorskip("benchmarks.reasoners", reason="pip install -e '.[bench]'")
    from benchmarks.generate import nt_term

    assert f"<{KK}s9c1-" in generated.data.read_text(encoding="utf-8")  # the second copy
    out = tmp_path / "inferred.nt"
    written = reasoners.reasonable_inferred_file(generated.data, generated.schema, out)
    lines = out.read_text(encoding="utf-8").splitlines()
    assert written == len(lines)
    # the lines about instances, blank node labels kept as written (unlike a parser)
    expected = {
        " ".join(nt_term(term) for term in triple) + " ."
        for triple in reasoners.instance_triples(generated.by_owlrl)
    }
    assert {line for line in lines if line.startswith(f"<{KK}")} == expected
