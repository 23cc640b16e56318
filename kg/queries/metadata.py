"""Saved-query metadata: the grlc-style ``#+`` YAML header and the parameters named by
grlc's variable convention.

Header: every line that starts with ``#+`` is YAML once the ``#+`` is removed (as grlc
reads it). Keys: ``summary`` (required, one line), ``description``, ``tags`` (a list),
``defaults`` (a list of ``name: value`` or a mapping), and our own ``inferred`` (true when the
question needs the OWL RL closure). Any other key is an error.

Parameters (grlc / BASIL): a variable ``?_name`` is a required parameter, ``?__name`` an
optional one; a suffix gives its type: ``?_name_iri``, ``?_name_number``,
``?_name_literal``, ``?_name_string``, ``?_name_<xsd type>`` (``?_year_integer``,
``?_day_date`` ...) or ``?_name_<two-letter language>`` (``?_label_en``). No suffix means a
plain string. A name has no underscore in it.
"""

from __future__ import annotations

import functools
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from rdflib import XSD, Literal, URIRef, Variable
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Node

from kg.core.errors import KgError, ParameterTypeError, QueryMetadataError, SparqlSyntaxError
from kg.core.namespaces import PREFIXES, expand_node
from kg.queries.answers import answer

__all__ = [
    "INTEGER_TYPES",
    "QueryParam",
    "SavedQuery",
    "has_header",
    "parse_query_file",
    "parse_query_text",
    "query_variables",
]

KNOWN_KEYS = frozenset({"summary", "description", "tags", "defaults", "inferred", "one_of"})
BASIC_TYPES = frozenset({"iri", "number", "literal", "string"})
#: the XSD integer types a parameter may have (a form offers them as whole numbers)
INTEGER_TYPES = frozenset(
    [
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    ]
)
XSD_TYPES = frozenset(
    [
        *INTEGER_TYPES,
        "string",
        "normalizedString",
        "token",
        "language",
        "boolean",
        "decimal",
        "float",
        "double",
        "date",
        "dateTime",
        "dateTimeStamp",
        "time",
        "gYear",
        "gYearMonth",
        "gMonth",
        "gMonthDay",
        "gDay",
        "duration",
        "dayTimeDuration",
        "yearMonthDuration",
        "anyURI",
        "hexBinary",
        "base64Binary",
    ]
)
# grlc's pattern for parameter variables (without the leading '?').
_PARAM_VAR = re.compile(
    r"(?P<required>_{1,2})(?P<name>[^_]+)_?(?P<type>[a-zA-Z0-9]+)?_?(?P<userdefined>[a-zA-Z0-9]+)?.*$"
)
_INTERNAL_VAR = re.compile(r"__agg_\d+__|_[0-9]+$")
_LANG = re.compile(r"[a-z]{2}")


def _typed(text: str, datatype: URIRef) -> Literal:
    """A typed literal, without rdflib's logged traceback when the text is ill-typed."""
    logger = logging.getLogger("rdflib.term")
    disabled = logger.disabled
    logger.disabled = True
    try:
        return Literal(text, datatype=datatype)
    finally:
        logger.disabled = disabled


@dataclass(frozen=True)
class QueryParam:
    """One parameter of a saved query."""

    name: str
    type: str
    default: str | None
    required: bool
    variable: str

    def bind(self, value: object) -> Node:
        """``value`` as the RDF term bound to this parameter's variable.

        Raises :class:`ParameterTypeError` if it is not of the parameter's type."""
        if isinstance(value, URIRef | Literal):
            return value
        text = str(value)
        if self.type == "iri":
            try:
                return expand_node(text)
            except KgError as exc:
                raise ParameterTypeError(self.name, "an IRI or a CURIE", value, str(exc)) from exc
        if self.type in ("string", "literal"):
            return Literal(text)
        if self.type == "number":
            for datatype in (XSD.integer, XSD.decimal, XSD.double):
                term = _typed(text.strip(), datatype)
                if not term.ill_typed:
                    return term
            raise ParameterTypeError(self.name, "a number", value)
        if self.type in XSD_TYPES:
            term = _typed(text.strip(), XSD[self.type])
            if term.ill_typed:
                raise ParameterTypeError(self.name, f"an xsd:{self.type}", value)
            return term
        return Literal(text, lang=self.type)  # a language tag


