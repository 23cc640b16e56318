"""What the public endpoint refuses: deep nesting (checked on the text, before parsing),
query text that two SPARQL parsers could read two ways (see :func:`normalised_query`),
updates, SERVICE, and datasets naming graphs the server does not hold (checked on the
parsed algebra, before execution)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from kg.server.graphs import GRAPH_IRIS, graph_name

__all__ = [
    "Refused",
    "check_graph_iris",
    "dataset_clause",
    "nesting_depth",
    "normalised_query",
    "words",
]

_OPEN = "({["
_CLOSE = ")}]"


class Refused(Exception):
    """A request the endpoint will not run; ``status`` is the HTTP status to answer."""

    def __init__(self, status: int, kind: str, message: str) -> None:
        self.status = status
        self.kind = kind
        self.message = message
        super().__init__(message)


def nesting_depth(text: str) -> int:
    """The deepest nesting of brackets, braces and parentheses in ``text``, counted on
    the raw text (a cheap bound on how deep the parser would recurse)."""
    depth = deepest = 0
    for char in text:
        if char in _OPEN:
            depth += 1
            deepest = max(deepest, depth)
        elif char in _CLOSE and depth:
            depth -= 1
    return deepest


def dataset_clause(algebra: Any) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The IRIs of the query's FROM and FROM NAMED clauses."""
    defaults: list[str] = []
    named: list[str] = []
    # CompValue.get returns the key itself when it is missing: read attributes instead
    for clause in algebra.datasetClause or ():
        if clause.default is not None:
            defaults.append(str(clause.default))
        elif clause.named is not None:
            named.append(str(clause.named))
    return tuple(defaults), tuple(named)


def check_graph_iris(iris: Iterable[str], where: str) -> tuple[str, ...]:
    """The names of the held graphs ``iris`` name; :class:`Refused` (400) for any other."""
    names = []
    for iri in iris:
        name = graph_name(iri)
        if name is None:
            known = ", ".join(GRAPH_IRIS.values())
            raise Refused(
                400,
                "unknown-graph",
                f"{where} <{iri}> is not a graph this server holds; nothing is ever fetched. "
                f"Known graphs: {known}",
            )
        names.append(name)
    return tuple(dict.fromkeys(names))


# SPARQL 1.1 §19.2: \uXXXX and \UXXXXXXXX stand for a code point anywhere in the text
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
# the lexical units inside which a '#' is not a comment, in the grammar's order of precedence
_TOKENS = re.compile(
    r'(?P<string>"""(?:(?:"|"")?(?:[^"\\]|\\.))*"""'
    r"|'''(?:(?:'|'')?(?:[^'\\]|\\.))*'''"
    r'|"(?:[^"\\\n\r]|\\.)*"'
    r"|'(?:[^'\\\n\r]|\\.)*')"
    r'|(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)'
    r"|(?P<comment>\#[^\n\r]*)"
    r"|(?P<quote>[\"'])"
    r"|(?P<other>[^\"'<\#]+|<)",
    re.DOTALL,
)
# characters some parser or library takes for a line end (str.splitlines), besides LF and CR
_LINE_ENDS = re.compile("[\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
# a word outside strings, IRIs and comments: a variable, a language tag, or a name or keyword
_WORD = re.compile(
    r"(?P<skip>[?$][\w\u00B7\u203F\u2040]+|@[A-Za-z]+(?:-[A-Za-z0-9]+)*)"
    r"|(?P<word>[\w\u00B7\u203F\u2040:.%\\-]+)"
)
_CHARACTER_NAMES = {"\r": "a carriage return (CR) not followed by a line feed"}


def _line(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def _decode_codepoints(text: str) -> str:
    def decode(match: re.Match[str]) -> str:
        value = int(match.group(1) or match.group(2), 16)
        if value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
            raise Refused(
                400,
                "syntax",
                f"line {_line(text, match.start())}: {match.group(0)} is not a Unicode code point",
            )
        return chr(value)

    decoded = _CODEPOINT.sub(decode, text)
    again = _CODEPOINT.search(decoded)
    if again is not None:
        raise Refused(
            400,
            "syntax",
            f"line {_line(decoded, again.start())}: a codepoint escape writes another one "
            f"({again.group(0)}); write the character itself",
        )
    return decoded


def _refuse_line_end(text: str, position: int, where: str) -> None:
    char = text[position]
    name = _CHARACTER_NAMES.get(char, f"U+{ord(char):04X}")
    raise Refused(
        400,
        "syntax",
        f"line {_line(text, position)}: {name} {where}; SPARQL parsers disagree on whether it "
        "ends a line (end lines with LF or CR LF)",
    )


def _check_words(text: str, start: int, end: int) -> None:
    for match in _WORD.finditer(text, start, end):
        word = match.group("word")
        if word is None or ":" in word:  # a variable, a language tag, a prefixed name
            continue
        if any(part.lower() == "service" for part in word.split(".")):
            raise Refused(
                403,
                "service",
                f"line {_line(text, match.start())}: SERVICE is refused: this endpoint "
                "never fetches",
            )


def words(text: str) -> set[str]:
    """The words of the normalised query ``text`` outside strings and IRIs, in lower case
    (keywords, names; not variables or language tags)."""
    found: set[str] = set()
    for match in _TOKENS.finditer(text):
        if match.lastgroup == "other":
            found.update(
                w.group("word").lower()
                for w in _WORD.finditer(text, *match.span())
                if w.group("word") is not None
            )
    return found


def normalised_query(text: str) -> str:
    """``text`` as the one text that is both checked and executed, or :class:`Refused`.

    The codepoint escapes of SPARQL 1.1 §19.2 are decoded (once: an escape may not write
    another), then comments are removed (each ends at LF, CR LF or the end of the text). A
    comment ended by a lone CR, or a form feed, vertical tab, NEL, U+2028 or U+2029 anywhere
    outside a string, is refused (400): parsers disagree on whether those end a comment, and
    one of them could run what the other took for a comment. So is an unclosed string. The
    keyword SERVICE anywhere outside strings, IRIs and comments is refused (403) before any
    parser runs. What is left has no escape and no comment for two parsers to read two ways."""
    decoded = _decode_codepoints(text)
    parts: list[str] = []
    for match in _TOKENS.finditer(decoded):
        kind = match.lastgroup
        start, end = match.span()
        if kind == "comment":
            after = decoded[end : end + 2]
            if after[:1] == "\r" and after != "\r\n":
                _refuse_line_end(decoded, end, "ends a comment")
            inside = _LINE_ENDS.search(decoded, start, end)
            if inside is not None:
                _refuse_line_end(decoded, inside.start(), "in a comment")
            continue
        if kind == "quote":
            raise Refused(
                400, "syntax", f"line {_line(decoded, start)}: a string is not closed on its line"
            )
        if kind == "other":
            outside = _LINE_ENDS.search(decoded, start, end)
            if outside is not None:
                _refuse_line_end(decoded, outside.start(), "outside a string")
            _check_words(decoded, start, end)
        parts.append(match.group(0))
    return "".join(parts)
