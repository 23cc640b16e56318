"""The reference layer (graph/reference.ttl): only facts of the reference notes, every triple
traceable to its source, and the article's own statements left as the article's.

Expected values are copied from the reference notes (graph/reference/README.md and
graph/reference/wikidata.tsv), not from the layer."""

from __future__ import annotations

import csv
import hashlib
import re
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

import kg
from kg.core.paths import default_sources

REPO = Path(__file__).resolve().parent.parent
GRAPH_DIR = REPO / "graph"
REFERENCE = GRAPH_DIR / "reference.ttl"
NOTES_DIR = GRAPH_DIR / "reference"
NOTES = NOTES_DIR / "README.md"
TABLE = NOTES_DIR / "wikidata.tsv"
ONTOLOGY = REPO / "ontology" / "kazkgz.ttl"
SHARED = REPO.parent / "shared" / "reference"

KK = Namespace("https://w3id.org/kazkgz/id/")
KKO = Namespace("https://w3id.org/kazkgz/ontology#")
PROV = Namespace("http://www.w3.org/ns/prov#")
WD = "http://www.wikidata.org/entity/"
DATE = URIRef("http://www.w3.org/2001/XMLSchema#date")
# assertion nodes (kko:Assertion) stand for one triple each; Wikidata links are schema:sameAs
ASSERTED_SUBJECT = KKO.assertedSubject
ASSERTED_PREDICATE = KKO.assertedPredicate
ASSERTED_OBJECT = KKO.assertedObject
SCHEMA_SAME_AS = URIRef("http://schema.org/sameAs")

pytestmark = pytest.mark.skipif(
    not (REFERENCE.is_file() and (GRAPH_DIR / "article.ttl").is_file() and ONTOLOGY.is_file()),
    reason="needs the ontology, the article graph and the reference layer",
)


def _article_files() -> list[Path]:
    """The article's data files, without the other layers (reference, verification)."""
    return list(default_sources().data)


def _load(*files: Path) -> Graph:
    graph = Graph()
    for file in files:
        graph.parse(file, format="turtle")
    return graph


@pytest.fixture(scope="module")
def reference() -> Graph:
    return _load(REFERENCE)


@pytest.fixture(scope="module")
def article() -> Graph:
    return _load(*_article_files())


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return _load(ONTOLOGY)


@pytest.fixture(scope="module")
def union(reference: Graph, article: Graph, ontology: Graph) -> Graph:
    graph = Graph()
    for part in (ontology, article, reference):
        for triple in part:
            graph.add(triple)
    return graph


