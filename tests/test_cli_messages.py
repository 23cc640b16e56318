"""What the command line says when a user gets something wrong: each case a new user met, run
as a user runs it (the ``kg`` script in a subprocess, on this repository's own project), with
the exit code, a one-line message on stderr and no traceback."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from unicodedata import east_asian_width

import pytest
from lib_helpers import REPO, built_once
from rdflib import Graph

pytestmark = pytest.mark.cli

SCRIPT = Path(sys.executable).with_name("kg")


def kg(*args: str, tmp_path: Path, home: Path = REPO) -> subprocess.CompletedProcess[str]:
    """The kg script in ``tmp_path`` on the project in ``home``, with the cache of the user
    who runs the tests, which the run's build (:func:`lib_helpers.built_once`, waited for
    here) has filled (these tests are about messages; tests/test_cli.py tests the cache, each
    test with a folder of its own)."""
    built_once()
    env = {**os.environ, "KG_HOME": str(home)}
    return subprocess.run(
        [str(SCRIPT), *args], capture_output=True, text=True, env=env, cwd=tmp_path,
        timeout=120, check=False,
    )  # fmt: skip


def refused(proc: subprocess.CompletedProcess[str]) -> str:
    """The error line of a run that must end with exit code 2 and no traceback."""
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    errors = [line for line in proc.stderr.splitlines() if "error:" in line]
    assert len(errors) == 1, proc.stderr
    return errors[0]


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_an_ask_answer_has_no_csv_or_tsv_form(fmt: str, tmp_path: Path) -> None:
    line = refused(kg("sparql", "ASK { ?s ?p ?o }", "--format", fmt, tmp_path=tmp_path))
    assert f"an ASK answer cannot be written as '{fmt}': use table, json, xml" in line


def test_an_ask_answer_as_json_and_xml(tmp_path: Path) -> None:
    # the article names Kazakhstan: an ASK for it is true
    ask = "ASK { kk:kazakhstan a kko:State }"
    as_json = kg("sparql", ask, "--format", "json", tmp_path=tmp_path)
    assert as_json.returncode == 0
    assert '"boolean": true' in as_json.stdout
    as_xml = kg("sparql", ask, "--format", "xml", tmp_path=tmp_path)
    assert "<boolean>true</boolean>" in as_xml.stdout


@pytest.mark.parametrize("fmt", ["json", "csv", "tsv"])
def test_a_graph_answer_has_no_results_format(fmt: str, tmp_path: Path) -> None:
    construct = "CONSTRUCT { ?s a kko:State } WHERE { ?s a kko:State }"
    line = refused(kg("sparql", construct, "--format", fmt, tmp_path=tmp_path))
    assert "a CONSTRUCT answer cannot be written as" in line
    assert "use table, ttl, nt, jsonld, xml" in line


RDF_FORMATS = [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld"), ("xml", "xml")]


@pytest.mark.parametrize(("fmt", "rdflib_format"), RDF_FORMATS)
def test_a_graph_answer_in_each_rdf_format(fmt: str, rdflib_format: str, tmp_path: Path) -> None:
    # the article's two states, Kazakhstan and Kyrgyzstan, are kko:State nodes (and so are
    # the third states it names); the answer must parse in the format asked for
    construct = "CONSTRUCT { ?s a kko:State } WHERE { ?s a kko:State }"
    proc = kg("sparql", construct, "--format", fmt, tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    graph = Graph().parse(data=proc.stdout, format=rdflib_format)
    states = {str(s) for s in graph.subjects()}
    assert {"https://w3id.org/kazkgz/id/kazakhstan", "https://w3id.org/kazkgz/id/kyrgyzstan"} <= (
        states
    )


def test_a_graph_answer_uses_the_projects_prefixes(tmp_path: Path) -> None:
    construct = "CONSTRUCT { ?s a kko:State } WHERE { ?s a kko:State }"
    proc = kg("sparql", construct, tmp_path=tmp_path)
    assert proc.returncode == 0
    assert "@prefix kk: <https://w3id.org/kazkgz/id/> ." in proc.stdout
    assert "kk:kazakhstan a kko:State" in proc.stdout
    assert "ns1:" not in proc.stdout


def test_a_missing_parameter_is_named(tmp_path: Path) -> None:
    line = refused(kg("query", "entity", tmp_path=tmp_path))
    assert "saved query 'entity' needs a value for 'entity' or 'label'" in line


def test_an_unknown_query_suggests_the_closest(tmp_path: Path) -> None:
    line = refused(kg("query", "visit", tmp_path=tmp_path))
    assert "unknown saved query 'visit': did you mean visits?" in line


def test_a_misspelt_option_is_named_with_the_commands_usage(tmp_path: Path) -> None:
    proc = kg("query", "visits", "--fromat", "csv", tmp_path=tmp_path)
    line = refused(proc)
    assert "kg query: error: unrecognized arguments: --fromat csv (did you mean --format?)" in (
        line
    )
    assert proc.stderr.startswith("usage: kg query ")


def test_a_misspelt_command_suggests_the_closest(tmp_path: Path) -> None:
    line = refused(kg("qeury", "visits", tmp_path=tmp_path))
    assert "unknown command 'qeury' (did you mean query?)" in line


def test_home_that_holds_no_project(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    for args in (("queries",), ("query", "visits")):
        line = refused(kg("--home", str(empty), *args, tmp_path=tmp_path))
        assert f"{empty} holds no project" in line


def test_serve_on_a_busy_port(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        line = refused(kg("serve", "--port", str(port), tmp_path=tmp_path))
    assert f"cannot listen on 127.0.0.1:{port}: in use" in line


def test_serve_without_the_server_extra_says_what_to_install(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "sys.modules['uvicorn'] = None  # as if the extra were not installed\n"
        "from kg.cli import main\n"
        "sys.exit(main(['serve', '--port', '0']))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
        env={**os.environ, "KG_HOME": str(REPO)}, timeout=120, check=False,
    )  # fmt: skip
    line = refused(proc)
    assert "kg serve needs the 'server' extra (uvicorn is missing)" in line
    assert "pip install 'kazkgz[server]'" in line


def test_one_count_of_the_asserted_graph_everywhere(tmp_path: Path) -> None:
    """kg stats, kg build and the library count the same asserted graph (ontology and article),
    name its layers, and add the reference layer only when asked."""
    stats = json.loads(kg("stats", "--format", "json", tmp_path=tmp_path).stdout)
    assert stats["layers"] == ["ontology", "article"]
    built = kg("build", "--out", str(tmp_path / "dist"), tmp_path=tmp_path)
    assert f"asserted (ontology + article): {stats['triples']} triples;" in built.stdout
    assert stats["triples"] == len(Graph().parse(tmp_path / "dist" / "asserted.nt", format="nt"))
    with_reference = json.loads(
        kg("stats", "--reference", "--format", "json", tmp_path=tmp_path).stdout
    )
    assert with_reference["layers"] == ["ontology", "article", "reference"]
    reference = len(Graph().parse(tmp_path / "dist" / "reference.nt", format="nt"))
    assert with_reference["triples"] == stats["triples"] + reference
    text = kg("stats", tmp_path=tmp_path).stdout
    assert text.splitlines()[0].split() == ["layers:", "ontology,", "article"]


def test_a_table_fits_the_width_asked_and_shows_tags_only_when_asked(tmp_path: Path) -> None:
    # the article names the Collective Security Treaty Organization (集体安全条约组织) among the
    # organisations both states belong to
    wide = kg("query", "shared-organisations", tmp_path=tmp_path).stdout
    assert "Collective Security Treaty Organization " in wide
    assert "@en" not in wide
    assert "@zh" not in wide
    narrow = kg("query", "shared-organisations", "--width", "60", tmp_path=tmp_path).stdout
    columns = [
        sum(2 if east_asian_width(c) in "WF" else 1 for c in line) for line in narrow.splitlines()
    ]
    assert max(columns) <= 60, narrow
    assert "Collective S…" in narrow
    tagged = kg("query", "shared-organisations", "--languages", tmp_path=tmp_path).stdout
    assert "集体安全条约组织@zh" in tagged


SHAPE_FIXTURES = REPO / "tests" / "fixtures" / "shapes"


def _fixture_file(tmp_path: Path, case: str) -> Path:
    """A shape fixture as a user would validate it: the base data and the case in one file."""
    data = tmp_path / f"{case}.ttl"
    data.write_text(
        (SHAPE_FIXTURES / "_base.ttl").read_text(encoding="utf-8")
        + (SHAPE_FIXTURES / f"{case}.ttl").read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    return data


def test_a_shacl_result_shows_the_value_and_where_it_is_written(tmp_path: Path) -> None:
    data = _fixture_file(tmp_path, "amount-negative")
    line = 1 + data.read_text(encoding="utf-8").splitlines().index("    kko:amount -5.0 ;")
    proc = kg("validate", str(data), tmp_path=tmp_path)
    assert proc.returncode == 1
    shown = [text for text in proc.stdout.splitlines() if text.startswith("Violation: kk:obs-x")]
    assert shown == [
        'Violation: kk:obs-x kko:amount = "-5.0"^^xsd:decimal: kko:amount is one non-negative '
        f"xsd:decimal, in full units of the currency.  [amount-negative.ttl:{line}]"
    ]


def test_a_shacl_path_is_written_as_a_property_path(tmp_path: Path) -> None:
    # the shape for an agreement without a conclusion follows kko:concludes backwards
    data = _fixture_file(tmp_path, "agreement-not-concluded")
    proc = kg("validate", str(data), tmp_path=tmp_path)
    shown = [text for text in proc.stdout.splitlines() if "kk:agreement-x" in text]
    assert len(shown) == 1
    assert shown[0].startswith("Warning: kk:agreement-x ^kko:concludes: ")
    assert "_:" not in shown[0]
