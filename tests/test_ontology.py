"""The ontology (ontology/kazkgz.ttl): a complete header whose version is the project's, labels
and definitions on every term, every term declared (alone and together with the graph), OWL 2
DL as far as the OWL API's profile checker and structural checks can show, consistency proven
by HermiT, and the useful OWL RL inferences present in the closure and absent from the input."""

from __future__ import annotations

import shutil
import subprocess
import time
import tomllib
from collections.abc import Iterable
from pathlib import Path

import pytest
from lib_helpers import KK, KKO, REPO
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, TIME
from stores.tools import JVM_OPTIONS

from kg.core.paths import default_sources
from kg.graph.reasoning import reason

# a plain Namespace: rdflib's XSD warns when pytest probes module attributes
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
ONTOLOGY_FILE = REPO / "ontology" / "kazkgz.ttl"
ONTOLOGY_IRI = URIRef("https://w3id.org/kazkgz/ontology")
STANDARD = (str(RDF), str(RDFS), str(OWL), str(XSD))
PROFILE_CHECKER = Path(__file__).resolve().parent / "owl" / "Owl2DlProfile.java"

PROPERTY_KINDS = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
# The datatypes of the OWL 2 datatype map (OWL 2 Structural Specification, section 4) and
# rdf:PlainLiteral / rdf:langString, which carry language-tagged strings.
OWL2_DATATYPE_MAP = {
    *(
        XSD[name]
        for name in [
            "decimal",
            "integer",
            "nonNegativeInteger",
            "nonPositiveInteger",
            "positiveInteger",
            "negativeInteger",
            "long",
            "int",
            "short",
            "byte",
            "unsignedLong",
            "unsignedInt",
            "unsignedShort",
            "unsignedByte",
            "double",
            "float",
            "string",
            "normalizedString",
            "token",
            "language",
            "Name",
            "NCName",
            "NMTOKEN",
            "boolean",
            "hexBinary",
            "base64Binary",
            "anyURI",
            "dateTime",
            "dateTimeStamp",
        ]
    ),
    OWL.real,
    OWL.rational,
    RDF.PlainLiteral,
    RDF.XMLLiteral,
    RDF.langString,
    RDFS.Literal,
}
DATE_DATATYPES = {XSD.date, XSD.gYear, XSD.gYearMonth}

pytestmark = pytest.mark.realdata


# ---------------------------------------------------------------------------- helpers


def _kko(name: str) -> URIRef:
    return URIRef(KKO + name)


def _ontology() -> Graph:
    graph = Graph()
    graph.parse(ONTOLOGY_FILE, format="turtle")
    return graph


def _graph_files(include_reference: bool = True) -> list[Path]:
    """graph/*.ttl; the reference layer only where asked (it is not reasoned over)."""
    sources = default_sources(REPO)
    return list(sources.data) + (list(sources.reference) if include_reference else [])


def _union(files: Iterable[Path]) -> Graph:
    graph = _ontology()
    for path in files:
        graph.parse(path, format="turtle")
    return graph


def _is_external(term: object) -> bool:
    return isinstance(term, URIRef) and not str(term).startswith(STANDARD)


def _declared(ontology: Graph) -> set[URIRef]:
    return {s for s in ontology.subjects(RDF.type, None) if isinstance(s, URIRef)}


def _typed(ontology: Graph, kinds: Iterable[URIRef]) -> set[URIRef]:
    return {s for k in kinds for s in ontology.subjects(RDF.type, k) if isinstance(s, URIRef)}


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return _ontology()


@pytest.fixture(scope="module")
def data() -> Graph:
    graph = Graph()
    for path in _graph_files():
        graph.parse(path, format="turtle")
    return graph


# ---------------------------------------------------------------------------- header


def test_header_is_complete_and_versioned_with_the_project(ontology: Graph) -> None:
    with (REPO / "pyproject.toml").open("rb") as handle:
        version = tomllib.load(handle)["project"]["version"]
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in ontology
    assert list(ontology.subjects(RDF.type, OWL.Ontology)) == [ONTOLOGY_IRI]
    version_iri = ontology.value(ONTOLOGY_IRI, OWL.versionIRI)
    assert version_iri == URIRef(f"{ONTOLOGY_IRI}/{version}"), "versionIRI drifted"
    assert ontology.value(ONTOLOGY_IRI, OWL.versionInfo) == Literal(version), (
        "owl:versionInfo must equal [project] version in pyproject.toml"
    )
    titles = {t.language for t in ontology.objects(ONTOLOGY_IRI, DCTERMS.title)}
    assert {"en", "zh"} <= titles
    for prop in (DCTERMS.description, DCTERMS.license, DCTERMS.creator):
        assert ontology.value(ONTOLOGY_IRI, prop) is not None, prop
    assert isinstance(ontology.value(ONTOLOGY_IRI, DCTERMS.license), URIRef)
    created = ontology.value(ONTOLOGY_IRI, DCTERMS.created)
    modified = ontology.value(ONTOLOGY_IRI, DCTERMS.modified)
    assert isinstance(created, Literal)
    assert isinstance(modified, Literal)
    assert created.datatype == modified.datatype == XSD.date
    assert modified.toPython() >= created.toPython()
    notes = [str(n) for n in ontology.objects(ONTOLOGY_IRI, SKOS.changeNote)]
    assert any(version in note for note in notes), f"no skos:changeNote mentions {version}"


