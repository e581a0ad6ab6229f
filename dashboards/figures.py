"""Plotly figures from the warehouse tables: one builder per chart, each returns None without data.

A figure is returned as plain data in Plotly's JSON form (`{"data": [traces], "layout": {...}}`),
which is what the page embeds: building Plotly's graph objects validates every value and costs
~2 ms a figure, and a sector's site has thousands of figures. `plotly.graph_objects.Figure(figure)`
turns one into a validated object (the tests do, for every builder).

Plotly draws text as a small subset of HTML, so every label that may come from a partner or from
programme.yaml goes through `plot_text`, which escapes it: Plotly turns the entities back into
characters and shows the text as text. Money stays Decimal until here; floats are made only for
the bar heights and point positions, while every number a reader sees is formatted from the exact
value.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from decimal import Decimal

import polars as pl

from dashboards.i18n import Locale

COLOURS = {
    "driving": "#1f6fb2",
    "hunting": "#e8871e",
    "met": "#2e7d32",
    "at_risk": "#d9a400",
    "behind": "#c62828",
    "kept": "#2e7d32",
    "gap": "#e8871e",
    "no_submission": "#8a8f98",
    "contribution": "#7a5195",
    "benefit": "#1f6fb2",
    "net": "#2e7d32",
    "negative": "#c62828",
    "baseline": "#8a8f98",
    "programme": "#7a5195",
    "grid": "#e3e6ea",
    "text": "#1d2733",
}
PALETTE = [
    "#1f6fb2",
    "#e8871e",
    "#2e7d32",
    "#7a5195",
    "#c62828",
    "#00838f",
    "#8d6e63",
    "#d81b60",
    "#5c6bc0",
    "#9e9d24",
]
MONEY_INDICATORS = frozenset(
    {
        "contribution",
        "contribution_money",
        "own_driving_cost",
        "counterfactual_cost",
        "cost_savings",
        "time_savings",
        "gross_benefit",
        "benefit",
        "net_benefit",
        "driving_cost_per_hire",
        "hunting_cost_per_hire",
    }
)
RATIO_INDICATORS = frozenset({"roi", "cordon_integrity", "integrity"})
# a Plotly figure as JSON-ready data: {"data": [trace, ...], "layout": {...}}
Figure = dict
# above this many partners the fair-share scatter has no legend: one trace, names on hover
LEGEND_PARTNERS = 20
STATUS_CODES = {"no_submission": 0, "gap": 1, "kept": 2}


def plot_text(value: object) -> str:
    """Text for Plotly with `<`, `>` and `&` as entities, so a name never becomes markup."""
    return html.escape("" if value is None else str(value), quote=False)


def wrap_label(value: object, width: int = 24) -> str:
    """Escaped text broken into lines of about `width` characters, so long names fit a phone."""
    lines: list[str] = []
    for word in ("" if value is None else str(value)).split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(plot_text(line) for line in lines)


def as_float(value: Decimal | float | int | None) -> float | None:
    """A coordinate for Plotly (display only: labels are formatted from the exact value)."""
    return None if value is None else float(value)


def _trace(kind: str, **properties: object) -> dict:
    """One trace of `kind` ("bar", "scatter", ...), its properties as Plotly's JSON names them."""
    return {"type": kind, **properties}


def _figure(traces: list[dict], layout: dict) -> Figure:
    return {"data": traces, "layout": layout}


def _no_template() -> dict:
    """Plotly's "none" template as Plotly writes it into a figure's JSON: the page styles itself."""
    return {"data": {"scatter": [{"type": "scatter"}]}}


def has_rows(frame: pl.DataFrame | None, *columns: str) -> bool:
    return frame is not None and frame.height > 0 and all(c in frame.columns for c in columns)


def _layout(loc: Locale, height: int = 360, **extra: object) -> dict:
    layout: dict = {
        "template": _no_template(),
        "separators": loc.plotly_separators,
        "font": {
            "family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif",
            "size": 13,
            "color": COLOURS["text"],
        },
        "height": height,
        "margin": {"l": 10, "r": 10, "t": 30, "b": 10},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        "hoverlabel": {"align": "left"},
        "xaxis": {"automargin": True, "gridcolor": COLOURS["grid"], "zerolinecolor": "#b8bec6"},
        "yaxis": {"automargin": True, "gridcolor": COLOURS["grid"], "zerolinecolor": "#b8bec6"},
    }
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(layout.get(key), dict):
            layout[key] = {**layout[key], **value}
        else:
            layout[key] = value
    return layout


