"""The external tools the store tests drive, installed by tools/stores.sh: where they are, how
to call them, and what to do when one is missing (fail as root, who could have installed it;
skip otherwise, naming what is missing)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from .jena import BATCH, classpath, installed

REPO = Path(__file__).resolve().parents[2]
NODE_DIR = REPO / "tools" / "node"
NODE_MODULES = NODE_DIR / "node_modules"
HERE = Path(__file__).resolve().parent
#: the options the tests start a JVM with, for runs of seconds: the client compiler alone, no
#: optimising compiler taking CPU from the other test worker (a third to two fifths less CPU
#: for a Jena load, a SHACL batch or a HermiT run here, the same results). The benchmarks
#: start Java with its defaults, as users do.
JVM_OPTIONS = ("-XX:TieredStopAtLevel=1",)


def missing(what: str) -> None:
    """Fail (as root, tools/stores.sh installs it) or skip (another user cannot)."""
    hint = "run: sh tools/stores.sh"
    if os.geteuid() == 0:
        pytest.fail(f"not installed: {what} ({hint})")
    pytest.skip(f"not installed: {what} ({hint} as root)")


def command(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        missing(name)
    assert found is not None
    return found


def node_module(name: str) -> Path:
    """tools/node/node_modules/<name>, with node itself."""
    command("node")
    path = NODE_MODULES / name
    if not path.is_dir():
        missing(f"npm package {name} in tools/node")
    return path


def run(
    args: list[str], timeout: float = 300, **kwargs: object
) -> subprocess.CompletedProcess[str]:
    """Run ``args``; a non-zero exit fails the test with its stderr."""
    done = subprocess.run(
        args, capture_output=True, text=True, timeout=timeout, check=False, **kwargs
    )
    if done.returncode != 0:
        pytest.fail(f"{' '.join(args[:4])} ... exited {done.returncode}: {done.stderr[-3000:]}")
    return done


def jena_classpath(cache: Path) -> str:
    """The classpath for Jena 4.5 from Debian's libapache-jena-java (see stores/jena.py)."""
    command("java")
    if not installed():
        missing("libapache-jena-java")
    return classpath(cache)


def jena(cache: Path, main: str, *args: str, timeout: float = 300) -> str:
    """Run one of Jena's commands (``riotcmd.riot``, ``tdb2.tdbloader`` ...); its stdout."""
    classes = jena_classpath(cache)
    return run(["java", *JVM_OPTIONS, "-cp", classes, main, *args], timeout=timeout).stdout


def jena_batch(cache: Path, *args: str) -> str:
    """Run tests/stores/JenaBatch.java (many queries or validations in one JVM)."""
    if shutil.which("javac") is None:
        missing("a JDK (default-jdk-headless) to run JenaBatch.java")
    return jena(cache, str(BATCH), *args)


def node(script: str, *args: str, timeout: float = 300) -> str:
    """Run tests/stores/<script> with node, resolving packages from tools/node."""
    node_module("n3")
    env = dict(os.environ, NODE_PATH=str(NODE_MODULES))
    return run(["node", str(HERE / script), *args], timeout=timeout, env=env).stdout


def engine_params(
    engines: tuple[str, ...], cases: list[tuple[str, object]], known: dict[tuple[str, str], str]
) -> list[object]:
    """One pytest param (engine, case) per engine and case (``(id, case)`` pairs), marked
    xfail(strict=True) with its reason where ``known`` names the pair, so that a fix shows up
    as an unexpected pass."""
    params = []
    for engine in engines:
        for case_id, case in cases:
            reason = known.get((engine, case_id))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            params.append(pytest.param(engine, case, marks=marks, id=f"{engine}-{case_id}"))
    return params