@dataclass(frozen=True)
class SavedQuery:
    """A saved query file and its metadata."""

    name: str
    path: Path
    summary: str
    description: str
    tags: tuple[str, ...]
    params: tuple[QueryParam, ...]
    inferred: bool
    text: str
    #: optional parameters of which the query needs at least one (``#+ one_of``)
    one_of: tuple[str, ...] = ()

    def param(self, name: str) -> QueryParam | None:
        """The parameter called ``name``, or None."""
        return next((p for p in self.params if p.name == name), None)


def _walk(node: Any, found: dict[str, None]) -> None:
    if isinstance(node, Variable):
        found.setdefault(str(node), None)
    elif isinstance(node, dict):
        for value in node.values():
            _walk(value, found)
    elif isinstance(node, list | tuple | set | frozenset):
        for value in node:
            _walk(value, found)


@functools.lru_cache(maxsize=256)
def prepare(text: str) -> Query:
    """``text`` parsed with the project's prefixes, once per process (the parse costs tens of
    milliseconds; a prepared query is not changed by running it)."""
    return prepareQuery(text, initNs=PREFIXES)


def uses_service(algebra: Any) -> bool:
    """True if the parsed query contains a SERVICE pattern anywhere."""
    stack = [algebra]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                return True
            stack.extend(node.values())
        elif isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list | tuple):
            stack.extend(node)
    return False


@functools.lru_cache(maxsize=256)
def calls_service(text: str) -> bool:
    """True if the query ``text`` (parsed by :func:`prepare`) has a SERVICE pattern; read once
    per text, like its parse."""
    return uses_service(prepare(text).algebra)


@functools.lru_cache(maxsize=256)
def query_variables(text: str, source: str | None = None) -> tuple[str, ...]:
    """Every variable of a SPARQL query, in order of first appearance in its algebra. They are
    kept in the cache directory's ``variables`` folder (as :mod:`kg.queries.answers` keeps
    answers), keyed by the text and the libraries' versions: listing the saved queries then
    parses none of them again (a parse takes tens of milliseconds, and ``kg queries`` or a
    server's start lists them all); within a process, once per text. A text that does not
    parse raises :class:`SparqlSyntaxError` each time."""
    found = answer(
        (), {"variables of": text}, lambda: json.dumps(_parsed_variables(text, source)), "variables"
    )
    try:
        variables = json.loads(found)
    except ValueError:
        variables = None
    if isinstance(variables, list) and all(isinstance(v, str) for v in variables):
        return tuple(variables)
    return tuple(_parsed_variables(text, source))  # a damaged entry: parse again


def _parsed_variables(text: str, source: str | None) -> list[str]:
    try:
        prepared = prepare(text)
    except Exception as exc:  # pyparsing raises several types
        raise SparqlSyntaxError(str(exc), source) from exc
    found: dict[str, None] = {}
    _walk(prepared.algebra, found)
    return list(found)


def _params(variables: tuple[str, ...], file: Path) -> list[QueryParam]:
    params: dict[str, QueryParam] = {}
    for var in variables:
        if not var.startswith("_") or _INTERNAL_VAR.fullmatch(var):
            continue
        match = _PARAM_VAR.match(var)
        if not match:
            continue
        kind = match.group("type") or "string"
        if match.group("userdefined") or not (
            kind in BASIC_TYPES or kind in XSD_TYPES or _LANG.fullmatch(kind)
        ):
            raise QueryMetadataError(file, f"parameter variable ?{var}: unknown type {kind!r}")
        name = match.group("name")
        if name in params and params[name].variable != var:
            raise QueryMetadataError(file, f"parameter {name!r} is declared twice")
        params[name] = QueryParam(name, kind, None, match.group("required") == "_", var)
    return list(params.values())


