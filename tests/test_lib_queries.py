"""Saved queries: metadata, parameters bound safely, errors; ad hoc SPARQL; result forms."""

from __future__ import annotations

import csv
import datetime
import io
import json
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from lib_helpers import FIXTURES, KK, fixture_sources
from rdflib import Literal

from kg import (
    ParameterTypeError,
    QueryMetadataError,
    SparqlSyntaxError,
    UnknownParameterError,
    UnknownQueryError,
    UsageError,
    list_queries,
    load_graph,
    run_query,
    sparql,
)
from kg.queries.metadata import parse_query_file

SRC = fixture_sources()


def test_list_queries_reads_the_metadata() -> None:
    saved = {q.name: q for q in list_queries(SRC)}
    assert sorted(saved) == [
        "diplomatic-relations",
        "established-in-year",
        "find-by-label",
        "organisation-members",
    ]
    members = saved["organisation-members"]
    assert members.summary == "The members of an organisation"
    assert members.tags == ("organisations", "reasoning")
    assert members.inferred is True
    [org] = members.params
    assert (org.name, org.type, org.required, org.default) == (
        "org",
        "iri",
        True,
        "https://w3id.org/kazkgz/id/sco",
    )
    assert saved["find-by-label"].tags == ("lookup",)
    [year] = saved["established-in-year"].params
    assert (year.name, year.type, year.required, year.default) == ("year", "integer", False, "1992")
    assert saved["diplomatic-relations"].params == ()


def test_run_query_returns_python_values() -> None:
    result = run_query("diplomatic-relations", paths=SRC)
    assert result.vars == ("relation", "date")
    assert result.rows == (
        {"relation": KK + "diplomatic-relations", "date": datetime.date(1992, 10, 15)},
    )


def test_inferred_query_needs_the_closure() -> None:
    asserted = run_query("organisation-members", graph=load_graph(paths=SRC), paths=SRC)
    assert asserted.rows == ()
    inferred = run_query("organisation-members", paths=SRC)  # metadata says inferred: true
    assert [r["member"] for r in inferred.rows] == [KK + "kazakhstan", KK + "kyrgyzstan"]


def test_parameters_accept_curies_and_defaults() -> None:
    by_curie = run_query("organisation-members", {"org": "kk:sco"}, paths=SRC)
    assert len(by_curie.rows) == 2
    assert run_query("established-in-year", paths=SRC).rows[0]["date"].year == 1992
    assert run_query("established-in-year", {"year": 1993}, paths=SRC).rows == ()


def test_string_parameter_matches_labels_in_any_language() -> None:
    rows = run_query("find-by-label", {"label": "哈萨克斯坦"}, paths=SRC).rows
    assert rows == ({"node": KK + "kazakhstan", "lang": "zh"},)


def test_injection_attempt_is_just_a_harmless_literal() -> None:
    graph = load_graph(paths=SRC)
    size = len(graph)
    attack = 'x" } ; DROP ALL ; SELECT * { ?s ?p "'
    result = run_query("find-by-label", {"label": attack}, graph=graph, paths=SRC)
    nonsense = run_query("find-by-label", {"label": "qwertyuiop"}, graph=graph, paths=SRC)
    assert result.rows == nonsense.rows == ()
    assert result.vars == nonsense.vars
    assert len(graph) == size


def test_unknown_query() -> None:
    with pytest.raises(UnknownQueryError) as caught:
        run_query("no-such-query", paths=SRC)
    assert caught.value.name == "no-such-query"
    assert "diplomatic-relations" in caught.value.known


def test_path_tricks_are_unknown_queries() -> None:
    with pytest.raises(UnknownQueryError):
        run_query("checks/self-membership-violation", paths=SRC)


def test_unknown_parameter() -> None:
    with pytest.raises(UnknownParameterError) as caught:
        run_query("find-by-label", {"colour": "blue"}, paths=SRC)
    assert caught.value.name == "colour"