def _money_axis(loc: Locale) -> dict:
    return {"tickprefix": loc.money_tick_prefix, "tickformat": ",.0f"}


def _label(loc: Locale, key: str) -> str:
    return plot_text(loc.t(key))


def _indicator_label(loc: Locale, indicator: str) -> str:
    try:
        return loc.t(indicator)
    except KeyError:
        return indicator


def _scope_label(loc: Locale, scope: str, names: Mapping[str, str]) -> str:
    if scope == "programme":
        return loc.t("programme")
    return names.get(scope, scope)


def format_indicator(loc: Locale, indicator: str, value: object) -> str:
    if indicator in MONEY_INDICATORS:
        return loc.money(value, decimals=0)
    if indicator in RATIO_INDICATORS:
        return loc.percent(value)
    return loc.number(value, decimals=0 if _is_whole(value) else 1)


def _is_whole(value: object) -> bool:
    if value is None:
        return True
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    return number == number.to_integral_value()


def commitment_label(loc: Locale, commitment: str) -> str:
    if commitment == "money":
        return loc.t("commitment_money")
    if commitment == "hours":
        return loc.t("commitment_hours")
    if commitment.startswith("task:"):
        return f"{loc.t('commitment_task')}: {commitment.removeprefix('task:').replace('_', ' ')}"
    return commitment


def status_label(loc: Locale, status: str | None) -> str:
    try:
        return loc.t(f"status_{status}")
    except KeyError:
        return status or ""


def format_commitment(loc: Locale, commitment: str, value: object) -> str:
    if commitment == "money":
        return loc.money(value, decimals=0)
    if commitment == "hours":
        return f"{loc.number(value, decimals=0 if _is_whole(value) else 1)} {loc.t('hours_unit')}"
    return f"{loc.number(value, decimals=0 if _is_whole(value) else 1)}{loc.t('times_unit')}"


def hires_per_period(frame: pl.DataFrame, loc: Locale) -> Figure | None:
    """Driving and hunting hires per period, stacked: rows with period, driving_hires, hunting_hires."""
    if not has_rows(frame, "period", "driving_hires", "hunting_hires"):
        return None
    periods = frame["period"].to_list()
    traces = []
    for field in ("driving", "hunting"):
        values = frame[f"{field}_hires"].to_list()
        traces.append(
            _trace(
                "bar",
                name=_label(loc, f"{field}_hires"),
                x=periods,
                y=[as_float(v) for v in values],
                marker={"color": COLOURS[field]},
                text=[loc.number(v) for v in values],
                textposition="inside",
                hovertemplate="%{x}<br>" + _label(loc, f"{field}_hires") + ": %{text}<extra></extra>",
            )
        )
    layout = _layout(
        loc, barmode="stack", xaxis={"type": "category"}, yaxis={"title": {"text": _label(loc, "hires")}}
    )
    return _figure(traces, layout)