# ---------------------------------------------------------------------------- labels


def test_every_class_property_and_controlled_value_has_labels_and_a_definition(
    ontology: Graph,
) -> None:
    """Classes, object and datatype properties of any namespace (the external ones are
    documented here too), and kko: annotation properties and named individuals. The external
    annotation properties (dcterms:title, skos:definition ...) are declared only so that the
    file is DL-typed; they keep their own vocabularies' documentation and are left out."""
    terms = _typed(ontology, (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty))
    terms |= {
        t
        for t in _typed(ontology, (OWL.AnnotationProperty, OWL.NamedIndividual))
        if str(t).startswith(KKO)
    }
    assert len(terms) > 150
    problems = []
    for term in sorted(terms):
        labels = [lab for lab in ontology.objects(term, RDFS.label) if isinstance(lab, Literal)]
        for language in ("en", "zh"):
            count = sum(1 for lab in labels if lab.language == language)
            if count != 1:
                problems.append(f"{term}: {count} rdfs:label @{language}")
        for language in ("en", "zh"):
            definitions = [
                d for d in ontology.objects(term, SKOS.definition) if d.language == language
            ]
            if len(definitions) != 1:
                problems.append(f"{term}: {len(definitions)} skos:definition @{language}")
    assert not problems, "\n".join(problems)


def _shared_labels(ontology: Graph) -> list[str]:
    """Labels that two terms share in one language (case aside)."""
    terms = _typed(ontology, (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty))
    terms |= {
        t
        for t in _typed(ontology, (OWL.AnnotationProperty, OWL.NamedIndividual, SKOS.ConceptScheme))
        if str(t).startswith(KKO)
    }
    owners: dict[tuple[str, str | None], set[URIRef]] = {}
    for term in terms:
        for label in ontology.objects(term, RDFS.label):
            if isinstance(label, Literal):
                owners.setdefault((str(label).lower(), label.language), set()).add(term)
    return sorted(f"{k}: {sorted(v)}" for k, v in owners.items() if len(v) > 1)


def test_every_label_names_one_term_per_language(ontology: Graph) -> None:
    """The defect this guards against: 43 labels were shared (kko:Place and kko:place; 状态 for
    kko:Status, kko:status and kko:statuses; 位于 for kko:locatedIn and prov:atLocation ...)."""
    assert _shared_labels(ontology) == []


def test_the_label_check_can_fail() -> None:
    bad = _ontology()
    bad.add((_kko("place"), RDFS.label, Literal("地点", lang="zh")))
    assert _shared_labels(bad)


def test_the_header_names_its_creator_and_publisher_as_resources(ontology: Graph) -> None:
    """DCMI: dcterms:creator and dcterms:publisher take agents (resources), not strings."""
    for prop in (DCTERMS.creator, DCTERMS.publisher):
        value = ontology.value(ONTOLOGY_IRI, prop)
        assert isinstance(value, URIRef), prop
        assert ontology.value(value, RDFS.label) is not None
    issued = ontology.value(ONTOLOGY_IRI, DCTERMS.issued)
    assert isinstance(issued, Literal)
    assert issued.datatype == XSD.date
    assert ontology.value(ONTOLOGY_IRI, OWL.priorVersion) is not None


# ---------------------------------------------------------------------------- declarations


VERSION_LINKS = (OWL.versionIRI, OWL.priorVersion)  # ontology IRIs, not entities


def _entity_iris(graph: Graph, annotation_properties: set[URIRef]) -> set[URIRef]:
    """IRIs in entity positions: subjects, predicates, and objects of every predicate that is
    not an annotation property (an IRI as an annotation value is not an entity in OWL 2)."""
    found: set[URIRef] = set()
    for s, p, o in graph:
        found.update(t for t in (s, p) if _is_external(t))
        if _is_external(o) and p not in annotation_properties and p not in VERSION_LINKS:
            found.add(o)  # type: ignore[arg-type]
    return found


def test_every_term_the_ontology_uses_is_declared(ontology: Graph) -> None:
    annotation_properties = _typed(ontology, (OWL.AnnotationProperty,))
    undeclared = _entity_iris(ontology, annotation_properties) - _declared(ontology)
    assert not undeclared, sorted(undeclared)


