"""Which focus nodes of a shape can have a validation result: a quick, conservative check, so
that pyshacl validates only those.

pyshacl validates each focus node of each shape in Python, one at a time, through its full
machinery (value nodes, one constraint component after another, a nested shape validated per
value node); at a million triples that is most of the time, and nearly every node conforms.
:class:`Checker` evaluates a shape's constraints on a node in three values: ``True`` (certain:
no result), ``False`` (certain: a result) and ``None`` (not known). Only a certain ``True``
leaves a node out; anything the checker does not implement (a constraint component, a path
other than a predicate, its inverse or alternatives of predicates, a value it cannot compare)
is ``None``, and the node stays. pyshacl then validates the nodes that stay, so the report is
the one pyshacl builds, and the checker's semantics only decide which nodes it looks at.

Each implemented component follows pyshacl's own code (``pyshacl/constraints/core``): value
nodes are a set; ``sh:class`` is a ``rdf:type`` whose ``rdfs:subClassOf*`` reaches the class
in the data graph (with the ontology mixed in); ``sh:datatype`` is the same datatype IRI, not
ill-typed, and of the matching Python type where pyshacl checks one; ``sh:languageIn`` matches
the whole tag or its first part, case-insensitively. SHACL-SPARQL constraints: a node whose
query has no solutions (:meth:`kg.graph.shacl_sparql.ShaclDataGraph.focus_nodes_with_solutions`)
conforms. A shapes graph that declares its own constraint components or rules is not
checked at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, ClassVar

from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from kg.graph.shacl_sparql import ShaclDataGraph

__all__ = ["Checker", "restrict_focus_nodes"]

Verdict = bool | None

# predicates of a shape that are no constraint
_NOT_CONSTRAINTS = frozenset(
    {
        RDF.type,
        RDFS.label,
        RDFS.comment,
        SH.message,
        SH.severity,
        SH.name,
        SH.description,
        SH.order,
        SH.group,
        SH.path,
        SH.targetClass,
        SH.targetNode,
        SH.targetSubjectsOf,
        SH.targetObjectsOf,
        SH.qualifiedMinCount,
        SH.qualifiedMaxCount,
    }
)
# pyshacl's _assert_actual_datatype: the Python type rdflib gives a well-typed value
_PYTHON_TYPES: dict[Node, type | tuple[type, ...]] = {
    XSD.string: (str, bytes),
    RDF.langString: (str, bytes),
    XSD.integer: int,
    XSD.float: float,
    XSD.decimal: Decimal,
    XSD.boolean: bool,
    XSD.date: date,
    XSD.time: time,
    XSD.dateTime: datetime,
}


def _all(verdicts: Iterable[Verdict]) -> Verdict:
    """Conjunction: False if any is False, else None if any is None, else True."""
    result: Verdict = True
    for verdict in verdicts:
        if verdict is False:
            return False
        if verdict is None:
            result = None
    return result


def _datatype(value: Node, datatype: Node) -> Verdict:
    if not isinstance(value, Literal):
        return False
    if datatype in (RDFS.Literal, RDFS.Datatype):
        return None
    matched = value.datatype == datatype
    if matched and getattr(value, "ill_typed", None) is True:
        return False
    plain = value.datatype is None and value.language is None and datatype == XSD.string
    tagged = datatype == RDF.langString and bool(value.language)
    if not (matched or plain or tagged):
        return False
    expected = _PYTHON_TYPES.get(datatype)
    return expected is None or isinstance(value.value, expected)


def _language_in(value: Node, languages: frozenset[str]) -> bool:
    if not isinstance(value, Literal) or not value.language:
        return False
    tag = str(value.language)
    return "*" in languages or tag.lower() in languages or tag.split("-")[0].lower() in languages


def _number(node: Node) -> Any:
    if isinstance(node, Literal) and getattr(node, "ill_typed", None) is not True:
        value = node.value
        if isinstance(value, int | Decimal | float) and not isinstance(value, bool):
            return value
    return None


@dataclass(frozen=True)
class _Compiled:
    """A shape, read once: its path (None for a node shape) and its constraints, each a
    method of :class:`Checker` with its argument."""

    path: tuple[str, tuple[URIRef, ...]] | None
    constraints: tuple[tuple[Callable[..., Verdict], Any], ...]


class Checker:
    """Three-valued conformance of a node to a shape (see the module documentation).
    ``sparql(shape)``: the focus nodes with solutions of the shape's SHACL-SPARQL
    constraints, or None when not known."""

    def __init__(
        self,
        data: ShaclDataGraph,
        shapes: Graph,
        sparql: Callable[[Node], frozenset[Node] | None],
    ) -> None:
        self.data = data
        self.shapes = shapes
        self.sparql = sparql
        custom = any(shapes.triples((None, RDF.type, SH.ConstraintComponent))) or any(
            shapes.triples((None, SH.rule, None))
        )
        self.enabled = not custom
        self._compiled: dict[Node, _Compiled | None] = {}
        self._solutions: dict[Node, frozenset[Node] | None] = {}

    # ------------------------------------------------------------------ reading shapes

    def _items(self, head: Node) -> tuple[Node, ...]:
        return tuple(self.shapes.items(head))

    def _path(self, path: Node) -> tuple[str, tuple[URIRef, ...]] | None:
        if isinstance(path, URIRef):
            return ("objects", (path,))
        inverse = self.shapes.value(path, SH.inversePath)
        if isinstance(inverse, URIRef):
            return ("subjects", (inverse,))
        alternatives = self.shapes.value(path, SH.alternativePath)
        if alternatives is not None:
            predicates = self._items(alternatives)
            if predicates and all(isinstance(p, URIRef) for p in predicates):
                return ("objects", tuple(p for p in predicates if isinstance(p, URIRef)))
        return None

    def _argument(self, shape: Node, parameter: Node, value: Node) -> Any:
        """A constraint's argument, prepared once; None where not understood."""
        if parameter in (SH.minCount, SH.maxCount, SH.minLength):
            return int(value) if isinstance(value, Literal) else None
        if parameter == SH["class"]:
            return frozenset(self.data.transitive_subjects(RDFS.subClassOf, value))
        if parameter == SH["in"]:
            return frozenset(self._items(value))
        if parameter == SH.languageIn:
            return frozenset(str(x).lower() for x in self._items(value))
        if parameter == SH.uniqueLang:
            return value == Literal(True) or None
        if parameter == SH.minInclusive:
            return _number(value)
        if parameter == SH.qualifiedValueShape:
            if self.shapes.value(shape, SH.qualifiedValueShapesDisjoint) is not None:
                return None
            low = self.shapes.value(shape, SH.qualifiedMinCount)
            high = self.shapes.value(shape, SH.qualifiedMaxCount)
            return (
                value,
                int(low) if isinstance(low, Literal) else 0,
                int(high) if isinstance(high, Literal) else None,
            )
        if parameter in (SH["or"], SH["and"], SH.xone):
            return self._items(value)
        if parameter == SH.sparql:
            return shape
        return value  # sh:datatype, sh:node, sh:property, sh:not

    def _compile(self, shape: Node) -> _Compiled | None:
        if not self.enabled or self.shapes.value(shape, SH.deactivated) is not None:
            return None
        path_node = self.shapes.value(shape, SH.path)
        path = None if path_node is None else self._path(path_node)
        if path_node is not None and path is None:
            return None
        constraints = []
        for p, o in self.shapes.predicate_objects(shape):
            if p in _NOT_CONSTRAINTS or not str(p).startswith(str(SH)):
                continue
            method = self._COMPONENTS.get(p)
            argument = self._argument(shape, p, o)
            if method is None or argument is None:
                return None
            if p == SH.sparql and path is not None:
                return None  # the query text depends on the path ($PATH)
            constraints.append((method, argument))
        return _Compiled(path, tuple(constraints))

    # ------------------------------------------------------------------ evaluation

    def _values(self, path: tuple[str, tuple[URIRef, ...]], focus: Node) -> set[Node]:
        direction, predicates = path
        inverse = direction == "subjects"
        return {v for p in predicates for v in self.data.index(p, inverse).get(focus, ())}

    def conforms(self, shape: Node, focus: Node) -> Verdict:
        """Whether ``focus`` conforms to ``shape``: True or False when certain, else None."""
        if shape not in self._compiled:
            self._compiled[shape] = self._compile(shape)
        compiled = self._compiled[shape]
        if compiled is None:
            return None
        prop = compiled.path is not None
        values = self._values(compiled.path, focus) if compiled.path is not None else {focus}
        result: Verdict = True
        for method, argument in compiled.constraints:
            verdict = method(self, argument, focus, values, prop)
            if verdict is False:
                return False
            if verdict is None:
                result = None
        return result

    def keep(self, shape: Node, focus_nodes: Iterable[Node]) -> set[Node]:
        """The focus nodes for which ``shape`` may have a result."""
        return {f for f in focus_nodes if self.conforms(shape, f) is not True}

    def _instance(self, value: Node, classes: frozenset[Node]) -> bool:
        if isinstance(value, Literal):
            return False
        return any(t in classes for t in self.data.index(RDF.type).get(value, ()))

    # one method per constraint parameter: (argument, focus node, its value nodes, whether
    # the shape is a property shape) -> verdict

    def _min_count(self, bound: int, _f: Node, values: set[Node], prop: bool) -> Verdict:
        return len(values) >= bound if prop else None

    def _max_count(self, bound: int, _f: Node, values: set[Node], prop: bool) -> Verdict:
        return len(values) <= bound if prop else None

    def _class(self, classes: frozenset[Node], _f: Node, values: set[Node], _p: bool) -> Verdict:
        return all(self._instance(v, classes) for v in values)

    def _datatype(self, datatype: Node, _f: Node, values: set[Node], _p: bool) -> Verdict:
        return _all(_datatype(v, datatype) for v in values)

    def _in(self, allowed: frozenset[Node], _f: Node, values: set[Node], _p: bool) -> Verdict:
        return all(v in allowed for v in values)

    def _language_in(self, tags: frozenset[str], _f: Node, values: set[Node], _p: bool) -> Verdict:
        return all(_language_in(v, tags) for v in values)

    def _unique_lang(self, _flag: bool, _f: Node, values: set[Node], prop: bool) -> Verdict:
        tags = [str(v.language).lower() for v in values if isinstance(v, Literal) and v.language]
        return True if prop and len(tags) == len(set(tags)) else None

    def _min_inclusive(self, low: Any, _f: Node, values: set[Node], _p: bool) -> Verdict:
        numbers = [_number(v) for v in values]
        if any(n is None for n in numbers):
            return None
        return True if all(n >= low for n in numbers) else None

    def _min_length(self, length: int, _f: Node, values: set[Node], _p: bool) -> Verdict:
        fits = all(isinstance(v, Literal | URIRef) and len(str(v)) >= length for v in values)
        return True if fits else None

    def _qualified(self, spec: Any, _f: Node, values: set[Node], prop: bool) -> Verdict:
        inner, low, high = spec
        if not prop:
            return None
        verdicts = [self.conforms(inner, v) for v in values]
        sure, maybe = verdicts.count(True), verdicts.count(None)
        if sure >= low and (high is None or sure + maybe <= high):
            return True
        return False if maybe == 0 else None

    def _node(self, inner: Node, _f: Node, values: set[Node], _p: bool) -> Verdict:
        return _all(self.conforms(inner, v) for v in values)

    def _or(self, members: tuple[Node, ...], _f: Node, values: set[Node], _p: bool) -> Verdict:
        def one(value: Node) -> Verdict:
            verdicts = [self.conforms(m, value) for m in members]
            if True in verdicts:
                return True
            return None if None in verdicts else False

        return _all(one(v) for v in values)

    def _and(self, members: tuple[Node, ...], _f: Node, values: set[Node], _p: bool) -> Verdict:
        return _all(self.conforms(m, v) for v in values for m in members)

    def _xone(self, members: tuple[Node, ...], _f: Node, values: set[Node], _p: bool) -> Verdict:
        def one(value: Node) -> Verdict:
            verdicts = [self.conforms(m, value) for m in members]
            return None if None in verdicts else verdicts.count(True) == 1

        return _all(one(v) for v in values)

    def _not(self, inner: Node, _f: Node, values: set[Node], _p: bool) -> Verdict:
        verdicts = [self.conforms(inner, v) for v in values]
        return _all(None if v is None else not v for v in verdicts)

    def _sparql(self, shape: Node, focus: Node, _v: set[Node], _p: bool) -> Verdict:
        if shape not in self._solutions:
            self._solutions[shape] = self.sparql(shape)
        found = self._solutions[shape]
        return None if found is None or focus in found else True

    _COMPONENTS: ClassVar[dict[Node, Callable[..., Verdict]]] = {
        SH.minCount: _min_count,
        SH.maxCount: _max_count,
        SH["class"]: _class,
        SH.datatype: _datatype,
        SH["in"]: _in,
        SH.languageIn: _language_in,
        SH.uniqueLang: _unique_lang,
        SH.minInclusive: _min_inclusive,
        SH.minLength: _min_length,
        SH.qualifiedValueShape: _qualified,
        SH.node: _node,
        SH.property: _node,  # each value node validated against the property shape
        SH["or"]: _or,
        SH["and"]: _and,
        SH.xone: _xone,
        SH["not"]: _not,
        SH.sparql: _sparql,
    }


