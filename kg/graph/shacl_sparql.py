"""Faster SHACL-SPARQL constraints for pyshacl, with the same results.

pyshacl evaluates a SPARQL-based constraint once per focus node: it pre-binds ``$this`` with
rdflib's ``initBindings`` and hands rdflib the query *text*, which rdflib parses again every
time (about 50 ms a query here) and then evaluates in full. On the article graph that is about
190 parses and evaluations for 10 constraints, most of the validation time.

:class:`ShaclDataGraph` is the rdflib graph given to pyshacl as the data graph. Its
:meth:`~ShaclDataGraph.query`:

1. parses each distinct query text once (rdflib's prepared query is reusable);
2. for a SELECT query whose only pre-bound variable is ``$this`` and whose algebra passes
   :func:`batchable`, evaluates the query *once* without the binding, groups the solutions by
   ``$this`` and answers each focus node from that table. For such a query the solutions with
   ``$this`` pre-bound to a node are exactly the unbound solutions whose ``$this`` is that node
   (SHACL's pre-binding semantics: ``$this`` is bound by a required pattern of every branch,
   expressions and optional or grouped parts mention it only where it is already bound,
   and there is no ``MINUS``, ``VALUES``, ``LIMIT``/``OFFSET``, ``GRAPH`` or ``SERVICE``).
   Anything else is evaluated per focus node as pyshacl does, only without re-parsing.

The one evaluation is made faster in three ways that keep its solutions: each basic graph
pattern becomes a chain of joins, cheapest triple first by the graph's counts; a FILTER
condition that reads only variables of such a pattern is also applied inside the chain as soon
as they are bound (``?path IN (...)`` before the join on ``?path``, not after it); a BIND's or
FILTER's expression that is a function of the variables it reads is computed once per distinct
combination of their values (:func:`_memoised`). :meth:`ShaclDataGraph.focus_nodes_with_solutions`
gives :mod:`kg.graph.shacl_focus` the focus nodes that have solutions, so that pyshacl asks only
for those.

These are pure evaluation strategies: pyshacl still builds every result and message, so the
report is the one pyshacl would build (tests compare the two on every fixture, on a generated
graph and on the real graph). The tables are dropped whenever the graph changes.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from rdflib import RDF, Graph, Variable
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.evalutils import _eval
from rdflib.plugins.sparql.parserutils import CompValue, Expr
from rdflib.plugins.sparql.sparql import Query, SPARQLError
from rdflib.query import Result
from rdflib.term import Node

__all__ = ["ShaclDataGraph", "batchable"]

THIS = Variable("this")

_UNSAFE = frozenset(
    {"Minus", "Slice", "values", "Graph", "ServiceGraphPattern", "ToMultiSet_values"}
)


def _mentions(value: Any) -> bool:
    """Whether ``?this`` occurs anywhere in an algebra node or expression."""
    if isinstance(value, Variable):
        return value == THIS
    if isinstance(value, CompValue):  # Expr is a CompValue too
        return any(_mentions(v) for k, v in value.items() if k != "_vars")
    if isinstance(value, dict):
        return any(_mentions(v) for v in value.values())
    if isinstance(value, list | tuple | set | frozenset):
        return any(_mentions(v) for v in value)
    return False


def _binds(part: CompValue) -> bool:
    """Whether every solution of ``part`` binds ``?this``."""
    name = part.name
    if name == "BGP":
        return any(THIS in triple for triple in part.triples)
    if name == "Join":
        return _binds(part.p1) or _binds(part.p2)
    if name == "LeftJoin":
        return _binds(part.p1)
    if name == "Union":
        return _binds(part.p1) and _binds(part.p2)
    if name == "Extend":
        return part.var == THIS or _binds(part.p)
    if name == "Project":
        return THIS in part.PV and _binds(part.p)
    if name == "Group":
        return _binds(part.p)
    if name in ("Filter", "ToMultiSet", "Distinct", "Reduced", "OrderBy", "AggregateJoin"):
        return _binds(part.p)
    return False


def _bound_if_mentioned(part: CompValue) -> bool:
    return not _mentions(part) or _binds(part)


def _safe(part: CompValue) -> bool:
    """Whether evaluating ``part`` unbound and selecting on ``?this`` equals evaluating it with
    ``?this`` pre-bound (see the module documentation)."""
    if not isinstance(part, CompValue) or isinstance(part, Expr) or part.name in _UNSAFE:
        return False
    name = part.name
    if name == "BGP":
        return True
    if name in ("Join", "Union"):
        return all(_safe(p) and _bound_if_mentioned(p) for p in (part.p1, part.p2))
    if name == "LeftJoin":
        needs_this = _mentions(part.p2) or _mentions(part.expr)
        return (
            _safe(part.p1)
            and _safe(part.p2)
            and _bound_if_mentioned(part.p1)
            and (not needs_this or _binds(part.p1))
        )
    if name == "Filter":
        return _safe(part.p) and (not _mentions(part.expr) or _binds(part.p))
    if name == "Extend":
        if part.var == THIS:
            # rdflib's SAMPLE of a grouped ?this (``SELECT $this ... GROUP BY $this``)
            aggregate = isinstance(part.expr, Variable) and str(part.expr).startswith("__agg_")
            return aggregate and _safe(part.p)
        return _safe(part.p) and (not _mentions(part.expr) or _binds(part.p))
    if name == "Project":
        return _safe(part.p) and (not _mentions(part.p) or (THIS in part.PV and _binds(part.p)))
    if name == "Group":
        grouped = THIS in (part.expr or [])
        return _safe(part.p) and (not _mentions(part.p) or (grouped and _binds(part.p)))
    if name in ("ToMultiSet", "Distinct", "Reduced", "OrderBy", "AggregateJoin"):
        return _safe(part.p)
    return False


def batchable(query: Query) -> bool:
    """Whether a prepared SELECT query may be evaluated once for all values of ``$this`` and
    its solutions selected per value (see the module documentation)."""
    algebra = query.algebra
    if algebra.name != "SelectQuery" or algebra.get("datasetClause"):
        return False
    root = algebra.p
    return (
        isinstance(root, CompValue)
        and root.name in ("Project", "Distinct", "Reduced")
        and THIS in (algebra.PV or [])
        and _binds(root)
        and _safe(root)
    )


@functools.lru_cache(maxsize=512)
def _prepare(text: str, init_ns: tuple[tuple[str, str], ...]) -> tuple[Query, bool]:
    """The parsed query and whether it is batchable; rdflib's prepared queries are not changed
    by evaluation, so one parse serves every graph and every call."""
    prepared = prepareQuery(text, initNs=dict(init_ns))
    return prepared, batchable(prepared)


class _Batch:
    """The solutions of one query evaluated without ``$this``, grouped by ``$this``."""

    def __init__(self, variables: list[Variable], rows: Iterable[Mapping[Variable, Any]]) -> None:
        self.variables = variables
        self.by_this: dict[Node, list[Mapping[Variable, Any]]] = defaultdict(list)
        self.complete = True
        for row in rows:
            this = row.get(THIS)
            if this is None:
                self.complete = False  # cannot happen if batchable() holds; never guess
                return
            self.by_this[this].append(row)

    def result(self, this: Node) -> Result:
        result = Result("SELECT")
        result.vars = list(self.variables)
        result.bindings = list(self.by_this.get(this, ()))
        return result


class _Statistics:
    """Triple counts of one graph, to order a basic graph pattern's triples."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.total = len(graph)
        self._predicates: dict[Node, tuple[int, int, int]] = {}

    def _predicate(self, predicate: Node) -> tuple[int, int, int]:
        found = self._predicates.get(predicate)
        if found is None:
            subjects, objects, count = set(), set(), 0
            for s, _, o in self.graph.triples((None, predicate, None)):
                subjects.add(s)
                objects.add(o)
                count += 1
            found = (count, max(len(subjects), 1), max(len(objects), 1))
            self._predicates[predicate] = found
        return found

    def cost(self, triple: tuple[Node, Node, Node], bound: set[Variable]) -> float:
        """The expected number of solutions of ``triple`` for one solution of what is bound."""
        s, p, o = triple
        known = [not isinstance(t, Variable) or t in bound for t in (s, p, o)]
        if isinstance(p, Variable):
            if known[0] or known[2]:
                # the triples of one node: about as many as per typed node
                return self.total / self._predicate(RDF.type)[1]
            return float(self.total)
        constant_s = None if isinstance(s, Variable) else s
        constant_o = None if isinstance(o, Variable) else o
        if constant_s is not None or constant_o is not None:
            pattern = (constant_s, p, constant_o)
            exact = sum(1 for _ in self.graph.triples(pattern))
            if known[0] and known[2]:
                return min(exact, 1)
            return exact if not (known[0] or known[2]) else exact / 10
        count, subjects, objects = self._predicate(p)
        if known[0] and known[2]:
            return min(count / (subjects * objects), 1.0)
        if known[0]:
            return count / subjects
        if known[2]:
            return count / objects
        return float(count)


