"""The benchmark suite's generator, reasoner and store steps: deterministic graphs that follow
the ontology and pass the shapes, a fast closure whose instance inferences are owlrl's (also
when it is fed from a file), and Oxigraph, Jena TDB2 and Virtuoso giving rdflib's row counts
for every saved query on a generated graph."""

from __future__ import annotations

import functools
import json
import tempfile
from pathlib import Path

import pytest
from rdflib import OWL, Graph, URIRef
from rdflib.term import Node

from kg import load_graph
from kg.core.namespaces import KK, KKO
from kg.core.paths import default_sources
from kg.graph.validation import validate

Triple = tuple[Node, Node, Node]

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


@pytest.mark.slow
def test_reasonable_infers_what_owlrl_infers_about_instances() -> None:
    """On a generated graph, the benchmark's reasonable (with the property chains applied
    outside it) infers owlrl's instance triples (on the article graph itself:
    tests/test_reasoners.py, where the chains are the one named difference)."""
    reasoners = pytest.importorskip("benchmarks.reasoners", reason="pip install -e '.[bench]'")
    pytest.importorskip("reasonable", reason="the bench extra: pip install -e '.[bench]'")
    data, schema, owlrl_inferred = _generated_and_owlrl()
    generated = Graph().parse(data, format="nt") + schema
    expected = reasoners.instance_triples(owlrl_inferred)
    assert len(expected) > 1000
    assert reasoners.instance_triples(reasoners.reasonable_inferred(generated)) == expected


@functools.cache
def _generated_and_owlrl() -> tuple[Path, Graph, frozenset[Triple]]:
    """The generator's graph (seed 9) at scale 2 (two copies of the article's graph joined
    through the hubs) in a file, with two IRIs as values of one functional property, the
    ontology, and what owlrl's own closure of both adds (without kg's noise): computed once per
    test process (owlrl takes about ten seconds on it)."""
    from kg.graph.reasoning import _owlrl_closure, is_noise

    data = Path(tempfile.mkdtemp(prefix="kazkgz-generated-")) / "data.nt"
    generate(2, data, seed=9)
    x, q1, q2 = URIRef(f"{KK}s9c0-deal"), URIRef(f"{KK}s9c0-q1"), URIRef(f"{KK}s9c0-q2")
    more = Graph()
    more.add((x, KKO.valueQualifier, q1))
    more.add((x, KKO.valueQualifier, q2))
    more.add((q1, KKO.valueQualifier, x))  # something to carry over to q2
    with data.open("a", encoding="utf-8") as handle:
        handle.write(more.serialize(format="nt"))
    schema = Graph()
    for file in default_sources().ontology:
        schema.parse(file, format="turtle")
    graph = Graph().parse(data, format="nt")
    graph += schema
    # owlrl's closure itself: kg.graph.reasoning.reason refuses two values of a functional property
    closed = _owlrl_closure(graph)
    return data, schema, frozenset(t for t in closed if t not in graph and not is_noise(t))


def _instance_lines(triples: set[tuple[object, object, object]]) -> set[str]:
    from benchmarks.generate import nt_term

    return {" ".join(nt_term(t) for t in triple) + " ." for triple in triples}  # type: ignore[arg-type]


def _file_instance_lines(path: Path) -> set[str]:
    """The lines of an N-Triples file whose subject is an instance IRI (blank node labels
    kept as written, unlike a parser)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return {line for line in lines if line.startswith(f"<{KK}")}


@pytest.mark.slow
def test_file_fed_reasonable_infers_what_owlrl_infers(tmp_path: Path) -> None:
    """reasonable fed from the file, closure streamed to a file, chains and prp-fp applied
    outside it: on two copies joined through the hubs, with two IRIs as values of one
    functional property (owl:sameAs, and what follows from it)."""
    reasoners = pytest.importorskip("benchmarks.reasoners", reason="pip install -e '.[bench]'")
    pytest.importorskip("reasonable", reason="the bench extra: pip install -e '.[bench]'")
    data, schema, expected = _generated_and_owlrl()
    q1, q2 = URIRef(f"{KK}s9c0-q1"), URIRef(f"{KK}s9c0-q2")
    assert (q2, OWL.sameAs, q1) in expected
    assert f"<{KK}s9c1-" in data.read_text(encoding="utf-8")  # the second copy
    out = tmp_path / "inferred.nt"
    written = reasoners.reasonable_inferred_file(data, schema, out)
    assert written == len(out.read_text(encoding="utf-8").splitlines())
    assert _file_instance_lines(out) == _instance_lines(reasoners.instance_triples(expected))


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
def test_stores_give_rdflibs_row_counts(tmp_path: Path) -> None:
    """The store steps at x1, each in its own process as the suite runs them: Oxigraph, Jena
    TDB2 and Virtuoso load every triple (rdflib's count of data and ontology), and each saved
    query gives as many rows on each store as on rdflib."""
    pytest.importorskip("reasonable", reason="the bench extra: pip install -e '.[bench]'")
    from stores.tools import command, jena_classpath

    from benchmarks.run import _child  # the suite's own way to run a step

    command("virtuoso-t")
    command("isql-vt")
    jena_classpath(tmp_path)
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