def test_every_kko_term_of_the_graph_is_declared_in_the_ontology(
    ontology: Graph, data: Graph
) -> None:
    used = {
        t for triple in data for t in triple if isinstance(t, URIRef) and str(t).startswith(KKO)
    }
    assert used, "the graph uses no kko: term"
    assert not used - _declared(ontology), sorted(used - _declared(ontology))


REFERENCE_FILE = REPO / "graph" / "reference.ttl"


@pytest.mark.parametrize(
    "layer",
    [
        pytest.param("article", id="article-layer"),
        pytest.param(
            "reference",
            id="reference-layer",
            marks=pytest.mark.skipif(not REFERENCE_FILE.is_file(), reason="no graph/reference.ttl"),
        ),
    ],
)
def test_every_external_predicate_and_class_of_the_graph_is_declared(
    layer: str, ontology: Graph
) -> None:
    """So that ontology + graph are OWL 2 DL-typed: each predicate is declared as a property
    and each class an instance is typed with is declared as an owl:Class."""
    files = _graph_files(include_reference=False) if layer == "article" else [REFERENCE_FILE]
    data = Graph()
    for path in files:
        data.parse(path, format="turtle")
    properties = _typed(ontology, PROPERTY_KINDS)
    classes = _typed(ontology, (OWL.Class,))
    predicates = {p for p in data.predicates() if _is_external(p)}
    types = {c for c in data.objects(None, RDF.type) if _is_external(c)}
    assert not predicates - properties, sorted(predicates - properties)
    assert not types - classes, sorted(types - classes)


# ---------------------------------------------------------------------------- OWL 2 DL


def _non_simple(graph: Graph) -> set[URIRef]:
    """Properties that are not simple (OWL 2 Structural Specification, section 11.1):
    transitive ones, those with a property chain, their super-properties, and the inverses
    of all of these."""
    result = set(graph.subjects(RDF.type, OWL.TransitiveProperty))
    result |= set(graph.subjects(OWL.propertyChainAxiom, None))
    inverse_pairs = list(graph.subject_objects(OWL.inverseOf))
    while True:
        grown = set(result)
        for sub, sup in graph.subject_objects(RDFS.subPropertyOf):
            if sub in grown:
                grown.add(sup)
        for first, second in inverse_pairs:
            if first in grown:
                grown.add(second)
            if second in grown:
                grown.add(first)
        if grown == result:
            return {p for p in result if isinstance(p, URIRef)}
        result = grown


def _dl_structure_violations(graph: Graph) -> list[str]:
    """The OWL 2 DL restrictions that a look at the triples can check."""
    problems: list[str] = []
    kinds = {kind: _typed(graph, (kind,)) for kind in PROPERTY_KINDS}
    for first, second in ((0, 1), (0, 2), (1, 2)):
        a, b = PROPERTY_KINDS[first], PROPERTY_KINDS[second]
        for term in sorted(kinds[a] & kinds[b]):
            problems.append(f"{term} is both {a} and {b} (illegal punning)")
    for term in sorted(_typed(graph, (OWL.Class,)) & _typed(graph, (RDFS.Datatype,))):
        problems.append(f"{term} is both a class and a datatype (illegal punning)")
    declared = set().union(*kinds.values())
    for s, p, o in graph:
        if _is_external(p) and p not in declared:
            problems.append(f"{p} is used as a property but not declared as one")
        if p in kinds[OWL.ObjectProperty] and isinstance(o, Literal):
            problems.append(f"object property {p} has the literal {o!r} on {s}")
        if p in kinds[OWL.DatatypeProperty] and not isinstance(o, Literal):
            problems.append(f"datatype property {p} has the resource {o} on {s}")
    non_simple = _non_simple(graph)
    needs_simple = [
        *(
            (p, "a cardinality restriction")
            for card in (
                OWL.cardinality,
                OWL.minCardinality,
                OWL.maxCardinality,
                OWL.qualifiedCardinality,
                OWL.minQualifiedCardinality,
                OWL.maxQualifiedCardinality,
            )
            for r in graph.subjects(card, None)
            for p in graph.objects(r, OWL.onProperty)
        ),
        *(
            (p, "owl:hasSelf")
            for r in graph.subjects(OWL.hasSelf, None)
            for p in graph.objects(r, OWL.onProperty)
        ),
        *(
            (p, f"a {kind.n3(graph.namespace_manager)} axiom")
            for kind in (
                OWL.FunctionalProperty,
                OWL.InverseFunctionalProperty,
                OWL.IrreflexiveProperty,
                OWL.AsymmetricProperty,
            )
            for p in graph.subjects(RDF.type, kind)
        ),
        *(
            (p, "owl:propertyDisjointWith")
            for pair in graph.subject_objects(OWL.propertyDisjointWith)
            for p in pair
        ),
    ]
    for prop, where in needs_simple:
        if prop in non_simple:
            problems.append(f"non-simple property {prop} used in {where}")
    problems.extend(_irregular_chains(graph))
    return problems