@pytest.mark.parametrize(
    ("query", "params"),
    [
        ("established-in-year", {"year": "nineteen"}),
        ("organisation-members", {"org": "not an iri"}),
        ("organisation-members", {"org": "nope:sco"}),
        ("find-by-label", {}),
    ],
)
def test_bad_parameter_values(query: str, params: dict[str, str]) -> None:
    with pytest.raises(ParameterTypeError):
        run_query(query, params, paths=SRC)


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("unknown-key", "unknown key(s) colour"),
        ("malformed-yaml", "malformed YAML"),
        ("unknown-type", "unknown type 'flavour'"),
        ("bad-default", "default of 'year'"),
        ("no-summary", "'summary' is required"),
        ("default-for-nothing", "not a parameter"),
        ("not-inferred-bool", "'inferred' must be true or false"),
        ("one-of-nothing", "one_of names 'colour', which is not a parameter"),
    ],
)
def test_bad_metadata_fails_loudly_naming_the_file(name: str, words: str) -> None:
    path = FIXTURES / "bad-queries" / f"{name}.rq"
    with pytest.raises(QueryMetadataError) as caught:
        parse_query_file(path)
    assert caught.value.file == str(path)
    assert words in str(caught.value)


def test_bad_sparql_in_a_saved_query() -> None:
    path = FIXTURES / "bad-queries" / "bad-sparql.rq"
    with pytest.raises(SparqlSyntaxError) as caught:
        parse_query_file(path)
    assert str(path) in str(caught.value)


def test_grlc_parameter_types(tmp_path: Path) -> None:
    rq = tmp_path / "typed.rq"
    rq.write_text(
        "#+ summary: typed\n"
        "SELECT * WHERE { ?_a_iri ?__b_number ?_c_en . ?x ?y ?__d_date . ?z ?w ?__e }",
        encoding="utf-8",
    )
    params = {p.name: p for p in parse_query_file(rq).params}
    assert {n: (p.type, p.required) for n, p in params.items()} == {
        "a": ("iri", True),
        "b": ("number", False),
        "c": ("en", True),
        "d": ("date", False),
        "e": ("string", False),
    }
    assert params["c"].bind("hello") == Literal("hello", lang="en")
    assert params["b"].bind("2.5").toPython() == pytest.approx(2.5)
    assert params["d"].bind("2024-06-01").toPython() == datetime.date(2024, 6, 1)


def test_sparql_ad_hoc_and_its_syntax_errors() -> None:
    result = sparql("ASK { ?s a <https://w3id.org/kazkgz/ontology#State> }", paths=SRC)
    assert result.ask is True
    with pytest.raises(SparqlSyntaxError):
        sparql("SELEC * WHERE { ?s ?p ?o }", paths=SRC)


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
        "SELECT * FROM <http://example.org/data.ttl> WHERE { ?s ?p ?o }",
        "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        "DROP ALL",
    ],
)
def test_queries_that_would_leave_the_graph_or_change_it_are_refused(text: str) -> None:
    with pytest.raises(SparqlSyntaxError):
        sparql(text, paths=SRC)


def test_a_service_pattern_is_refused_wherever_it_is_and_every_time() -> None:
    text = (
        "SELECT * WHERE { ?s ?p ?o OPTIONAL { { SELECT ?s WHERE {"
        " SERVICE <http://example.org/sparql> { ?s ?q ?v } } } } }"
    )
    for _ in range(2):  # the second time, the check read once per text is used
        with pytest.raises(SparqlSyntaxError, match="SERVICE"):
            sparql(text, paths=SRC)


def test_construct_gives_a_graph() -> None:
    result = sparql(
        "CONSTRUCT { ?s a ?c } WHERE { ?s a <https://w3id.org/kazkgz/ontology#State> ; a ?c }",
        paths=SRC,
    )
    assert result.graph is not None
    assert len(result.graph) == 2


def test_serialisations() -> None:
    result = run_query("diplomatic-relations", paths=SRC)
    data = json.loads(result.serialize("json"))
    assert data["head"]["vars"] == ["relation", "date"]
    assert data["results"]["bindings"][0]["date"]["value"] == "1992-10-15"
    rows = list(csv.reader(io.StringIO(result.serialize("csv"))))
    assert rows == [["relation", "date"], [KK + "diplomatic-relations", "1992-10-15"]]
    assert result.serialize("tsv").splitlines()[0] == "?relation\t?date"
    assert "<sparql" in result.serialize("xml")
    assert "kk:diplomatic-relations  1992-10-15" in result.table()
    with pytest.raises(UsageError):
        result.serialize("yaml")