def targets(frame: pl.DataFrame, names: Mapping[str, str], loc: Locale) -> Figure | None:
    """Actual as a share of expected per target, coloured by status, with a line at 100 %.

    The bars run from -50 % to 250 % at most, so one far-off target cannot flatten the others;
    a bar cut short there carries its label inside, and every label gives the true numbers.
    """
    if not has_rows(frame, "scope", "indicator", "period", "expected", "actual", "status"):
        return None
    labels, ratios, colours, texts, hovers = [], [], [], [], []
    for row in frame.iter_rows(named=True):
        indicator = row["indicator"]
        detail = f"{_indicator_label(loc, indicator)} · {row['period']}"
        if row.get("lower_is_better"):
            detail += " ↓"
        ratio = row.get("ratio")
        actual = format_indicator(loc, indicator, row["actual"])
        expected = format_indicator(loc, indicator, row["expected"])
        labels.append(f"{wrap_label(_scope_label(loc, row['scope'], names), 40)} · {plot_text(detail)}")
        ratios.append(as_float(ratio) * 100 if ratio is not None else 0.0)
        colours.append(COLOURS.get(row["status"], COLOURS["no_submission"]))
        texts.append(plot_text(f"{actual} / {expected}"))
        hovers.append(
            plot_text(
                f"{loc.t('actual')}: {actual} · {loc.t('expected')}: {expected} · "
                f"{loc.percent(ratio)} · {status_label(loc, row['status'])}"
            )
        )
    low = max(min([0.0, *ratios]), -50.0)
    high = min(max([100.0, *ratios]), 250.0)
    span = [low - 0.05 * (high - low) if low < 0 else 0.0, high + 0.45 * (high - low)]
    bar = _trace(
        "bar",
        x=[min(max(r, low), high) for r in ratios],
        y=labels,
        orientation="h",
        marker={"color": colours},
        text=texts,
        textposition=["outside" if low <= r <= high else "inside" for r in ratios],
        insidetextanchor="middle",
        cliponaxis=False,
        customdata=hovers,
        hovertemplate="%{y}<br>%{customdata}<extra></extra>",
        showlegend=False,
    )
    layout = _layout(
        loc,
        height=120 + 34 * len(labels),
        xaxis={"title": {"text": _label(loc, "ratio_axis")}, "ticksuffix": "%", "range": span},
        yaxis={"autorange": "reversed", "type": "category"},
        shapes=[
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": 100,
                "x1": 100,
                "y0": 0,
                "y1": 1,
                "line": {"color": COLOURS["text"], "width": 2, "dash": "dash"},
            }
        ],
        annotations=[
            {
                "x": 100,
                "xref": "x",
                "y": 1,
                "yref": "paper",
                "yanchor": "bottom",
                "text": _label(loc, "expected_line"),
                "showarrow": False,
            }
        ],
    )
    return _figure([bar], layout)


def hires_per_partner(frame: pl.DataFrame, names: Mapping[str, str], loc: Locale) -> Figure | None:
    """One period's driving and hunting hires per partner, stacked horizontally."""
    if not has_rows(frame, "partner", "driving_hires", "hunting_hires"):
        return None
    partners = [wrap_label(names.get(p, p)) for p in frame["partner"].to_list()]
    traces = []
    for field in ("driving", "hunting"):
        values = frame[f"{field}_hires"].to_list()
        traces.append(
            _trace(
                "bar",
                name=_label(loc, f"{field}_hires"),
                y=partners,
                x=[as_float(v) for v in values],
                orientation="h",
                marker={"color": COLOURS[field]},
                text=[loc.number(v) for v in values],
                textposition="inside",
                hovertemplate="%{y}<br>" + _label(loc, f"{field}_hires") + ": %{text}<extra></extra>",
            )
        )
    layout = _layout(
        loc,
        height=120 + 36 * len(partners),
        barmode="stack",
        yaxis={"autorange": "reversed", "type": "category"},
        xaxis={"title": {"text": _label(loc, "hires")}},
    )
    return _figure(traces, layout)


