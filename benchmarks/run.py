"""Run the suite: generate each size, run every step in its own process several times, and write
benchmarks/results/results.json and results.png.

    python -m benchmarks run [--sizes 1,10,100,430] [--repeat 3] [--budget 300] [--quick]
                             [--steps validate-kg,...] [--merge]
    python -m benchmarks run --sizes 430 --steps reason-alone,reason-fast --repeat 1 --merge
                                       # the fast engine beside reasonable alone, one run
    python -m benchmarks endpoint      # only the endpoint benchmark (benchmarks/endpoint.py)
    python -m benchmarks startup       # kg serve's start to its first answer (serving.py)
    python -m benchmarks fairness      # cheap saved queries beside expensive ones (serving.py)

Each figure is the median of ``--repeat`` runs (one run where a run takes over a minute), with
the spread (min and max), the peak resident memory of the step's process (which includes its
inputs), and the ratio to the step's baseline measured in the same run: stock pyshacl for
validation, owlrl for reasoning, rdflib for loading, the query suite and export, and the naive
path (parse, owlrl, query, in a fresh process) for ``kg query``. A step is skipped, and the
reason recorded, when its time extrapolated from the previous size (linearly, or by its
measured growth if steeper) would exceed the budget, or its memory 4 GiB; a run that takes
longer than the budget is stopped, and the step skipped at that size and above.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks import endpoint, readme, serving, slow_clients
from benchmarks.generate import generate

__all__ = ["main"]

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
MEMORY_LIMIT_MIB = 4096
# step → its baseline (the step it is compared to)
BASELINES = {
    "load-oxigraph": "parse-rdflib",
    "load-jena": "parse-rdflib",
    "load-virtuoso": "parse-rdflib",
    "validate-kg": "validate-pyshacl",
    "reason-reasonable": "reason-owlrl",
    "reason-alone": "reason-owlrl",
    "reason-fast": "reason-owlrl",
    "queries-oxigraph": "queries-rdflib",
    "queries-jena": "queries-rdflib",
    "queries-virtuoso": "queries-rdflib",
    "export-oxigraph": "export-rdflib",
    "kg-query-warm": "query-naive",
    "kg-query-rerun": "query-naive",
    "kg-build-cold": "kg-build-cold-owlrl",
}
STEPS = [
    "parse-rdflib",
    "load-oxigraph",
    "load-jena",
    "load-virtuoso",
    "validate-pyshacl",
    "validate-kg",
    "reason-owlrl",
    "reason-alone",
    "reason-fast",
    "reason-reasonable",
    "queries-rdflib",
    "queries-oxigraph",
    "queries-jena",
    "queries-virtuoso",
    "export-rdflib",
    "export-oxigraph",
]
NAIVE = """
import sys
from rdflib import Graph
from kg.core.paths import default_sources
from kg.queries.execution import get_query, bind_parameters
from kg.graph.reasoning import reason
sources = default_sources()
graph = Graph()
for file in sources.graph_files():
    graph.parse(file, format="turtle")