def _irregular_chains(graph: Graph) -> list[str]:
    """A property hierarchy is regular (section 11.2) when some strict order puts every
    property of a chain below the chain's super-property (except the super-property itself
    at either end). Such an order exists exactly when no chain property depends back on the
    super-property through sub-property, inverse and chain axioms."""
    below: dict[object, set[object]] = {}

    def add(sup: object, sub: object) -> None:
        below.setdefault(sup, set()).add(sub)

    for sub, sup in graph.subject_objects(RDFS.subPropertyOf):
        add(sup, sub)
    chains = []
    for sup, head in graph.subject_objects(OWL.propertyChainAxiom):
        members = list(Collection(graph, head))
        chains.append((sup, members))
        inner = members[1:-1] if len(members) > 1 else members
        ends = [m for m in (members[0], members[-1]) if m != sup]
        for member in {*inner, *ends}:
            add(sup, member)
    for first, second in graph.subject_objects(OWL.inverseOf):
        below.setdefault(first, set()).update(below.get(second, set()))
        below.setdefault(second, set()).update(below.get(first, set()))

    def reaches(start: object, goal: object) -> bool:
        seen, stack = set(), [start]
        while stack:
            node = stack.pop()
            if node == goal:
                return True
            if node not in seen:
                seen.add(node)
                stack.extend(below.get(node, ()))
        return False

    problems = []
    for sup, members in chains:
        if len(members) == 2 and members[0] == members[1] == sup:
            continue
        for position, member in enumerate(members):
            at_end = position in (0, len(members) - 1) and len(members) > 1
            if member == sup and not at_end:
                problems.append(f"chain of {sup} has {sup} inside it")
            elif member != sup and reaches(member, sup):
                problems.append(f"chain of {sup}: {member} depends back on {sup}")
    return problems


def test_structural_owl2_dl_checks_pass_on_ontology_and_graph(ontology: Graph) -> None:
    assert _dl_structure_violations(ontology) == []
    assert _dl_structure_violations(_union(_graph_files(include_reference=False))) == []


def test_structural_owl2_dl_checks_can_fail() -> None:
    bad = _ontology()
    bad.parse(
        data=f"""
        @prefix kko: <{KKO}> . @prefix owl: <{OWL}> . @prefix rdfs: <{RDFS}> .
        kko:locatedIn a owl:FunctionalProperty .
        kko:Bad a owl:Class ; rdfs:subClassOf [ a owl:Restriction ;
            owl:onProperty kko:placeWithin ; owl:maxCardinality 1 ] .
        kko:amount a owl:ObjectProperty .
        <{KK}kazakhstan> kko:undeclaredProperty "x" .
        kko:place rdfs:subPropertyOf kko:placeWithin .
        kko:placeWithin rdfs:subPropertyOf kko:locatedIn .
        <{KK}kazakhstan> kko:borders "Kyrgyzstan" .
        """,
        format="turtle",
    )
    text = "\n".join(_dl_structure_violations(bad))
    assert "ontology#amount is both" in text
    assert (
        "non-simple property https://w3id.org/kazkgz/ontology#locatedIn used in a owl:Func" in text
    )
    assert "placeWithin used in a cardinality restriction" in text
    assert "undeclaredProperty is used as a property but not declared" in text
    assert "object property https://w3id.org/kazkgz/ontology#borders has the literal" in text
    assert "chain of https://w3id.org/kazkgz/ontology#placeWithin:" in text


def test_literals_outside_the_owl2_datatype_map_are_only_annotation_values(
    ontology: Graph,
) -> None:
    """xsd:date, xsd:gYear and xsd:gYearMonth are not in the OWL 2 datatype map. The graph keeps
    them for users (a date keeps its precision, and one sortable xsd:date orders everything), as
    values of annotation properties only (kko:date, kko:beginDate, kko:endDate, dcterms:date and
    the header's dates), which the OWL 2 Direct Semantics does not reason over: HermiT then runs
    with no datatype ignored. A date on an object or datatype property would fail here."""
    union = _union(_graph_files(include_reference=False))
    annotation_properties = _typed(ontology, (OWL.AnnotationProperty,))
    outside: dict[URIRef, set[URIRef]] = {}
    for _, p, o in union:
        if isinstance(o, Literal) and o.datatype not in (None, *OWL2_DATATYPE_MAP):
            outside.setdefault(o.datatype, set()).add(p)  # type: ignore[arg-type]
    assert set(outside) <= DATE_DATATYPES, sorted(set(outside) - DATE_DATATYPES)
    used_on = set().union(*outside.values()) if outside else set()
    assert used_on, "no date literal at all: the test would show nothing"
    assert used_on <= annotation_properties, sorted(used_on - annotation_properties)


