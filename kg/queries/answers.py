"""The printed answers of ``kg query`` and ``kg sparql`` on the project's own files, cached on
disk, so that asking again reads one small file: no RDF library is imported, nothing is parsed
and no query runs.

An entry is keyed (:func:`kg.core.files.cache_key`) by the SHA-256 of the request (the command, the
query's name or text, the parameters as written, whether the inferred graph is asked for and
the output format), the versions of the libraries that compute the answer, and the bytes of
every input file: the ontology, the article's data and the saved query's file. A changed input
or library is never answered from the cache. Errors are not cached, nor are the answers of
queries that call a function whose value changes from run to run (``NOW``, ``RAND``, ``UUID``,
``STRUUID``, ``BNODE``). At most :data:`KEEP` entries are kept; the oldest go first.

The variables of a query text (:func:`kg.queries.metadata.query_variables`) are kept the same
way in a folder of their own, so that listing the saved queries does not parse them all again.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from kg.core.files import CLOSURE_LIBRARIES, atomic_write_bytes, cache_dir, cache_key

__all__ = ["KEEP", "answer", "repeatable"]

KEEP = 256
_KIND = "kazkgz-answer-1"
_SUFFIX = ".answer"
_CHANGING = re.compile(r"\b(?:NOW|RAND|UUID|STRUUID|BNODE)\s*\(", re.IGNORECASE)
_COMMENT_LINE = re.compile(r"^\s*#.*$", re.MULTILINE)


def repeatable(query: str) -> bool:
    """False if ``query`` may call a SPARQL function whose value changes from run to run. The
    test is on the text, without its comment lines, and errs on the safe side: such a name in a
    string or at the end of a line also counts."""
    return _CHANGING.search(_COMMENT_LINE.sub("", query)) is None


def _prune(directory: Path) -> None:
    entries = sorted(directory.glob(f"*{_SUFFIX}"), key=lambda p: p.stat().st_mtime)
    for old in entries[: max(0, len(entries) - KEEP)]:
        old.unlink(missing_ok=True)


def answer(
    files: Iterable[Path],
    request: Mapping[str, object],
    compute: Callable[[], str],
    folder: str = "answers",
) -> str:
    """The answer to ``request`` on ``files``: from the cache, or ``compute()`` then cached,
    in the cache directory's ``folder``."""
    kind = f"{_KIND}\0{json.dumps(request, sort_keys=True, ensure_ascii=False)}"
    entry = cache_dir() / folder / f"{cache_key(files, kind, CLOSURE_LIBRARIES)}{_SUFFIX}"
    try:
        return entry.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        pass
    text = compute()
    try:
        atomic_write_bytes(entry, text.encode("utf-8"))
        _prune(entry.parent)
    except OSError:  # a read-only cache still answers, just without keeping the answer
        pass
    return text