def channel_sankey(
    hires: pl.DataFrame, names: Mapping[str, str], fields: Mapping[str, list[str]], loc: Locale
) -> Figure | None:
    """Filled vacancies flowing channel -> field -> partner: one row per vacancy (partner, channel,
    field), or rows already counted, with the count in a column `hires`."""
    if not has_rows(hires, "partner", "channel", "field"):
        return None
    count = pl.col("hires").sum().alias("len") if "hires" in hires.columns else pl.len()
    by_channel = hires.group_by("channel", "field").agg(count).sort("field", "channel")
    by_partner = hires.group_by("field", "partner").agg(count).sort("field", "partner")
    order = {c: i for i, c in enumerate([*fields.get("driving", []), *fields.get("hunting", [])])}
    channels = sorted(by_channel["channel"].unique().to_list(), key=lambda c: (order.get(c, len(order)), c))
    field_keys = [f for f in ("driving", "hunting") if f in by_channel["field"].to_list()]
    partners = sorted(by_partner["partner"].unique().to_list(), key=lambda p: names.get(p, p))
    labels = (
        [plot_text(c.replace("_", " ")) for c in channels]
        + [_label(loc, f) for f in field_keys]
        + [wrap_label(names.get(p, p)) for p in partners]
    )
    index = {("channel", c): i for i, c in enumerate(channels)}
    index |= {("field", f): len(channels) + i for i, f in enumerate(field_keys)}
    index |= {("partner", p): len(channels) + len(field_keys) + i for i, p in enumerate(partners)}
    field_of = dict(zip(by_channel["channel"].to_list(), by_channel["field"].to_list(), strict=True))
    node_colours = (
        [COLOURS.get(field_of[c], COLOURS["baseline"]) for c in channels]
        + [COLOURS.get(f, COLOURS["baseline"]) for f in field_keys]
        + ["#5b6470"] * len(partners)
    )
    source, target, value, colour = [], [], [], []
    for row in by_channel.iter_rows(named=True):
        source.append(index[("channel", row["channel"])])
        target.append(index[("field", row["field"])])
        value.append(row["len"])
        colour.append(_fade(COLOURS.get(row["field"], COLOURS["baseline"])))
    for row in by_partner.iter_rows(named=True):
        source.append(index[("field", row["field"])])
        target.append(index[("partner", row["partner"])])
        value.append(row["len"])
        colour.append(_fade(COLOURS.get(row["field"], COLOURS["baseline"])))
    sankey = _trace(
        "sankey",
        arrangement="snap",
        node={"label": labels, "color": node_colours, "pad": 14, "thickness": 16},
        link={"source": source, "target": target, "value": value, "color": colour},
        valueformat=",d",
    )
    height = max(320, 44 * max(len(channels), len(partners)) + 60)
    return _figure([sankey], _layout(loc, height=height))


def _fade(hex_colour: str, alpha: float = 0.35) -> str:
    red, green, blue = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def _dec(value: object) -> Decimal:
    if value is None:
        return Decimal(0)
    return value if isinstance(value, Decimal) else Decimal(str(value))


def waterfall_steps(row: Mapping[str, object], suffix: str = "") -> list[tuple[str, Decimal]]:
    """(label key, signed amount) from contribution to net benefit; the amounts add up to net."""
    contribution = _dec(row.get(f"contribution{suffix}"))
    cost_savings = _dec(row.get(f"cost_savings{suffix}"))
    time_savings = _dec(row.get(f"time_savings{suffix}"))
    gross = _dec(row.get(f"gross_benefit{suffix}"))
    benefit = _dec(row.get(f"benefit{suffix}"))
    net = _dec(row.get(f"net_benefit{suffix}"))
    return [
        ("contribution", -contribution),
        ("cost_savings", cost_savings),
        ("time_savings", time_savings),
        ("deflators", benefit - gross),
        ("net_benefit", net),
    ]


def roi_waterfall(row: Mapping[str, object] | None, loc: Locale, suffix: str = "") -> Figure | None:
    """Contribution -> cost savings -> time savings -> deflators -> net benefit, for one row of
    partner_period or programme_period; `suffix="_cum"` draws the cumulative figures."""
    if not row or row.get(f"net_benefit{suffix}") is None:
        return None
    steps = waterfall_steps(row, suffix)
    labels = [_label(loc, "deflators_short" if key == "deflators" else key) for key, _ in steps]
    waterfall = _trace(
        "waterfall",
        x=labels,
        y=[as_float(amount) for _, amount in steps],
        measure=["relative"] * 4 + ["total"],
        text=[loc.money(amount, decimals=0) for _, amount in steps],
        textposition="outside",
        cliponaxis=False,
        hovertemplate="%{x}: %{text}<extra></extra>",
        increasing={"marker": {"color": COLOURS["net"]}},
        decreasing={"marker": {"color": COLOURS["negative"]}},
        totals={"marker": {"color": COLOURS["benefit"]}},
        connector={"line": {"color": "#b8bec6"}},
        showlegend=False,
    )
    layout = _layout(loc, height=380, yaxis=_money_axis(loc), xaxis={"type": "category"}, margin={"t": 40})
    return _figure([waterfall], layout)