W3C_NAMESPACES = (
    "http://www.w3.org/ns/org#",
    "http://www.w3.org/ns/prov#",
    "http://purl.org/dc/terms/",
    "http://schema.org/",
    "http://xmlns.com/foaf/0.1/",
    "http://www.w3.org/2004/02/skos/core#",
    "http://www.w3.org/2006/time#",
)


def _local_axioms_on_w3c_terms(graph: Graph) -> list[str]:
    """Domains and ranges the ontology would add to terms that ORG, PROV, DCMI, schema.org,
    FOAF, SKOS or OWL-Time define: a tighter one belongs on a sub-property of our own."""
    return sorted(
        f"{s} {p.n3(graph.namespace_manager)} {o}"
        for s, p, o in graph
        if p in (RDFS.domain, RDFS.range) and str(s).startswith(W3C_NAMESPACES)
    )


def test_no_local_domain_or_range_on_w3c_terms(ontology: Graph) -> None:
    assert _local_axioms_on_w3c_terms(ontology) == []


def test_the_w3c_term_check_can_fail() -> None:
    bad = _ontology()
    bad.add((URIRef("http://www.w3.org/ns/org#holds"), RDFS.domain, _kko("Person")))
    assert _local_axioms_on_w3c_terms(bad) == [
        f"http://www.w3.org/ns/org#holds rdfs:domain {KKO}Person"
    ]


def test_no_duplicates_of_org_membership_properties(ontology: Graph) -> None:
    """org:hasMembership and org:hasMember are ORG's own; kko: copies of them were defects."""
    for name in ("hasMembership", "hasMember"):
        assert (_kko(name), None, None) not in ontology, name


def _kko_copies_of_owl_time(ontology: Graph) -> list[str]:
    """kko: properties that give a precision (a time:TemporalUnit) or a length of time as a
    number of their own, where OWL-Time has time:unitType and time:numericDuration."""
    return sorted(
        str(p)
        for p in set(ontology.subjects(RDF.type, OWL.ObjectProperty))
        | set(ontology.subjects(RDF.type, OWL.DatatypeProperty))
        if str(p).startswith(str(KKO))
        and (
            (p, RDFS.range, TIME.TemporalUnit) in ontology
            or (
                (p, RDFS.domain, _kko("Period")) in ontology
                and any(str(r).startswith(str(XSD)) for r in ontology.objects(p, RDFS.range))
            )
        )
    )


def test_precision_and_durations_are_owl_time_terms(ontology: Graph) -> None:
    """kko:datePrecision and kko:lengthInYears reinvented time:unitType and time:numericDuration;
    the article's dated things use OWL-Time's instead: 1992-10-15 is a day, 近35年来 35 years."""
    assert _kko_copies_of_owl_time(ontology) == []
    graph = _union(_graph_files(include_reference=False))
    day = graph.value(URIRef(KK + "establishment-of-diplomatic-relations"), TIME.hasTime)
    description = graph.value(day, TIME.hasDateTimeDescription)
    assert graph.value(description, TIME.unitType) == TIME.unitDay
    duration = graph.value(URIRef(KK + "period-nearly-35-years"), TIME.hasDuration)
    assert graph.value(duration, TIME.numericDuration).toPython() == 35  # type: ignore[union-attr]
    assert graph.value(duration, TIME.unitType) == TIME.unitYear


def test_the_owl_time_check_can_fail() -> None:
    bad = _ontology()
    bad.add((_kko("datePrecision"), RDF.type, OWL.ObjectProperty))
    bad.add((_kko("datePrecision"), RDFS.range, TIME.TemporalUnit))
    bad.add((_kko("lengthInYears"), RDF.type, OWL.DatatypeProperty))
    bad.add((_kko("lengthInYears"), RDFS.domain, _kko("Period")))
    bad.add((_kko("lengthInYears"), RDFS.range, XSD.nonNegativeInteger))
    assert _kko_copies_of_owl_time(bad) == [f"{KKO}datePrecision", f"{KKO}lengthInYears"]


# -- the OWL API's OWL 2 DL profile checker (shipped with owlready2) --------------------


def _owlapi_jar() -> Path | None:
    owlready2 = pytest.importorskip("owlready2")
    jars = sorted(Path(owlready2.__file__).parent.glob("pellet/owlapi-distribution-*.jar"))
    return jars[-1] if jars else None


_BAD_FOR_THE_PROFILE = f"""@prefix kko: <{KKO}> . @prefix owl: <{OWL}> . @prefix rdfs: <{RDFS}> .
    kko:Bad a owl:Class ; rdfs:subClassOf [ a owl:Restriction ;
        owl:onProperty kko:locatedIn ; owl:maxCardinality 1 ] .
    kko:Undeclared rdfs:subClassOf kko:State ."""


