"""benchmarks/README.md is what ``python -m benchmarks readme`` writes from the committed
results: its figures cannot drift from the run that measured them."""

from __future__ import annotations

import json

from benchmarks import readme


def test_the_committed_readme_is_written_from_the_committed_results() -> None:
    results = json.loads(readme.RESULTS.read_text(encoding="utf-8"))
    expected = readme.render(results, readme.TEMPLATE.read_text(encoding="utf-8"))
    assert readme.README.read_text(encoding="utf-8") == expected, (
        "benchmarks/README.md is stale: run `python -m benchmarks readme`"
    )


def test_the_figures_come_from_the_results() -> None:
    results = json.loads(readme.RESULTS.read_text(encoding="utf-8"))
    first = results["figures"][0]
    results["figures"][0] = {**first, "median_s": 123.456}
    text = readme.render(results, "{results}")
    assert f"| {first['step']} | x{first['scale']} | {first['triples']:,} | 123.456 " in text
    assert results["date"] in text
