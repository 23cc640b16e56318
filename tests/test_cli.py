"""Every kg command, run as a user would: the console script in a subprocess, with exit codes,
stdout and stderr checked; python -m kg, the other way in, runs the help, the version, a
validation and the error cases in the same tests (both go through kg.cli.main)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from lib_helpers import FIXTURES, KK, PROJECT, copy_project
from rdflib import Graph

pytestmark = pytest.mark.cli

SCRIPT = Path(sys.executable).with_name("kg")
ENTRY_POINTS = {"script": [str(SCRIPT)], "module": [sys.executable, "-m", "kg"]}


def _runner(command: list[str], tmp_path: Path):
    """A function that runs ``command`` (kg, one way or the other) with arguments, on the
    fixture project, with a cache folder of its own."""
    env = {**os.environ, "KG_HOME": str(PROJECT), "KG_CACHE_DIR": str(tmp_path / "cache")}

    def run(*args: str, stdin: str | None = None, home: Path | None = None):
        if home is not None:
            env["KG_HOME"] = str(home)
        return subprocess.run(
            [*command, *args],
            capture_output=True,
            text=True,
            input=stdin,
            env=env,
            cwd=tmp_path,
            timeout=120,
            check=False,
        )

    return run


@pytest.fixture
def kg(tmp_path: Path):
    """Run the console script kg on the fixture project."""
    return _runner(ENTRY_POINTS["script"], tmp_path)


@pytest.fixture(params=sorted(ENTRY_POINTS))
def kg_both(request: pytest.FixtureRequest, tmp_path: Path):
    """Run kg on the fixture project, as the console script and as python -m kg."""
    return _runner(ENTRY_POINTS[request.param], tmp_path)


def _no_traceback(proc: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in proc.stderr


def test_help_on_every_command(kg_both) -> None:
    top = kg_both("--help")
    assert top.returncode == 0
    for command in (
        "validate",
        "reason",
        "queries",
        "query",
        "sparql",
        "export",
        "build",
        "source",
        "stats",
        "search",
    ):
        assert command in top.stdout
        proc = kg_both(command, "--help")
        assert proc.returncode == 0, command
        assert "usage: kg " + command in proc.stdout


def test_version(kg_both) -> None:
    proc = kg_both("--version")
    assert proc.returncode == 0
    assert "kazkgz 0.2.0" in proc.stdout


def test_validate_conforms(kg_both) -> None:
    proc = kg_both("validate")
    assert proc.returncode == 0
    assert proc.stdout == "The data conforms (0 violations, 0 warnings, 0 notes).\n"
    with_reference = kg_both("validate", "--reference")
    assert with_reference.returncode == 0
    assert "Warning: kk:kazakhstan rdfs:label" in with_reference.stdout
    assert "conforms (0 violations, 1 warnings, 0 notes)" in with_reference.stdout


def test_validate_bad_files_exit_1(kg, tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        "@prefix kk: <https://w3id.org/kazkgz/id/> .\n"
        "@prefix kko: <https://w3id.org/kazkgz/ontology#> .\nkk:atlantis a kko:State .\n",
        encoding="utf-8",
    )
    proc = kg("validate", str(bad))
    assert proc.returncode == 1
    assert "Violation: kk:atlantis rdfs:label: a state needs a label" in proc.stdout
    report = kg("validate", "--format", "ttl", str(bad))
    assert report.returncode == 1
    assert len(Graph().parse(data=report.stdout, format="turtle")) > 0


def test_validate_broken_turtle_exit_2_with_position(kg_both) -> None:
    path = FIXTURES / "bad" / "missing-dot.ttl"
    proc = kg_both("validate", str(path))
    assert proc.returncode == 2
    assert proc.stderr.strip() == (
        f"kg: error: {path}:4:23: expected '.' or '}}' or ']' at end of statement"
    )
    _no_traceback(proc)


def test_reason_cold_then_warm(kg, tmp_path: Path) -> None:
    cold = kg("reason")
    assert cold.returncode == 0
    assert cold.stdout.startswith("5 inferred triples (computed")
    assert "reasoning…" in cold.stderr
    warm = kg("-q", "reason", "-o", str(tmp_path / "inf.ttl"))
    assert warm.returncode == 0
    assert "loaded from the cache" in warm.stdout
    assert warm.stderr == ""
    assert len(Graph().parse(tmp_path / "inf.ttl")) == 5


def test_reason_inconsistent_exit_1(kg, tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    (root / "graph" / "ghost.ttl").write_bytes(
        (FIXTURES / "inconsistent" / "disjoint.ttl").read_bytes()
    )
    proc = kg("reason", home=root)
    assert proc.returncode == 1
    assert "kg: error: the data is inconsistent: Disjoint classes" in proc.stderr
    assert "kk:centaur" in proc.stderr
    _no_traceback(proc)


def test_queries_lists_names_summaries_and_parameters(kg) -> None:
    proc = kg("queries")
    assert proc.returncode == 0
    assert "organisation-members  The members of an organisation [inferred]" in proc.stdout
    assert "-p label=<string>  (required)" in proc.stdout
    listing = json.loads(kg("queries", "--format", "json").stdout)
    assert [q["name"] for q in listing][:2] == ["diplomatic-relations", "established-in-year"]


def test_query_table_json_csv_tsv(kg) -> None:
    table = kg("query", "diplomatic-relations")
    assert table.returncode == 0
    assert table.stdout.splitlines() == [
        "relation                 date",
        "-----------------------  ----------",
        "kk:diplomatic-relations  1992-10-15",
        "(1 row)",
    ]
    data = json.loads(kg("query", "organisation-members", "--format", "json").stdout)
    members = [b["member"]["value"] for b in data["results"]["bindings"]]
    assert members == [KK + "kazakhstan", KK + "kyrgyzstan"]
    csv_out = kg("query", "find-by-label", "-p", "label=Kazakhstan", "--format", "csv")
    assert csv_out.stdout.splitlines() == ["node,lang", f"{KK}kazakhstan,en"]
    tsv_out = kg("query", "established-in-year", "-p", "year=1992", "--format", "tsv")
    assert tsv_out.stdout.splitlines()[0] == "?relation\t?date"


def test_query_inferred_flag(kg) -> None:
    proc = kg("query", "find-by-label", "-p", "label=扎帕罗夫", "--inferred")
    assert proc.returncode == 0
    assert "kk:japarov" in proc.stdout


def _answers(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "cache" / "answers").glob("*.answer"))


def test_query_answer_is_cached_and_follows_every_input(kg, tmp_path: Path) -> None:
    home = copy_project(tmp_path)
    row = "kk:diplomatic-relations  1992-10-15"
    assert kg("query", "diplomatic-relations", home=home).stdout.splitlines()[2] == row
    assert len(_answers(tmp_path)) == 1
    for entry in _answers(tmp_path):  # a planted entry is what a second run prints
        entry.write_text("from the cache\n", encoding="utf-8")
    assert kg("query", "diplomatic-relations", home=home).stdout == "from the cache\n"
    assert (
        kg("query", "diplomatic-relations", "--no-cache", home=home).stdout.splitlines()[2] == row
    )
    assert kg(
        "query", "diplomatic-relations", "--format", "csv", home=home
    ).stdout.splitlines() == [
        "relation,date",
        f"{KK}diplomatic-relations,1992-10-15",
    ]
    article = home / "graph" / "article.ttl"
    article.write_text(article.read_text(encoding="utf-8").replace("1992-10-15", "1992-10-16"))
    changed = kg("query", "diplomatic-relations", home=home).stdout.splitlines()
    assert changed[2] == "kk:diplomatic-relations  1992-10-16"
    query = home / "queries" / "diplomatic-relations.rq"
    query.write_text(query.read_text(encoding="utf-8") + "LIMIT 0\n", encoding="utf-8")
    assert kg("query", "diplomatic-relations", home=home).stdout.splitlines()[-1] == "(0 rows)"


def test_query_answers_are_cached_per_parameter_and_format(kg, tmp_path: Path) -> None:
    for _ in range(2):
        english = kg("query", "find-by-label", "-p", "label=Kazakhstan", "--format", "csv")
        chinese = kg("query", "find-by-label", "-p", "label=扎帕罗夫", "--inferred")
        assert english.stdout.splitlines() == ["node,lang", f"{KK}kazakhstan,en"]
        assert "kk:japarov" in chinese.stdout
    assert len(_answers(tmp_path)) == 2
    assert kg("sparql", "ASK { ?s ?p ?o }").stdout.strip() == "yes"
    assert len(_answers(tmp_path)) == 3


def test_answers_that_change_from_run_to_run_are_not_cached(kg, tmp_path: Path) -> None:
    text = "SELECT (STRUUID() AS ?u) WHERE {}"
    first, second = (kg("sparql", text, "--format", "csv").stdout for _ in range(2))
    assert first.splitlines()[0] == "u"
    assert first != second
    assert _answers(tmp_path) == []


def test_errors_are_not_cached(kg, tmp_path: Path) -> None:
    for _ in range(2):
        assert kg("query", "nope").returncode == 2
        assert kg("query", "established-in-year", "-p", "year=abc").returncode == 2
    assert _answers(tmp_path) == []


def test_a_cached_answer_is_printed_without_loading_rdflib(kg, tmp_path: Path) -> None:
    assert kg("query", "diplomatic-relations").returncode == 0
    env = {**os.environ, "KG_HOME": str(PROJECT), "KG_CACHE_DIR": str(tmp_path / "cache")}
    script = (
        "import sys; from kg.cli import main; code = main(['query', 'diplomatic-relations']); "
        "heavy = ('rdflib', 'pyshacl', 'owlrl'); "
        "print(code, sorted(m for m in sys.modules if m.split('.')[0] in heavy))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True
    )
    assert proc.stdout.splitlines()[2] == "kk:diplomatic-relations  1992-10-15"
    assert proc.stdout.splitlines()[-1] == "0 []"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["query", "nope"], "unknown saved query 'nope'"),
        (["query", "find-by-label", "-p", "colour=blue"], "has no parameter 'colour'"),
        (["query", "find-by-label"], "saved query 'find-by-label' needs a value for 'label'"),
        (["query", "established-in-year", "-p", "year=abc"], "expects an xsd:integer"),
        (["query", "find-by-label", "-p", "label"], "a parameter is written name=value"),
        (["sparql", "SELEC * WHERE { ?s ?p ?o }"], "SPARQL syntax error"),
        (["source", "kk:atlantis"], "the graph says nothing about"),
        (["source", "nope:x"], "known prefix"),
        (["sparql", "missing.rq"], "cannot read missing.rq"),
    ],
)
def test_user_errors_exit_2_with_one_line(kg_both, args: list[str], words: str) -> None:
    proc = kg_both(*args)
    assert proc.returncode == 2
    assert words in proc.stderr
    assert proc.stderr.startswith("kg: error: ")
    assert len(proc.stderr.strip().splitlines()) == 1
    _no_traceback(proc)


def test_argparse_usage_errors_exit_2(kg_both) -> None:
    assert kg_both().returncode == 2
    assert kg_both("export").returncode == 2  # --format is required
    assert kg_both("frobnicate").returncode == 2


def test_sparql_text_file_and_stdin(kg, tmp_path: Path) -> None:
    text = "SELECT ?s WHERE { ?s a <https://w3id.org/kazkgz/ontology#State> } ORDER BY ?s"
    inline = kg("sparql", text, "--format", "csv")
    assert inline.returncode == 0
    assert inline.stdout.splitlines() == ["s", f"{KK}kazakhstan", f"{KK}kyrgyzstan"]
    (tmp_path / "q.rq").write_text(text, encoding="utf-8")
    assert kg("sparql", "q.rq", "--format", "csv").stdout == inline.stdout
    assert kg("sparql", "-", "--format", "csv", stdin=text).stdout == inline.stdout
    ask = kg("sparql", "ASK { ?s a <https://w3id.org/kazkgz/ontology#HeadOfState> }", "--inferred")
    assert ask.stdout.strip() == "yes"


@pytest.mark.parametrize(
    ("fmt", "parser"), [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld"), ("xml", "xml")]
)
def test_export_formats(kg, tmp_path: Path, fmt: str, parser: str) -> None:
    proc = kg("export", "--format", fmt)
    assert proc.returncode == 0
    graph = Graph().parse(data=proc.stdout, format=parser)
    out = tmp_path / f"all.{fmt}"
    with_inferred = kg("-q", "export", "--format", fmt, "--inferred", "-o", str(out))
    assert with_inferred.returncode == 0
    assert len(Graph().parse(out, format=parser)) == len(graph) + 5


def test_build_writes_dist(kg, tmp_path: Path) -> None:
    proc = kg("build", "--out", str(tmp_path / "dist"))
    assert proc.returncode == 0
    assert "checks: 2 passed" in proc.stdout
    assert "wrote 29 files" in proc.stdout
    assert "reasoning…" in proc.stderr
    assert (tmp_path / "dist" / "SHA256SUMS").is_file()


def test_build_failing_check_exit_1(kg, tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    with (root / "graph" / "article.ttl").open("a", encoding="utf-8") as handle:
        handle.write("\nkk:visit-ghost a kko:Visit .\n")
    proc = kg("build", "--out", str(tmp_path / "dist"), home=root)
    assert proc.returncode == 1
    assert "consistency check(s) returned rows" in proc.stderr
    assert "visit-without-visitor-violation: 1 row(s)" in proc.stderr
    _no_traceback(proc)


def test_source_shows_quote_offsets_and_sentence(kg) -> None:
    proc = kg("source", "kk:diplomatic-relations")
    assert proc.returncode == 0
    assert proc.stdout.splitlines() == [
        "kk:diplomatic-relations  (Kazakhstan–Kyrgyzstan diplomatic relations)",
        "  kk:excerpt-relations",
        "    quote:    于1992年10月15日正式建立外交关系",
        "    offsets:  [12, 32)",
        "    sentence: 哈萨克斯坦与吉尔吉斯斯坦于1992年10月15日正式建立外交关系。",
    ]
    by_iri = kg("source", f"<{KK}diplomatic-relations>")
    assert by_iri.stdout == proc.stdout


def test_stats(kg) -> None:
    proc = kg("stats")
    assert proc.returncode == 0
    assert "excerpts:             3" in proc.stdout
    data = json.loads(kg("stats", "--format", "json").stdout)
    assert data["entities_by_class"]["kko:State"] == 2
    assert data["triples"] == 96  # the asserted graph: ontology and article
    assert data["layers"] == ["ontology", "article"]
    with_reference = json.loads(kg("stats", "--reference", "--format", "json").stdout)
    assert with_reference["triples"] == 98  # and the fixture's two reference triples