def _profile_documents() -> dict[str, Graph]:
    """The documents the profile checker judges: what users load (the ontology alone, with the
    article graph, and the whole with the reference layer), and the ontology spoiled twice."""
    bad = _ontology()
    bad.parse(data=_BAD_FOR_THE_PROFILE, format="turtle")
    return {
        "ontology": _ontology(),
        "ontology-and-graph": _union(_graph_files(include_reference=False)),
        "whole": _union(_graph_files(include_reference=True)),
        "bad": bad,
    }


@pytest.fixture(scope="module")
def profile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[bool, list[str]]]:
    """Run tests/owl/Owl2DlProfile.java (OWL API, OWL2DLProfile) once on each document of
    :func:`_profile_documents` as RDF/XML, all in one JVM: name → (in the profile, the
    violations' lines)."""
    jar = _owlapi_jar()
    if jar is None:
        pytest.skip("owlready2 ships no OWL API jar (pellet/owlapi-distribution-*.jar)")
    java, javac = shutil.which("java"), shutil.which("javac")
    if java is None or javac is None:
        pytest.skip("needs a Java 11+ JDK (java and its compiler) to run the profile checker")
    directory = tmp_path_factory.mktemp("profile")
    documents = {}
    for name, graph in _profile_documents().items():
        documents[name] = directory / f"{name}.owl"
        graph.serialize(documents[name], format="xml", encoding="utf-8")
    done = subprocess.run(
        [java, *JVM_OPTIONS, "-cp", str(jar), str(PROFILE_CHECKER), *map(str, documents.values())],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    verdicts: dict[str, tuple[bool, list[str]]] = {}
    name, lines = "", []
    for line in done.stdout.splitlines():
        if line.startswith("document\t"):
            name = Path(line.split("\t", 1)[1]).stem
            lines = []
        elif line in {"IN", "OUT"}:
            verdicts[name] = (line == "IN", lines)
        else:
            lines.append(line)
    assert set(verdicts) == set(documents), done.stderr[-3000:]
    return verdicts


@pytest.mark.slow
def test_owl_api_profile_checker_finds_the_ontology_in_owl2_dl(
    profile: dict[str, tuple[bool, list[str]]],
) -> None:
    inside, violations = profile["ontology"]
    assert inside, "\n".join(violations)


@pytest.mark.slow
def test_owl_api_profile_checker_finds_ontology_and_graph_in_owl2_dl(
    profile: dict[str, tuple[bool, list[str]]],
) -> None:
    """The OWL API 3.4.3 profile checker does not look at the datatypes of literals in
    assertions (see the datatype-map test above for that)."""
    inside, violations = profile["ontology-and-graph"]
    assert inside, "\n".join(violations)


@pytest.mark.slow
def test_owl_api_profile_checker_finds_the_whole_with_the_reference_layer_in_owl2_dl(
    profile: dict[str, tuple[bool, list[str]]],
) -> None:
    """The defect this guards against: the reference layer used rdf:Statement as a class and
    rdf:subject/rdf:object as properties, reserved vocabulary that puts the whole out of
    OWL 2 DL. Its assertion nodes now use kko:Assertion and annotation properties."""
    inside, violations = profile["whole"]
    assert inside, "\n".join(violations)


@pytest.mark.slow
def test_owl_api_profile_checker_can_fail(profile: dict[str, tuple[bool, list[str]]]) -> None:
    inside, violations = profile["bad"]
    assert not inside
    kinds = {line.split("\t", 1)[0] for line in violations}
    assert {"UseOfNonSimplePropertyInCardinalityRestriction", "UseOfUndeclaredClass"} <= kinds


# ---------------------------------------------------------------------------- HermiT


W3C_AXIOMS = Path(__file__).resolve().parent / "owl" / "w3c"


def _with_prov_and_org(graph: Graph) -> Graph:
    """``graph`` with the logical axioms of PROV-O and ORG (stored public copies, see their
    headers), so that HermiT judges our use of their terms by their own definitions."""
    union = Graph()
    for triple in graph:
        union.add(triple)
    for name in ("prov-o-axioms.ttl", "org-axioms.ttl"):
        union.parse(W3C_AXIOMS / name, format="turtle")
    return union


def _hermit(graph: Graph, directory: Path) -> float:
    """Serialise ``graph`` to N-Triples with rdflib and run HermiT (the jar owlready2 bundles)
    on it for a consistency check, with no datatype ignored; returns the seconds it took.
    HermiT's command line is called directly, as owlready2 does, but without owlready2 applying
    the results back to its own model (it cannot for PROV-O's punned prov:EmptyCollection).
    Raises owlready2's errors: OwlReadyInconsistentOntologyError, OwlReadyJavaError."""
    owlready2 = pytest.importorskip("owlready2")
    from owlready2 import reasoning

    java = shutil.which("java")
    if java is None:
        pytest.skip("HermiT needs Java (owlready2 runs it on the machine's JVM)")
    path = directory / "hermit-input.nt"
    graph.serialize(path, format="nt", encoding="utf-8")
    command = [
        java,
        *JVM_OPTIONS,
        "-Xmx2000M",
        "-cp",
        reasoning._HERMIT_CLASSPATH,
        "org.semanticweb.HermiT.cli.CommandLine",
        "-k",
        "-I",
        path.as_uri(),
    ]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=600)
    took = time.perf_counter() - start
    output = done.stdout + done.stderr
    if done.returncode != 0:
        if "InconsistentOntologyException" in output:
            raise owlready2.OwlReadyInconsistentOntologyError()
        raise owlready2.OwlReadyJavaError(output[-3000:])
    return took


