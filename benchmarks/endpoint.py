"""The endpoint benchmark: throughput and latency of ``kg serve`` against Virtuoso's SPARQL
endpoint, rdflib-endpoint and a minimal Starlette app over pyoxigraph, all serving the same
published graph (the article's asserted graph) and answering the same queries, measured with
wrk in the same run.

    python -m benchmarks endpoint [--duration 5] [--runs 3] [--concurrency 1,16,64]

Before the runs, each server's answer to each query is fetched (a few times, so that every
query process has seen it) and verified: as many rows as rdflib gives on the published file,
with the same IRIs. During a run, the wrk script
(benchmarks/check.lua) checks every answer against that body (status, length, and the sum of
its bytes); a run with a wrong answer or a socket error fails its figure. The runs interleave
the servers (each query and concurrency: every server, then again), and each figure is the
median of the runs with the spread. ``kg serve`` gets the saved query's URL, the others the
query's text (its parameters as a VALUES clause, as ``kg query --endpoint`` sends it).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import shutil
import statistics
import subprocess
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import Graph, URIRef

from benchmarks.endpoint_servers import SERVERS, Endpoint, Published, missing, publish, start
from kg.queries.execution import bind_parameters, get_query
from kg.stores import result_from_json, with_values
from kg.stores.remote import ascii_query

__all__ = [
    "QUERIES",
    "QUICK",
    "BenchQuery",
    "Settings",
    "add_arguments",
    "main",
    "run_endpoint",
    "settings_from",
    "table",
]

HERE = Path(__file__).resolve().parent
SCRIPT = HERE / "check.lua"
ACCEPT = "application/sparql-results+json"
TARGET_CONCURRENCY = 16
TARGET_P99_MS = 10.0
WARM_UP = 6
TARGETS = (
    "three_times_virtuoso",
    "at_least_starlette_oxigraph",
    "p99_under_10_ms",
    "cached_ten_times_virtuoso",
)

# a GROUP BY with SUM; no saved query sums (the saved ones that group concatenate lists), so it
# goes to kg serve's /sparql as it goes to the others
TRADE_TOTALS = """\
PREFIX kko: <https://w3id.org/kazkgz/ontology#>
SELECT ?exporter (SUM(?amount) AS ?total) (COUNT(?observation) AS ?figures)
WHERE {
  ?observation a kko:TradeFigure ;
               kko:flow ?flow ;
               kko:amount ?amount .
  ?flow kko:fromState ?exporter .
}
GROUP BY ?exporter
ORDER BY STR(?exporter)
"""


@dataclass(frozen=True)
class BenchQuery:
    """A query of the benchmark: its text (parameters as VALUES) and, if saved, its name."""

    name: str
    what: str
    text: str
    saved: bool


def _saved(name: str, what: str) -> BenchQuery:
    query = get_query(name)
    return BenchQuery(name, what, with_values(query.text, bind_parameters(query, None)), True)


def queries() -> dict[str, BenchQuery]:
    """The benchmark's queries by name."""
    found = [
        _saved(
            "shared-organisations",
            "saved: a join of five patterns (two memberships on one organisation, its type), "
            "DISTINCT, three OPTIONAL labels",
        ),
        _saved(
            "exports",
            "saved: a join of ten patterns with a GROUP BY subquery (GROUP_CONCAT of goods) "
            "and six OPTIONAL labels",
        ),
        BenchQuery(
            "trade-totals",
            "ad hoc (/sparql everywhere): a join of four patterns, GROUP BY with SUM and COUNT",
            TRADE_TOTALS,
            False,
        ),
    ]
    return {q.name: q for q in found}


QUERIES = ("shared-organisations", "exports", "trade-totals")


# ---------------------------------------------------------------- answers


def url_of(endpoint: Endpoint, query: BenchQuery) -> str:
    """The GET URL of ``query`` on ``endpoint``."""
    if query.saved and endpoint.saved is not None:
        return f"{endpoint.saved}/{query.name}"
    params = [*endpoint.params, ("query", ascii_query(query.text))]  # the query last: see wrk
    return endpoint.sparql + "?" + urllib.parse.urlencode(params)


def _iris(rows: list[tuple[Any, ...]]) -> Counter[str]:
    return Counter(str(term) for row in rows for term in row if isinstance(term, URIRef))


def reference(
    published: Published, chosen: list[BenchQuery]
) -> dict[str, tuple[int, Counter[str]]]:
    """rdflib's answer to each query on the published file: row count and IRIs."""
    graph = Graph().parse(published.asserted, format="turtle")
    found = {}
    for query in chosen:
        rows = [tuple(row) for row in graph.query(query.text)]  # type: ignore[arg-type]
        found[query.name] = (len(rows), _iris(rows))
    return found


