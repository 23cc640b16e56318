"""Jena TDB2 and Virtuoso for the benchmark steps: load files into a store and run the saved
queries there. Both are driven as the store tests drive them (tests/stores/jena.py and
tests/stores/virtuoso.py, installed by tools/stores.sh): real processes, on 127.0.0.1 and free
ports, stopped at the end.

- Jena: Debian's Jena 4.5 on Java 17, heap at most 2 GiB; ``tdb2.tdbloader`` loads, and
  tests/stores/JenaBatch.java runs all the queries on a TDB2 database in one JVM (ARQ, as
  ``tdb2.tdbquery`` does), each answer written as SPARQL JSON.
- Virtuoso 7 from Debian, with a 1.3 GiB page cache: its bulk loader (``ld_dir`` and
  ``rdf_loader_run``, through ``isql-vt``) loads; the queries go over HTTP through
  :class:`kg.stores.RemoteStore`, as ``kg query --endpoint`` sends them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.stores.jena import BATCH, classpath, installed
from tests.stores.virtuoso import PASSWORD, USER, Virtuoso, running

__all__ = [
    "jena_queries",
    "peak_rss_mib",
    "tdb2_load",
    "virtuoso",
    "virtuoso_load",
]

JAVA_HEAP = "-Xmx2g"
VIRTUOSO_BUFFERS = 170_000  # 8 KiB pages: Virtuoso's setting for 2 GiB of memory
TIMEOUT = 1800.0


def _run(args: list[str], timeout: float = TIMEOUT) -> str:
    """Run ``args``; its stdout, or RuntimeError with the end of its stderr."""
    done = subprocess.run(  # noqa: S603 (the stores' own commands)
        args, capture_output=True, text=True, timeout=timeout, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"{Path(args[0]).name} exited {done.returncode}: {done.stderr[-500:]}")
    return done.stdout


def _java(cache: Path, main: str, *args: str) -> str:
    if shutil.which("java") is None or not installed():
        raise RuntimeError("Java or Jena is not installed (run: sh tools/stores.sh as root)")
    return _run(["java", JAVA_HEAP, "-cp", classpath(cache), main, *args])


def tdb2_load(cache: Path, location: Path, files: list[Path]) -> None:
    """``tdb2.tdbloader`` of ``files`` into the default graph of a TDB2 database at
    ``location`` (``cache``: where the Jena classpath's unpacked files are kept)."""
    _java(cache, "tdb2.tdbloader", f"--loc={location}", *map(str, files))


def jena_queries(
    cache: Path, location: Path, queries: Mapping[str, str]
) -> dict[str, list[dict[str, Any]]]:
    """Run each query (name → text) on the default graph of the TDB2 database at
    ``location``, all in one JVM; name → the rows of its answer (SPARQL JSON bindings)."""
    with tempfile.TemporaryDirectory(prefix="kazkgz-jena-") as folder:
        work = Path(folder)
        files = []
        for name, text in queries.items():
            files.append(work / f"{name}.rq")
            files[-1].write_text(text, encoding="utf-8")
        _java(cache, str(BATCH), "query", str(location), str(work), *map(str, files))
        return {
            name: json.loads((work / f"{name}.rq.json").read_bytes())["results"]["bindings"]
            for name in queries
        }


@contextmanager
def virtuoso(folder: Path) -> Iterator[Virtuoso]:
    """A Virtuoso server with its database in ``folder`` (new or already loaded), large
    enough for a million triples and answers of any size the suite asks for."""
    if shutil.which("virtuoso-t") is None:
        raise RuntimeError("Virtuoso is not installed (run: sh tools/stores.sh as root)")
    with running(folder, buffers=VIRTUOSO_BUFFERS, max_rows=10_000_000, max_seconds=0) as server:
        yield server


def _isql(server: Virtuoso, statements: str) -> str:
    """Run SQL statements with ``isql-vt``, which exits 0 even when one fails: its output
    is searched for errors."""
    out = _run(["isql-vt", f"127.0.0.1:{server.sql}", USER, PASSWORD, f"exec={statements}"])
    if "*** Error" in out:
        raise RuntimeError(f"isql-vt: {out[out.index('*** Error') :][:500]}")
    return out


def virtuoso_load(server: Virtuoso, graphs: Mapping[str, list[Path]]) -> None:
    """Load each graph IRI's files with Virtuoso's bulk loader, then checkpoint; fails if the
    loader recorded an error for a file. The files are linked into the database folder,
    which is the folder the server may read."""
    inbox = server.folder / "load"
    inbox.mkdir(exist_ok=True)
    statements = []
    for graph, files in graphs.items():
        for file in files:
            name = f"{len(statements)}{file.suffix}"
            target = inbox / name
            try:
                os.link(file, target)
            except OSError:
                shutil.copyfile(file, target)
            statements.append(f"ld_dir('{inbox}', '{name}', '{graph}');")
    _isql(server, " ".join([*statements, "rdf_loader_run();", "checkpoint;"]))
    failed = _isql(server, "SELECT ll_file, ll_error FROM DB.DBA.load_list WHERE ll_error <> '';")
    if "0 Rows." not in failed:
        raise RuntimeError(f"Virtuoso's bulk loader failed: {failed[-500:]}")


def peak_rss_mib(pid: int) -> float:
    """The peak resident memory of a running process (Linux: VmHWM)."""
    status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    line = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024
