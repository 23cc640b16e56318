"""Pictures of the graph drawn by the server: the trade and investment figures as an SVG
bar chart (bounds, approximations, forecasts and targets drawn as what they are) and the
dated events as a timeline. Both read the asserted graph directly."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from html import escape

from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import TIME
from rdflib.term import Node

from kg.core.namespaces import KKO

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


def _bar_shapes(bar: Bar, x: float, y: float, width: float, height: float, colour: str) -> str:
    """The bar of one observation: filled (reported), hatched and dashed (forecast), an
    outline only (target); an open end with an arrow for a lower bound, a wavy end for an
    approximation, a short dashed stub for "nearly"."""
    classes = f"bar qualifier-{_kebab(bar.qualifier)} status-{_kebab(bar.status)}"
    if bar.qualifier == "MoreThan":
        classes += " lower-bound"
    if bar.status == "Target":
        classes += " target"
        style = f'fill="none" stroke="{colour}" stroke-width="2"'
    elif bar.status == "Forecast":
        classes += " forecast"
        style = f'fill="url(#hatch)" stroke="{colour}" stroke-width="1.5" stroke-dasharray="5 3"'
    else:
        style = f'fill="{colour}"'
    parts = [
        f'<rect class="{classes}" x="{x:.1f}" y="{y:.1f}" width="{max(width, 2):.1f}" '
        f'height="{height:.1f}" {style}/>'
    ]
    end = x + max(width, 2)
    mid = y + height / 2
    if bar.qualifier == "MoreThan":
        # the bar does not stop at the value: it goes on, open-ended, with an arrow
        parts.append(
            f'<path class="open-end" d="M{end:.1f},{mid:.1f} h22" stroke="{colour}" '
            f'stroke-width="2" stroke-dasharray="3 2" fill="none"/>'
            f'<path class="arrow" d="M{end + 22:.1f},{mid - 5:.1f} l8,5 l-8,5 z" '
            f'fill="{colour}"/>'
        )
    elif bar.qualifier == "Approximately":
        parts.append(
            f'<path class="approximate-end" d="M{end:.1f},{y:.1f} q4,{height / 4:.1f} 0,'
            f'{height / 2:.1f} t0,{height / 2:.1f}" stroke="#fff" stroke-width="3" fill="none"/>'
        )
    elif bar.qualifier == "Nearly":
        parts.append(
            f'<path class="nearly-end" d="M{end:.1f},{y:.1f} v{height:.1f}" stroke="#222" '
            f'stroke-width="1" stroke-dasharray="2 2"/>'
        )
    return "".join(parts)


def _extra_space(bar: Bar) -> float:
    return 34.0 if bar.qualifier == "MoreThan" else 4.0


def chart_svg(graph: Graph) -> str:
    """The trade and investment figures as a standalone SVG document (well-formed XML):
    one horizontal bar per observation, grouped by flow, labelled with its period and its
    value, on a linear scale of US dollars, with a legend."""
    bars = figures(graph)
    width, left, scale_width = 860.0, 250.0, 420.0
    row, heading = 24.0, 30.0
    top = 40.0
    largest = max((b.amount for b in bars), default=1.0) or 1.0
    body: list[str] = []
    y = top
    current: URIRef | None = None
    for bar in bars:
        colour = _COLOURS[bar.figure]
        if bar.flow != current:
            current = bar.flow
            y += 8
            body.append(
                f'<text class="flow" x="8" y="{y + 16:.1f}" font-weight="bold" '
                f'data-flow="{escape(str(bar.flow))}">{escape(bar.flow_label)}</text>'
            )
            y += heading - 8
        length = bar.amount / largest * scale_width
        status = "" if bar.status == "Reported" else f" ({bar.status.lower()})"
        body.append(
            f'<g class="observation" data-observation="{escape(str(bar.observation))}" '
            f'data-qualifier="{escape(bar.qualifier)}" data-status="{escape(bar.status)}">'
            f"<title>{escape(bar.label)}: {escape(bar.value_text)} US dollars{status}</title>"
            f'<text class="period" x="{left - 8:.1f}" y="{y + 15:.1f}" text-anchor="end">'
            f"{escape(bar.period)}{escape(status)}</text>"
            + _bar_shapes(bar, left, y + 3, length, row - 8, colour)
            + f'<text class="value" x="{left + max(length, 2) + _extra_space(bar) + 6:.1f}" '
            f'y="{y + 15:.1f}">{escape(bar.value_text)}</text></g>'
        )
        y += row
    legend_y = y + 24
    legend = _legend(legend_y)
    height = legend_y + 118
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="figures-chart" role="img" '
        f'width="{width:.0f}" height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'font-family="system-ui, sans-serif" font-size="13">'
        "<title>Trade and investment between Kazakhstan and Kyrgyzstan (US dollars)</title>"
        '<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#dbe7f3"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#2f6fb0" stroke-width="2"/></pattern></defs>'
        f'<text x="8" y="22" font-size="15" font-weight="bold">Trade and investment, '
        f"US dollars (linear scale; longest bar {escape(money(largest))})</text>"
        + "".join(body)
        + legend
        + "</svg>"
    )


def _legend(y: float) -> str:
    colour = _COLOURS[KKO.TradeFigure]
    items = [
        (f'<rect x="0" y="0" width="40" height="14" fill="{colour}"/>', "reported, exact value"),
        (
            f'<rect x="0" y="0" width="40" height="14" fill="{colour}"/>'
            f'<path d="M40,7 h14" stroke="{colour}" stroke-width="2" stroke-dasharray="3 2"/>'
            f'<path d="M54,2 l8,5 l-8,5 z" fill="{colour}"/>',
            "more than the value (&gt; x): a lower bound, open-ended",
        ),
        (
            f'<rect x="0" y="0" width="40" height="14" fill="{colour}"/>'
            '<path d="M40,0 q4,3.5 0,7 t0,7" stroke="#fff" stroke-width="3" fill="none"/>',
            "about the value (≈ x); “nearly x” ends in a dashed line",
        ),
        (
            f'<rect x="0" y="0" width="40" height="14" fill="url(#hatch)" stroke="{colour}" '
            'stroke-dasharray="5 3"/>',
            "forecast (hatched, dashed outline)",
        ),
        (
            f'<rect x="0" y="0" width="40" height="14" fill="none" stroke="{colour}" '
            'stroke-width="2"/>',
            "target (outline only)",
        ),
    ]
    parts = [f'<g class="legend" transform="translate(8,{y:.1f})">']
    parts.append('<text x="0" y="-6" font-weight="bold">Legend</text>')
    for index, (swatch, text) in enumerate(items):
        parts.append(
            f'<g transform="translate(0,{index * 20 + 2})">{swatch}'
            f'<text x="72" y="12">{text}</text></g>'
        )
    parts.append(
        f'<g transform="translate(600,2)"><rect width="40" height="14" '
        f'fill="{_COLOURS[KKO.InvestmentFigure]}"/><text x="48" y="12">investment</text>'
        f'<rect y="20" width="40" height="14" fill="{colour}"/>'
        '<text x="48" y="32">trade</text></g></g>'
    )
    return "".join(parts)


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