def _variables(triple: tuple[Node, Node, Node]) -> set[Variable]:
    return {t for t in triple if isinstance(t, Variable)}


_NOT_PUSHED = frozenset({"Builtin_EXISTS", "Builtin_NOTEXISTS", "Builtin_BOUND"})


def _expression_variables(expr: Any) -> set[Variable] | None:
    """The variables an expression reads, or None when it is not a plain function of them
    (``EXISTS``, ``BOUND`` or an aggregate)."""
    if isinstance(expr, Variable):
        return {expr}
    if isinstance(expr, CompValue):
        if expr.name in _NOT_PUSHED or expr.name.startswith("Aggregate"):
            return None
        values: Iterable[Any] = (v for k, v in expr.items() if k != "_vars")
    elif isinstance(expr, list | tuple):
        values = expr
    else:
        return set()
    found: set[Variable] = set()
    for value in values:
        inner = _expression_variables(value)
        if inner is None:
            return None
        found |= inner
    return found


# expressions whose value is not a function of the variables they read
_NOT_MEMOISED = frozenset(
    {"Builtin_RAND", "Builtin_NOW", "Builtin_UUID", "Builtin_STRUUID", "Builtin_BNODE", "Function"}
)


def _calls(expr: Any, names: frozenset[str]) -> bool:
    if isinstance(expr, CompValue):
        return expr.name in names or any(_calls(v, names) for k, v in expr.items() if k != "_vars")
    if isinstance(expr, list | tuple):
        return any(_calls(v, names) for v in expr)
    return False