def test_to_dataframe_says_what_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(UsageError, match="pandas"):
        run_query("diplomatic-relations", paths=SRC).to_dataframe()


def test_to_dataframe_gives_numbers_and_dates_their_dtypes() -> None:
    # 2020年，两国贸易额为7.962亿美元，而到2024年已超过17亿美元 (the 2024 figure a lower bound)
    frame = run_query("bilateral-trade").to_dataframe()
    assert str(frame["amount"].dtype) == "float64"
    assert str(frame["periodBegin"].dtype).startswith("datetime64")
    by_begin = dict(zip(frame["periodBegin"].dt.year, frame["amount"], strict=False))
    assert by_begin[2020] == 796_200_000.0
    exact = run_query("bilateral-trade").to_dataframe(exact=True)
    assert exact["amount"].dtype == object
    assert Decimal("796200000") in set(exact["amount"])


def test_to_dataframe_keeps_a_mixed_column_as_it_is() -> None:
    # the timeline's dates have the article's precision: days, months (2021年3月) and years
    frame = run_query("timeline").to_dataframe()
    assert frame["date"].dtype == object
    assert str(frame["beginDate"].dtype).startswith("datetime64")


# ---------------------------------------------------------------- variables kept in the cache

PARAMETERISED = """#+ summary: Things of a kind
SELECT ?thing ?label WHERE { ?thing a ?_kind_iri ; rdfs:label ?label . FILTER(?label != ?__not) }
"""


def test_a_query_s_variables_are_parsed_once_then_read_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kg.queries import metadata

    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path / "cache"))
    metadata.query_variables.cache_clear()  # what earlier tests of this process kept
    first = metadata.query_variables(PARAMETERISED)
    assert set(first) == {"thing", "_kind_iri", "label", "__not"}
    kept = list((tmp_path / "cache" / "variables").iterdir())
    assert len(kept) == 1

    def no_parse(text: str) -> None:
        raise AssertionError("parsed again")

    monkeypatch.setattr(metadata, "prepare", no_parse)
    assert metadata.query_variables(PARAMETERISED) == first  # in this process: kept in memory
    metadata.query_variables.cache_clear()  # as in a new process: read from the folder
    assert metadata.query_variables(PARAMETERISED) == first
    with pytest.raises(SparqlSyntaxError, match="parsed again"):  # another text is parsed
        metadata.query_variables(PARAMETERISED.replace("?__not", "?__other"))


def test_a_damaged_cache_entry_of_variables_is_parsed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kg.queries.metadata import query_variables

    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path / "cache"))
    query_variables.cache_clear()
    query_variables(PARAMETERISED)
    (entry,) = (tmp_path / "cache" / "variables").iterdir()
    for damage in ('{"thing": 1}', "[1, 2]", "not json"):
        entry.write_text(damage, encoding="utf-8")
        query_variables.cache_clear()
        assert set(query_variables(PARAMETERISED)) == {"thing", "_kind_iri", "label", "__not"}


def test_a_query_that_does_not_parse_is_refused_each_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kg.queries.metadata import parse_query_text

    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path / "cache"))
    for _ in range(2):
        with pytest.raises(SparqlSyntaxError):
            parse_query_text("#+ summary: broken\nSELECT ?x WHERE { ?x ", Path("broken.rq"))
    assert not list((tmp_path / "cache").glob("**/*.answer"))


def test_a_read_only_cache_still_gives_the_variables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kg.queries.metadata import query_variables

    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path / "not-a-folder"))
    (tmp_path / "not-a-folder").write_text("a file where the cache would be", encoding="utf-8")
    query_variables.cache_clear()
    assert set(query_variables(PARAMETERISED)) == {"thing", "_kind_iri", "label", "__not"}
