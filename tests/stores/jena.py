"""Apache Jena 4.5 from Debian's libapache-jena-java: the classpath its commands need, shared
by the store tests and the benchmarks (no pytest here)."""

from __future__ import annotations

import functools
import os
import zipfile
from pathlib import Path

__all__ = ["BATCH", "JAVA_DIR", "JENA_JARS", "classpath", "installed"]

# many queries or validations in one JVM (see the file)
BATCH = Path(__file__).resolve().parent / "JenaBatch.java"

JAVA_DIR = Path("/usr/share/java")
# the jars Jena's commands need; the whole folder clashes (several slf4j bindings)
JENA_JARS = (
    "jena-arq",
    "jena-base",
    "jena-cmds",
    "jena-core",
    "jena-dboe-base",
    "jena-dboe-index",
    "jena-dboe-storage",
    "jena-dboe-trans-data",
    "jena-dboe-transaction",
    "jena-iri",
    "jena-rdfconnection",
    "jena-shacl",
    "jena-shex",
    "jena-tdb",
    "jena-tdb2",
    "commons-cli",
    "commons-codec",
    "commons-compress",
    "commons-csv",
    "commons-io",
    "commons-lang3",
    "dexx.collection",
    "gson",
    "guava",
    "httpclient",
    "httpclient-cache",  # the JSON-LD 1.0 reader (jsonld-java) loads its document loader's cache
    "httpcore",
    "jackson-annotations",
    "jackson-core",
    "jackson-databind",
    "jsonld-java",
    "jakarta.json-api",
    "protobuf",
    "thrift",
    "titanium-json-ld",
    "slf4j-api",
    "slf4j-simple",
)


def installed() -> bool:
    return (JAVA_DIR / "jena-cmds.jar").is_file()


@functools.cache
def _xerces_messages(cache: Path) -> Path:
    """The xerces message files of jena-core.jar, under the package name that Debian's build
    moved the classes to (``xerces.*``): without them every Jena command fails with
    ExceptionInInitializerError."""
    folder = cache / "jena-xerces"
    if (folder / "xerces").is_dir():
        return folder
    prefix = "org/apache/jena/ext/xerces/"
    with zipfile.ZipFile(JAVA_DIR / "jena-core.jar") as jar:
        for member in jar.namelist():
            if member.startswith(prefix) and not member.endswith((".class", "/")):
                target = folder / "xerces" / member[len(prefix) :]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(jar.read(member))
    return folder


def classpath(cache: Path) -> str:
    """The jars (not the whole folder: several slf4j bindings clash), the messages folder
    (unpacked into ``cache``) first."""
    jars = [str(JAVA_DIR / f"{name}.jar") for name in JENA_JARS]
    return os.pathsep.join([str(_xerces_messages(cache)), *jars])
