"""``python -m benchmarks slow-clients`` runs for real (two clients, a small chain, on the
project built once for the test run) and writes its figures: the HTTP process's memory before
and at its peak, and every client's status."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from lib_helpers import built_once
from server_helpers import REPO

pytestmark = pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc")


def test_the_benchmark_writes_its_figures(tmp_path: Path) -> None:
    out = tmp_path / "slow-clients.json"
    argv = [sys.executable, "-m", "benchmarks", "slow-clients", "--clients", "2"]
    argv += ["--steps", "19", "--caps", "100000,5000000", "--settle", "0.5", "--out", str(out)]
    argv += ["--dist", str(built_once())]
    done = subprocess.run(argv, cwd=REPO, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    figures = json.loads(out.read_text(encoding="utf-8"))["figures"]
    assert [f["max_bytes"] for f in figures] == [100_000, 5_000_000]
    for figure in figures:
        assert figure["statuses"] == {"200": 2}
        assert figure["answer_bytes"] == 2**20
        assert figure["rss_peak_mib"] >= figure["rss_before_mib"] > 0
    assert not list(tmp_path.glob("*.log"))
