"""kg.source: the quotes, offsets and sentences behind a node; stats."""

from __future__ import annotations

import pytest
from lib_helpers import KK, KKO, fixture_sources
from rdflib import URIRef

from kg import NodeNotFoundError, source, stats
from kg.core.namespaces import expand_node
from kg.graph.provenance import sentence_around


def test_source_of_a_fact() -> None:
    found = source("kk:diplomatic-relations", paths=fixture_sources())
    assert found.label == "Kazakhstan–Kyrgyzstan diplomatic relations"
    [ev] = found.evidence
    assert ev.excerpt == URIRef(KK + "excerpt-relations")
    assert ev.exact == "于1992年10月15日正式建立外交关系"
    assert (ev.start, ev.end, ev.verified) == (12, 32, True)
    assert ev.sentence == "哈萨克斯坦与吉尔吉斯斯坦于1992年10月15日正式建立外交关系。"


def test_source_with_blank_node_selectors_and_full_iri() -> None:
    found = source(KK + "visit-2021-03", paths=fixture_sources())
    [ev] = found.evidence
    assert (ev.start, ev.end, ev.verified) == (55, 67, True)
    assert ev.sentence == "2021年3月，扎帕罗夫总统访问阿斯塔纳。"


def test_an_excerpt_is_its_own_source() -> None:
    [ev] = source("kk:excerpt-sco", paths=fixture_sources()).evidence
    assert ev.exact == "两国均为上海合作组织成员"


def test_unknown_nodes_and_prefixes() -> None:
    with pytest.raises(NodeNotFoundError, match="says nothing"):
        source("kk:atlantis", paths=fixture_sources())
    with pytest.raises(NodeNotFoundError, match="known prefix"):
        expand_node("nope:x")
    assert expand_node("<https://w3id.org/kazkgz/id/x>") == URIRef(KK + "x")
    assert expand_node("kko:State") == URIRef(KKO + "State")


def test_sentence_around() -> None:
    text = "第一句。第二句很长，有逗号。第三句"
    assert sentence_around(text, 5, 7) == "第二句很长，有逗号。"
    assert sentence_around(text, 15, 17) == "第三句"


def test_stats_of_the_fixture() -> None:
    found = stats(paths=fixture_sources())
    assert found.excerpts == 3
    assert found.nodes_with_evidence == 4
    counts = dict(found.entities_by_class)
    assert counts[URIRef(KKO + "State")] == 2
    assert counts[URIRef(KKO + "President")] == 1
