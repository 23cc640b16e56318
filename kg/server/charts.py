"""Pictures of the graph drawn by the server: the trade and investment figures as an SVG
bar chart (bounds, approximations, forecasts and targets drawn as what they are) and the
dated events as a timeline. Both read the asserted graph directly."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import TIME
from rdflib.term import Node

from kg.core.namespaces import KKO
from kg.server.templating import render

__all__ = ["Bar", "Moment", "chart_svg", "figures", "money", "timeline"]

FIGURE_CLASSES = (KKO.TradeFigure, KKO.InvestmentFigure)
_COLOURS = {KKO.TradeFigure: "#2f6fb0", KKO.InvestmentFigure: "#3d8f4f"}
_SIGNS = {"MoreThan": "> ", "Approximately": "≈ ", "Nearly": "nearly ", "Exact": ""}


def _label(graph: Graph, node: Node, lang: str = "en") -> str:
    values = [v for v in graph.objects(node, RDFS.label) if isinstance(v, Literal)]
    for value in values:
        if value.language == lang:
            return str(value)
    return str(values[0]) if values else str(node).rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _local(node: Node | None) -> str:
    return "" if node is None else str(node).rsplit("#", 1)[-1]


def money(amount: Decimal | float) -> str:
    """An amount of US dollars, short: ``1.7 bn``, ``796.2 m``."""
    value = float(amount)
    if value >= 1e9:
        return f"{value / 1e9:.4g} bn"
    if value >= 1e6:
        return f"{value / 1e6:.4g} m"
    return f"{value:,.0f}"


@dataclass(frozen=True)
class Bar:
    """One observation of the chart."""

    observation: URIRef
    figure: URIRef
    flow: URIRef
    flow_label: str
    period: str
    amount: float
    qualifier: str  # Exact, MoreThan, Approximately, Nearly
    status: str  # Reported, Forecast, Target
    label: str
    begin: str | None
    end: str | None

    @property
    def value_text(self) -> str:
        return _SIGNS.get(self.qualifier, "") + money(self.amount)


def figures(graph: Graph) -> list[Bar]:
    """The trade and investment observations, grouped by flow (trade before investment,
    flows with more observations first), each flow's in the order of its periods (periods
    without dates first, targets last)."""
    bars: list[Bar] = []
    for figure in FIGURE_CLASSES:
        for obs in set(graph.subjects(RDF.type, figure)):
            amount = graph.value(obs, KKO.amount)
            flow = graph.value(obs, KKO.flow)
            if not isinstance(obs, URIRef) or not isinstance(amount, Literal):
                continue
            if not isinstance(flow, URIRef):
                continue
            period = graph.value(obs, KKO.refPeriod)
            begin = graph.value(period, KKO.beginDate) if period is not None else None
            end = graph.value(period, KKO.endDate) if period is not None else None
            bars.append(
                Bar(
                    observation=obs,
                    figure=figure,
                    flow=flow,
                    flow_label=_label(graph, flow),
                    period=_label(graph, period) if period is not None else "",
                    amount=float(amount.toPython()),
                    qualifier=_local(graph.value(obs, KKO.valueQualifier)) or "Exact",
                    status=_local(graph.value(obs, KKO.valueStatus)) or "Reported",
                    label=_label(graph, obs),
                    begin=str(begin) if begin is not None else None,
                    end=str(end) if end is not None else None,
                )
            )
    counts: dict[URIRef, int] = {}
    for bar in bars:
        counts[bar.flow] = counts.get(bar.flow, 0) + 1
    return sorted(
        bars,
        key=lambda b: (
            FIGURE_CLASSES.index(b.figure),
            -counts[b.flow],
            b.flow_label,
            b.status == "Target",
            b.begin or "",
            b.end or "",
            str(b.observation),
        ),
    )


def _kebab(word: str) -> str:
    return "".join("-" + c.lower() if c.isupper() else c for c in word).lstrip("-")


# the chart's geometry: the bars' left edge, the longest bar, a row, a flow's heading, the
# first row's top, the drawing's width
LEFT, SCALE_WIDTH, ROW, HEADING, TOP, WIDTH = 250.0, 420.0, 24.0, 30.0, 40.0, 860.0


@dataclass(frozen=True)
class Row:
    """One line of the chart as ``chart.svg`` draws it: a flow's heading (``bar`` None) or
    an observation's bar at ``y``, ``length`` long (the template draws a filled bar for a
    reported value, hatched and dashed for a forecast, an outline for a target; an open end
    with an arrow for a lower bound, a wavy end for an approximation, a dashed stub for
    "nearly")."""

    y: float
    flow: URIRef
    label: str
    bar: Bar | None = None
    length: float = 0.0
    colour: str = ""

    @property
    def classes(self) -> str:
        bar = self.bar
        if bar is None:
            return "flow"
        found = f"bar qualifier-{_kebab(bar.qualifier)} status-{_kebab(bar.status)}"
        if bar.qualifier == "MoreThan":
            found += " lower-bound"
        if bar.status in ("Target", "Forecast"):
            found += " " + bar.status.lower()
        return found

    @property
    def note(self) -> str:
        """`` (forecast)`` or `` (target)`` after the period; nothing for a reported value."""
        return (
            ""
            if self.bar is None or self.bar.status == "Reported"
            else f" ({self.bar.status.lower()})"
        )

    @property
    def value_x(self) -> float:
        extra = 34.0 if self.bar is not None and self.bar.qualifier == "MoreThan" else 4.0
        return LEFT + self.length + extra + 6


def chart_svg(graph: Graph) -> str:
    """The trade and investment figures as a standalone SVG document (well-formed XML):
    one horizontal bar per observation, grouped by flow, labelled with its period and its
    value, on a linear scale of US dollars, with a legend."""
    bars = figures(graph)
    largest = max((b.amount for b in bars), default=1.0) or 1.0
    rows: list[Row] = []
    y = TOP
    current: URIRef | None = None
    for bar in bars:
        if bar.flow != current:
            current = bar.flow
            y += 8
            rows.append(Row(y, bar.flow, bar.flow_label))
            y += HEADING - 8
        length = max(bar.amount / largest * SCALE_WIDTH, 2)
        rows.append(Row(y, bar.flow, bar.flow_label, bar, length, _COLOURS[bar.figure]))
        y += ROW
    legend_y = y + 24
    return render(
        "chart.svg",
        width=WIDTH,
        height=legend_y + 118,
        left=LEFT,
        bar_height=ROW - 8,
        largest=money(largest),
        rows=rows,
        legend_y=legend_y,
        trade=_COLOURS[KKO.TradeFigure],
        investment=_COLOURS[KKO.InvestmentFigure],
    )


@dataclass(frozen=True)
class Moment:
    """One dated event of the timeline."""

    event: URIRef
    label_en: str
    label_zh: str
    kind: str
    date: Literal | None
    precision: str
    qualifier: str
    begin: str
    end: str


def _event_classes(graph: Graph) -> set[Node]:
    return {c for c in graph.transitive_subjects(RDFS.subClassOf, KKO.Event) if c is not None}


def timeline(graph: Graph) -> list[Moment]:
    """Every event with kko:beginDate, ordered by its begin date, then its end date; its
    kko:date (at its precision), the precision and any qualifier of the date."""
    classes = _event_classes(graph)
    moments: list[Moment] = []
    for event, begin in graph.subject_objects(KKO.beginDate):
        if not isinstance(event, URIRef):
            continue
        kinds = [k for k in graph.objects(event, RDF.type) if k in classes]
        if not kinds:
            continue
        kinds.sort(key=lambda k: -len(set(graph.transitive_objects(k, RDFS.subClassOf))))
        date = graph.value(event, KKO.date)
        precision = next(
            graph.objects(event, TIME.hasTime / TIME.hasDateTimeDescription / TIME.unitType), None
        )
        qualifier = graph.value(event, KKO.dateQualifier)
        moments.append(
            Moment(
                event=event,
                label_en=_label(graph, event, "en"),
                label_zh=_label(graph, event, "zh"),
                kind=_label(graph, kinds[0], "en"),
                date=date if isinstance(date, Literal) else None,
                precision=_label(graph, precision) if precision is not None else "",
                qualifier=_label(graph, qualifier) if qualifier is not None else "",
                begin=str(begin),
                end=str(graph.value(event, KKO.endDate) or begin),
            )
        )
    moments.sort(key=lambda m: (m.begin, m.end, str(m.event)))
    return moments
