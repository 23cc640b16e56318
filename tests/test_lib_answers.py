"""The answer cache (kg.queries.answers): keyed by request and inputs, bounded, never fatal."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kg.queries import answers


@pytest.fixture
def inputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path / "cache"))
    data = tmp_path / "data.ttl"
    data.write_text("<urn:a> <urn:b> <urn:c> .\n", encoding="utf-8")
    return [data]


def test_compute_runs_once_per_key(inputs: list[Path]) -> None:
    calls: list[str] = []

    def compute(text: str):
        return lambda: calls.append(text) or text

    assert answers.answer(inputs, {"q": 1}, compute("one")) == "one"
    assert answers.answer(inputs, {"q": 1}, compute("again")) == "one"
    assert answers.answer(inputs, {"q": 2}, compute("two")) == "two"
    inputs[0].write_text("<urn:a> <urn:b> <urn:d> .\n", encoding="utf-8")
    assert answers.answer(inputs, {"q": 1}, compute("changed")) == "changed"
    assert calls == ["one", "two", "changed"]


def test_only_the_newest_entries_are_kept(
    inputs: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(answers, "KEEP", 2)
    directory = tmp_path / "cache" / "answers"
    for number in range(4):
        answers.answer(inputs, {"q": number}, lambda n=number: f"answer {n}")
        for age, entry in enumerate(sorted(directory.iterdir(), key=os.path.getmtime)):
            os.utime(entry, (1_000_000 + age, 1_000_000 + age))  # distinct, in write order
    kept = sorted(p.read_text(encoding="utf-8") for p in directory.iterdir())
    assert kept == ["answer 2", "answer 3"]


def test_an_unwritable_cache_still_answers(inputs: list[Path], tmp_path: Path) -> None:
    (tmp_path / "cache").write_text("not a directory", encoding="utf-8")
    assert answers.answer(inputs, {"q": 1}, lambda: "computed") == "computed"
    assert answers.answer(inputs, {"q": 1}, lambda: "computed again") == "computed again"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", True),
        ("# BNODE() is not used here\nSELECT * WHERE { ?s ?p ?o }", True),
        ("SELECT (NOW() AS ?t) WHERE {}", False),
        ("SELECT (rand () AS ?r) WHERE {}", False),
        ("SELECT (STRUUID() AS ?u) WHERE {}", False),
        ("CONSTRUCT { ?s <urn:p> ?b } WHERE { ?s ?p ?o BIND(bnode(?s) AS ?b) }", False),
    ],
)
def test_queries_whose_answer_changes_are_not_repeatable(query: str, expected: bool) -> None:
    assert answers.repeatable(query) is expected
