"""benchmarks/README.md, written from the results file so that its figures cannot drift: the
text of ``README.template.md`` with the latest run's figures in place of ``{results}``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from benchmarks import endpoint

HERE = Path(__file__).resolve().parent
TEMPLATE = HERE / "README.template.md"
README = HERE / "README.md"
RESULTS = HERE / "results" / "results.json"


def table(results: dict[str, Any]) -> str:
    """The figures as a Markdown table: step, size, median time with spread, speed-up over the
    step's baseline, peak memory; then the growth exponents and what was skipped."""
    lines = [
        "| step | scale | triples | median s (min-max) | vs baseline | peak MiB |",
        "|---|---|---|---|---|---|",
    ]
    for f in results["figures"]:
        speed = f"{f['speed-up']:.1f}x faster than {f['baseline']}" if f.get("speed-up") else ""
        memory = f"{f['peak_rss_mib']:.0f}" if f.get("peak_rss_mib") else ""
        lines.append(
            f"| {f['step']} | x{f['scale']} | {f['triples']:,} | {f['median_s']:.3f} "
            f"({f['min_s']:.3f}-{f['max_s']:.3f}) | {speed} | {memory} |"
        )
    growth = ", ".join(
        f"{step} n^{value:.2f}" for step, value in results["growth"].items() if value is not None
    )
    lines += ["", f"Growth exponents (time ~ triples^k): {growth}."]
    for item in results["skipped"]:
        lines.append(f"- skipped {item['step']} at x{item['scale']}: {item['reason']}")
    return "\n".join(lines) + "\n"


def figures(results: dict[str, Any]) -> str:
    """The run's figures in Markdown: when and where it ran, the steps' table, the endpoint's."""
    machine = results.get("machine", {})
    versions = ", ".join(f"{name} {v}" for name, v in results.get("versions", {}).items())
    lines = [
        f"Run of {results.get('date', 'unknown date')}, on {machine.get('cpus', '?')} cores and "
        f"{machine.get('memory_mib', 0) / 1024:.0f} GiB ({machine.get('platform', '?')}, "
        f"Python {machine.get('python', '?')}); {versions}.",
    ]
    if "figures" in results:
        lines.append(
            f"Sizes x{', x'.join(map(str, results['sizes']))}; each figure the median of "
            f"{results['repeat']} runs (min-max), a step's budget {results['budget_s']:.0f} s; "
            "ratios are to the step's baseline in the same run. Plot: "
            "[results/results.png](results/results.png)."
        )
        lines += ["", table(results).rstrip("\n")]
    if "startup" in results:
        lines += [
            "",
            "| start-up of kg serve | first ad hoc answer, s (min-max) | first saved, s |",
        ]
        lines.append("|---|---|---|")
        for f in results["startup"]["figures"]:
            saved = f"{f['first_saved_s']:.2f}" if f.get("first_saved_s") else "time limit"
            low, high = f["first_ad_hoc_min_max"]
            lines.append(
                f"| {f['dataset']} | {f['first_ad_hoc_s']:.2f} ({low:.2f}-{high:.2f}) | {saved} |"
            )
    if "fairness" in results:
        f = results["fairness"]
        statuses = ", ".join(f"{k}: {v}" for k, v in f["statuses"].items())
        lines += [
            "",
            f"Fairness ({f['clients']} clients, {f['expensive_clients']} expensive, "
            f"{f['duration_s']:g} s, cache off): cheap saved queries p50 {f['cheap_p50_ms']:.0f} "
            f"ms, p99 {f['cheap_p99_ms']:.0f} ms, max {f['cheap_max_ms']:.0f} ms; "
            f"{f['cheap_answered']} answered, {f['wrong_answers']} wrong; statuses {statuses}; "
            f"refusals without Retry-After: {f['refusals_without_retry_after']}.",
        ]
    if "endpoint" in results:
        lines += [
            "",
            "Plot: [results/endpoint.png](results/endpoint.png).",
            "",
            endpoint.table(results["endpoint"]).rstrip("\n"),
        ]
    return "\n".join(lines) + "\n"


def render(results: dict[str, Any], template: str) -> str:
    """The README: ``template`` with ``{results}`` replaced by the run's figures."""
    return template.replace("{results}", figures(results))


def write(results_file: Path = RESULTS, readme: Path = README) -> Path:
    """Write ``readme`` from ``results_file`` and the template; returns its path."""
    results = json.loads(results_file.read_text(encoding="utf-8"))
    readme.write_text(render(results, TEMPLATE.read_text(encoding="utf-8")), encoding="utf-8")
    return readme