def fetch(url: str) -> bytes:
    request = urllib.request.Request(url, headers={"Accept": ACCEPT})  # noqa: S310 (127.0.0.1)
    with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
        if response.status != 200:
            raise RuntimeError(f"{url[:80]} answered {response.status}")
        body: bytes = response.read()
    return body


def verified(body: bytes, expected: tuple[int, Counter[str]]) -> str | None:
    """Why ``body`` is not the expected answer, or None."""
    try:
        rows = result_from_json(body).terms()
    except Exception as exc:  # an unreadable answer is a wrong answer
        return f"unreadable answer: {exc}"
    count, iris = expected
    if len(rows) != count:
        return f"{len(rows)} rows, expected {count}"
    if _iris(rows) != iris:
        return "other IRIs than rdflib gives"
    return None


def checksum(body: bytes) -> tuple[int, int]:
    """What the wrk script compares: length, and the sum of the bytes mod 2^32."""
    return len(body), sum(body) % 2**32


# ---------------------------------------------------------------- wrk


def wrk(url: str, body: bytes, concurrency: int, duration: float) -> dict[str, Any]:
    """One wrk run of ``duration`` s with ``concurrency`` connections (one thread), every
    answer checked against ``body``; the script's figures. A URL that carries the query's
    text gets a text of its own for every request (a comment line that differs)."""
    length, total = checksum(body)
    argv = ["wrk", "-t1", f"-c{concurrency}", f"-d{duration:g}s", "--timeout", "30s"]
    argv += ["-s", str(SCRIPT), url, "--", str(length), str(total), ACCEPT]
    if "query=" in url:
        argv.append("unique")
    done = subprocess.run(  # noqa: S603 (Debian's wrk, our script)
        argv, capture_output=True, text=True, timeout=duration + 90, check=True
    )
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def _run_figures(raw: dict[str, Any]) -> dict[str, Any]:
    seconds = raw["duration_us"] / 1e6
    errors = sum(raw[k] for k in ("connect_errors", "read_errors", "write_errors", "status_errors"))
    return {
        "rps": raw["requests"] / seconds if seconds else 0.0,
        "p50_ms": raw["latency_us"]["p50"] / 1000,
        "p99_ms": raw["latency_us"]["p99"] / 1000,
        "max_ms": raw["latency_us"]["max"] / 1000,
        "requests": raw["requests"],
        "mismatches": raw["mismatches"],
        "first_mismatch": raw["first_mismatch"],
        "errors": errors,
        "timeouts": raw["timeouts"],
    }


def _summary(
    server: str, query: str, concurrency: int, runs: list[dict[str, Any]]
) -> dict[str, Any]:
    def spread(key: str) -> tuple[float, float, float]:
        values = [r[key] for r in runs]
        return statistics.median(values), min(values), max(values)

    rps, p50, p99 = spread("rps"), spread("p50_ms"), spread("p99_ms")
    wrong = sum(r["mismatches"] for r in runs)
    errors = sum(r["errors"] + r["timeouts"] for r in runs)
    failed = None
    if wrong or errors:
        example = next((r["first_mismatch"] for r in runs if r["first_mismatch"]), "")
        failed = f"{wrong} wrong answers ({example}), {errors} socket errors or timeouts"
    return {
        "server": server,
        "query": query,
        "concurrency": concurrency,
        "rps": rps[0],
        "rps_min": rps[1],
        "rps_max": rps[2],
        "p50_ms": p50[0],
        "p99_ms": p99[0],
        "p99_ms_min": p99[1],
        "p99_ms_max": p99[2],
        "requests": sum(r["requests"] for r in runs),
        "mismatches": wrong,
        "errors": errors,
        "failed": failed,
        "runs": runs,
    }


# ---------------------------------------------------------------- the benchmark


@dataclass(frozen=True)
class Settings:
    """How long, how often, how many connections, which servers and queries."""

    duration: float = 5
    runs: int = 3
    concurrency: tuple[int, ...] = (1, 16, 64)
    servers: tuple[str, ...] = tuple(SERVERS)
    queries: tuple[str, ...] = QUERIES


QUICK = Settings(duration=2, runs=1, concurrency=(TARGET_CONCURRENCY,))
"""``python -m benchmarks run --quick``: one 2 s run a server and query, at concurrency 16."""


def run_endpoint(settings: Settings, say: Callable[[str], None] = print) -> dict[str, Any]:
    """Start the servers, verify their answers, run wrk, stop them; the endpoint section of
    the results (figures, what was skipped and why, the targets)."""
    duration, runs, concurrency = settings.duration, settings.runs, settings.concurrency
    servers, names = settings.servers, settings.queries
    section: dict[str, Any] = {
        "duration_s": duration,
        "runs": runs,
        "concurrency": list(concurrency),
        "servers": {name: SERVERS[name] for name in servers},
        "figures": [],
        "skipped": [],
    }
    if shutil.which("wrk") is None:
        why = "wrk is not installed (sh tools/system-packages.sh as root)"
        section["skipped"].append({"server": "all", "reason": why})
        say(f"endpoint: skipped ({why})")
        return section
    chosen = [queries()[name] for name in names]
    section["queries"] = {q.name: {"what": q.what, "saved": q.saved} for q in chosen}
    work = Path(tempfile.mkdtemp(prefix="kazkgz-endpoint-"))
    try:
        published = publish(work)
        expected = reference(published, chosen)
        for name, (count, _iris_found) in expected.items():
            section["queries"][name]["rows"] = count
        with contextlib.ExitStack() as stack:
            endpoints: list[Endpoint] = []
            for name in servers:
                reason = missing(name)
                if reason is None:
                    try:
                        endpoints.append(stack.enter_context(start(name, published, work)))
                        continue
                    except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
                        reason = f"did not start: {exc}"[:400]
                    section["skipped"].append({"server": name, "reason": reason})
                    say(f"endpoint: {name} skipped ({reason})")
            bodies = _verify(endpoints, chosen, expected, section, say)
            results: dict[tuple[str, str, int], list[dict[str, Any]]] = {}
            for index in range(runs):
                for query in chosen:
                    for level in concurrency:
                        for endpoint in endpoints:
                            key = (endpoint.name, query.name, level)
                            if (endpoint.name, query.name) not in bodies:
                                continue
                            body = bodies[(endpoint.name, query.name)]
                            raw = wrk(url_of(endpoint, query), body, level, duration)
                            figures = _run_figures(raw)
                            results.setdefault(key, []).append(figures)
                            say(
                                f"endpoint run {index + 1}/{runs} {query.name} c={level} "
                                f"{endpoint.name}: {figures['rps']:.0f} req/s, "
                                f"p99 {figures['p99_ms']:.1f} ms, "
                                f"{figures['mismatches']} wrong"
                            )
        section["figures"] = [_summary(*key, value) for key, value in results.items()]
        section["targets"] = targets(section["figures"])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return section


def _verify(
    endpoints: list[Endpoint],
    chosen: list[BenchQuery],
    expected: dict[str, tuple[int, Counter[str]]],
    section: dict[str, Any],
    say: Callable[[str], None],
) -> dict[tuple[str, str], bytes]:
    """Each server's verified answer to each query (a wrong one is skipped, with why). The
    answer is fetched :data:`WARM_UP` times, so that each query process of a server has seen
    the query before the runs, and every copy must be right and weigh the same for wrk."""
    bodies = {}
    for endpoint in endpoints:
        for query in chosen:
            try:
                copies = [fetch(url_of(endpoint, query)) for _ in range(WARM_UP)]
                reason = verified(copies[0], expected[query.name])
                if reason is None and len({checksum(c) for c in copies}) > 1:
                    reason = "the answer changes from one request to the next"
            except urllib.error.HTTPError as exc:
                reason = f"no answer: {exc}: {exc.read()[:300]!r}"
            except OSError as exc:
                reason = f"no answer: {exc}"
            if reason is None:
                bodies[(endpoint.name, query.name)] = copies[0]
            else:
                item = {"server": endpoint.name, "query": query.name, "reason": reason}
                section["skipped"].append(item)
                say(f"endpoint: {endpoint.name} {query.name} skipped ({reason})")
    return bodies


def targets(figures: list[dict[str, Any]]) -> dict[str, Any]:
    """The targets at concurrency 16, per kg serve configuration and query: uncached, at
    least three times Virtuoso's requests/s, at least the Starlette app's, p99 under 10 ms;
    with the answer cache (``kg``), at least ten times Virtuoso's."""
    at = {(f["server"], f["query"]): f for f in figures if f["concurrency"] == TARGET_CONCURRENCY}
    found: dict[str, Any] = {}
    for (server, query), figure in at.items():
        if not server.startswith("kg"):
            continue
        virtuoso = at.get(("virtuoso", query))
        floor = at.get(("starlette-oxigraph", query))
        ok = figure["failed"] is None
        vs_virtuoso, vs_floor = _ratio(figure, virtuoso), _ratio(figure, floor)
        found[f"{server} {query}"] = {
            "rps": round(figure["rps"]),
            "vs_virtuoso": vs_virtuoso,
            "vs_starlette_oxigraph": vs_floor,
            "p99_ms": round(figure["p99_ms"], 1),
            "three_times_virtuoso": ok and vs_virtuoso is not None and vs_virtuoso >= 3,
            "at_least_starlette_oxigraph": ok and vs_floor is not None and vs_floor >= 1,
            "p99_under_10_ms": ok and figure["p99_ms"] < TARGET_P99_MS,
            "cached_ten_times_virtuoso": ok and vs_virtuoso is not None and vs_virtuoso >= 10,
        }
    return found


