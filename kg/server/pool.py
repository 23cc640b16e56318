"""A pool of query worker processes with a wall-clock limit per job, and a scheduler that
keeps expensive queries from starving cheap ones.

A job goes to an idle worker; if the answer does not come within the time limit the
worker is killed (its CPU and memory are freed at once) and a new one is started in the
background, while the other workers go on serving.

Two lanes share the workers: saved queries (the project's own, cheap, bounded) and ad hoc
queries (anything a client writes). ``saved_workers`` workers run saved queries only, so
that however many ad hoc queries hold the other workers, a saved query is answered. A job
that finds no idle worker waits in its lane's queue, and idle workers go to the longest
waiting job of either lane. A lane's queue is bounded: when it is full, or when the time
the job would wait (the queue's length times the lane's recent mean duration) is beyond
the time limit, the job is refused at once with 503 and a Retry-After of that wait, rather
than after a wait of the whole time limit."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import multiprocessing
import multiprocessing.context
import os
import signal
import time
from collections import deque
from dataclasses import dataclass, field
from multiprocessing import forkserver
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from kg.core.paths import Sources
from kg.server.jobs import EngineSource, Reply, SavedJob, SparqlJob
from kg.server.worker import worker_main

__all__ = ["LANES", "WorkerPool", "fork_server"]

log = logging.getLogger("kg.server.pool")

START_TIMEOUT = 120.0
"""Seconds a new worker may take to load the graphs (a cold closure cache reasons first)."""

LANES = ("saved", "adhoc")
SMOOTHING = 0.2
"""The weight of the newest job in a lane's mean duration (an exponential moving mean)."""