@pytest.mark.slow
def test_hermit_proves_the_ontology_alone_consistent(tmp_path: Path) -> None:
    _hermit(_ontology(), tmp_path)


@pytest.mark.slow
def test_hermit_proves_the_whole_consistent_with_prov_and_org(tmp_path: Path) -> None:
    """The whole (ontology, article, excerpts and the reference layer) with PROV-O's and ORG's
    own axioms loaded, and no datatype ignored. OWL is monotonic, so every part of a
    consistent whole is consistent too: this proves the article graph without the reference
    layer as well."""
    _hermit(_with_prov_and_org(_union(_graph_files(include_reference=True))), tmp_path)


@pytest.mark.slow
def test_hermit_finds_the_prov_clash_of_an_activity_as_a_generated_entity(tmp_path: Path) -> None:
    """The defect this guards against: kko:outcome was a sub-property of prov:generated (range
    prov:Entity) and points at a planned project, a kko:Event and so a prov:Activity, which
    PROV-O declares disjoint with prov:Entity."""
    owlready2 = pytest.importorskip("owlready2")
    union = _with_prov_and_org(_union(_graph_files(include_reference=False)))
    union.add((_kko("outcome"), RDFS.subPropertyOf, URIRef("http://www.w3.org/ns/prov#generated")))
    with pytest.raises(owlready2.OwlReadyInconsistentOntologyError):
        _hermit(union, tmp_path)


@pytest.mark.slow
def test_hermit_refuses_a_date_on_a_data_property(tmp_path: Path) -> None:
    """Why the dates are annotation values: as the value of a data property, an xsd:date is
    outside the OWL 2 datatype map and HermiT refuses the whole."""
    owlready2 = pytest.importorskip("owlready2")
    union = _union(_graph_files(include_reference=False))
    union.add(
        (
            URIRef(KK + "commemoration-jambyl-150"),
            _kko("amount"),
            Literal("2024-01-01", datatype=XSD.date),
        )
    )
    with pytest.raises(owlready2.OwlReadyJavaError, match="UnsupportedDatatypeException"):
        _hermit(union, tmp_path)


@pytest.mark.slow
def test_hermit_finds_a_disjointness_clash(tmp_path: Path) -> None:
    owlready2 = pytest.importorskip("owlready2")
    union = _union(_graph_files(include_reference=False))
    union.add((URIRef(KK + "kazakhstan"), RDF.type, _kko("Person")))  # it is a kko:State
    with pytest.raises(owlready2.OwlReadyInconsistentOntologyError):
        _hermit(union, tmp_path)


@pytest.mark.slow
def test_hermit_reasons_over_numbers(tmp_path: Path) -> None:
    """A second kko:amount (functional, xsd:decimal) is an inconsistency HermiT finds."""
    owlready2 = pytest.importorskip("owlready2")
    numbers = _union(_graph_files(include_reference=False))
    numbers.add((URIRef(KK + "obs-trade-2020"), _kko("amount"), Literal("5", datatype=XSD.decimal)))
    with pytest.raises(owlready2.OwlReadyInconsistentOntologyError):
        _hermit(numbers, tmp_path)


@pytest.mark.slow
def test_a_state_may_hold_a_post_under_org(tmp_path: Path) -> None:
    """ORG gives org:holds the domain foaf:Agent: a state chairing an organisation holds a post.
    With the old local domain kko:Person, this was inconsistent (State and Person disjoint)."""
    kazakhstan = URIRef(KK + "kazakhstan")
    state = _ontology()
    for file in _graph_files(include_reference=False):  # what the graph says of Kazakhstan
        state += Graph().parse(file, format="turtle").triples((kazakhstan, None, None))
    assert (kazakhstan, RDF.type, _kko("State")) in state
    holds = URIRef("http://www.w3.org/ns/org#holds")
    state.add((kazakhstan, holds, URIRef(KK + "post-test-chair")))
    _hermit(_with_prov_and_org(state), tmp_path)


# ---------------------------------------------------------------------------- OWL RL


@pytest.fixture(scope="module")
def asserted() -> Graph:
    return _union(_graph_files(include_reference=False))


@pytest.fixture(scope="module")
def closure(asserted: Graph) -> Graph:
    """The graph and what the project's OWL RL reasoner adds (its default engine, which adds
    what owlrl adds: tests/test_lib_fast_reasoning.py)."""
    return asserted + reason(asserted)


