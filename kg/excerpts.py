"""Excerpts of the source article: from the table of quotes (graph/excerpts.tsv) to Web Annotation
selectors with code-point offsets (graph/excerpts.ttl).

Offsets are computed here, never typed by hand: each quote must occur exactly once in the article.
Run ``python -m kg.excerpts`` after editing the table to regenerate the Turtle.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from rdflib import RDF, XSD, Graph, Literal, Namespace, URIRef

KK = Namespace("https://w3id.org/kazkgz/id/")
KKO = Namespace("https://w3id.org/kazkgz/ontology#")
OA = Namespace("http://www.w3.org/ns/oa#")

CONTEXT_LENGTH = 12
"""Characters of text kept before and after each quote (oa:prefix, oa:suffix)."""

ROOT = Path(__file__).resolve().parent.parent
TABLE = ROOT / "graph" / "excerpts.tsv"
ARTICLE = ROOT / "graph" / "source" / "article.zh.txt"
DATA = ROOT / "graph" / "article.ttl"
OUTPUT = ROOT / "graph" / "excerpts.ttl"


class ExcerptError(ValueError):
    """A quote of the table that is not a unique, verbatim substring of the article."""


@dataclass(frozen=True)
class Excerpt:
    """One quote of the article and where it stands (code points, 0-based, end exclusive)."""

    key: str
    quote: str
    start: int
    end: int

    @property
    def iri(self) -> URIRef:
        return KK[f"excerpt-{self.key}"]


def read_table(path: Path) -> list[tuple[str, str]]:
    """The (id, quote) rows of an excerpt table; lines starting with # are comments."""
    rows: list[tuple[str, str]] = []
    seen: set[str] = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        key, sep, quote = line.partition("\t")
        if not sep or not key or not quote:
            raise ExcerptError(f"{path}:{number}: expected 'id<TAB>quote'")
        if key in seen:
            raise ExcerptError(f"{path}:{number}: duplicate excerpt id {key!r}")
        seen.add(key)
        rows.append((key, quote))
    return rows


def locate(text: str, key: str, quote: str) -> Excerpt:
    """Find the one occurrence of ``quote`` in ``text``."""
    start = text.find(quote)
    if start < 0:
        raise ExcerptError(f"excerpt {key!r}: quote is not in the article: {quote!r}")
    if text.find(quote, start + 1) >= 0:
        raise ExcerptError(f"excerpt {key!r}: quote occurs more than once; lengthen it: {quote!r}")
    return Excerpt(key, quote, start, start + len(quote))


def section_starts(data: Graph, text: str) -> list[tuple[int, URIRef]]:
    """Each section of the article with the offset where it starts, in order.

    A section with a heading starts at its heading; the section without one starts at 0.
    """
    starts: list[tuple[int, URIRef]] = []
    for section in data.subjects(RDF.type, KKO.Section):
        heading = data.value(section, KKO.heading)
        offset = 0 if heading is None else text.find(str(heading))
        if offset < 0:
            raise ExcerptError(f"section {section}: heading {heading!r} is not in the article")
        starts.append((offset, URIRef(section)))
    return sorted(starts)


def excerpts_graph(table: Path = TABLE, article: Path = ARTICLE, data: Path = DATA) -> Graph:
    """The Web Annotation description of every excerpt of the table."""
    text = article.read_text(encoding="utf-8")
    sections = section_starts(Graph().parse(data, format="turtle"), text)
    graph = Graph()
    for prefix, namespace in (("kk", KK), ("kko", KKO), ("oa", OA)):
        graph.bind(prefix, namespace)
    for key, quote in read_table(table):
        excerpt = locate(text, key, quote)
        quote_selector = KK[f"excerpt-{key}-quote"]
        position_selector = KK[f"excerpt-{key}-position"]
        graph.add((excerpt.iri, RDF.type, KKO.Excerpt))
        graph.add((excerpt.iri, OA.hasSource, KK.article))
        graph.add((excerpt.iri, OA.hasSelector, quote_selector))
        graph.add((excerpt.iri, OA.hasSelector, position_selector))
        containing = [iri for offset, iri in sections if offset <= excerpt.start]
        if containing:
            graph.add((excerpt.iri, KKO.section, containing[-1]))
        graph.add((quote_selector, RDF.type, OA.TextQuoteSelector))
        graph.add((quote_selector, OA.exact, Literal(quote)))
        before = text[max(0, excerpt.start - CONTEXT_LENGTH) : excerpt.start]
        after = text[excerpt.end : excerpt.end + CONTEXT_LENGTH]
        graph.add((quote_selector, OA.prefix, Literal(before)))
        graph.add((quote_selector, OA.suffix, Literal(after)))
        graph.add((position_selector, RDF.type, OA.TextPositionSelector))
        graph.add(
            (position_selector, OA.start, Literal(excerpt.start, datatype=XSD.nonNegativeInteger))
        )
        graph.add(
            (position_selector, OA.end, Literal(excerpt.end, datatype=XSD.nonNegativeInteger))
        )
    return graph


def write_excerpts(output: Path = OUTPUT) -> int:
    """Regenerate the excerpts' Turtle atomically; returns the number of triples written."""
    graph = excerpts_graph()
    header = (
        "# Generated by `python -m kg.excerpts` from graph/excerpts.tsv: do not edit by hand.\n"
    )
    temporary = output.with_suffix(".ttl.tmp")
    temporary.write_text(header + graph.serialize(format="turtle"), encoding="utf-8")
    temporary.replace(output)
    return len(graph)


if __name__ == "__main__":
    try:
        count = write_excerpts()
    except ExcerptError as error:
        print(f"kg.excerpts: {error}", file=sys.stderr)
        sys.exit(2)
    print(f"wrote {OUTPUT.relative_to(ROOT)}: {count} triples")