class _Memo:
    """An expression's values by the values of the variables it reads."""

    def __init__(self, expr: Expr, variables: tuple[Variable, ...]) -> None:
        self.expr = expr
        self.variables = variables
        self.values: dict[tuple[Any, ...], Any] = {}

    def __call__(self, _wrapper: Expr, ctx: Any) -> Any:
        key = tuple(ctx.get(v) for v in self.variables)
        found = self.values.get(key, _Memo)
        if found is _Memo:
            found = self.values[key] = _eval(self.expr, ctx)
        if isinstance(found, SPARQLError):
            raise found  # as the expression itself would (Expr.eval returns it)
        return found


def _memoised(expr: Any) -> Any:
    """``expr`` (a BIND's or a FILTER's) evaluated once for each distinct combination of the
    values of the variables it reads, where it is a function of them: no EXISTS, BOUND or
    aggregate, no random, time, blank node or extension function. rdflib evaluates an
    expression through several layers of Python for every solution; the figures and dates
    of a graph repeat (a date's year, month and bounds are computed once per date)."""
    if not isinstance(expr, Expr) or expr.name == "KgMemoised":
        return expr
    variables = _expression_variables(expr)
    if not variables or _calls(expr, _NOT_MEMOISED):
        return expr
    memo = _Memo(expr, tuple(sorted(variables)))
    return Expr("KgMemoised", memo, inner=expr, memo=memo, _vars=set(variables))


