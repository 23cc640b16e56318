"""Packaging: one version source, the README's test command is what CI runs, and a built
wheel carries the data files and finds them without a checkout."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
from lib_helpers import REPO

import kg


def _readme_block(section: str) -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    body = text.split(f"## {section}\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```(?:sh|bash|console)?\n(.*?)```", body, flags=re.DOTALL)


def test_version_has_one_source() -> None:
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert kg.__version__ == pyproject["project"]["version"] == "0.2.0"
    assert "version" not in pyproject["project"].get("dynamic", [])


def test_ci_runs_exactly_the_readme_test_command() -> None:
    blocks = _readme_block("Set-up")
    assert len(blocks) == 2, "Set-up shows two commands: run the main job, run the tests"
    test_command = blocks[1].strip()
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    commands = [
        line for line in ci.splitlines() if line.strip() and not line.lstrip().startswith("#")
    ]
    assert commands[0] == "set -euo pipefail"
    assert commands[-1] == test_command
    assert "pytest" in test_command
    assert "ruff check" in test_command
    assert "mypy kg" in test_command


def test_public_api_is_exported() -> None:
    for name in kg.__all__:
        assert hasattr(kg, name), name
    assert (Path(kg.__file__).parent / "py.typed").is_file()


@pytest.mark.slow
def test_wheel_ships_the_data_and_finds_it(tmp_path: Path) -> None:
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(REPO), "--no-deps", "--no-build-isolation",
         "-q", "-w", str(tmp_path / "wheel")],
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert build.returncode == 0, build.stderr
    [wheel] = (tmp_path / "wheel").glob("kazkgz-0.2.0-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        archive.extractall(tmp_path / "site")
    assert "kg/py.typed" in names
    assert "kg/cli.py" in names
    # the server's templates and style sheet
    assert "kg/server/templates/base.html" in names
    assert "kg/server/static/site.css" in names
    # the workbench works offline from the wheel: YASGUI's build, its licences, its script
    for name in ("yasgui.min.js", "yasgui.min.css", "LICENSES.txt"):
        assert f"kg/server/static/vendor/yasgui/{name}" in names
    assert "kg/server/static/workbench.js" in names
    assert "kg/server/templates/workbench.html" in names
    for folder in ("ontology", "graph", "shapes", "queries"):
        for file in (REPO / folder).rglob("*"):
            if file.is_file() and "__pycache__" not in file.parts:
                assert f"kg/_data/{file.relative_to(REPO).as_posix()}" in names
    env = {k: v for k, v in os.environ.items() if k != "KG_HOME"}
    env["PYTHONPATH"] = str(tmp_path / "site")
    probe = subprocess.run(
        [sys.executable, "-c",
         "import kg, kg.core.paths; print(kg.core.paths.project_root()); print(kg.__version__)"],
        capture_output=True, text=True, env=env, cwd=tmp_path, check=False, timeout=60,
    )  # fmt: skip
    assert probe.returncode == 0, probe.stderr
    root, version = probe.stdout.split()
    assert Path(root) == tmp_path / "site" / "kg" / "_data"
    assert version == "0.2.0"
