"""The verification layer (graph/verification.tsv → graph/verification.ttl): the Turtle is what
kg.graph.verification generates, a bad row is named by file, line and column, the layer stays
apart from the article graph (its own file, graph and published files), every fact-bearing node
of the article has an assessment, and the known disputes read as the sources give them."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pyshacl
import pytest
from lib_helpers import built_once, run_kg
from rdflib import RDF, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic, to_isomorphic
from rdflib.namespace import SH, XSD

from kg.core.errors import VerificationRowError
from kg.core.paths import default_sources
from kg.graph.loading import load_graph
from kg.graph.validation import validate
from kg.graph.verification import COLUMNS, assessments, read_table, verification_graph

ROOT = Path(__file__).resolve().parent.parent
TABLE = ROOT / "graph" / "verification.tsv"
TURTLE = ROOT / "graph" / "verification.ttl"
ARTICLE = ROOT / "graph" / "article.ttl"
COVERAGE = ROOT / "shapes" / "verification-coverage.ttl"
FACT_NODES = ROOT / "tests" / "fixtures" / "verification" / "fact-nodes.tsv"

KK = Namespace("https://w3id.org/kazkgz/id/")
KKO = Namespace("https://w3id.org/kazkgz/ontology#")
SCHEMA = Namespace("http://schema.org/")
HEADER = "# " + "\t".join(COLUMNS) + "\n"

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def layer() -> Graph:
    return Graph().parse(TURTLE, format="turtle")


def test_the_turtle_is_what_the_generator_writes(layer: Graph) -> None:
    generated = verification_graph(TABLE, ARTICLE)
    assert isomorphic(generated, layer), sorted(
        set(to_isomorphic(generated)) ^ set(to_isomorphic(layer))
    )[:10]


def test_the_generator_runs_as_a_module(tmp_path: Path) -> None:
    """``python -m kg.graph.verification`` writes the Turtle of a project's table, and names
    the file, line and column of a bad row (exit 2)."""
    (tmp_path / "graph").mkdir()
    (tmp_path / "graph" / "article.ttl").write_bytes(ARTICLE.read_bytes())
    table = tmp_path / "graph" / "verification.tsv"

    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "kg.graph.verification"],
            capture_output=True,
            text=True,
            env={"KG_HOME": str(tmp_path)},
            check=False,
        )

    table.write_text(HEADER + _row(), encoding="utf-8")
    good = run()
    assert good.returncode == 0, good.stderr
    assert "wrote graph/verification.ttl" in good.stdout
    assert (tmp_path / "graph" / "verification.ttl").is_file()
    table.write_text(HEADER + _row(status="true"), encoding="utf-8")
    bad = run()
    assert bad.returncode == 2
    assert f"{table}:2: column status: " in bad.stderr


# ---------------------------------------------------------------- bad rows


def _row(**cells: str) -> str:
    values = {
        "fact": "kk:establishment-of-diplomatic-relations",
        "status": "corroborated",
        "property": "kko:date",
        "article_value": '"1992-10-15"^^xsd:date',
        "source_value": '"1992-10-15"^^xsd:date',
        "finding": "A source gives the same day.",
        "publisher": "open.kg",
        "title": "Kyrgyzstan — Kazakhstan",
        "url": "https://open.kg/page.html",
        "published": "2020-01-02",
        "found_via": "pages: diplomatic relations",
    } | cells
    return "\t".join(values[c] for c in COLUMNS) + "\n"


BAD_ROWS = [
    pytest.param(_row(status="true"), 2, "status", "is not one of", id="unknown-status"),
    pytest.param(_row(fact="kazakhstan"), 2, "fact", "not a kk: node", id="fact-not-curie"),
    pytest.param(_row(fact="kk:no-such-node"), 2, "fact", "not a node", id="fact-unknown"),
    pytest.param(_row(article_value='"1992'), 2, "article_value", "not a Turtle", id="bad-term"),
    pytest.param(_row(property='"date"'), 2, "property", "not a property", id="property-literal"),
    pytest.param(_row(published="15.10.1992"), 2, "published", "YYYY", id="bad-date"),
    pytest.param(_row(published="1992-13"), 2, "published", "YYYY", id="month-13"),
    pytest.param(_row(url="open.kg/page"), 2, "url", "not an http", id="url-no-scheme"),
    pytest.param(_row(publisher=""), 2, "publisher", "needs it", id="sourced-without-publisher"),
    pytest.param(
        _row(status="contradicted", article_value=""), 2, "source_value", "no row", id="no-value"
    ),
    pytest.param(
        _row(status="more-precise", property=""), 2, "source_value", "no row", id="no-property"
    ),
    pytest.param(
        _row(status="unverified", url="https://a.example/"), 2, "url", "no source", id="unv-url"
    ),
    pytest.param(_row(status="unverified", found_via=""), 2, "found_via", "searched", id="unv"),
    pytest.param(_row() + _row(status="contradicted"), 3, "status", "line 2", id="two-statuses"),
    pytest.param(_row().replace("\topen.kg\t", "\t"), 2, "*", "11 tab-separated", id="columns"),
]


@pytest.mark.parametrize(("text", "line", "column", "message"), BAD_ROWS)
def test_a_bad_row_is_named_by_file_line_and_column(
    tmp_path: Path, text: str, line: int, column: str, message: str
) -> None:
    table = tmp_path / "verification.tsv"
    table.write_text(HEADER + text, encoding="utf-8")
    with pytest.raises(VerificationRowError) as caught:
        verification_graph(table, ARTICLE)
    error = caught.value
    assert (error.file, error.line, error.column) == (str(table), line, column)
    assert message in error.message
    assert str(error).startswith(f"{table}:{line}: column {column}: ")


def test_a_good_row_gives_one_claim_review(tmp_path: Path) -> None:
    table = tmp_path / "verification.tsv"
    table.write_text(HEADER + _row(), encoding="utf-8")
    graph = verification_graph(table, ARTICLE)
    review = KK["verification-establishment-of-diplomatic-relations-1"]
    assert (review, RDF.type, SCHEMA.ClaimReview) in graph
    assert graph.value(review, KKO.verificationStatus) == KKO.Corroborated
    source = graph.value(review, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"))
    assert graph.value(source, SCHEMA.url) == URIRef("https://open.kg/page.html")
    assert graph.value(source, SCHEMA.datePublished) == Literal("2020-01-02", datatype=XSD.date)


# ---------------------------------------------------------------- the layer stays apart


def test_the_article_layer_holds_no_verification_triple() -> None:
    sources = default_sources(ROOT)
    assert TURTLE in sources.verification
    assert TURTLE not in sources.data + sources.graph_files(include_reference=True)
    article = load_graph(paths=sources)
    assert not list(article.subjects(RDF.type, SCHEMA.ClaimReview))
    assert not list(article.triples((None, KKO.verificationStatus, None)))
    assert not list(article.triples((None, SCHEMA.itemReviewed, None)))


def test_the_layer_asserts_nothing_about_the_article_nodes(layer: Graph) -> None:
    """Every subject of the layer is a claim review or a source of one: no triple says
    anything of an article node (the article's value stays the only one asserted)."""
    reviews = set(layer.subjects(RDF.type, SCHEMA.ClaimReview))
    sources = set(layer.subjects(RDF.type, URIRef("http://www.w3.org/ns/prov#Entity")))
    assert reviews
    assert set(layer.subjects()) <= reviews | sources


def test_the_layer_is_published_as_its_own_graph() -> None:
    out = built_once()  # kg build of the project
    alone = Graph().parse(out / "verification.nt", format="nt")
    assert isomorphic(alone, Graph().parse(TURTLE, format="turtle"))
    for extension in ("ttl", "jsonld", "rdf"):
        assert (out / f"verification.{extension}").is_file()
    dataset = Dataset()
    dataset.parse(out / "dataset.trig", format="trig")
    named = dataset.graph(URIRef("https://w3id.org/kazkgz/graph/verification"))
    assert isomorphic(named, alone)
    asserted = Graph().parse(out / "asserted.nt", format="nt")
    assert not list(asserted.subjects(RDF.type, SCHEMA.ClaimReview))
    void = Graph().parse(out / "void.ttl")
    assert (URIRef("https://w3id.org/kazkgz/graph/verification"), None, None) in void
    catalogue = (out / "catalog.ttl").read_text(encoding="utf-8")
    assert "verification.ttl" in catalogue


# ---------------------------------------------------------------- coverage and disputes


def _coverage(data: Graph) -> list[URIRef]:
    conforms, report, _text = pyshacl.validate(
        data, shacl_graph=Graph().parse(COVERAGE), inference="none", allow_warnings=True
    )
    return sorted(report.objects(None, SH.focusNode)) if not conforms else []  # type: ignore[arg-type]


def test_the_fact_bearing_classes_are_the_fact_nodes() -> None:
    """The shape's target classes select exactly the article's fact nodes (111, listed by
    reading the article graph: events, agreements, institutions, memberships, figures,
    cultural items, claims and statements; not topics, places, persons, posts or states)."""
    article = Graph().parse(ARTICLE, format="turtle")
    classes = set(Graph().parse(COVERAGE).objects(None, SH.targetClass))
    targets = {n for c in classes for n in article.subjects(RDF.type, c)}
    listed = {
        KK[line.split("\t")[0].removeprefix("kk:")]
        for line in FACT_NODES.read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    }
    assert len(listed) == 111
    assert targets == listed


def test_the_coverage_shape_fails_on_the_article_alone() -> None:
    article = Graph().parse(ARTICLE, format="turtle")
    assert len(_coverage(article)) == 111


def test_every_fact_bearing_node_has_an_assessment(layer: Graph) -> None:
    article = Graph().parse(ARTICLE, format="turtle")
    missing = _coverage(article + layer)
    if missing:
        names = ", ".join(str(m).removeprefix(str(KK)) for m in missing[:5])
        pytest.xfail(f"{len(missing)} fact nodes have no rows yet in the table (first: {names})")


def test_the_layer_conforms_to_the_shapes(layer: Graph) -> None:
    """The project's shapes (those of the claim reviews among them) on the article graph and
    the layer together, with the ontology mixed in, as the project validates (the library's
    report is stock pyshacl's: tests/test_shapes.py)."""
    data = load_graph(paths=default_sources(ROOT).data) + layer
    report = validate(
        data,
        shapes=[ROOT / "shapes" / "kazkgz-shapes.ttl"],
        ontology=[ROOT / "ontology" / "kazkgz.ttl"],
    )
    assert report.conforms, [str(r) for r in report.violations[:5]]
    assert report.results, "no warning at all: were the shapes read?"


def test_kambarata_parties_are_disputed(layer: Graph) -> None:
    """The article names Kazakhstan, Kyrgyzstan and Russia (哈、吉、俄); the sources name
    Uzbekistan instead of Russia."""
    for fact in (KK["kambarata-1-agreement"], KK["signing-of-kambarata-1-agreement"]):
        found = assessments(layer, [fact])[fact]
        assert found.status == "contradicted"
        pairs = {(f.article_value, f.source_value) for f in found.findings if f.source_value}
        assert pairs == {(KK.russia, KK.uzbekistan)}
        assert all(f.source is not None and f.source.publisher for f in found.findings)


def test_the_date_of_diplomatic_relations_is_disputed(layer: Graph) -> None:
    """The article gives 1992-10-15; utrk.kg gives 1992-08-27."""
    fact = KK["establishment-of-diplomatic-relations"]
    found = assessments(layer, [fact])[fact]
    assert found.status == "contradicted"
    by_url = {f.source.url: f.source_value for f in found.findings if f.source and f.source.url}
    utrk = [value for url, value in by_url.items() if "utrk.kg" in url]
    assert utrk == [Literal("1992-08-27", datatype=XSD.date)]
    assert {f.article_value for f in found.findings} == {Literal("1992-10-15", datatype=XSD.date)}


def test_every_row_of_the_table_is_read() -> None:
    rows = read_table(TABLE)
    lines = [
        line
        for line in TABLE.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert len(rows) == len(lines)


# ---------------------------------------------------------------- surfaces


def test_the_python_api_gives_the_status_beside_the_quote() -> None:
    import kg

    found = kg.source("kk:kambarata-1-agreement")
    assert "哈、吉、俄" in str(found.evidence[0].exact)
    assert found.verification is not None
    assert found.verification.status == "contradicted"
    assert {f.source_value for f in found.verification.findings} >= {KK.uzbekistan}


def test_a_verification_layer_already_loaded_is_the_one_read() -> None:
    """What a server passes: its own copy of the layer, not the file parsed again."""
    import kg

    layer = Graph().parse(TURTLE, format="turtle")
    given = kg.source("kk:kambarata-1-agreement", verification=layer)
    assert given == kg.source("kk:kambarata-1-agreement")
    assert given.verification is not None
    assert given.verification.status == "contradicted"
    assert kg.source("kk:kambarata-1-agreement", verification=Graph()).verification is None


def test_kg_source_shows_the_dispute_of_kambarata() -> None:
    done = run_kg("source", "kk:kambarata-1-agreement")
    assert done.returncode == 0, done.stderr
    assert "哈、吉、俄三国在维也纳签署" in done.stdout
    assert "verification: contradicted  (DISPUTED)" in done.stdout
    assert "kko:party: article kk:russia; source kk:uzbekistan" in done.stdout
    assert "trend.az" in done.stdout


def test_kg_source_shows_the_dispute_of_the_date_of_diplomatic_relations() -> None:
    done = run_kg("source", "kk:establishment-of-diplomatic-relations")
    assert done.returncode == 0, done.stderr
    assert "1992年10月15日" in done.stdout
    assert 'kko:date: article "1992-10-15"^^xsd:date; source "1992-08-27"^^xsd:date' in done.stdout
    assert "https://utrk.kg/" in done.stdout


def test_kg_query_says_which_rows_rest_on_an_unverified_fact() -> None:
    """The 2006 education agreement's signing: no independent source was found for it
    (graph/verification.tsv), and the agreements table's row of it says so."""
    table = run_kg("query", "agreements", "--no-cache")
    assert table.returncode == 0, table.stderr
    warnings = [line for line in table.stdout.splitlines() if line.startswith("warning:")]
    assert any(
        "rests on kk:signing-of-education-cooperation-agreement, which no independent source "
        "was found to confirm (see: kg source kk:signing-of-education-cooperation-agreement)"
        in line
        for line in warnings
    ), warnings
    assert not any("sources find" in line for line in warnings)


def test_kg_query_warns_of_rows_on_a_contradicted_fact() -> None:
    table = run_kg("query", "third-state-agreements", "--no-cache")
    assert table.returncode == 0, table.stderr
    assert (
        "warning: row 1 rests on kk:kambarata-1-agreement, which independent sources "
        "contradict (see: kg source kk:kambarata-1-agreement)"
    ) in table.stdout
    answer = json.loads(run_kg("query", "third-state-agreements", "--format", "json").stdout)
    assert answer["verification"] == [
        {
            "row": 0,
            "column": "agreement",
            "node": str(KK["kambarata-1-agreement"]),
            "status": "contradicted",
        }
    ]
    assert answer["results"]["bindings"][0]["status"]["value"] == "contradicted"


def test_agreements_give_each_status_as_the_sources_table_does() -> None:
    """Kambarata-1 (哈、吉、俄 in the article; Uzbekistan in the reports) is contradicted; the
    deepening agreement, whose text Kazakhstan's ratification law gives, is corroborated; every
    row's status is the table's status of that agreement."""
    from kg import run_query

    statuses = {str(r.fact): r.status for r in read_table(TABLE)}
    labels = {"contradicted": "contradicted", "corroborated": "corroborated"}
    labels |= {"more-precise": "more precise elsewhere", "unverified": "unverified"}
    labels |= {"not-checkable": "not checkable"}
    rows = run_query("agreements").rows
    by_agreement = {row["agreement"]: row for row in rows}
    assert by_agreement[str(KK["kambarata-1-agreement"])]["status"] == "contradicted"
    deepening = by_agreement[str(KK["agreement-on-deepening-allied-relations"])]
    assert deepening["status"] == "corroborated"
    for agreement, row in by_agreement.items():
        expected = labels.get(statuses.get(agreement, ""))
        assert row["status"] == expected, agreement
        act = str(row["act"])
        assert row["actStatus"] == labels.get(statuses.get(act, "")), act


def test_disputed_facts_give_both_versions_and_the_source() -> None:
    from kg import run_query

    rows = run_query("disputed-facts").rows
    kambarata = [r for r in rows if r["fact"] == str(KK["kambarata-1-agreement"])]
    assert kambarata
    assert {(r["articleValue"], r["sourceValue"]) for r in kambarata} == {
        (str(KK.russia), str(KK.uzbekistan))
    }
    relations = [r for r in rows if r["fact"] == str(KK["establishment-of-diplomatic-relations"])]
    utrk = [r for r in relations if r["url"] and "utrk.kg" in str(r["url"])]
    assert [(r["articleValue"], r["sourceValue"]) for r in utrk] == [
        (date(1992, 10, 15), date(1992, 8, 27))
    ]
    assert all(r["publisher"] for r in rows)


def test_kg_stats_counts_the_layer() -> None:
    done = run_kg("stats", "--verification", "--format", "json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["facts"] == 111
    assert sum(data["by_status"].values()) == data["assessed"]
    assert data["assessed"] + len(data["unassessed"]) == data["facts"]
    assert data["by_status"]["contradicted"] >= 3  # Kambarata-1, its signing, the 1992 date
    assert data["findings"] == len(read_table(TABLE))
    text = run_kg("stats", "--verification").stdout
    assert f"fact-bearing nodes:   {data['facts']}" in text


def test_agreements_name_the_layer_of_each_value_when_the_reference_is_loaded() -> None:
    """The article gives the 1997 signing no place and dates the deepening agreement by its
    2025 ratification; the reference notes add Almaty and the 2024-04-19 signing in Astana.
    With both layers in one graph, each of those values says it is the reference layer's,
    and Vienna (哈、吉、俄三国在维也纳签署) stays the article's."""
    from kg import run_query

    merged = load_graph(include_reference=True, paths=default_sources(ROOT))
    rows = {row["agreement"]: row for row in run_query("agreements", graph=merged).rows}
    eternal = rows[str(KK["treaty-of-eternal-friendship"])]
    assert (eternal["placeEn"], eternal["placeLayer"], eternal["actLayer"]) == (
        "Almaty",
        "reference",
        "article",
    )
    deepening = rows[str(KK["agreement-on-deepening-allied-relations"])]
    assert (deepening["placeEn"], deepening["actLayer"]) == ("Astana", "reference")
    kambarata = rows[str(KK["kambarata-1-agreement"])]
    assert (kambarata["placeEn"], kambarata["placeLayer"]) == ("Vienna", "article")
    alone = {row["agreement"]: row for row in run_query("agreements").rows}
    assert {row["actLayer"] for row in alone.values()} == {"article"}
    assert alone[str(KK["treaty-of-eternal-friendship"])]["placeLayer"] is None
