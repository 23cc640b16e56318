"""A headless Debian chromium driven over the Chrome DevTools Protocol on a pipe
(``--remote-debugging-pipe``: JSON messages ending in NUL on file descriptors 3 and 4), so
that a test can navigate, run JavaScript in the page, ask which fonts drew a node's text,
and read the browser's network log. No web driver, no extra package."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import select
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

#: a quiet headless chromium that asks nothing of the network by itself
HEADLESS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)


def find_chromium() -> str:
    """Debian's chromium, else skip (as a user) or fail (as root, who can install it)."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    if os.geteuid() != 0:
        pytest.skip("chromium is not installed (sh tools/system-packages.sh installs it as root)")
    pytest.fail("chromium is not installed: run sh tools/system-packages.sh")


class Browser:
    """One page of a running chromium; :meth:`call` sends a command to it and waits for the
    answer, keeping the events that arrive meanwhile in :attr:`events`."""

    def __init__(self, process: subprocess.Popen[bytes], send: int, receive: int) -> None:
        self.process, self.send, self.receive = process, send, receive
        self.buffer = b""
        self.next_id = 0
        self.events: list[dict[str, Any]] = []
        self.session: str | None = None

    def _read(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.receive], [], [], left)[0]:
                raise TimeoutError("chromium did not answer in time")
            chunk = os.read(self.receive, 1 << 16)
            if not chunk:
                raise RuntimeError("chromium closed its pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        found: dict[str, Any] = json.loads(message)
        return found

    def call(self, method: str, timeout: float = 30, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        message: dict[str, Any] = {"id": self.next_id, "method": method, "params": params}
        if self.session and not method.startswith(("Target.", "Browser.")):
            message["sessionId"] = self.session
        os.write(self.send, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            answer = self._read(deadline)
            if answer.get("id") == self.next_id:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                result: dict[str, Any] = answer.get("result", {})
                return result
            if "method" in answer:
                self.events.append(answer)

    def wait_for(self, event: str, timeout: float = 30) -> dict[str, Any]:
        """The first event named ``event`` not yet waited for (kept ones first)."""
        deadline = time.monotonic() + timeout
        while True:
            for index, found in enumerate(self.events):
                if found["method"] == event:
                    return self.events.pop(index)
            answer = self._read(deadline)
            if "method" in answer:
                self.events.append(answer)

    def navigate(self, url: str) -> None:
        """Go to ``url`` and wait for its load event and its fonts."""
        self.events = [e for e in self.events if e["method"] != "Page.loadEventFired"]
        self.call("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired")
        self.evaluate("document.fonts.ready.then(() => true)")

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (promises awaited)."""
        answer = self.call(
            "Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True
        )
        if "exceptionDetails" in answer:
            raise RuntimeError(f"{expression}: {answer['exceptionDetails']}")
        return answer["result"].get("value")

    def requested(self) -> list[str]:
        """Every URL the page has asked for so far (the browser's network log)."""
        return [
            e["params"]["request"]["url"]
            for e in self.events
            if e["method"] == "Network.requestWillBeSent"
        ]


@contextlib.contextmanager
def browser(profile: Path) -> Iterator[Browser]:
    """A headless chromium with one page, its network log on, closed afterwards."""
    binary = find_chromium()
    to_browser, from_test = os.pipe()
    from_browser, to_test = os.pipe()
    # the browser reads fd 3 and writes fd 4: move the pipe ends there in the child
    high_read = fcntl.fcntl(to_browser, fcntl.F_DUPFD, 10)
    high_write = fcntl.fcntl(to_test, fcntl.F_DUPFD, 10)

    def wire() -> None:
        os.dup2(high_read, 3)
        os.dup2(high_write, 4)

    process = subprocess.Popen(
        [binary, *HEADLESS, "--remote-debugging-pipe", f"--user-data-dir={profile}", "about:blank"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        pass_fds=(3, 4),
        preexec_fn=wire,  # the child wires fds 3 and 4 before exec
    )
    for fd in (to_browser, to_test, high_read, high_write):
        os.close(fd)
    page = Browser(process, from_test, from_browser)
    try:
        target = page.call("Target.createTarget", url="about:blank")["targetId"]
        page.session = page.call("Target.attachToTarget", targetId=target, flatten=True)[
            "sessionId"
        ]
        for domain in ("Page", "Network", "Runtime", "DOM", "CSS"):
            page.call(f"{domain}.enable")
        yield page
    finally:
        with contextlib.suppress(Exception):
            page.call("Browser.close", timeout=5)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
        os.close(from_test)
        os.close(from_browser)
