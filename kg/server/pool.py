"""A pool of query worker processes with a wall-clock limit per job.

A job goes to an idle worker; if the answer does not come within the time limit the
worker is killed (its CPU and memory are freed at once) and a new one is started in the
background, while the other workers go on serving."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path

from kg.core.paths import Sources
from kg.server.worker import Reply, SavedJob, SparqlJob, worker_main

__all__ = ["WorkerPool"]

log = logging.getLogger("kg.server.pool")

START_TIMEOUT = 120.0
"""Seconds a new worker may take to load the graphs (a cold closure cache reasons first)."""


@dataclass(eq=False)
class _Worker:
    process: BaseProcess
    conn: Connection


class WorkerPool:
    """``size`` worker processes over ``sources``, each job limited to ``timeout`` s; with
    ``store_path``, each worker also opens that Oxigraph store read-only."""

    def __init__(
        self,
        sources: Sources,
        size: int,
        timeout: float,
        memory_mb: int,
        store_path: Path | None = None,
    ) -> None:
        self.sources = sources
        self.store_path = store_path
        self.size = size
        self.timeout = timeout
        self.memory_mb = memory_mb
        self._context = multiprocessing.get_context("spawn")
        self._idle: asyncio.Queue[_Worker] | None = None
        self._all: set[_Worker] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._started: asyncio.Event | None = None
        self._lock: asyncio.Lock | None = None
        self.replaced = 0
        self.closed = False
        self.network = "not started"
        """Whether the workers are kept off the network (see ``isolate_network``)."""

    # ------------------------------------------------------------ life cycle

    def _start_process(self) -> _Worker:
        parent, child = self._context.Pipe()
        process = self._context.Process(
            target=worker_main,
            args=(child, self.sources, self.memory_mb, self.store_path),
            name="kg-query-worker",
            daemon=True,
        )
        process.start()
        child.close()
        if not parent.poll(START_TIMEOUT):
            process.kill()
            raise RuntimeError("a query worker did not start in time")
        message = parent.recv()
        if message[0] != "ready":
            process.join(5)
            raise RuntimeError(f"a query worker failed to start: {message[1]}")
        self.network = message[2]
        return _Worker(process, parent)

    async def start(self) -> None:
        """Start the workers (once; later calls wait for the first)."""
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            if self._idle is not None:
                return
            self._idle = asyncio.Queue()
            workers = await asyncio.gather(
                *(asyncio.to_thread(self._start_process) for _ in range(self.size))
            )
            for worker in workers:
                self._all.add(worker)
                self._idle.put_nowait(worker)

    async def close(self) -> None:
        """Stop every worker."""
        self.closed = True
        for task in list(self._tasks):
            task.cancel()
        for worker in list(self._all):
            with contextlib.suppress(OSError, ValueError):
                worker.conn.send(None)
                worker.conn.close()
            worker.process.kill()
        for worker in list(self._all):
            await asyncio.to_thread(worker.process.join, 5)
        self._all.clear()

    @property
    def ready(self) -> int:
        """How many workers are alive."""
        return sum(1 for w in self._all if w.process.is_alive())

    @property
    def idle(self) -> int:
        return 0 if self._idle is None else self._idle.qsize()

    def _replace(self, worker: _Worker) -> None:
        """Kill ``worker`` and start a new one in the background."""
        self._all.discard(worker)
        worker.process.kill()
        with contextlib.suppress(OSError):
            worker.conn.close()
        self.replaced += 1
        if self.closed:
            return

        async def respawn() -> None:
            await asyncio.to_thread(worker.process.join, 5)
            try:
                fresh = await asyncio.to_thread(self._start_process)
            except Exception:  # keep serving with the workers that are left
                log.exception("could not start a replacement query worker")
                return
            if self.closed:
                fresh.process.kill()
                return
            self._all.add(fresh)
            assert self._idle is not None  # noqa: S101 - started before any job
            self._idle.put_nowait(fresh)

        task = asyncio.create_task(respawn())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # ------------------------------------------------------------ jobs

    async def _readable(self, conn: Connection, timeout: float) -> None:
        loop = asyncio.get_running_loop()
        ready: asyncio.Future[None] = loop.create_future()

        def wake() -> None:
            if not ready.done():
                ready.set_result(None)

        fd = conn.fileno()
        loop.add_reader(fd, wake)
        try:
            await asyncio.wait_for(ready, timeout)
        finally:
            loop.remove_reader(fd)

    async def run(self, job: SparqlJob | SavedJob) -> Reply:
        """Run ``job`` on a worker within the time limit."""
        await self.start()
        assert self._idle is not None  # noqa: S101 - set by start()
        waited = time.monotonic()
        try:
            worker = await asyncio.wait_for(self._idle.get(), self.timeout)
        except TimeoutError:
            return Reply.error(
                503,
                "busy",
                f"every query worker stayed busy for {time.monotonic() - waited:.1f} s; "
                "try again later",
            )
        try:
            worker.conn.send(job)
            await self._readable(worker.conn, self.timeout)
            # read here, not in a thread: the worker sends its finished reply in one go, so
            # this takes as long as copying it; a thread hop added to every request's latency
            reply: Reply = worker.conn.recv()
        except TimeoutError:
            self._replace(worker)
            return Reply.error(
                503,
                "timeout",
                f"the query reached the time limit of {self.timeout:g} s and was stopped",
            )
        except (EOFError, OSError) as exc:
            self._replace(worker)
            return Reply.error(500, "worker-lost", f"the query worker stopped: {exc}")
        except asyncio.CancelledError:  # the client went away: the worker may be mid-job
            self._replace(worker)
            raise
        if reply.kind == "memory-limit" or not worker.process.is_alive():
            self._replace(worker)
        else:
            self._idle.put_nowait(worker)
        return reply
