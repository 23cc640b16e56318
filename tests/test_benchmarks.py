"""The benchmark suite's generator and reasoner: deterministic graphs that follow the ontology
and pass the shapes, and a fast closure whose instance inferences are owlrl's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph

from kg import load_graph
from kg.paths import default_sources
from kg.reasoning import reason
from kg.validation import validate

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
def test_reasonable_infers_what_owlrl_infers_about_instances(tmp_path: Path) -> None:
    reasoners = pytest.importorskip("benchmarks.reasoners", reason="pip install -e '.[bench]'")
    pytest.importorskip("reasonable", reason="the bench extra: pip install -e '.[bench]'")
    instance = reasoners.instance_triples
    article = load_graph()
    assert instance(reasoners.reasonable_inferred(article)) == instance(reason(article))
    generate(1, tmp_path / "1.nt", seed=9)
    generated = _with_ontology(tmp_path / "1.nt")
    expected = instance(reason(generated))
    assert len(expected) > 1000
    assert instance(reasoners.reasonable_inferred(generated)) == expected


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
    assert results["versions"]["kazkgz"]
    assert (tmp_path / "results-quick.png").stat().st_size > 1000


def test_run_only_the_steps_asked_for(tmp_path: Path) -> None:
    """``--steps``: one step measured, at one size, without the other steps."""
    from benchmarks.run import main

    argv = ["run", "--sizes", "1", "--repeat", "1", "--steps", "validate-kg"]
    assert main([*argv, "--out", str(tmp_path)]) == 0
    results = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert {f["step"] for f in results["figures"]} == {"generate", "validate-kg"}
    assert results["figures"][-1]["produced"]["conforms"] is True