def cordon_heatmap(
    frame: pl.DataFrame,
    row_column: str,
    row_labels: Mapping[str, str],
    loc: Locale,
) -> Figure | None:
    """Commitments as columns, partners (or periods) as rows; kept, gap and no_submission marked.

    Cells show ✓ for kept, the missing amount for a gap and ∅ where no file came in.
    """
    if not has_rows(frame, row_column, "commitment", "status", "committed", "delivered", "gap"):
        return None
    names = (row_column, "commitment", "status", "committed", "delivered", "gap")
    columns = [frame[name].to_list() for name in names]
    commitments = sorted(set(columns[1]), key=commitment_order)
    rows = sorted(set(columns[0]), key=lambda r: row_labels.get(r, r))
    cells = {(r[0], r[1]): r for r in zip(*columns, strict=True)}
    # a regisseur's heatmap has a cell per partner and commitment, whose amounts repeat: each
    # line of text is built once per value
    shown: dict[tuple, str] = {}

    def line(label: str, commitment: str, value: object) -> str:
        key = (label, commitment, value)
        if key not in shown:
            text = format_commitment(loc, commitment, value)
            shown[key] = plot_text(f"{loc.t(label)}: {text}") if label else text
        return shown[key]

    statuses: dict[object, str] = {}
    z, text, hover = [], [], []
    for key in rows:
        z_row, text_row, hover_row = [], [], []
        for commitment in commitments:
            cell = cells.get((key, commitment))
            if cell is None:
                z_row.append(None)
                text_row.append("")
                hover_row.append("")
                continue
            _, _, status, committed, delivered, gap = cell
            z_row.append(STATUS_CODES.get(status, 1))
            if status == "kept":
                text_row.append("✓")
            elif status == "no_submission":
                text_row.append("∅")
            else:
                text_row.append(line("", commitment, -_dec(gap)))
            if status not in statuses:
                statuses[status] = plot_text(status_label(loc, status))
            hover_row.append(
                "<br>".join(
                    (
                        line("committed", commitment, committed),
                        line("delivered", commitment, delivered),
                        line("gap", commitment, gap),
                        statuses[status],
                    )
                )
            )
        z.append(z_row)
        text.append(text_row)
        hover.append(hover_row)
    x_labels = [plot_text(commitment_label(loc, c)) for c in commitments]
    y_labels = [wrap_label(row_labels.get(r, r)) for r in rows]
    colourscale = [
        [0.0, COLOURS["no_submission"]],
        [0.333, COLOURS["no_submission"]],
        [0.333, COLOURS["gap"]],
        [0.667, COLOURS["gap"]],
        [0.667, COLOURS["kept"]],
        [1.0, COLOURS["kept"]],
    ]
    heatmap = _trace(
        "heatmap",
        z=z,
        x=x_labels,
        y=y_labels,
        text=text,
        texttemplate="%{text}",
        textfont={"color": "#ffffff", "size": 13},
        customdata=hover,
        hovertemplate="%{y} · %{x}<br>%{customdata}<extra></extra>",
        colorscale=colourscale,
        zmin=0,
        zmax=2,
        showscale=False,
        xgap=3,
        ygap=3,
        hoverongaps=False,
    )
    legend = [
        _trace(
            "scatter",
            x=[None],
            y=[None],
            mode="markers",
            name=_label(loc, f"status_{status}"),
            marker={"symbol": "square", "size": 12, "color": COLOURS[status]},
        )
        for status in ("kept", "gap", "no_submission")
    ]
    layout = _layout(
        loc,
        height=140 + 40 * len(rows),
        xaxis={"type": "category", "side": "top", "gridcolor": "rgba(0,0,0,0)", "showgrid": False},
        yaxis={"type": "category", "autorange": "reversed", "showgrid": False},
        legend={"orientation": "h", "yanchor": "top", "y": -0.02, "x": 0},
        margin={"t": 40, "b": 40},
    )
    return _figure([heatmap, *legend], layout)


def commitment_order(commitment: str) -> tuple[int, str]:
    return ({"money": 0, "hours": 1}.get(commitment, 2), commitment)


