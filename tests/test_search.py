"""Search by name (kg.graph.search and ``kg search``) on the project's own graph: the expected
hits come from the article (托卡耶夫 is the President of Kazakhstan, 扎纳特·莫明库洛夫 the
political scientist quoted) and from the reference layer's official treaty titles."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from lib_helpers import KK, KKO, REPO
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDFS, SKOS

from kg.core.errors import UsageError
from kg.graph.loading import load_graph
from kg.graph.search import SearchIndex, fold, search

pytestmark = pytest.mark.realdata

ORG = Namespace("http://www.w3.org/ns/org#")
TOKAYEV = URIRef(KK + "kassym-jomart-tokayev")
EXPERT = URIRef(KK + "zhanat-momynkulov")
ETERNAL_FRIENDSHIP = URIRef(KK + "treaty-of-eternal-friendship")


@pytest.fixture(scope="module")
def graph() -> Graph:
    return load_graph(include_reference=True)


@pytest.fixture(scope="module")
def index(graph: Graph) -> SearchIndex:
    return SearchIndex(graph)


def test_fold_case_diacritics_and_punctuation() -> None:
    assert fold("Kassym-Jomart  TOKAYEV") == "kassym jomart tokayev"
    assert fold("Café Zürich") == "cafe zurich"
    assert fold("ДОГОВОР") == fold("договор")
    assert fold("Қазақстан") == "қазақстан"  # Kazakh letters are letters, not marks
    assert fold("《玛纳斯》") == "玛纳斯"


@pytest.mark.parametrize("text", ["托卡耶夫", "Tokayev", "tokayev", "TOKAYEV", "卓玛尔特托卡耶夫"])
def test_president_of_kazakhstan_is_found(index: SearchIndex, graph: Graph, text: str) -> None:
    hits = index.search(text)
    assert hits[0].node == TOKAYEV
    # the article: 总统哈斯穆-卓玛尔特·托卡耶夫, Kazakhstan's president
    assert (TOKAYEV, ORG.holds, URIRef(KK + "post-president-of-kazakhstan")) in graph
    assert URIRef(KKO + "Person") in hits[0].types


def test_exact_before_prefix_before_substring(index: SearchIndex) -> None:
    hits = index.search("托卡耶夫")
    assert hits[0].match == "exact"
    assert hits[0].matched == Literal("托卡耶夫", lang="zh")
    assert hits[0].property == SKOS.altLabel
    order = [("exact", "prefix", "substring", "near").index(h.match) for h in hits]
    assert order == sorted(order)
    assert {"prefix", "substring"} <= {h.match for h in hits}
    # 2022年5月，托卡耶夫总统回访比什凯克: a label that starts with the name
    assert URIRef(KK + "return-visit-of-tokayev-to-kyrgyzstan-2022") in {h.node for h in hits}


@pytest.mark.parametrize(
    ("text", "match"),
    [("莫明库洛夫", "exact"), ("Momynkulov", "exact"), ("Zhanat Momynkulov", "exact"),
     ("Momunkulov", "near"), ("momunkulov", "near")],
)  # fmt: skip
def test_the_expert_is_found_by_any_spelling(index: SearchIndex, text: str, match: str) -> None:
    hits = index.search(text)
    assert hits[0].node == EXPERT
    assert hits[0].match == match
    assert hits[0].label("zh") == "扎纳特·莫明库洛夫"


@pytest.mark.parametrize(
    "text", ["ДОГОВОР", "ВЕЧНОЙ ДРУЖБЕ", "вечной дружбе между", "МӘҢГІЛІК ДОСТЫҚ"]
)
def test_cyrillic_titles_are_folded_for_case(index: SearchIndex, text: str) -> None:
    hits = index.search(text)
    assert hits[0].node == ETERNAL_FRIENDSHIP
    assert hits[0].matched.language in {"ru", "kk"}


def test_near_matches_only_spelled_words_of_five_letters() -> None:
    node = URIRef(KK + "x")
    graph = Graph()
    graph.add((node, RDFS.label, Literal("Bishkek", lang="en")))
    graph.add((node, RDFS.label, Literal("比什凯克", lang="zh")))
    index = SearchIndex(graph)
    assert index.search("Bishkik")[0].match == "near"
    assert index.search("Bish")[0].match == "prefix"
    assert index.search("Bosh") == ()  # four letters: no spelling variants
    assert index.search("比什凯")[0].match == "prefix"
    assert index.search("比什克") == ()  # one character off in Chinese is another word
    assert index.search("Zzyzx") == ()


def test_bad_search_text_is_refused(index: SearchIndex) -> None:
    for text in ("", "   ", "·-"):
        with pytest.raises(UsageError, match="nothing to search for"):
            index.search(text)
    with pytest.raises(UsageError, match="limit is 200"):
        index.search("x" * 201)
    with pytest.raises(UsageError, match="limit must be 1 or more"):
        index.search("Tokayev", limit=0)


def test_library_function_loads_the_reference_layer() -> None:
    assert search("Вечной Дружбе", limit=1)[0].node == ETERNAL_FRIENDSHIP


def _kg(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "KG_HOME": str(REPO)}
    script = Path(sys.executable).with_name("kg")
    return subprocess.run(
        [str(script), *args], capture_output=True, text=True, env=env, timeout=120, check=False
    )


@pytest.mark.cli
def test_kg_search_table_and_json() -> None:
    table = _kg("search", "Tokayev", "--limit", "3")
    assert table.returncode == 0, table.stderr
    first = table.stdout.splitlines()[0].split()
    assert first[:2] == ["exact", "kk:kassym-jomart-tokayev"]
    assert len(table.stdout.splitlines()) == 3
    answer = _kg("search", "Momunkulov", "--format", "json")
    assert answer.returncode == 0, answer.stderr
    hits = json.loads(answer.stdout)
    assert hits[0]["iri"] == str(EXPERT)
    assert hits[0]["labels"]["zh"] == "扎纳特·莫明库洛夫"
    assert hits[0]["match"] == "near"
    nothing = _kg("search", "Zzyzx")
    assert nothing.returncode == 0
    assert "nothing matches" in nothing.stdout


@pytest.mark.cli
@pytest.mark.parametrize(
    ("args", "message"),
    [(("search", " "), "nothing to search for"), (("search", "x", "--limit", "0"), "limit"),
     (("search", "x", "--format", "csv"), "invalid choice")],
)  # fmt: skip
def test_kg_search_bad_input_exits_2(args: tuple[str, ...], message: str) -> None:
    proc = _kg(*args)
    assert proc.returncode == 2
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr
