"""Two benchmarks of ``kg serve`` on its default engine (Oxigraph over the dataset that
``kg build`` wrote):

    python -m benchmarks startup [--runs 3] [--million]
    python -m benchmarks fairness [--duration 60] [--clients 64] [--expensive 0.1]

``startup``: seconds from starting ``python -m kg.server --dist DIR`` to its first answer to
an ad hoc query (``ASK {}``) and to a saved query, the median of ``--runs`` starts; with
``--million``, also on a dataset of about a million triples from the generator
(benchmarks/generate.py, the article's world copied; one worker and no memory limit).

``fairness``: ``--clients`` clients at once for ``--duration`` s, answer cache off; a tenth
(``--expensive``) send an expensive ad hoc query (a three-way cartesian product that runs
into the time limit) again and again, the others saved queries (shared-organisations,
exports, timeline, visits in turn). Every saved answer is compared with the first one
fetched before the run; the figures: the cheap queries' latency percentiles, their wrong
answers, and the refusals by status (each must carry Retry-After)."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

from benchmarks.generate import generate
from kg.core.paths import default_sources
from kg.publishing.build import build
from kg.stores.published import DATASET_FILE
from tests.stores.virtuoso import free_port

__all__ = ["add_arguments", "fairness", "main", "startup"]

ROOT = Path(__file__).resolve().parent.parent
ASK = "/sparql?query=ASK%20%7B%7D"
SAVED = ("shared-organisations", "exports", "timeline", "visits")
EXPENSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
ASSERTED = "<https://w3id.org/kazkgz/graph/asserted>"


def _answered(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (127.0.0.1)
            response.read()
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def _serve(dist: Path, log: Path, *options: str, env: dict[str, str] | None = None) -> Any:
    port = free_port()
    argv = [sys.executable, "-m", "kg.server", "--port", str(port), "--dist", str(dist)]
    with log.open("wb") as sink:
        process = subprocess.Popen(  # noqa: S603 (our own interpreter and command)
            [*argv, *options],
            stdout=sink,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            env={**os.environ, **(env or {})},
            start_new_session=True,
        )
    return process, f"http://127.0.0.1:{port}"


def _stop(process: Any) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)


def _first_answers(dist: Path, work: Path, *options: str) -> tuple[float, float | None]:
    """Seconds from the start to the first ad hoc answer, and to the first saved one (None
    if the saved query was not answered: past the time limit on a large graph)."""
    started = time.monotonic()
    process, base = _serve(dist, work / "startup.log", *options)
    try:
        while not _answered(base + ASK):
            if process.poll() is not None or time.monotonic() - started > 300:
                raise RuntimeError((work / "startup.log").read_text(errors="replace")[-800:])
            time.sleep(0.005)
        ad_hoc = time.monotonic() - started
        if not _answered(f"{base}/queries/shared-organisations"):
            return ad_hoc, None
        return ad_hoc, time.monotonic() - started
    finally:
        _stop(process)


def _million(work: Path) -> tuple[Path, int]:
    """A dist folder whose dataset holds the generator's copies (about a million triples)
    as the asserted graph."""
    triples = work / "million.nt"
    count = generate(300, triples)
    dist = work / "million"
    dist.mkdir()
    with triples.open(encoding="utf-8") as lines, (dist / DATASET_FILE).open("w") as out:
        for line in lines:
            out.write(f"{line.rstrip().removesuffix(' .')} {ASSERTED} .\n")
    triples.unlink()
    return dist, count


def startup(runs: int, million: bool, say: Any = print) -> dict[str, Any]:
    """The startup figures (median and spread of ``runs`` starts)."""
    work = Path(tempfile.mkdtemp(prefix="kazkgz-startup-"))
    try:
        dist = work / "dist"
        build(dist, paths=default_sources(ROOT))
        cases = [("article graph", dist, ())]
        if million:
            big, count = _million(work)
            say(f"startup: generated {count} triples")
            options = ("--workers", "1", "--saved-workers", "0", "--memory-mb", "0")
            cases.append((f"{count:,} triples (1 worker)", big, options))
        figures = []
        for name, folder, options in cases:
            times = [_first_answers(folder, work, *options) for _ in range(runs)]
            ad_hoc = [t[0] for t in times]
            saved = [t[1] for t in times if t[1] is not None]
            figures.append(
                {
                    "dataset": name,
                    "first_ad_hoc_s": statistics.median(ad_hoc),
                    "first_ad_hoc_min_max": [min(ad_hoc), max(ad_hoc)],
                    "first_saved_s": statistics.median(saved) if saved else None,
                    "runs": runs,
                }
            )
            say(f"startup {name}: first answer {statistics.median(ad_hoc):.2f} s (median)")
        return {"figures": figures}
    finally:
        shutil.rmtree(work, ignore_errors=True)


async def _fairness_clients(
    base: str, duration: float, clients: int, expensive_share: float, reference: dict[str, bytes]
) -> dict[str, Any]:
    import httpx

    expensive_clients = round(clients * expensive_share)
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    wrong = 0
    missing_retry = 0
    deadline = time.monotonic() + duration
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async def client(number: int, http: httpx.AsyncClient) -> None:
        nonlocal wrong, missing_retry
        expensive = number < expensive_clients
        turn = number
        while time.monotonic() < deadline:
            turn += 1
            started = time.monotonic()
            if expensive:
                answer = await http.post(f"{base}/sparql", data={"query": EXPENSIVE})
                kind = "expensive"
            else:
                name = SAVED[turn % len(SAVED)]
                answer = await http.get(f"{base}/queries/{name}")
                kind = "cheap"
            took = time.monotonic() - started
            statuses[f"{kind} {answer.status_code}"] += 1
            if answer.status_code != 200 and "retry-after" not in answer.headers:
                missing_retry += 1
            if kind == "cheap":
                if answer.status_code == 200:
                    latencies.append(took)
                    if answer.content != reference[name]:
                        wrong += 1
                else:
                    await asyncio.sleep(float(answer.headers.get("retry-after", "1")))

    async with httpx.AsyncClient(timeout=120, limits=limits) as http:
        await asyncio.gather(*(client(n, http) for n in range(clients)))
    ordered = sorted(latencies)

    def percentile(p: float) -> float | None:
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000 if ordered else None

    return {
        "clients": clients,
        "expensive_clients": expensive_clients,
        "duration_s": duration,
        "cheap_answered": len(latencies),
        "cheap_p50_ms": percentile(0.50),
        "cheap_p99_ms": percentile(0.99),
        "cheap_max_ms": ordered[-1] * 1000 if ordered else None,
        "wrong_answers": wrong,
        "statuses": dict(sorted(statuses.items())),
        "refusals_without_retry_after": missing_retry,
    }


def fairness(duration: float, clients: int, expensive: float, say: Any = print) -> dict[str, Any]:
    """The fairness figures of one run against ``kg serve`` (2 workers, 1 for saved queries,
    answer cache off, a time limit of 10 s)."""
    work = Path(tempfile.mkdtemp(prefix="kazkgz-fairness-"))
    try:
        dist = work / "dist"
        build(dist, paths=default_sources(ROOT))
        process, base = _serve(
            dist, work / "fairness.log", "--workers", "2", env={"KG_CACHE_ENTRIES": "0"}
        )
        try:
            deadline = time.monotonic() + 120
            while not _answered(base + ASK):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((work / "fairness.log").read_text()[-800:])
                time.sleep(0.1)
            reference = {}
            for name in SAVED:
                with urllib.request.urlopen(f"{base}/queries/{name}") as response:  # noqa: S310
                    reference[name] = response.read()
            found = asyncio.run(_fairness_clients(base, duration, clients, expensive, reference))
        finally:
            _stop(process)
        say(
            f"fairness: cheap p99 {found['cheap_p99_ms']:.0f} ms, {found['wrong_answers']} wrong, "
            f"statuses {found['statuses']}"
        )
        return found
    finally:
        shutil.rmtree(work, ignore_errors=True)


def add_arguments(sub: Any) -> None:
    """``python -m benchmarks startup`` and ``fairness`` (``sub``: argparse's subparsers)."""
    p = sub.add_parser("startup", help="seconds from kg serve's start to its first answers")
    p.add_argument("--runs", type=int, default=3, help="starts (3)")
    p.add_argument("--million", action="store_true", help="also on about a million triples")
    p.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    p = sub.add_parser("fairness", help="cheap saved queries while expensive ones run")
    p.add_argument("--duration", type=float, default=60, help="seconds (60)")
    p.add_argument("--clients", type=int, default=64, help="clients at once (64)")
    p.add_argument("--expensive", type=float, default=0.1, help="share sending expensive (0.1)")
    p.add_argument("--out", type=Path, default=Path(__file__).parent / "results")


def main(args: Any, say: Any = print) -> dict[str, Any]:
    """Run ``args.command`` (startup or fairness) and put its section into results.json."""
    if args.command == "startup":
        section = startup(args.runs, args.million, say)
    else:
        section = fairness(args.duration, args.clients, args.expensive, say)
    results = args.out / "results.json"
    found: dict[str, Any] = {}
    if results.is_file():
        found = json.loads(results.read_text(encoding="utf-8"))
    date = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    found[args.command] = {"date": date, **section}
    results.write_text(json.dumps(found, indent=1) + "\n", encoding="utf-8")
    return section