def _ratio(figure: dict[str, Any], other: dict[str, Any] | None) -> float | None:
    if other is None or other["failed"] is not None or not other["rps"]:
        return None
    return round(float(figure["rps"]) / float(other["rps"]), 2)


def table(section: dict[str, Any]) -> str:
    """The endpoint figures as Markdown: one row per query, server and concurrency."""
    lines = [
        f"Endpoint: {section['duration_s']:g} s runs, median of {section['runs']} interleaved "
        "runs (min-max); wrk checks every answer.",
        "",
        "| query | server | c | req/s (min-max) | p50 ms | p99 ms (min-max) | wrong/errors |",
        "|---|---|---|---|---|---|---|",
    ]
    for f in section["figures"]:
        lines.append(
            f"| {f['query']} | {f['server']} | {f['concurrency']} | {f['rps']:.0f} "
            f"({f['rps_min']:.0f}-{f['rps_max']:.0f}) | {f['p50_ms']:.1f} | {f['p99_ms']:.1f} "
            f"({f['p99_ms_min']:.1f}-{f['p99_ms_max']:.1f}) | "
            f"{f['mismatches']}/{f['errors']}{' FAILED' if f['failed'] else ''} |"
        )
    for name, t in section.get("targets", {}).items():
        marks = ", ".join(f"{k} {'yes' if t[k] else 'no'}" for k in TARGETS if k in t)
        ratios = ", ".join(
            f"{t[key]}x {peer}" if t[key] is not None else f"no {peer} figure"
            for key, peer in (
                ("vs_virtuoso", "Virtuoso"),
                ("vs_starlette_oxigraph", "Starlette+pyoxigraph"),
            )
        )
        lines.append(f"- c=16 {name}: {t['rps']} req/s, {ratios}, p99 {t['p99_ms']} ms: {marks}")
    for item in section["skipped"]:
        what = f"{item['server']} {item.get('query', '')}".strip()
        lines.append(f"- skipped {what}: {item['reason']}")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- command line


def add_arguments(sub: Any) -> None:
    """``python -m benchmarks endpoint`` and its options (``sub``: argparse's subparsers)."""
    p = sub.add_parser("endpoint", help="run only the endpoint benchmark (needs wrk)")
    p.add_argument("--duration", type=float, default=5, help="seconds a wrk run lasts (5)")
    p.add_argument("--runs", type=int, default=3, help="interleaved runs (3)")
    p.add_argument("--concurrency", default="1,16,64", help="connections (1,16,64)")
    p.add_argument("--servers", default=",".join(SERVERS), help="which servers (all)")
    p.add_argument("--queries", default=",".join(QUERIES), help="which queries (all)")
    p.add_argument("--out", type=Path, default=HERE / "results", help="results folder")


def settings_from(args: Any) -> Settings:
    servers = tuple(args.servers.split(","))
    unknown = [s for s in servers if s not in SERVERS] + [
        q for q in args.queries.split(",") if q not in QUERIES
    ]
    if unknown:
        raise SystemExit(f"unknown server or query: {', '.join(unknown)}")
    return Settings(
        duration=args.duration,
        runs=args.runs,
        concurrency=tuple(int(c) for c in args.concurrency.split(",")),
        servers=servers,
        queries=tuple(args.queries.split(",")),
    )


def main(settings: Settings, results: Path, say: Callable[[str], None]) -> dict[str, Any]:
    """Run the benchmark and put its section into the results file ``results`` (created if
    missing, its other sections kept); draw ``endpoint.png`` beside it."""
    section = run_endpoint(settings, say)
    found: dict[str, Any] = {}
    if results.is_file():
        found = json.loads(results.read_text(encoding="utf-8"))
    found["endpoint"] = {"date": _now(), **section}
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text(json.dumps(found, indent=1) + "\n", encoding="utf-8")
    plot(section, results.with_name(results.stem.replace("results", "endpoint") + ".png"))
    say(table(section))
    return section


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def plot(section: dict[str, Any], path: Path) -> None:
    """Requests per second against concurrency, one panel a query, one line a server."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return
    names = list(dict.fromkeys(f["query"] for f in section["figures"]))
    if not names:
        return
    fig, axes = plt.subplots(1, len(names), figsize=(5 * len(names), 4.5), squeeze=False)
    for ax, query in zip(axes[0], names, strict=True):
        for server in section["servers"]:
            points = sorted(
                (f["concurrency"], f["rps"])
                for f in section["figures"]
                if f["query"] == query and f["server"] == server and not f["failed"]
            )
            if points:
                ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", label=server)
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_title(query)
        ax.set_xlabel("concurrent connections")
        ax.set_ylabel("requests/s (median)")
        ax.grid(True, which="both", alpha=0.3)
    axes[0][0].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
