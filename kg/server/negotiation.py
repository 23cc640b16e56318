"""Content negotiation: the Accept header (with q-values) or a ``format`` parameter chooses
one of the media types a route offers."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "HTML",
    "RDF_OFFERS",
    "RESULT_OFFERS",
    "Offer",
    "UnknownFormat",
    "choose",
    "negotiate",
    "parse_accept",
    "typed",
]


@dataclass(frozen=True)
class Offer:
    """One representation a route can send: our short name and its media type."""

    key: str
    media_type: str


class UnknownFormat(ValueError):
    """A ``format`` parameter that names no format this server knows."""


# SELECT and ASK results, in the server's order of preference (the first is the default)
RESULT_OFFERS = (
    Offer("json", "application/sparql-results+json"),
    Offer("xml", "application/sparql-results+xml"),
    Offer("csv", "text/csv"),
    Offer("tsv", "text/tab-separated-values"),
)
# graphs (CONSTRUCT, DESCRIBE, service description, Linked Data)
RDF_OFFERS = (
    Offer("ttl", "text/turtle"),
    Offer("nt", "application/n-triples"),
    Offer("jsonld", "application/ld+json"),
    Offer("rdfxml", "application/rdf+xml"),
)
HTML = Offer("html", "text/html")

# other media types that clients send for the same representations
_ALIASES: dict[str, tuple[str, ...]] = {
    "application/sparql-results+json": ("application/json",),
    "application/sparql-results+xml": ("application/xml", "text/xml"),
    "text/turtle": ("application/x-turtle", "application/turtle"),
    "application/n-triples": ("text/plain",),
    "application/ld+json": ("application/json",),
    "application/rdf+xml": ("application/xml", "text/xml"),
    "text/html": ("application/xhtml+xml",),
}
# names accepted by the format parameter
_FORMAT_NAMES: dict[str, tuple[str, ...]] = {
    "json": ("json", "srj", "application/sparql-results+json", "application/json"),
    "xml": ("xml", "srx", "application/sparql-results+xml", "application/xml", "text/xml"),
    "csv": ("csv", "text/csv"),
    "tsv": ("tsv", "text/tab-separated-values"),
    "ttl": ("ttl", "turtle", "text/turtle"),
    "nt": ("nt", "ntriples", "n-triples", "application/n-triples"),
    "jsonld": ("jsonld", "json-ld", "application/ld+json"),
    "rdfxml": ("rdfxml", "rdf", "rdf+xml", "application/rdf+xml"),
    "html": ("html", "text/html"),
}
# a format name that means different things for results and for graphs
_CROSS = {"json": "jsonld", "xml": "rdfxml"}


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """The media ranges of an Accept header with their q-values (1 when absent)."""
    ranges: list[tuple[str, float]] = []
    for part in (header or "")[:4096].split(","):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        if "/" not in media:
            continue
        q = 1.0
        for param in pieces[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        ranges.append((media, q))
    return ranges


def _quality(media_type: str, ranges: list[tuple[str, float]]) -> float:
    """The q-value the most specific matching range gives ``media_type`` (0: none)."""
    best_specificity, best_q = -1, 0.0
    main = media_type.split("/")[0]
    for media, q in ranges:
        if media == media_type:
            specificity = 2
        elif media == f"{main}/*":
            specificity = 1
        elif media == "*/*":
            specificity = 0
        else:
            continue
        if specificity > best_specificity:
            best_specificity, best_q = specificity, q
    return best_q


def negotiate(accept: str | None, offers: tuple[Offer, ...]) -> Offer | None:
    """The offer the Accept header prefers (ties go to the earlier offer); the first offer
    when there is no Accept header; None when nothing offered is acceptable."""
    ranges = parse_accept(accept)
    if not ranges:
        return offers[0]
    best: Offer | None = None
    best_q = 0.0
    for offer in offers:
        names = (offer.media_type, *_ALIASES.get(offer.media_type, ()))
        q = max(_quality(name, ranges) for name in names)
        # an exact mention of the canonical type beats a wildcard at the same q
        if q > best_q:
            best, best_q = offer, q
    return best


def choose(accept: str | None, format_param: str | None, offers: tuple[Offer, ...]) -> Offer | None:
    """The offer a ``format`` parameter names (it overrides Accept), else by Accept.

    Raises :class:`UnknownFormat` for a format name this server does not know; returns
    None when the named or accepted formats exist but not for this kind of answer."""
    if not format_param:
        return negotiate(accept, offers)
    wanted = format_param.strip().lower()
    key = next((k for k, names in _FORMAT_NAMES.items() if wanted in names), None)
    if key is None:
        known = ", ".join(_FORMAT_NAMES)
        raise UnknownFormat(f"unknown format {format_param!r} (known: {known})")
    keys = {offer.key for offer in offers}
    if key not in keys and _CROSS.get(key) in keys:
        key = _CROSS[key]
    return next((offer for offer in offers if offer.key == key), None)


def typed(media_type: str) -> str:
    """``media_type`` with ``charset=utf-8`` where the type is text, JSON or XML."""
    if media_type.startswith("text/") or media_type.endswith(("json", "xml")):
        return f"{media_type}; charset=utf-8"
    return media_type