def _forget_memos(part: Any) -> None:
    """Empty the memos in ``part`` (after an evaluation: they are kept with the query)."""
    if isinstance(part, Expr) and part.name == "KgMemoised":
        part["memo"].values.clear()
    if isinstance(part, CompValue):
        for key, value in part.items():
            if key != "_vars":
                _forget_memos(value)
    elif isinstance(part, list | tuple):
        for value in part:
            _forget_memos(value)


def _conjuncts(expr: Any) -> list[Any]:
    """The parts of an ``&&`` expression (the expression itself when it is none)."""
    if isinstance(expr, Expr) and expr.name == "ConditionalAndExpression":
        return [c for part in [expr.expr, *(expr.other or [])] for c in _conjuncts(part)]
    return [expr]


def _ordered(
    bgp: CompValue,
    statistics: _Statistics,
    given: frozenset[Variable],
    filters: list[tuple[Any, set[Variable]]],
) -> CompValue:
    """A basic graph pattern as a chain of joins, one triple each, cheapest next given the
    variables already bound. rdflib sorts a BGP's triples by their number of unbound variables
    when it evaluates them, and so may start with a cross product (every quote selector with
    every position selector); a lazy join evaluates each next triple with the bindings of the
    previous ones. The solutions are the same: a BGP is the join of its triples. ``given``: the
    variables bound before the query runs (``$this`` when it is pre-bound).

    ``filters``: conditions of the FILTERs above the pattern (through BINDs) that read only
    its variables, each applied in the chain as soon as its variables are bound, so that
    ``?path IN (...)`` cuts the solutions before the next join instead of after all of them.
    The FILTER above still applies the whole condition: a condition on variables the pattern
    binds is a function of the pattern's solution, so applying it earlier removes exactly
    the solutions it would remove later."""
    remaining = list(bgp.triples)
    variables = set().union(*(_variables(t) for t in remaining))
    waiting = [(e, v) for e, v in filters if v and v <= variables]
    bound: set[Variable] = set(given)
    chain: CompValue | None = None
    while remaining:
        best = min(remaining, key=lambda t: statistics.cost(t, bound))
        remaining.remove(best)
        bound |= _variables(best)
        single = CompValue("BGP", triples=[best], _vars=_variables(best))
        chain = (
            single
            if chain is None
            else CompValue("Join", p1=chain, p2=single, lazy=True, _vars=set(bound))
        )
        for expr, needed in [w for w in waiting if w[1] <= bound]:
            waiting.remove((expr, needed))
            chain = CompValue(
                "Filter", expr=expr, p=chain, _vars=set(bound), no_isolated_scope=True
            )
    assert chain is not None  # noqa: S101 (a BGP of two or more triples)
    return chain


def _pushable(filter_part: CompValue) -> list[tuple[Any, set[Variable]]]:
    found = []
    for conjunct in _conjuncts(filter_part.expr):
        needed = _expression_variables(conjunct)
        if needed:
            found.append((conjunct, needed))
    return found


def _order_bgps(
    part: Any,
    statistics: _Statistics,
    given: frozenset[Variable],
    filters: list[tuple[Any, set[Variable]]] | None = None,
) -> None:
    """Replace every BGP of two or more triples in ``part`` by :func:`_ordered` (in place),
    with the FILTER conditions that reach it (through ``Filter`` and ``Extend`` only)."""
    if isinstance(part, CompValue):
        reaching = filters or []
        if part.name == "Filter":
            reaching = reaching + _pushable(part)
        if part.name in ("Filter", "Extend") and part.expr is not None:
            part["expr"] = _memoised(part.expr)
        elif part.name != "Extend":
            reaching = []
        for key, value in list(part.items()):
            if key == "_vars":
                continue
            passed = reaching if key == "p" else []
            if isinstance(value, CompValue) and value.name == "BGP" and len(value.triples) > 1:
                part[key] = _ordered(value, statistics, given, passed)
            else:
                _order_bgps(value, statistics, given, passed)
    elif isinstance(part, list):
        for index, value in enumerate(part):
            if isinstance(value, CompValue) and value.name == "BGP" and len(value.triples) > 1:
                part[index] = _ordered(value, statistics, given, [])
            else:
                _order_bgps(value, statistics, given)