def restrict_focus_nodes(shapes: Any, data: ShaclDataGraph) -> None:
    """Make each shape of pyshacl's ``ShapesGraph`` ``shapes`` validate only the focus nodes
    that :class:`Checker` cannot prove conform (computed when pyshacl asks for them, on the
    data graph as pyshacl validates it)."""
    from pyshacl.constraints.sparql.sparql_based_constraints import SPARQLBasedConstraint
    from pyshacl.shape import Shape

    def sparql(node: Node) -> frozenset[Node] | None:
        found: set[Node] = set()
        for helper in SPARQLBasedConstraint(shapes.lookup_shape_from_node(node)).sparql_constraints:
            if helper.deactivated:
                continue
            bindings, text = helper.pre_bind_variables(node)
            solutions = None
            if set(bindings) == {"this"}:
                solutions = data.focus_nodes_with_solutions(helper.apply_prefixes(text))
            if solutions is None:
                return None
            found |= solutions
        return frozenset(found)

    checker = Checker(data, shapes.graph, sparql)

    class Restricted(Shape):
        __slots__ = ()

        def focus_nodes(self, data_graph: Any, debug: bool = False) -> set[Node]:
            found = super().focus_nodes(data_graph, debug=debug)  # type: ignore[no-untyped-call]
            return checker.keep(self.node, found)

    if checker.enabled:
        for shape in shapes.shapes:
            shape.__class__ = Restricted