def fork_server() -> multiprocessing.context.ForkServerContext:
    """The context that starts workers: a fork server that has imported the worker's modules
    once, so that a new worker is a fork of it, ready in the time it takes to load the
    graphs (a spawned one imported them first). Started here, if not yet running: call it
    early, and the server's imports and the fork server's run side by side."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["kg.server.worker"])
    forkserver.ensure_running()
    return context


@dataclass(eq=False)
class _Worker:
    process: BaseProcess
    conn: Connection
    saved_only: bool = False


@dataclass
class _Lane:
    """A lane's waiting jobs (when each arrived, and the future its worker is handed to)
    and the mean duration of its recent jobs."""

    waiting: deque[tuple[float, asyncio.Future[_Worker]]] = field(default_factory=deque)
    mean_s: float = 0.0
    refused: int = 0


class WorkerPool:
    """``size`` worker processes for any job and ``saved_workers`` for saved queries only,
    over ``sources`` (on the engine ``engine`` names), each job limited to ``timeout`` s;
    at most ``queue`` jobs wait in a lane."""

    def __init__(
        self,
        sources: Sources,
        size: int,
        timeout: float,
        memory_mb: int,
        engine: EngineSource | None = None,
        saved_workers: int = 1,
        queue: int = 128,
    ) -> None:
        self.sources = sources
        self.engine = engine or EngineSource()
        self.size = size
        self.saved_workers = saved_workers
        self.timeout = timeout
        self.memory_mb = memory_mb
        self.queue = queue
        self._context = fork_server()
        self._idle: list[_Worker] = []
        self._lanes = {name: _Lane() for name in LANES}
        self._all: set[_Worker] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._lock: asyncio.Lock | None = None
        self._started = False
        self._starting: asyncio.Task[None] | None = None
        self.replaced = 0
        self.closed = False
        self.network = "not started"
        """Whether the workers are kept off the network (see ``isolate_network``)."""

    # ------------------------------------------------------------ life cycle

    def _start_process(self, saved_only: bool = False) -> _Worker:
        parent, child = self._context.Pipe()
        process = self._context.Process(
            target=worker_main,
            args=(child, self.sources, self.memory_mb, self.engine, os.getpid()),
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
        return _Worker(process, parent, saved_only)

    async def start(self) -> None:
        """Start the workers (once; later calls wait for the first). Each serves as soon as
        it is ready: a job that comes earlier waits in its lane."""
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            if self._started:
                return
            self._started = True
            kinds = [False] * self.size + [True] * self.saved_workers

        async def one(saved_only: bool) -> None:
            worker = await asyncio.to_thread(self._start_process, saved_only)
            if self.closed:
                worker.process.kill()
                return
            self._all.add(worker)
            self._release(worker)

        await asyncio.gather(*(one(kind) for kind in kinds))

    def begin(self) -> None:
        """Start the workers in the background (once)."""
        if not self._started and self._starting is None:
            self._starting = asyncio.create_task(self.start())

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
        return len(self._idle)

    def lanes(self) -> dict[str, dict[str, float | int]]:
        """Each lane's waiting jobs, mean duration (ms) and refusals so far."""
        return {
            name: {
                "waiting": len(lane.waiting),
                "mean_ms": round(lane.mean_s * 1000, 2),
                "refused": lane.refused,
            }
            for name, lane in self._lanes.items()
        }

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
                fresh = await asyncio.to_thread(self._start_process, worker.saved_only)
            except Exception:  # keep serving with the workers that are left
                log.exception("could not start a replacement query worker")
                return
            if self.closed:
                fresh.process.kill()
                return
            self._all.add(fresh)
            self._release(fresh)

        task = asyncio.create_task(respawn())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # ------------------------------------------------------------ scheduling

    def _release(self, worker: _Worker) -> None:
        """Hand ``worker`` to the longest waiting job it may run, or make it idle."""
        lanes = ("saved",) if worker.saved_only else LANES
        while True:
            heads = [
                (self._lanes[name].waiting[0][0], name)
                for name in lanes
                if self._lanes[name].waiting
            ]
            if not heads:
                self._idle.append(worker)
                return
            _arrived, name = min(heads)
            _arrived, future = self._lanes[name].waiting.popleft()
            if not future.done():
                future.set_result(worker)
                return

    def _take_idle(self, lane: str) -> _Worker | None:
        """An idle worker for ``lane``: for saved queries, one of theirs first."""
        allowed = [w for w in self._idle if lane == "saved" or not w.saved_only]
        if not allowed:
            return None
        chosen = max(allowed, key=lambda w: w.saved_only)
        self._idle.remove(chosen)
        return chosen

    def _busy(self, lane: str, message: str, wait_s: float) -> Reply:
        self._lanes[lane].refused += 1
        retry = max(1, math.ceil(wait_s))
        return Reply.error(503, "busy", message).with_retry(retry)

    async def _acquire(self, lane: str) -> _Worker | Reply:
        """A worker for a job of ``lane``, or the refusal to send."""
        worker = self._take_idle(lane)
        if worker is not None:
            return worker
        state = self._lanes[lane]
        serving = self.saved_workers + self.size if lane == "saved" else self.size
        expected = (len(state.waiting) + 1) * state.mean_s / max(1, serving)
        if len(state.waiting) >= self.queue or expected > self.timeout:
            return self._busy(
                lane,
                f"the {lane} queries' queue is full ({len(state.waiting)} waiting, about "
                f"{expected:.1f} s of work); try again later",
                expected,
            )
        future: asyncio.Future[_Worker] = asyncio.get_running_loop().create_future()
        entry = (time.monotonic(), future)
        state.waiting.append(entry)
        try:
            return await asyncio.wait_for(asyncio.shield(future), self.timeout)
        except (TimeoutError, asyncio.CancelledError) as exc:
            if entry in state.waiting:
                state.waiting.remove(entry)
            if future.done():  # handed a worker just as the wait ended: give it back
                self._release(future.result())
            else:
                future.cancel()
            if isinstance(exc, asyncio.CancelledError):
                raise
            return self._busy(
                lane,
                f"every query worker stayed busy for {self.timeout:g} s; try again later",
                state.mean_s,
            )

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
        self.begin()
        lane = "saved" if isinstance(job, SavedJob) else "adhoc"
        got = await self._acquire(lane)
        if isinstance(got, Reply):
            return got
        worker = got
        started = time.monotonic()
        try:
            worker.conn.send(job)
            await self._readable(worker.conn, self.timeout)
            # read here, not in a thread: the worker sends its finished reply in one go, so
            # this takes as long as copying it; a thread hop added to every request's latency
            reply: Reply = worker.conn.recv()
        except TimeoutError:
            self._measured(lane, self.timeout)
            self._replace(worker)
            return Reply.error(
                503,
                "timeout",
                f"the query reached the time limit of {self.timeout:g} s and was stopped",
            )
        except (EOFError, OSError) as exc:
            aborted = await self._aborted(worker)
            self._replace(worker)
            if aborted and self.memory_mb:
                # a native engine (Oxigraph) aborts its process when an allocation fails
                # at the address-space limit, where Python would raise MemoryError
                return Reply.memory_limit(self.memory_mb)
            return Reply.error(500, "worker-lost", f"the query worker stopped: {exc}")
        except asyncio.CancelledError:  # the client went away: the worker may be mid-job
            self._replace(worker)
            raise
        self._measured(lane, time.monotonic() - started)
        if reply.kind == "memory-limit" or not worker.process.is_alive():
            self._replace(worker)
        else:
            self._release(worker)
        return reply

    @staticmethod
    async def _aborted(worker: _Worker, wait_s: float = 1.0) -> bool:
        """Whether ``worker``, whose pipe has closed, ended on SIGABRT (waits up to
        ``wait_s`` for it to exit)."""
        deadline = time.monotonic() + wait_s
        while worker.process.exitcode is None and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        return worker.process.exitcode == -signal.SIGABRT

    def _measured(self, lane: str, seconds: float) -> None:
        state = self._lanes[lane]
        state.mean_s += SMOOTHING * (seconds - state.mean_s)
