"""The benchmark suite's generator and store steps: deterministic graphs that follow the
ontology and pass the shapes, and Oxigraph, Jena TDB2 and Virtuoso giving rdflib's row counts
for every saved query on a generated graph (its reasoner: tests/test_reasoners.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph

from kg import load_graph
from kg.core.paths import default_sources
from kg.graph.validation import validate

benchmarks_generate = pytest.importorskip("benchmarks.generate")
generate = benchmarks_generate.generate


def _with_ontology(data: Path) -> Graph:
    graph = Graph().parse(data, format="nt")
    for file in default_sources().ontology:
        graph.parse(file, format="turtle")
    return graph


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path) -> None:
    one, again, other = tmp_path / "a.nt", tmp_path / "b.nt", tmp_path / "c.nt"
    assert generate(3, one, seed=4) == generate(3, again, seed=4)
    assert one.read_bytes() == again.read_bytes()
    generate(3, other, seed=5)
    assert one.read_bytes() != other.read_bytes()


def test_size_grows_with_the_scale_factor(tmp_path: Path) -> None:
    article = len(load_graph(paths=default_sources().data))
    one = generate(1, tmp_path / "1.nt")
    ten = generate(10, tmp_path / "10.nt")
    assert one == article
    hubs = (10 * one - ten) / 9  # the hubs' own triples are written once
    assert hubs == int(hubs)
    assert 0 < hubs < one / 2
    assert len(Graph().parse(tmp_path / "10.nt", format="nt")) == ten


def test_generated_graph_conforms_to_the_shapes(tmp_path: Path) -> None:
    """Twice the article: it conforms, with twice the article's warnings and notes."""
    generate(2, tmp_path / "2.nt", seed=3)
    report = validate(Graph().parse(tmp_path / "2.nt", format="nt"), use_cache=False)
    article = validate(use_cache=False)
    assert report.conforms, [str(r) for r in report.violations[:5]]
    assert len(report.results) == 2 * len(article.results)


@pytest.mark.bench
def test_quick_run_writes_results_and_plot(tmp_path: Path) -> None:
    """The smoke run (python -m benchmarks run --quick); about a minute, so not in the default
    run: ``pytest -m bench``."""
    pytest.importorskip("reasonable", reason="the bench extra: pip install -e '.[bench]'")
    from benchmarks.run import main

    assert main(["run", "--quick", "--out", str(tmp_path)]) == 0
    results = json.loads((tmp_path / "results-quick.json").read_text(encoding="utf-8"))
    steps = {f["step"] for f in results["figures"]}
    assert {"parse-rdflib", "validate-kg", "reason-reasonable", "kg-query-warm"} <= steps
    assert {"load-jena", "load-virtuoso", "queries-jena", "queries-virtuoso"} <= steps
    assert results["versions"]["kazkgz"]
    assert (tmp_path / "results-quick.png").stat().st_size > 1000


@pytest.mark.stores
@pytest.mark.slow
def test_stores_give_rdflibs_row_counts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The store steps at x1, each in its own process as the suite runs them: Oxigraph, Jena
    TDB2 and Virtuoso load every triple (rdflib's count of data and ontology), and each saved
    query gives as many rows on each store as on rdflib. Only rows are compared here, so the
    steps' JVMs get the tests' options (``JAVA_TOOL_OPTIONS``; a third less CPU)."""
    pytest.importorskip("reasonable", reason="the bench extra: pip install -e '.[bench]'")
    from stores.tools import JVM_OPTIONS, command, jena_classpath

    from benchmarks.run import _child  # the suite's own way to run a step

    command("virtuoso-t")
    command("isql-vt")
    jena_classpath(tmp_path)
    monkeypatch.setenv("JAVA_TOOL_OPTIONS", " ".join(JVM_OPTIONS))
    data = tmp_path / "x1.nt"
    generate(1, data)
    triples = len(_with_ontology(data))
    for step in ("load-oxigraph", "load-jena", "load-virtuoso"):
        assert _child(step, data, timeout=300)["produced"]["triples"] == triples, step
    expected = _child("queries-rdflib", data, timeout=300)["produced"]["rows"]
    assert sum(expected.values()) > 50
    for step in ("queries-oxigraph", "queries-jena", "queries-virtuoso"):
        assert _child(step, data, timeout=300)["produced"]["rows"] == expected, step


def test_checks_name_each_query_whose_row_count_differs() -> None:
    """A store that answers a query with another row count than Oxigraph is named in the
    results' checks, not passed over."""
    from benchmarks.run import _checks

    def figure(step: str, rows: dict[str, int]) -> dict[str, object]:
        return {"step": step, "scale": 10, "produced": {"rows": rows}}

    checks = _checks(
        [
            figure("queries-oxigraph", {"a": 3, "b": 2}),
            figure("queries-jena", {"a": 3, "b": 2}),
            figure("queries-virtuoso", {"a": 3, "b": 0}),
        ]
    )
    assert checks["queries x10: row counts that differ, Oxigraph vs Jena TDB2"] == {}
    assert checks["queries x10: row counts that differ, Oxigraph vs Virtuoso"] == {"b": (2, 0)}


def test_run_only_the_steps_asked_for(tmp_path: Path) -> None:
    """``--steps``: one step measured, at one size, without the other steps."""
    from benchmarks.run import main

    argv = ["run", "--sizes", "1", "--repeat", "1", "--steps", "validate-kg"]
    assert main([*argv, "--out", str(tmp_path)]) == 0
    results = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert {f["step"] for f in results["figures"]} == {"generate", "validate-kg"}
    assert results["figures"][-1]["produced"]["conforms"] is True
