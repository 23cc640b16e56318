"""One step in a second process while this one goes on (the build validates while it reasons):
on a machine with two or more cores where processes can be forked; elsewhere the step simply
runs when its result is asked for.

The process is forked, so the step needs no pickling and sees this process's memory as it was
at the start; only its result travels back (pickled, through a pipe).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, TypeVar

__all__ = ["start"]

T = TypeVar("T")


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _run(step: Callable[[], Any], sender: Connection) -> None:
    try:
        sender.send((True, step()))
    except BaseException:  # the caller runs the step again and sees the error itself
        sender.send((False, None))
    finally:
        sender.close()


def start(step: Callable[[], T]) -> Callable[[], T]:
    """Start ``step`` in a forked process; returns a function that waits for its result. If
    the step fails there in any way (an error, a result that cannot be pickled, a lost
    process), it runs again here, so that its own error is raised with its own traceback."""
    if _cores() < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return step
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_run, args=(step, sender), daemon=True)
    process.start()
    sender.close()

    def result() -> T:
        try:
            done, value = receiver.recv()
        except (EOFError, OSError):
            done, value = False, None
        finally:
            receiver.close()
            process.join()
        return value if done else step()

    return result
