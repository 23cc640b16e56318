"""Readings of the article's words that the graph once got wrong, each checked against the
words themselves (graph/source/article.zh.txt)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import RDFS, Graph, Literal, Namespace
from rdflib.namespace import SKOS

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = (ROOT / "graph" / "source" / "article.zh.txt").read_text(encoding="utf-8")
KK = Namespace("https://w3id.org/kazkgz/id/")
KKO = Namespace("https://w3id.org/kazkgz/ontology#")

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def graph() -> Graph:
    return Graph().parse(ROOT / "graph" / "article.ttl", format="turtle")


def test_the_last_five_years_are_not_nearly_five(graph: Graph) -> None:
    """近五年来，双边贸易额实现翻倍增长: 'over the last five years' (近…来, recent), while
    近35年来，两国已签署约150份…协议 puts 近 before a number: 'nearly 35 years'."""
    assert "近五年来，双边贸易额实现翻倍增长" in ARTICLE
    assert "近35年来" in ARTICLE
    five = KK["period-past-five-years"]
    assert Literal("近五年来", lang="zh") in set(graph.objects(five, RDFS.label))
    assert graph.value(five, KKO.valueQualifier) is None
    assert graph.value(KK["period-nearly-35-years"], KKO.valueQualifier) == KKO.Nearly


def test_renwen_is_the_humanitarian_field(graph: Graph) -> None:
    """涵盖政治、经济以及人文领域: 人文 here is the humanitarian (people-to-people) field of
    relations between states, not the academic humanities."""
    assert "涵盖政治、经济以及人文领域" in ARTICLE
    labels = {
        str(o)
        for o in graph.objects(KK["topic-humanities"], RDFS.label)
        if isinstance(o, Literal) and o.language == "en"
    }
    assert labels == {"humanitarian (people-to-people) ties"}
    notes = " ".join(str(n) for n in graph.objects(KK["topic-humanities"], SKOS.note))
    assert "not the academic humanities" in notes


def test_carbon_free_steel_says_what_the_term_most_likely_means(graph: Graph) -> None:
    """无碳钢材 among Kyrgyzstan's exports: translated as written, with a note that steel is
    never free of carbon."""
    assert "无碳钢材" in ARTICLE
    steel = KK["commodity-carbon-free-steel"]
    assert Literal("无碳钢材", lang="zh") in set(graph.objects(steel, RDFS.label))
    notes = " ".join(str(n) for n in graph.objects(steel, SKOS.note))
    assert "non-alloy" in notes


def test_the_2022_talks_formats_are_data(graph: Graph) -> None:
    """两国元首在小范围和大范围会谈中达成多项具体协议: one talks in narrow format, one in
    extended format."""
    assert "两国元首在小范围和大范围会谈中" in ARTICLE
    assert graph.value(KK["talks-in-bishkek-2022-narrow"], KKO.talksFormat) == KKO.NarrowFormat
    extended = graph.value(KK["talks-in-bishkek-2022-extended"], KKO.talksFormat)
    assert extended == KKO.ExtendedFormat


def test_the_levels_of_the_agreements_are_data(graph: Graph) -> None:
    """约150份国家间、政府间和部门间协议: three levels; the sectoral agreements are signed by
    双方政府 (the two governments): intergovernmental."""
    assert "国家间、政府间和部门间协议" in ARTICLE
    assert "双方政府还在农业、边境口岸、道路建设及旅游等领域签署了多项协议" in ARTICLE
    levels = set(graph.objects(KK["bilateral-agreements"], KKO.agreementLevel))
    assert levels == {KKO.InterStateLevel, KKO.IntergovernmentalLevel, KKO.InterdepartmentalLevel}
    sectoral = set(graph.objects(KK["sectoral-government-agreements"], KKO.agreementLevel))
    assert sectoral == {KKO.IntergovernmentalLevel}


def test_the_expert_pairs_each_organisation_with_its_own_topics(graph: Graph) -> None:
    """例如在集安组织框架下加强安全合作，在欧亚经济联盟框架下推动关税壁垒消除、贸易扩展和劳务
    流动: the CSTO with security, the EAEU with tariff barriers, trade and labour mobility;
    never the CSTO with tariff barriers."""
    assert "在集安组织框架下加强安全合作" in ARTICLE
    rows = graph.query(
        """
        SELECT ?organisation ?topic WHERE {
            ?claim kko:example ?example .
            ?example kko:framework ?organisation ; kko:topic ?topic .
        }
        """,
        initNs={"kko": KKO},
    )
    pairs = {(str(r[0]).removeprefix(str(KK)), str(r[1]).removeprefix(str(KK))) for r in rows}  # type: ignore[index]
    assert pairs == {
        ("csto", "topic-security-cooperation"),
        ("eaeu", "topic-removal-of-tariff-barriers"),
        ("eaeu", "topic-trade-growth"),
        ("eaeu", "topic-labour-mobility"),
    }
