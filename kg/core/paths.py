"""Where the project's files are: the ontology, the article's data, the shapes, the queries.

The project root is, in this order: the directory named by the environment variable
``KG_HOME``; the data shipped inside an installed wheel (``kg/_data``); the parent of the
``kg`` package directory (a checkout or an editable install).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Sources", "default_sources", "project_root"]

_PACKAGE_DIR = Path(__file__).resolve().parent.parent  # kg/, the package


def project_root() -> Path:
    """The directory that holds ontology/, graph/, shapes/ and queries/."""
    home = os.environ.get("KG_HOME")
    if home:
        return Path(home).expanduser().resolve()
    shipped = _PACKAGE_DIR / "_data"
    if shipped.is_dir():
        return shipped
    return _PACKAGE_DIR.parent


@dataclass(frozen=True)
class Sources:
    """The input files of every step. Build one with :func:`default_sources`, or by hand to
    point the library at other files (tests use fixtures this way)."""

    ontology: tuple[Path, ...]
    data: tuple[Path, ...]
    reference: tuple[Path, ...] = ()
    verification: tuple[Path, ...] = ()
    shapes: tuple[Path, ...] = ()
    queries_dir: Path | None = None
    article_text: Path | None = None

    @property
    def checks_dir(self) -> Path | None:
        """Where the ``*-violation.rq`` consistency checks live."""
        return None if self.queries_dir is None else self.queries_dir / "checks"

    def graph_files(self, include_reference: bool = False) -> tuple[Path, ...]:
        """The files whose union is the asserted graph."""
        return self.ontology + self.data + (self.reference if include_reference else ())


def default_sources(root: Path | None = None) -> Sources:
    """The project's own files under ``root`` (default: :func:`project_root`).

    Article data is every ``graph/*.ttl`` except the other layers, ``graph/reference.ttl`` and
    ``graph/verification.ttl``; files that do not exist yet are left out."""
    root = project_root() if root is None else root
    graph_dir = root / "graph"
    reference = graph_dir / "reference.ttl"
    verification = graph_dir / "verification.ttl"
    layers = {reference.name, verification.name}
    data = tuple(p for p in sorted(graph_dir.glob("*.ttl")) if p.name not in layers)
    ontology = root / "ontology" / "kazkgz.ttl"
    shapes = root / "shapes" / "kazkgz-shapes.ttl"
    return Sources(
        ontology=(ontology,) if ontology.is_file() else (),
        data=data,
        reference=(reference,) if reference.is_file() else (),
        verification=(verification,) if verification.is_file() else (),
        shapes=(shapes,) if shapes.is_file() else (),
        queries_dir=root / "queries",
        article_text=graph_dir / "source" / "article.zh.txt",
    )