INFERENCES = {
    # the article: 总统哈斯穆-卓玛尔特·托卡耶夫, 吉尔吉斯斯坦总统萨德尔·扎帕罗夫, both 两国元首;
    # HeadOfStateIncumbency ≡ Incumbency ⊓ ∃kko:post.HeadOfStatePost: head of state through an
    # incumbency, at the events it is in office at, never as a permanent class of persons
    "tokayev-incumbency-is-head-of-state": (
        "kk:incumbency-tokayev-president-of-kazakhstan",
        "rdf:type",
        "kko:HeadOfStateIncumbency",
    ),
    "japarov-incumbency-is-head-of-state": (
        "kk:incumbency-japarov-president-of-kyrgyzstan",
        "rdf:type",
        "kko:HeadOfStateIncumbency",
    ),
    # a member's membership → kko:memberOf (chain org:hasMembership ∘ kko:memberOrganisation)
    # → org:memberOf → its inverse org:hasMember
    "kazakhstan-member-of-un": ("kk:kazakhstan", "kko:memberOf", "kk:united-nations"),
    "un-has-member-kazakhstan": ("kk:united-nations", "org:hasMember", "kk:kazakhstan"),
    # the membership's role makes it a full membership (hasValue restriction)
    "un-membership-is-full": (
        "kk:membership-kazakhstan-united-nations",
        "rdf:type",
        "kko:FullMembership",
    ),
    # chain kko:place ∘ kko:locatedIn
    "talks-place-within-kazakhstan": (
        "kk:talks-in-astana-2021",
        "kko:placeWithin",
        "kk:kazakhstan",
    ),
    # kko:borders is symmetric
    "kyrgyzstan-borders-kazakhstan": ("kk:kyrgyzstan", "kko:borders", "kk:kazakhstan"),
    # kko:party owl:inverseOf kko:partyTo
    "kazakhstan-party-to-treaty": (
        "kk:kazakhstan",
        "kko:partyTo",
        "kk:treaty-of-eternal-friendship",
    ),
    # kko:locatedIn is transitive: Kambarata-1 → Naryn Region → Kyrgyzstan
    "kambarata-in-kyrgyzstan": ("kk:kambarata-1", "kko:locatedIn", "kk:kyrgyzstan"),
}


def _expand(curie: str) -> URIRef:
    prefix, local = curie.split(":", 1)
    base = {"kk": KK, "kko": KKO, "rdf": str(RDF), "org": "http://www.w3.org/ns/org#"}[prefix]
    return URIRef(base + local)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(INFERENCES))
def test_owl_rl_infers_what_the_ontology_promises(
    name: str, asserted: Graph, closure: Graph
) -> None:
    triple = tuple(_expand(t) for t in INFERENCES[name])
    assert triple not in asserted, f"{name} is asserted: the test would show no reasoning"
    assert triple in closure, f"{name} is not inferred"


@pytest.mark.slow
@pytest.mark.parametrize(
    "person",
    ["kk:kassym-jomart-tokayev", "kk:sadyr-japarov", "kk:zhanat-momynkulov", "kk:dana"],
)
def test_owl_rl_makes_no_person_a_head_of_state_for_ever(person: str, closure: Graph) -> None:
    """Head of state is a question about a time (an incumbency and its events), not a class
    that a person, once in it, never leaves."""
    types = set(closure.objects(_expand(person), RDF.type))
    assert not {t for t in types if "HeadOfState" in str(t)}, types


def _membership_closure(role: str) -> Graph:
    graph = _union(_graph_files(include_reference=False))
    graph.parse(
        data=f"""@prefix kk: <{KK}> . @prefix kko: <{KKO}> .
        @prefix org: <http://www.w3.org/ns/org#> .
        kk:membership-test a org:Membership ; org:member kk:china ;
            org:organization kk:csto ; org:role {role} .""",
        format="turtle",
    )
    if role == "kko:MemberRole":
        graph.add((URIRef(KK + "membership-test"), _kko("memberOrganisation"), URIRef(KK + "csto")))
    return graph + reason(graph)


@pytest.mark.slow
def test_an_observer_membership_gives_no_member_of() -> None:
    """The defect this guards against: kko:memberOf followed org:organization whatever the
    role, so an observer became a member state (成员国). China is no member of the CSTO in the
    article; the test adds it as an observer, and then as a member."""
    china, csto = URIRef(KK + "china"), URIRef(KK + "csto")
    observer = _membership_closure("kko:ObserverRole")
    assert (china, _kko("memberOf"), csto) not in observer
    assert (csto, URIRef("http://www.w3.org/ns/org#hasMember"), china) not in observer
    member = _membership_closure("kko:MemberRole")
    assert (china, _kko("memberOf"), csto) in member