class ShaclDataGraph(Graph):
    """An rdflib graph whose ``query`` parses each query text once and answers batchable
    SHACL-SPARQL constraints from one evaluation (see the module documentation)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._batches: dict[Query, _Batch] = {}
        self._statistics: _Statistics | None = None
        self._indexes: dict[tuple[Node, bool], dict[Node, list[Node]]] = {}
        self.evaluations = 0  # full query evaluations, for profiling and tests

    def _changed(self) -> None:
        self._batches.clear()
        self._statistics = None
        self._indexes.clear()

    def add(self, triple: Any) -> ShaclDataGraph:
        self._changed()
        super().add(triple)
        return self

    def addN(self, quads: Any) -> ShaclDataGraph:
        self._changed()
        super().addN(quads)
        return self

    def remove(self, triple: Any) -> ShaclDataGraph:
        self._changed()
        super().remove(triple)
        return self

    def index(self, predicate: Node, inverse: bool = False) -> dict[Node, list[Node]]:
        """The objects of ``predicate`` by subject (or its subjects by object, ``inverse``),
        from one pass over its triples: a dictionary lookup is much cheaper than rdflib's
        (context-aware) ``objects`` for each node."""
        key = (predicate, inverse)
        found = self._indexes.get(key)
        if found is None:
            found = self._indexes[key] = {}
            for s, _, o in self.triples((None, predicate, None)):
                found.setdefault(o if inverse else s, []).append(s if inverse else o)
        return found

    def _prepare(self, text: str, init_ns: Mapping[str, Any] | None) -> tuple[Query, bool]:
        return _prepare(text, tuple(sorted((k, str(v)) for k, v in (init_ns or {}).items())))

    def _batch(self, prepared: Query) -> _Batch:
        batch = self._batches.get(prepared)
        if batch is None:
            self.evaluations += 1
            if self._statistics is None:
                self._statistics = _Statistics(self)
            _order_bgps(prepared.algebra, self._statistics, frozenset())
            unbound = super().query(prepared)
            batch = _Batch(list(unbound.vars or []), unbound.bindings)
            _forget_memos(prepared.algebra)
            self._batches[prepared] = batch
        return batch

    def focus_nodes_with_solutions(self, text: str) -> frozenset[Node] | None:
        """The values of ``$this`` for which the SELECT query ``text`` has solutions, when it is
        batchable (else None), from the evaluation that then answers :meth:`query`."""
        prepared, can_batch = self._prepare(text, None)
        if not can_batch:
            return None
        batch = self._batch(prepared)
        return frozenset(batch.by_this) if batch.complete else None

    def query(
        self,
        query_object: Any,
        processor: Any = "sparql",
        result: Any = "sparql",
        initNs: Mapping[str, Any] | None = None,
        initBindings: Mapping[str, Any] | None = None,
        use_store_provided: bool = True,
        **kwargs: Any,
    ) -> Result:
        if not isinstance(query_object, str) or processor != "sparql" or result != "sparql":
            return super().query(
                query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs
            )
        prepared, can_batch = self._prepare(query_object, initNs)
        bindings = dict(initBindings or {})
        if can_batch and bindings.keys() == {"this"}:  # Variable("this") == "this"
            batch = self._batch(prepared)
            if batch.complete:
                return batch.result(next(iter(bindings.values())))
        self.evaluations += 1
        return super().query(
            prepared, initBindings=bindings, use_store_provided=use_store_provided, **kwargs
        )
