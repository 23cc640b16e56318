"""Versions of kg and of the libraries whose output it stores (one source: pyproject.toml)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

__all__ = ["__version__", "library_versions", "package_version"]


def package_version(distribution: str) -> str:
    """The installed version of ``distribution``, or ``"unknown"``."""
    try:
        return version(distribution)
    except PackageNotFoundError:
        return "unknown"


__version__ = package_version("kazkgz")


def library_versions() -> dict[str, str]:
    """The versions that an artefact depends on: kazkgz, rdflib, owlrl and pyshacl."""
    return {name: package_version(name) for name in ("kazkgz", "rdflib", "owlrl", "pyshacl")}