def _normalised(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _notes_text() -> str:
    return _normalised(NOTES.read_text(encoding="utf-8"))


def _table_rows() -> list[dict[str, str]]:
    lines = [
        line
        for line in TABLE.read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    return list(csv.DictReader(lines, delimiter="\t"))


def _input_hashes() -> set[str]:
    return {hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(NOTES_DIR.iterdir())}


# ---------------------------------------------------------------------------
# Traceability: the general rule
# ---------------------------------------------------------------------------


def untraced(graph: Graph, input_hashes: set[str]) -> list[tuple]:
    """The triples of ``graph`` that name no source.

    A triple is traced when its subject carries a node-level dcterms:source, or when an
    rdf:Statement with a dcterms:source reifies it, or when its subject describes one of the
    layer's input files (its kko:sha256 is the hash of one of them)."""
    sourced = set(graph.subjects(DCTERMS.source, None))
    roots = {s for s, h in graph.subject_objects(KKO.sha256) if str(h) in input_hashes}
    reified = set()
    for statement in graph.subjects(RDF.type, KKO.Assertion):
        if (statement, DCTERMS.source, None) in graph:
            reified.add(
                (
                    graph.value(statement, ASSERTED_SUBJECT),
                    graph.value(statement, ASSERTED_PREDICATE),
                    graph.value(statement, ASSERTED_OBJECT),
                )
            )
    return [t for t in graph if t[0] not in sourced | roots and t not in reified]


def test_every_triple_names_its_source(reference: Graph) -> None:
    assert untraced(reference, _input_hashes()) == []


def test_the_traceability_check_catches_an_untraced_triple(reference: Graph) -> None:
    bad = Graph()
    for triple in reference:
        bad.add(triple)
    stray = (KK.kazakhstan, KKO.borders, KK.uzbekistan)
    bad.add(stray)
    # a reification without a source does not trace its triple either
    bad.add((KK.china, SKOS.altLabel, Literal("Cathay", lang="en")))
    bad.add((KK["reference-statement-unsourced"], RDF.type, KKO.Assertion))
    bad.add((KK["reference-statement-unsourced"], ASSERTED_SUBJECT, KK.china))
    bad.add((KK["reference-statement-unsourced"], ASSERTED_PREDICATE, SKOS.altLabel))
    bad.add((KK["reference-statement-unsourced"], ASSERTED_OBJECT, Literal("Cathay", lang="en")))
    found = untraced(bad, _input_hashes())
    assert stray in found
    assert (KK.china, SKOS.altLabel, Literal("Cathay", lang="en")) in found


def test_the_roots_are_the_copied_input_files(reference: Graph) -> None:
    hashes = {str(h) for h in reference.objects(None, KKO.sha256)}
    assert hashes == _input_hashes()


def test_article_nodes_get_no_node_level_source(reference: Graph, article: Graph) -> None:
    article_nodes = set(article.subjects())
    assert sorted(set(reference.subjects(DCTERMS.source, None)) & article_nodes) == []


def test_every_source_is_described_and_leads_to_the_notes(reference: Graph, union: Graph) -> None:
    roots = {s for s, h in reference.subject_objects(KKO.sha256) if str(h) in _input_hashes()}
    for source in set(reference.objects(None, DCTERMS.source)):
        assert (source, RDFS.label, None) in union, f"{source} is not described"
        if source == KK.article:
            continue
        seen, frontier = set(), {source}
        while frontier and not frontier & roots:
            seen |= frontier
            frontier = {o for s in frontier for o in reference.objects(s, DCTERMS.source)} - seen
        assert frontier & roots, f"{source} does not lead to a reference notes file"


def test_sources_are_named_in_the_notes_own_words(reference: Graph) -> None:
    notes = _notes_text() + " " + _normalised(TABLE.read_text(encoding="utf-8"))
    records = list(reference.objects(None, KKO.sourceOfRecord))
    assert records
    for record in records:
        assert _normalised(str(record)) in notes, record
    expected_sources = {
        KK["source-adilet"],
        KK["source-zan-kz-z2500000216"],
        KK["source-trend-az"],
        KK["source-turantimes-kz"],
        KK["source-tashkenttimes-uz"],
        KK["source-open-kg"],
        KK["source-utrk-kg"],
        KK["source-spocwiki-kazakhstan-md"],
        KK["source-spocwiki-kyrgyzstan-md"],
    }
    for source in expected_sources:
        assert (source, RDF.type, PROV.Entity) in reference
        assert (source, KKO.sourceOfRecord, None) in reference


def test_reified_statements_are_well_formed(reference: Graph) -> None:
    statements = set(reference.subjects(RDF.type, KKO.Assertion))
    assert statements
    for statement in statements:
        for part in (ASSERTED_SUBJECT, ASSERTED_PREDICATE, ASSERTED_OBJECT):
            assert len(list(reference.objects(statement, part))) == 1, (statement, part)
        assert (statement, DCTERMS.source, None) in reference, statement


# ---------------------------------------------------------------------------
# Parsing, blank nodes, labels, owl:sameAs
# ---------------------------------------------------------------------------


def test_reference_parses_in_rdflib_and_pyoxigraph(reference: Graph) -> None:
    store = pyoxigraph.Store()
    store.load(path=str(REFERENCE), format=pyoxigraph.RdfFormat.TURTLE)
    assert len(store) == len(reference) > 0


def test_no_blank_nodes(reference: Graph) -> None:
    assert [t for t in reference if any(isinstance(term, BNode) for term in t)] == []


def test_minted_nodes_have_english_and_chinese_labels(
    reference: Graph, article: Graph, ontology: Graph
) -> None:
    minted = set(reference.subjects()) - set(article.subjects()) - set(ontology.subjects())
    assert minted
    for node in minted:
        languages = {o.language for o in reference.objects(node, RDFS.label)}
        assert {"en", "zh"} <= languages, node


def test_no_owl_same_as_anywhere(union: Graph) -> None:
    assert list(union.triples((None, OWL.sameAs, None))) == []


# ---------------------------------------------------------------------------
# The inputs and the Wikidata links
# ---------------------------------------------------------------------------


@pytest.mark.skipif(not SHARED.is_dir(), reason="the shared reference folder is not here")
@pytest.mark.parametrize("name", ["README.md", "wikidata.tsv"])
def test_copies_are_byte_identical(name: str) -> None:
    assert (NOTES_DIR / name).read_bytes() == (SHARED / name).read_bytes()


def test_every_qid_is_in_the_table(reference: Graph) -> None:
    table = {row["qid"] for row in _table_rows()}
    used = {str(term)[len(WD) :] for t in reference for term in t if str(term).startswith(WD)}
    assert used
    assert used <= table


def test_every_row_of_the_table_links_the_named_entity(reference: Graph, union: Graph) -> None:
    rows = _table_rows()
    assert len(rows) == 21
    for row in rows:
        target = URIRef(WD + row["qid"])
        subjects = list(reference.subjects(SCHEMA_SAME_AS, target))
        assert len(subjects) == 1, row
        (subject,) = subjects
        names = {
            str(o)
            for p in (RDFS.label, SKOS.altLabel)
            for o in union.objects(subject, p)
            if o.language == "en"
        }
        assert row["entity"].removesuffix(" (class)") in names, (row, names)
        (statement,) = [
            s
            for s in reference.subjects(ASSERTED_OBJECT, target)
            if (s, ASSERTED_SUBJECT, subject) in reference
        ]
        assert (statement, ASSERTED_PREDICATE, SCHEMA_SAME_AS) in reference
        assert str(reference.value(statement, KKO.sourceOfRecord)) == row["seen_in"]


def test_the_class_row_links_the_treaty_class(reference: Graph) -> None:
    assert (KKO.Treaty, SCHEMA_SAME_AS, URIRef(WD + "Q131569")) in reference


def test_the_article_layer_alone_says_nothing_about_wikidata_or_uzbekistan(
    article: Graph,
) -> None:
    terms = {term for t in article for term in t}
    assert not [t for t in terms if str(t).startswith(WD)]
    assert not [t for t in terms if isinstance(t, URIRef) and "uzbek" in str(t).lower()]
    labels = [
        str(o)
        for p in (RDFS.label, SKOS.altLabel, SKOS.prefLabel)
        for o in article.objects(None, p)
    ]
    assert not [x for x in labels if "Uzbek" in x or "乌兹别克" in x]


# ---------------------------------------------------------------------------
# Titles, signings, entry into force, ratification
# ---------------------------------------------------------------------------

# Copied from graph/reference/README.md.
TITLES = {
    KK["treaty-of-eternal-friendship"]: {
        ("ru", "Договор о вечной дружбе между Республикой Казахстан и Кыргызской Республикой"),  # noqa: RUF001
        (
            "kk",
            "Қазақстан Республикасы мен Қырғыз Республикасы арасындағы Мәңгілік достық туралы шарт",
        ),
        ("en", "Treaty of Eternal Friendship"),
    },
    KK["treaty-on-allied-relations"]: {
        (
            "ru",
            "Договор о союзнических отношениях между Республикой Казахстан и "  # noqa: RUF001
            "Кыргызской Республикой",
        ),
        ("en", "Treaty on Allied Relations"),
    },
    KK["agreement-on-deepening-allied-relations"]: {
        (
            "ru",
            "Договор об углублении и расширении союзнических отношений между Республикой "  # noqa: RUF001
            "Казахстан и Кыргызской Республикой",
        ),
    },
}


@pytest.mark.parametrize("treaty", list(TITLES))
def test_official_titles(reference: Graph, treaty: URIRef) -> None:
    notes = _notes_text()
    found = {(o.language, str(o)) for o in reference.objects(treaty, SKOS.altLabel)}
    assert found == TITLES[treaty]
    for language, title in TITLES[treaty]:
        assert title in notes
        literal = Literal(title, lang=language)
        statements = [
            s
            for s in reference.subjects(ASSERTED_OBJECT, literal)
            if (s, ASSERTED_SUBJECT, treaty) in reference
        ]
        assert len(statements) == 1
        assert (statements[0], DCTERMS.source, KK["source-adilet"]) in reference


def test_the_1997_treaty_was_signed_in_almaty_and_entered_into_force(reference: Graph) -> None:
    assert "1997-04-08 (signed in Almaty, in force 1999-06-22)" in _notes_text()
    assert (KK["signing-of-treaty-of-eternal-friendship"], KKO.place, KK.almaty) in reference
    events = list(reference.subjects(KKO.entersIntoForce, KK["treaty-of-eternal-friendship"]))
    assert len(events) == 1
    (event,) = events
    assert (event, RDF.type, KKO.EntryIntoForce) in reference
    day = Literal("1999-06-22", datatype=DATE)
    for p in (KKO.date, KKO.beginDate, KKO.endDate):
        assert reference.value(event, p) == day


def test_the_deepening_agreement_was_signed_in_astana(reference: Graph, article: Graph) -> None:
    assert "signed in Astana on 2024-04-19" in _notes_text()
    agreement = KK["agreement-on-deepening-allied-relations"]
    signings = list(reference.subjects(KKO.concludes, agreement))
    assert len(signings) == 1
    (signing,) = signings
    assert (signing, RDF.type, KKO.Signing) in reference
    assert (signing, KKO.place, KK.astana) in reference
    assert reference.value(signing, KKO.date) == Literal("2024-04-19", datatype=DATE)
    assert (signing, None, None) not in article


RATIFIED_AFTER_SIGNING = """
PREFIX kk: <https://w3id.org/kazkgz/id/>
PREFIX kko: <https://w3id.org/kazkgz/ontology#>
SELECT ?signed ?ratified WHERE {
  ?s a kko:Signing ; kko:concludes kk:agreement-on-deepening-allied-relations ;
     kko:beginDate ?signed .
  ?r a kko:Ratification ; kko:ratifies kk:agreement-on-deepening-allied-relations ;
     kko:beginDate ?ratified .
  FILTER (?signed < ?ratified)
}
"""


def test_the_union_has_the_ratification_after_the_signing(union: Graph) -> None:
    rows = [(str(a), str(b)) for a, b in union.query(RATIFIED_AFTER_SIGNING)]
    assert rows == [("2024-04-19", "2025-07-21")]


def test_pyoxigraph_gives_the_same_answer() -> None:
    store = pyoxigraph.Store()
    for file in [ONTOLOGY, *_article_files(), REFERENCE]:
        store.load(path=str(file), format=pyoxigraph.RdfFormat.TURTLE)
    rows = [(s["signed"].value, s["ratified"].value) for s in store.query(RATIFIED_AFTER_SIGNING)]
    assert rows == [("2024-04-19", "2025-07-21")]


def test_the_ratification_law(reference: Graph, union: Graph) -> None:
    notes = _notes_text()
    assert "Law No. 216-VIII of 2025-07-21, zan.kz document Z2500000216" in notes
    assert "Kazakhstan's ratification law is dated 2025-07-21" in notes
    law = KK["source-zan-kz-z2500000216"]
    ratification = KK["ratification-of-deepening-agreement-by-kazakhstan"]
    assert (ratification, KKO.outcome, law) in reference
    day = Literal("2025-07-21", datatype=DATE)
    assert reference.value(law, DCTERMS.date) == day
    assert union.value(ratification, KKO.date) == day


# ---------------------------------------------------------------------------
# Disagreements: recorded, never corrected
# ---------------------------------------------------------------------------

RU, KZ, KG, UZ = KK.russia, KK.kazakhstan, KK.kyrgyzstan, KK.uzbekistan
KAMBARATA = KK["kambarata-1-agreement"]
DIPLOMATIC = KK["establishment-of-diplomatic-relations"]


def test_the_article_statements_are_unchanged_in_the_union(union: Graph) -> None:
    assert set(union.objects(KAMBARATA, KKO.party)) == {KZ, KG, RU}
    signing = KK["signing-of-kambarata-1-agreement"]
    assert set(union.objects(signing, KKO.participant)) == {KZ, KG, RU}
    day = Literal("1992-10-15", datatype=DATE)
    for p in (KKO.date, KKO.beginDate, KKO.endDate):
        assert set(union.objects(DIPLOMATIC, p)) == {day}


def test_the_other_versions_are_never_asserted(union: Graph) -> None:
    assert (KAMBARATA, KKO.party, UZ) not in union
    assert {p for _, p, _ in union.triples((None, None, UZ))} == {ASSERTED_OBJECT}
    other_day = Literal("1992-08-27", datatype=DATE)
    assert {p for _, p, _ in union.triples((None, None, other_day))} == {ASSERTED_OBJECT}


def _versions(reference: Graph, disagreement: URIRef) -> dict[URIRef, set]:
    """For each source, the objects of the statements the disagreement is derived from."""
    versions: dict[URIRef, set] = {}
    for statement in reference.objects(disagreement, PROV.wasDerivedFrom):
        for source in reference.objects(statement, DCTERMS.source):
            versions.setdefault(source, set()).add(reference.value(statement, ASSERTED_OBJECT))
    return versions


def _check_disagreement(
    reference: Graph, article: Graph, disagreement: URIRef, about: URIRef, excerpt: URIRef
) -> None:
    assert (disagreement, KKO.about, about) in reference
    assert (about, None, None) in article
    assert (disagreement, KKO.evidence, excerpt) in reference
    assert (about, KKO.evidence, excerpt) in article
    # the article's version, as reified here, is what the article graph asserts
    for statement in reference.objects(disagreement, PROV.wasDerivedFrom):
        if (statement, DCTERMS.source, KK.article) in reference:
            triple = tuple(
                reference.value(statement, p)
                for p in (ASSERTED_SUBJECT, ASSERTED_PREDICATE, ASSERTED_OBJECT)
            )
            assert triple in article, triple
            assert (statement, KKO.evidence, excerpt) in reference
    for source in _versions(reference, disagreement):
        assert (disagreement, DCTERMS.source, source) in reference


def test_kambarata_disagreement(reference: Graph, article: Graph) -> None:
    notes = _notes_text()
    assert (
        "(trend.az, turantimes.kz, tashkenttimes.uz) name Kazakhstan, Kyrgyzstan and Uzbekistan"
        in notes
    )
    disagreement = KK["disagreement-kambarata-1-parties"]
    _check_disagreement(reference, article, disagreement, KAMBARATA, KK["excerpt-kambarata"])
    versions = _versions(reference, disagreement)
    assert versions[KK.article] == {KZ, KG, RU}
    for report in ("source-trend-az", "source-turantimes-kz", "source-tashkenttimes-uz"):
        assert versions[KK[report]] == {KZ, KG, UZ}
    labels = {(o.language, str(o)) for o in reference.objects(UZ, RDFS.label)}
    assert ("en", "Uzbekistan") in labels


def test_diplomatic_relations_disagreement(reference: Graph, article: Graph) -> None:
    notes = _notes_text()
    assert "open.kg gives 1992-10-15 (as the article); utrk.kg gives 1992-08-27" in notes
    disagreement = KK["disagreement-diplomatic-relations-date"]
    _check_disagreement(
        reference, article, disagreement, DIPLOMATIC, KK["excerpt-diplomatic-relations"]
    )
    versions = _versions(reference, disagreement)
    article_day = Literal("1992-10-15", datatype=DATE)
    assert versions == {
        KK.article: {article_day},
        KK["source-open-kg"]: {article_day},
        KK["source-utrk-kg"]: {Literal("1992-08-27", datatype=DATE)},
    }


def test_the_reference_layer_conforms_to_the_shapes() -> None:
    """Reference facts carry no article excerpt; they name their source instead, which the
    shapes accept (kks:SourceRequiredShape)."""
    report = kg.validate(include_reference=True)
    assert report.conforms
    assert not [r for r in report.results if r.severity == "Violation"]


def test_identity_links_to_wikidata_fit_individuals() -> None:
    """The defect this guards against: skos:exactMatch to Wikidata made states and persons SKOS
    concepts (and is transitive). Identity links are schema:sameAs, an annotation."""
    reference = Graph().parse(REFERENCE, format="turtle")
    assert not list(reference.triples((None, SKOS.exactMatch, None)))
    assert not list(reference.triples((None, OWL.sameAs, None)))
    linked = set(reference.subjects(SCHEMA_SAME_AS, None))
    assert {KK.kazakhstan, KK["kassym-jomart-tokayev"], KK.csto} <= linked
    ontology = Graph().parse(ONTOLOGY, format="turtle")
    assert (SCHEMA_SAME_AS, RDF.type, OWL.AnnotationProperty) in ontology


def test_treaty_status_comes_from_the_instrument_and_the_article_wording_is_kept() -> None:
    """The article calls the deepening agreement 协定; its official Russian title (Law
    No. 216-VIII) says Договор. The article layer keeps the article's word; the reference layer
    classes it a treaty, with its source, on an assertion node."""
    deepening = KK["agreement-on-deepening-allied-relations"]
    article = Graph().parse(GRAPH_DIR / "article.ttl", format="turtle")
    assert (deepening, RDF.type, KKO.Treaty) not in article
    assert (deepening, KKO.termInArticle, Literal("协定", lang="zh")) in article
    assert (KK["treaty-of-eternal-friendship"], KKO.termInArticle, Literal("条约", lang="zh")) in (
        article
    )
    reference = Graph().parse(REFERENCE, format="turtle")
    assert (deepening, RDF.type, KKO.Treaty) in reference
    nodes = [
        s
        for s in reference.subjects(ASSERTED_SUBJECT, deepening)
        if reference.value(s, ASSERTED_PREDICATE) == RDF.type
        and reference.value(s, ASSERTED_OBJECT) == KKO.Treaty
    ]
    assert len(nodes) == 1
    assert (nodes[0], DCTERMS.source, KK["source-zan-kz-z2500000216"]) in reference