graph += reason(graph, "owlrl")
query = get_query(sys.argv[1])
rows = list(graph.query(query.text, initBindings=bind_parameters(query, None)))
print(len(rows))
"""


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for name in ("kazkgz", "rdflib", "pyoxigraph", "pyshacl", "owlrl", "reasonable"):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "not installed"
    return found


def _machine() -> dict[str, Any]:
    memory = None
    with open("/proc/meminfo", encoding="ascii") as handle:  # noqa: PTH123 (Linux only)
        for line in handle:
            if line.startswith("MemTotal:"):
                memory = int(line.split()[1]) // 1024
    return {
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
        "memory_mib": memory,
        "python": platform.python_version(),
    }


def _child(step: str, data: Path, timeout: float) -> dict[str, Any]:
    code = (
        "import sys, pathlib; from benchmarks.steps import run_step; "
        "run_step(sys.argv[1], pathlib.Path(sys.argv[2]))"
    )
    with subprocess.Popen(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-c", code, step, str(data)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    ) as process:
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.terminate()  # the step then stops the servers it started (run_step)
            try:
                process.communicate(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.communicate()
            raise
    if process.returncode != 0:
        raise RuntimeError(stderr.strip().splitlines()[-1] if stderr else "failed")
    result: dict[str, Any] = json.loads(stdout.strip().splitlines()[-1])
    return result


def _process(argv: list[str], env: dict[str, str], timeout: float) -> dict[str, Any]:
    """A whole process, timed from outside (start-up and imports included)."""
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603 (our own interpreter and command)
        argv, capture_output=True, env=env, timeout=timeout, cwd=ROOT, check=True
    )
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "peak_rss_mib": None, "produced": {"bytes": len(done.stdout)}}


def _summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    times = [r["seconds"] for r in runs]
    memory = [r["peak_rss_mib"] for r in runs if r["peak_rss_mib"] is not None]
    return {
        "median_s": statistics.median(times),
        "min_s": min(times),
        "max_s": max(times),
        "runs_s": times,
        "peak_rss_mib": max(memory) if memory else None,
        "produced": runs[-1]["produced"],
    }


def _estimate(history: list[tuple[int, dict[str, Any]]], triples: int) -> tuple[float, float]:
    """Time and memory extrapolated from the previous sizes (at least linear growth)."""
    (n0, s0) = history[-1]
    exponent = 1.0
    if len(history) >= 2:
        (n1, s1) = history[-2]
        if s0["median_s"] > 0.05 and s1["median_s"] > 0 and n0 > n1:
            exponent = max(1.0, math.log(s0["median_s"] / s1["median_s"]) / math.log(n0 / n1))
    ratio = triples / n0
    memory = (s0["peak_rss_mib"] or 0) * ratio
    return s0["median_s"] * ratio**exponent, memory


def _growth(points: list[tuple[int, float]]) -> float | None:
    """Least-squares slope of log(time) over log(triples): the growth exponent."""
    points = [(n, t) for n, t in points if t > 0]
    if len(points) < 2:
        return None
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(t) for _, t in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    den = sum((x - mx) ** 2 for x in xs)
    return None if den == 0 else sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / den


def _say(text: str) -> None:
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def run(
    sizes: list[int],
    repeat: int,
    budget: float,
    quick: bool,
    out: Path,
    seed: int = 1,
    only: list[str] | None = None,
    merge: bool = False,
) -> dict[str, Any]:
    """Run the ``only`` steps (default: all) at each of ``sizes`` and write the results to
    ``out``; with ``merge``, the figures of the results file that this run does not measure
    are kept."""
    path = out / ("results-quick.json" if quick else "results.json")
    earlier = json.loads(path.read_text(encoding="utf-8")) if merge and path.is_file() else None
    work = Path(tempfile.mkdtemp(prefix="kazkgz-bench-"))
    results: dict[str, Any] = {}
    figures: list[dict[str, Any]] = []
    skipped: list[dict[str, Any]] = []
    history: dict[str, list[tuple[int, dict[str, Any]]]] = {s: [] for s in STEPS}
    steps = [s for s in STEPS if not (quick and s == "validate-pyshacl") and s in (only or STEPS)]
    if quick:
        skipped.append(
            {"step": "validate-pyshacl", "scale": 1, "reason": "--quick: stock pyshacl takes ~10 s"}
        )
    try:
        for scale in sizes:
            data = work / f"scale-{scale}.nt"
            started = time.perf_counter()
            triples = generate(scale, data, seed=seed)
            generated = time.perf_counter() - started
            total = triples + _ontology_triples()
            _say(f"x{scale}: {total} triples (generated in {generated:.2f} s)")
            figures.append(_figure("generate", scale, total, [_timed(generated)]))
            for step in steps:
                if history[step]:
                    seconds, memory = _estimate(history[step], total)
                    if seconds > budget or memory > MEMORY_LIMIT_MIB:
                        reason = (
                            f"estimated {seconds:.0f} s, {memory:.0f} MiB from the smaller sizes "
                            f"(budget {budget:.0f} s, {MEMORY_LIMIT_MIB} MiB)"
                        )
                        skipped.append({"step": step, "scale": scale, "reason": reason})
                        _say(f"  {step}: skipped ({reason})")
                        continue
                runs: list[dict[str, Any]] = []
                try:
                    for _ in range(repeat):
                        # a run over the budget is stopped: the step is over it anyway
                        runs.append(_child(step, data, timeout=max(budget, 60)))
                        if runs[-1]["seconds"] > 60:
                            break
                except (RuntimeError, subprocess.TimeoutExpired) as exc:
                    reason = (
                        f"a run took longer than the budget ({exc.timeout:.0f} s): stopped"
                        if isinstance(exc, subprocess.TimeoutExpired)
                        else f"{type(exc).__name__}: {exc}"[:300]
                    )
                    skipped.append({"step": step, "scale": scale, "reason": reason})
                    _say(f"  {step}: failed ({reason})")
                    history[step].append((total, {"median_s": budget * 2, "peak_rss_mib": 0}))
                    continue
                figure = _figure(step, scale, total, runs)
                figures.append(figure)
                history[step].append((total, figure))
                _say(
                    f"  {step}: {figure['median_s']:.3f} s "
                    f"({figure['min_s']:.3f}-{figure['max_s']:.3f}), "
                    f"{figure['peak_rss_mib'] or 0:.0f} MiB"
                )
            if scale == 1 and not only:
                figures += _whole_process_figures(work, repeat, quick)
                figures += _build_figures(work, repeat, quick)
            # after each size, so that a run stopped later still leaves its figures
            results = _write(figures, skipped, sizes, repeat, budget, quick, out, seed)
            if earlier is not None:
                results = _merged(results, earlier, path)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return results


def _merged(results: dict[str, Any], earlier: dict[str, Any], path: Path) -> dict[str, Any]:
    """``results`` (a partial run) with the figures, skipped steps and other sections of the
    ``earlier`` results that it does not measure, written to ``path`` (and its plot)."""
    measured = {(f["step"], f["scale"]) for f in results["figures"]}
    figures = [f for f in earlier["figures"] if (f["step"], f["scale"]) not in measured]
    figures += results["figures"]
    _ratios(figures)
    skipped = [s for s in earlier["skipped"] if (s["step"], s["scale"]) not in measured]
    updates = [*earlier.get("updates", []), {k: results[k] for k in ("date", "sizes", "repeat")}]
    updates[-1]["steps"] = sorted({step for step, _ in measured})
    merged = {
        **earlier,
        "figures": figures,
        "skipped": skipped + results["skipped"],
        "growth": _growth_table(figures),
        "checks": _checks(figures),
        "updates": updates,
    }
    path.write_text(json.dumps(merged, indent=1) + "\n", encoding="utf-8")
    _plot(merged, path.with_suffix(".png"))
    return merged


def _write(
    figures: list[dict[str, Any]],
    skipped: list[dict[str, Any]],
    sizes: list[int],
    repeat: int,
    budget: float,
    quick: bool,
    out: Path,
    seed: int,
) -> dict[str, Any]:
    _ratios(figures)
    results = {
        "date": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "machine": _machine(),
        "versions": _versions(),
        "seed": seed,
        "sizes": sizes,
        "repeat": repeat,
        "budget_s": budget,
        "quick": quick,
        "figures": figures,
        "skipped": skipped,
        "growth": _growth_table(figures),
        "checks": _checks(figures),
    }
    out.mkdir(parents=True, exist_ok=True)
    name = "results-quick" if quick else "results"
    (out / f"{name}.json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    _plot(results, out / f"{name}.png")
    return results


def _ontology_triples() -> int:
    from rdflib import Graph

    from kg.core.paths import default_sources

    graph = Graph()
    for file in default_sources().ontology:
        graph.parse(file, format="turtle")
    return len(graph)


def _timed(seconds: float) -> dict[str, Any]:
    return {"seconds": seconds, "peak_rss_mib": None, "produced": {}}


def _figure(step: str, scale: int, triples: int, runs: list[dict[str, Any]]) -> dict[str, Any]:
    return {"step": step, "scale": scale, "triples": triples, **_summary(runs)}


def _whole_process_figures(work: Path, repeat: int, quick: bool) -> list[dict[str, Any]]:
    """``kg query`` as a user runs it, against the naive path, on the article: warm (the answer
    kept from the first run) and rerun (--no-cache: the parsed graph from the cache, the query
    run)."""
    env = {**os.environ, "KG_CACHE_DIR": str(work / "cache")}
    env.pop("KG_HOME", None)
    kg = [sys.executable, "-m", "kg", "-q", "query", "diplomatic-relations"]
    naive = [sys.executable, "-c", NAIVE, "diplomatic-relations"]
    subprocess.run(kg, env=env, capture_output=True, check=True, cwd=ROOT)  # noqa: S603 (warm)
    warm: list[dict[str, Any]] = []
    rerun: list[dict[str, Any]] = []
    slow: list[dict[str, Any]] = []
    for _ in range(3 if quick else max(repeat, 7)):  # interleaved: all see the same load
        warm.append(_process(kg, env, 60))
        rerun.append(_process([*kg, "--no-cache"], env, 60))
        if len(slow) < (1 if quick else max(repeat, 3)):
            slow.append(_process(naive, env, 300))
    triples = _asserted_triples()
    return [
        _figure("query-naive", 1, triples, slow),
        _figure("kg-query-warm", 1, triples, warm),
        _figure("kg-query-rerun", 1, triples, rerun),
    ]


def _build_figures(work: Path, repeat: int, quick: bool) -> list[dict[str, Any]]:
    """``kg build`` of the article as a whole process: cold (an empty cache each time) with the
    default (fast) engine and with owlrl, interleaved, and warm (inputs unchanged)."""
    build = [sys.executable, "-m", "kg", "-q", "build", "--out", str(work / "dist")]
    runs: dict[str, list[dict[str, Any]]] = {"fast": [], "owlrl": [], "warm": []}
    for number in range(1 if quick else max(repeat, 5)):
        for engine in ("fast", "owlrl"):
            cache = work / f"build-cache-{engine}-{number}"
            env = {**os.environ, "KG_CACHE_DIR": str(cache), "KG_REASONER": engine}
            env.pop("KG_HOME", None)
            runs[engine].append(_process(build, env, 300))
        runs["warm"].append(_process(build, env, 300))  # the owlrl run's cache is now full
    triples = _asserted_triples()
    return [
        _figure("kg-build-cold-owlrl", 1, triples, runs["owlrl"]),
        _figure("kg-build-cold", 1, triples, runs["fast"]),
        _figure("kg-build-warm", 1, triples, runs["warm"]),
    ]


def _asserted_triples() -> int:
    from kg.graph.loading import load_graph

    return len(load_graph())


def _ratios(figures: list[dict[str, Any]]) -> None:
    by_key = {(f["step"], f["scale"]): f for f in figures}
    for figure in figures:
        baseline = BASELINES.get(figure["step"])
        base = by_key.get((baseline, figure["scale"])) if baseline else None
        figure["baseline"] = baseline
        figure["speed-up"] = (
            base["median_s"] / figure["median_s"] if base and figure["median_s"] > 0 else None
        )


def _growth_table(figures: list[dict[str, Any]]) -> dict[str, float | None]:
    steps = dict.fromkeys(f["step"] for f in figures)
    return {
        step: _growth([(f["triples"], f["median_s"]) for f in figures if f["step"] == step])
        for step in steps
    }


# a query step → the step whose row counts it must give, and the pair's name
_COMPARED = {
    "queries-oxigraph": ("queries-rdflib", "rdflib vs Oxigraph"),
    "queries-jena": ("queries-oxigraph", "Oxigraph vs Jena TDB2"),
    "queries-virtuoso": ("queries-oxigraph", "Oxigraph vs Virtuoso"),
}


def _checks(figures: list[dict[str, Any]]) -> dict[str, Any]:
    """Do the engines agree? Validation reports and query row counts, size by size."""
    by_key = {(f["step"], f["scale"]): f for f in figures}
    checks: dict[str, Any] = {}
    for figure in figures:
        scale = figure["scale"]
        if figure["step"] == "validate-kg" and ("validate-pyshacl", scale) in by_key:
            stock = by_key[("validate-pyshacl", scale)]["produced"]
            checks[f"validate x{scale}: same verdict and report size"] = stock == figure["produced"]
        compared = _COMPARED.get(figure["step"])
        if compared and (compared[0], scale) in by_key:
            rows = by_key[(compared[0], scale)]["produced"]["rows"]
            differ = {
                name: (n, figure["produced"]["rows"].get(name))
                for name, n in rows.items()
                if figure["produced"]["rows"].get(name) != n
            }
            checks[f"queries x{scale}: row counts that differ, {compared[1]}"] = differ
        if figure["step"] == "reason-fast" and ("reason-alone", scale) in by_key:
            alone = by_key[("reason-alone", scale)]
            checks[f"reason x{scale}: kg's fast engine vs reasonable alone, seconds and MiB"] = {
                "seconds": [alone["median_s"], figure["median_s"]],
                "peak_rss_mib": [alone["peak_rss_mib"], figure["peak_rss_mib"]],
                "time_ratio": figure["median_s"] / alone["median_s"],
            }
        engines = {"reason-reasonable": "completed reasonable", "reason-fast": "kg's fast engine"}
        if figure["step"] in engines and ("reason-owlrl", scale) in by_key:
            checks[f"reason x{scale}: owlrl and {engines[figure['step']]}, inferred triples"] = [
                by_key[("reason-owlrl", scale)]["produced"]["inferred"],
                figure["produced"]["inferred"],
            ]
    return checks


def _plot(results: dict[str, Any], path: Path) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        _say("matplotlib is not installed (pip install -e '.[bench]'): no plot")
        return
    fig, ax = plt.subplots(figsize=(10, 6.5))
    steps = dict.fromkeys(f["step"] for f in results["figures"])
    colours = [plt.get_cmap("tab20")(i) for i in range(20)]
    markers = "osD^v<>ph*"
    for index, step in enumerate(steps):
        points = sorted(
            (f["triples"], f["median_s"]) for f in results["figures"] if f["step"] == step
        )
        if not points:
            continue
        growth = results["growth"].get(step)
        label = f"{step} (n^{growth:.2f})" if growth is not None else step
        ax.plot(
            [p[0] for p in points],
            [p[1] for p in points],
            color=colours[index % len(colours)],
            marker=markers[index % len(markers)],
            label=label,
        )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("triples (data + ontology)")
    ax.set_ylabel("seconds (median)")
    ax.set_title(f"kazkgz benchmarks, {results['date'][:10]}, {results['machine']['cpus']} cores")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _update_readme(results_file: Path) -> None:
    """Rewrite benchmarks/README.md when the run wrote the committed results file."""
    if results_file.resolve() == readme.RESULTS and results_file.is_file():
        _say(f"wrote {readme.write()}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("run", help="run the suite and write the results and the plot")
    p.add_argument("--sizes", default="1,10,100,430", help="scale factors (default 1,10,100,430)")
    p.add_argument("--repeat", type=int, default=3, help="runs per step and size (default 3)")
    p.add_argument("--budget", type=float, default=300, help="seconds a step may take (300)")
    p.add_argument("--seed", type=int, default=1, help="the generator's seed (default 1)")
    p.add_argument("--quick", action="store_true", help="x1 only, one run, no stock pyshacl")
    p.add_argument("--steps", help="only these steps, comma-separated (default: all)")
    p.add_argument(
        "--merge", action="store_true", help="keep the results file's figures of other steps"
    )
    p.add_argument("--out", type=Path, default=RESULTS, help="where to write the results")
    p.add_argument("--no-endpoint", action="store_true", help="skip the endpoint benchmark")
    endpoint.add_arguments(sub)
    serving.add_arguments(sub)
    slow_clients.add_arguments(sub)
    p = sub.add_parser("table", help="print a results file as a Markdown table")
    p.add_argument("results", type=Path, nargs="?", default=RESULTS / "results.json")
    sub.add_parser("readme", help="write benchmarks/README.md from the latest results")
    p = sub.add_parser("generate", help="write a synthetic graph as N-Triples")
    p.add_argument("scale", type=int)
    p.add_argument("output", type=Path)
    p.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.command == "table":
        results = json.loads(args.results.read_text(encoding="utf-8"))
        if "figures" in results:  # not when only the endpoint benchmark has run
            sys.stdout.write(readme.table(results))
        if "endpoint" in results:
            sys.stdout.write("\n" + endpoint.table(results["endpoint"]))
        return 0
    if args.command == "readme":
        _say(f"wrote {readme.write()}")
        return 0
    if args.command == "endpoint":
        endpoint.main(endpoint.settings_from(args), args.out / "results.json", _say)
        _update_readme(args.out / "results.json")
        return 0
    if args.command in ("startup", "fairness"):
        serving.main(args, _say)
        _update_readme(args.out / "results.json")
        return 0
    if args.command == "slow-clients":
        slow_clients.main(args, _say)
        return 0
    if args.command == "generate":
        count = generate(args.scale, args.output, seed=args.seed)
        _say(f"wrote {count} triples to {args.output}")
        return 0
    sizes = [1] if args.quick else [int(s) for s in args.sizes.split(",")]
    repeat = 1 if args.quick else args.repeat
    only = args.steps.split(",") if args.steps else None
    results = run(sizes, repeat, args.budget, args.quick, args.out, args.seed, only, args.merge)
    for name, differ in results["checks"].items():
        if "row counts that differ" in name and differ:  # query → (row counts) that differ
            _say(f"CHECK FAILED: {name}: {differ}")
    if not args.no_endpoint and not only:
        name = "results-quick" if args.quick else "results"
        settings = endpoint.QUICK if args.quick else endpoint.Settings()
        endpoint.main(settings, args.out / f"{name}.json", _say)
    _update_readme(args.out / "results.json")
    for figure in results["figures"]:
        speed = f"  x{figure['speed-up']:.1f} vs {figure['baseline']}" if figure["speed-up"] else ""
        _say(
            f"{figure['step']:18} x{figure['scale']:<5} {figure['triples']:>9} triples "
            f"{figure['median_s']:9.3f} s{speed}"
        )
    return 0
