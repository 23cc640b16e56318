"""A progress indicator on stderr: a spinner with elapsed time on a terminal, one plain
line per step otherwise."""

from __future__ import annotations

import itertools
import sys
import threading
import time
from types import TracebackType
from typing import TextIO

__all__ = ["Progress"]


class Progress:
    """``with Progress("reasoning"):`` shows ``reasoning…`` until the block ends;
    ``step(label)`` moves on to the next step."""

    def __init__(self, label: str, stream: TextIO | None = None, quiet: bool = False) -> None:
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.tty = self.stream.isatty()
        self.label = label
        self.started = time.monotonic()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Progress:
        if self.quiet:
            return self
        if self.tty:
            self._thread = threading.Thread(target=self._spin, daemon=True)
            self._thread.start()
        else:
            self._line(self.label)
        return self

    def step(self, label: str) -> None:
        """Report the next step."""
        if self.label == label or self.quiet:
            return
        self.label = label
        if not self.tty:
            self._line(label)

    def _line(self, label: str) -> None:
        self.stream.write(f"{label}…\n")
        self.stream.flush()

    def _spin(self) -> None:
        for frame in itertools.cycle("|/-\\"):
            elapsed = time.monotonic() - self.started
            self.stream.write(f"\r{frame} {self.label}… {elapsed:4.1f}s\x1b[K")
            self.stream.flush()
            if self._stop.wait(0.1):
                break

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._thread is not None:
            self._stop.set()
            self._thread.join()
            self.stream.write("\r\x1b[K")
            self.stream.flush()
