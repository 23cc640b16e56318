"""What ``kg build`` wrote and a store can be loaded from: the dataset file (every graph the
endpoint serves, as named graphs, in N-Quads), checked to exist and to be newer than the
sources it was built from."""

from __future__ import annotations

from pathlib import Path

from kg.core.errors import UsageError
from kg.core.paths import Sources

__all__ = ["DATASET_FILE", "dataset_file"]

DATASET_FILE = "dataset.nq"


def dataset_file(dist: Path | str, sources: Sources) -> Path:
    """``dist/dataset.nq``; a UsageError naming the command to run if it is missing or older
    than one of ``sources``' graph or shape files."""
    folder = Path(dist)
    file = folder / DATASET_FILE
    again = "kg build" if folder == Path("dist") else f"kg build --out {folder}"
    if not file.is_file():
        raise UsageError(f"{file} does not exist: run {again} first (or give --dist DIR)")
    built = file.stat().st_mtime
    for source in (*sources.graph_files(include_reference=True), *sources.shapes):
        if source.is_file() and source.stat().st_mtime > built:
            raise UsageError(f"{file} is older than {source}: run {again} again")
    return file