def fair_share_scatter(
    frame: pl.DataFrame,
    label_column: str,
    labels: Mapping[str, str],
    loc: Locale,
    connect: bool = False,
) -> Figure | None:
    """Share of contribution against share of benefit, with the diagonal of equal shares.

    Partners are told apart by the legend (labels beside the points collide); over
    `LEGEND_PARTNERS` partners a legend would be longer than the plot, so the points form one trace
    and each point names its partner on hover. `connect` draws one partner's path through the
    periods instead, labelled by period.
    """
    if not has_rows(frame, label_column, "contribution_share", "benefit_share"):
        return None
    rows = [
        r
        for r in frame.iter_rows(named=True)
        if r["contribution_share"] is not None and r["benefit_share"] is not None
    ]
    if not rows:
        return None
    if not connect:
        rows.sort(key=lambda r: labels.get(r[label_column], r[label_column]))
    x = [as_float(r["contribution_share"]) for r in rows]
    y = [as_float(r["benefit_share"]) for r in rows]
    names = [plot_text(labels.get(r[label_column], r[label_column])) for r in rows]
    hover = [
        plot_text(
            f"{loc.t('contribution_share')}: {loc.percent(r['contribution_share'], 1)} · "
            f"{loc.t('benefit_share')}: {loc.percent(r['benefit_share'], 1)} · "
            f"{loc.t('settlement')}: {loc.money(r.get('settlement'), decimals=0, signed=True)}"
        )
        for r in rows
    ]
    low, high = min([*x, *y, 0.0]), max([*x, *y, 0.0])
    pad = (high - low) * 0.08 or 0.1
    low, high = low - pad, high + pad
    # among hundreds of partners every share is well under 1 %: ticks then need decimals to differ
    ticks = ".0%" if high - low >= 0.05 else ".1%" if high - low >= 0.005 else ".2%"
    traces: list[dict] = [
        _trace(
            "scatter",
            x=[low, high],
            y=[low, high],
            mode="lines",
            name=_label(loc, "equal_shares"),
            line={"color": COLOURS["baseline"], "dash": "dash"},
            hoverinfo="skip",
        )
    ]
    if connect:
        traces.append(
            _trace(
                "scatter",
                x=x,
                y=y,
                mode="lines+markers+text",
                # only where the path starts and ends: the periods between crowd each other
                text=[n if i in (0, len(names) - 1) else "" for i, n in enumerate(names)],
                textposition="top center",
                customdata=[f"{n}<br>{h}" for n, h in zip(names, hover, strict=True)],
                showlegend=False,
                marker={"size": 11, "color": COLOURS["benefit"]},
                line={"color": COLOURS["benefit"]},
                hovertemplate="%{customdata}<extra></extra>",
            )
        )
    elif len(rows) > LEGEND_PARTNERS:
        traces.append(
            _trace(
                "scatter",
                x=x,
                y=y,
                mode="markers",
                customdata=[f"{n}<br>{h}" for n, h in zip(names, hover, strict=True)],
                showlegend=False,
                marker={"size": 9, "color": COLOURS["benefit"], "opacity": 0.75,
                        "line": {"color": "#ffffff", "width": 1}},
                hovertemplate="%{customdata}<extra></extra>",
            )
        )
    else:
        for index, (px, py, name, text) in enumerate(zip(x, y, names, hover, strict=True)):
            traces.append(
                _trace(
                    "scatter",
                    x=[px],
                    y=[py],
                    mode="markers",
                    name=name,
                    customdata=[text],
                    marker={
                        "size": 13,
                        "color": PALETTE[index % len(PALETTE)],
                        "line": {"color": "#ffffff", "width": 1},
                    },
                    hovertemplate=name + "<br>%{customdata}<extra></extra>",
                )
            )
    layout = _layout(
        loc,
        height=420 + (0 if connect or len(rows) > LEGEND_PARTNERS else 22 * ((len(rows) + 1) // 2)),
        # under the plot, measured from the figure's edge, so it never covers the axis title
        legend={"orientation": "h", "yref": "container", "yanchor": "bottom", "y": 0, "x": 0},
        xaxis={
            "title": {"text": _label(loc, "contribution_share")},
            "tickformat": ticks,
            "range": [low, high],
        },
        yaxis={"title": {"text": _label(loc, "benefit_share")}, "tickformat": ticks, "range": [low, high]},
    )
    return _figure(traces, layout)


def _money_bar(frame: pl.DataFrame, column: str, colour: str, loc: Locale, **style) -> dict:
    """One money column per period as bars, its value in the locale on hover."""
    values = frame[column].to_list()
    return _trace(
        "bar",
        name=_label(loc, column),
        x=frame["period"].to_list(),
        y=[as_float(v) for v in values],
        marker={"color": colour},
        text=[loc.money(v, decimals=0) for v in values],
        textposition="none",
        hovertemplate="%{x} · " + _label(loc, column) + ": %{text}<extra></extra>",
        **style,
    )


def _money_line(frame: pl.DataFrame, column: str, colour: str, loc: Locale) -> dict:
    """One (cumulative) money column per period as a line, its value in the locale on hover."""
    values = frame[column].to_list()
    return _trace(
        "scatter",
        name=_label(loc, column),
        x=frame["period"].to_list(),
        y=[as_float(v) for v in values],
        mode="lines+markers",
        line={"color": colour, "width": 3},
        text=[loc.money(v, decimals=0) for v in values],
        hovertemplate="%{x} · " + _label(loc, column) + ": %{text}<extra></extra>",
    )


def joint_pot(frame: pl.DataFrame, loc: Locale) -> Figure | None:
    """Money contributed to and spent from the joint pot: per period (bars) and cumulative (lines)."""
    if not has_rows(frame, "period", "contributed", "spent", "contributed_cum", "spent_cum"):
        return None
    traces = [
        _money_bar(frame, "contributed", COLOURS["contribution"], loc, opacity=0.55),
        _money_bar(frame, "spent", COLOURS["hunting"], loc, opacity=0.55),
        _money_line(frame, "contributed_cum", COLOURS["contribution"], loc),
        _money_line(frame, "spent_cum", COLOURS["hunting"], loc),
    ]
    layout = _layout(loc, barmode="group", xaxis={"type": "category"}, yaxis=_money_axis(loc))
    return _figure(traces, layout)


def value_over_time(frame: pl.DataFrame, loc: Locale) -> Figure | None:
    """Contribution and benefit per period (bars) and cumulative net benefit (line)."""
    if not has_rows(frame, "period", "contribution", "benefit", "net_benefit_cum"):
        return None
    traces = [
        _money_bar(frame, "contribution", COLOURS["contribution"], loc),
        _money_bar(frame, "benefit", COLOURS["benefit"], loc),
        _money_line(frame, "net_benefit_cum", COLOURS["net"], loc),
    ]
    layout = _layout(loc, barmode="group", xaxis={"type": "category"}, yaxis=_money_axis(loc))
    return _figure(traces, layout)


def cost_per_hire(own: pl.DataFrame, programme: pl.DataFrame | None, loc: Locale) -> Figure | None:
    """A partner's cost per driving hire per period, its baseline, and (optionally) the programme's."""
    if not has_rows(own, "period", "driving_cost_per_hire", "baseline_cost_per_hire"):
        return None
    if own["driving_cost_per_hire"].null_count() == own.height:
        return None
    periods = own["period"].to_list()
    series = [
        ("driving_cost_per_hire", own["driving_cost_per_hire"].to_list(), COLOURS["driving"], "solid"),
        ("baseline_cost_per_hire", own["baseline_cost_per_hire"].to_list(), COLOURS["baseline"], "dash"),
    ]
    if has_rows(programme, "period", "driving_cost_per_hire"):
        by_period = dict(
            zip(programme["period"].to_list(), programme["driving_cost_per_hire"].to_list(), strict=True)
        )
        series.append(
            (
                "programme_driving_cost_per_hire",
                [by_period.get(p) for p in periods],
                COLOURS["programme"],
                "dot",
            )
        )
    traces = [
        _trace(
            "scatter",
            name=_label(loc, key),
            x=periods,
            y=[as_float(v) for v in values],
            mode="lines+markers",
            line={"color": colour, "dash": dash, "width": 3},
            text=[loc.money(v, decimals=0) for v in values],
            hovertemplate="%{x} · " + _label(loc, key) + ": %{text}<extra></extra>",
            connectgaps=False,
        )
        for key, values, colour, dash in series
    ]
    layout = _layout(loc, xaxis={"type": "category"}, yaxis={**_money_axis(loc), "rangemode": "tozero"})
    return _figure(traces, layout)
