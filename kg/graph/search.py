"""Find the graph's entities and terms by name: every ``rdfs:label``, ``skos:prefLabel`` and
``skos:altLabel`` of a ``kk:`` or ``kko:`` IRI, in any language (Chinese, English, Russian,
Kazakh ...).

Text is folded before it is compared: Unicode NFKD with the combining marks dropped, then
case-folded, punctuation read as a space (``Kassym-Jomart`` matches ``kassym jomart``,
Cyrillic ``й`` matches ``и``). A label matches a query exactly, by prefix, or anywhere inside it
(Chinese needs no word breaks: the match is over characters, and a name's middle dot may
be left out); a Latin or Cyrillic query of
five letters or more also matches a word of a label one edit away (two for nine letters or
more), so that a transliteration spelled another way is still found (``Tokaev`` finds
``Tokayev``). Hits are ranked in that order."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import SKOS

from kg.core.errors import UsageError
from kg.core.namespaces import KK, KKO
from kg.core.paths import Sources
from kg.graph.loading import load_graph

__all__ = ["MATCHES", "SEARCHED_PROPERTIES", "Hit", "SearchIndex", "fold", "search"]

#: the label properties searched, in the order a tie between two hits is broken
SEARCHED_PROPERTIES = (RDFS.label, SKOS.prefLabel, SKOS.altLabel)
#: how a label matched, best first
MATCHES = ("exact", "prefix", "substring", "near")
MAX_QUERY_LENGTH = 200
_NEAR_FROM = 5  # letters a query needs before a one-edit-away word counts
_NEAR_TWO_FROM = 9  # ... and two edits away


def fold(text: str) -> str:
    """``text`` as the search compares it: NFKD without combining marks, case-folded,
    punctuation and runs of white space as one space."""
    decomposed = unicodedata.normalize("NFKD", text)
    kept = []
    for char in decomposed:
        if unicodedata.combining(char):
            continue
        kept.append(" " if unicodedata.category(char)[0] in "PZC" else char)
    return " ".join("".join(kept).casefold().split())


def _edits(a: str, b: str, limit: int) -> int:
    """The Levenshtein distance of ``a`` and ``b``, or ``limit + 1`` once it exceeds
    ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def _spelled(query: str) -> bool:
    """Whether a folded query is written in an alphabet (Latin, Cyrillic ...), where a word
    one edit away is a spelling variant; not for CJK, where one character is a word."""
    return all(
        c == " " or unicodedata.name(c, "").split()[0] in {"LATIN", "CYRILLIC"} for c in query
    )


def _near(query: str, label: str) -> bool:
    words, length = query.split(), len(query.replace(" ", ""))
    if length < _NEAR_FROM or not _spelled(query):
        return False
    limit = 2 if length >= _NEAR_TWO_FROM else 1
    tokens = label.split()
    windows = (" ".join(tokens[i : i + len(words)]) for i in range(len(tokens)))
    return any(_edits(query, window, limit) <= limit for window in windows)


def _match(query: str, label: str) -> int | None:
    """The index in :data:`MATCHES` of how the folded ``label`` matches, or None."""
    if not _spelled(query):  # CJK: spaces (punctuation folded) do not count
        query, label = query.replace(" ", ""), label.replace(" ", "")
    if label == query:
        return 0
    if label.startswith(query):
        return 1
    if query in label:
        return 2
    return 3 if _near(query, label) else None


@dataclass(frozen=True)
class Hit:
    """One node found: how its best label matched (``match``, one of :data:`MATCHES`), that
    label (``matched``, by ``property``), the node's labels by language and its types."""

    node: URIRef
    match: str
    matched: Literal
    property: URIRef
    labels: tuple[tuple[str, str], ...]
    types: tuple[URIRef, ...]

    def label(self, lang: str = "en") -> str:
        """The node's label in ``lang``, else in English, Chinese or any language."""
        found = dict(self.labels)
        for wanted in (lang, "en", "zh", ""):
            if wanted in found:
                return found[wanted]
        return next(iter(found.values()), str(self.node))


@dataclass(frozen=True)
class _Entry:
    node: URIRef
    property: URIRef
    value: Literal
    folded: str


class SearchIndex:
    """The labels of one graph, folded once; :meth:`search` asks it."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.entries: list[_Entry] = []
        for prop in SEARCHED_PROPERTIES:
            for node, value in graph.subject_objects(prop):
                if not isinstance(node, URIRef) or not isinstance(value, Literal):
                    continue
                if str(node).startswith((str(KK), str(KKO))) and str(value).strip():
                    self.entries.append(_Entry(node, prop, value, fold(str(value))))

    def _labels(self, node: URIRef) -> tuple[tuple[str, str], ...]:
        found: dict[str, str] = {}
        for prop in (RDFS.label, SKOS.prefLabel):
            for value in self.graph.objects(node, prop):
                if isinstance(value, Literal):
                    found.setdefault(value.language or "", str(value))
        order = {"zh": 0, "en": 1}
        return tuple(sorted(found.items(), key=lambda item: (order.get(item[0], 2), item[0])))

    def _matches(self, query: str) -> Iterator[tuple[tuple[int, int, int, int, str], _Entry]]:
        for entry in self.entries:
            rank = _match(query, entry.folded)
            if rank is not None:
                own = 0 if entry.node.startswith(str(KK)) else 1
                prop = SEARCHED_PROPERTIES.index(entry.property)
                yield (rank, own, prop, len(entry.folded), str(entry.node)), entry

    def search(self, text: str, limit: int | None = 20) -> tuple[Hit, ...]:
        """The nodes whose labels match ``text``, best first, each once (by its best
        label), at most ``limit`` of them (None: all)."""
        if len(text) > MAX_QUERY_LENGTH:
            raise UsageError(
                f"the search text has {len(text)} characters; the limit is {MAX_QUERY_LENGTH}"
            )
        if limit is not None and limit < 1:
            raise UsageError(f"the limit must be 1 or more, not {limit}")
        query = fold(text)
        if not query:
            raise UsageError("nothing to search for: give a name or a word")
        best: dict[URIRef, tuple[tuple[int, int, int, int, str], _Entry]] = {}
        for key, entry in self._matches(query):
            if entry.node not in best or key < best[entry.node][0]:
                best[entry.node] = (key, entry)
        ranked = sorted(best.values(), key=lambda pair: pair[0])
        if limit is not None:
            ranked = ranked[:limit]
        return tuple(
            Hit(
                node=entry.node,
                match=MATCHES[key[0]],
                matched=entry.value,
                property=entry.property,
                labels=self._labels(entry.node),
                types=tuple(
                    sorted(
                        t for t in self.graph.objects(entry.node, RDF.type) if isinstance(t, URIRef)
                    )
                ),
            )
            for key, entry in ranked
        )


def search(
    text: str, graph: Graph | None = None, paths: Sources | None = None, limit: int | None = 20
) -> tuple[Hit, ...]:
    """Find nodes by name in ``graph``, or in the asserted graph with the reference layer
    (its treaties' official Russian and Kazakh titles); see the module's docstring for how
    text is matched and ranked. Raises :class:`UsageError` for an empty or too long text."""
    if graph is None:
        graph = load_graph(include_reference=True, paths=paths)
    return SearchIndex(graph).search(text, limit)