def _header(text: str, file: Path) -> dict[str, Any]:
    lines = [line[2:] for line in text.splitlines() if line.startswith("#+")]
    try:
        data = yaml.safe_load("\n".join(lines)) if lines else {}
    except yaml.YAMLError as exc:
        raise QueryMetadataError(file, f"malformed YAML: {exc}".replace("\n", " ")) from exc
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise QueryMetadataError(file, "the #+ header must be a YAML mapping")
    unknown = sorted(set(map(str, data)) - KNOWN_KEYS)
    if unknown:
        allowed = ", ".join(sorted(KNOWN_KEYS))
        raise QueryMetadataError(file, f"unknown key(s) {', '.join(unknown)} (allowed: {allowed})")
    return data


def _string(data: dict[str, Any], key: str, file: Path) -> str:
    value = data.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise QueryMetadataError(file, f"{key!r} must be text, not {type(value).__name__}")
    return value.strip()


def _tags(data: dict[str, Any], file: Path, key: str = "tags") -> tuple[str, ...]:
    tags = data.get(key, [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise QueryMetadataError(file, f"{key!r} must be a list of words")
    return tuple(tags)


def _defaults(data: dict[str, Any], file: Path) -> dict[str, str]:
    raw = data.get("defaults", {})
    items: list[tuple[Any, Any]] = []
    if isinstance(raw, dict):
        items = list(raw.items())
    elif isinstance(raw, list) and all(isinstance(d, dict) and len(d) == 1 for d in raw):
        items = [next(iter(d.items())) for d in raw]
    else:
        raise QueryMetadataError(file, "'defaults' must be a list of 'name: value' entries")
    return {str(k): str(v).lower() if isinstance(v, bool) else str(v) for k, v in items}


def has_header(text: str) -> bool:
    """True if ``text`` has a ``#+`` metadata header line: then it is read as a saved query's
    text, whose defaults and typed parameters apply wherever it runs."""
    return any(line.startswith("#+") for line in text.splitlines())


def parse_query_file(path: Path | str) -> SavedQuery:
    """Read a saved query file and its metadata; bad metadata raises
    :class:`QueryMetadataError` naming the file, bad SPARQL :class:`SparqlSyntaxError`."""
    file = Path(path)
    query = parse_query_text(file.read_text(encoding="utf-8"), file)
    if not query.summary:
        raise QueryMetadataError(file, "'summary' is required")
    return query


def parse_query_text(text: str, file: Path, called: str | None = None) -> SavedQuery:
    """A query ``text`` and the metadata of its ``#+`` header (which may leave out the summary,
    unlike a saved query file's); errors as :func:`parse_query_file`'s, naming ``file`` (its
    path, or where the text came from). The query is ``called`` so, by default ``file``'s
    stem."""
    data = _header(text, file)
    inferred = data.get("inferred", False)
    if not isinstance(inferred, bool):
        raise QueryMetadataError(file, "'inferred' must be true or false")
    params = _params(query_variables(text, str(file)), file)
    by_name = {p.name: p for p in params}
    for name, value in _defaults(data, file).items():
        param = by_name.get(name)
        if param is None:
            raise QueryMetadataError(file, f"default for {name!r}, which is not a parameter")
        try:
            param.bind(value)
        except ParameterTypeError as exc:
            raise QueryMetadataError(file, f"default of {name!r}: {exc}") from exc
        by_name[name] = QueryParam(param.name, param.type, value, param.required, param.variable)
    one_of = _tags(data, file, "one_of")
    for name in one_of:
        if name not in by_name:
            raise QueryMetadataError(file, f"one_of names {name!r}, which is not a parameter")
    return SavedQuery(
        name=file.stem if called is None else called,
        path=file,
        summary=_string(data, "summary", file),
        description=_string(data, "description", file),
        tags=_tags(data, file),
        params=tuple(by_name.values()),
        inferred=inferred,
        text=text,
        one_of=one_of,
    )
