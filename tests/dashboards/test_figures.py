"""Each figure builder: the right traces and values from the tables, None without data."""

from __future__ import annotations

import json
from decimal import Decimal

import plotly.graph_objects as go
import polars as pl
import pytest

from dashboards import figures
from dashboards.i18n import Locale

NL = Locale("nl")
EN = Locale("en")


@pytest.fixture(scope="module")
def data(sample_site_data):
    return sample_site_data(names={"dunea": "<script>alert(1)</script>"})


def validated(figure: figures.Figure) -> go.Figure:
    """The builder's plain figure data as a graph object: Plotly checks every property name and value."""
    assert isinstance(figure, dict) and set(figure) == {"data", "layout"}
    return go.Figure(figure)


def names_of(data) -> dict[str, str]:
    return {p["id"]: p["name"] for p in data.programme["partners"]}


def test_hires_per_period_stacks_driving_on_hunting(data) -> None:
    frame = data.programme_period.sort("period")
    figure = validated(figures.hires_per_period(frame, NL))
    driving, hunting = figure.data
    assert figure.layout.barmode == "stack"
    assert list(driving.x) == data.periods
    assert list(driving.y) == [float(v) for v in frame["driving_hires"]]
    assert list(hunting.y) == [float(v) for v in frame["hunting_hires"]]
    assert driving.name == "Aannames drijvend"
    assert figure.layout.separators == ",."


def test_targets_are_coloured_by_status_against_a_line_at_100(data) -> None:
    frame = data.target_progress
    figure = validated(figures.targets(frame, names_of(data), EN))
    (bar,) = figure.data
    # bars stop at 250 %, so one far-off target cannot flatten the rest; the label stays true
    assert list(bar.x) == pytest.approx([min(max(r * 100, -50), 250) for r in frame["ratio"]])
    clipped = [i for i, r in enumerate(frame["ratio"]) if r * 100 > 250]
    assert clipped, "the sample should have a target far above expectation"
    assert all(bar.textposition[i] == "inside" for i in clipped)
    assert all(EN.percent(frame["ratio"][i]) in bar.customdata[i] for i in clipped)
    assert list(bar.marker.color) == [figures.COLOURS[s] for s in frame["status"]]
    assert figure.layout.shapes[0].x0 == 100
    # actual / expected written in the figure's own unit: hires as counts, net benefit as money
    first_hires = frame.filter(pl.col("indicator") == "driving_hires").row(0, named=True)
    index = frame["indicator"].to_list().index("driving_hires")
    assert bar.text[index] == f"{int(first_hires['actual'])} / {int(first_hires['expected'])}"
    assert any(text.endswith(" / €50,000") for text in bar.text)


def test_hires_per_partner_escapes_names(data) -> None:
    period = data.periods[-1]
    frame = data.partner_period.filter(pl.col("period") == period)
    figure = validated(figures.hires_per_partner(frame, names_of(data), NL))
    labels = list(figure.data[0].y)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in labels
    assert not any("<script>" in label for label in labels)
    assert sum(figure.data[0].x) == frame["driving_hires"].sum()


def test_sankey_flows_every_hire_through_its_field(data) -> None:
    period = data.periods[-1]
    hires = data.vacancies.filter((pl.col("period") == period) & (pl.col("status") == "filled"))
    figure = validated(figures.channel_sankey(hires, names_of(data), data.programme["fields"], NL))
    (sankey,) = figure.data
    labels = list(sankey.node.label)
    field_nodes = {labels.index("Drijvend"), labels.index("Jagend")}
    into_fields = sum(
        v for v, t in zip(sankey.link.value, sankey.link.target, strict=True) if t in field_nodes
    )
    out_of_fields = sum(
        v for v, s in zip(sankey.link.value, sankey.link.source, strict=True) if s in field_nodes
    )
    assert into_fields == out_of_fields == hires.height
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in labels


def test_waterfall_steps_add_up_to_net_benefit_exactly(data) -> None:
    for row in data.partner_period.iter_rows(named=True):
        for suffix in ("", "_cum"):
            steps = figures.waterfall_steps(row, suffix)
            assert sum((amount for _, amount in steps[:-1]), Decimal(0)) == steps[-1][1]
            assert steps[-1][1] == row[f"net_benefit{suffix}"]


def test_waterfall_labels_are_money_in_the_locale(data) -> None:
    row = data.programme_period.row(-1, named=True)
    figure = validated(figures.roi_waterfall(row, NL))
    (waterfall,) = figure.data
    assert list(waterfall.measure) == ["relative"] * 4 + ["total"]
    assert waterfall.text[0] == NL.money(-row["contribution"], decimals=0)
    assert waterfall.text[-1] == NL.money(row["net_benefit"], decimals=0)
    cumulative = validated(figures.roi_waterfall(row, NL, "_cum"))
    assert cumulative.data[0].text[-1] == NL.money(row["net_benefit_cum"], decimals=0)


def test_cordon_heatmap_marks_gaps_and_missing_files(data) -> None:
    period = data.periods[1]
    frame = data.cordon.filter(pl.col("period") == period)
    figure = validated(figures.cordon_heatmap(frame, "partner", names_of(data), NL))
    heatmap = figure.data[0]
    statuses = {(r["partner"], r["commitment"]): r["status"] for r in frame.iter_rows(named=True)}
    assert "no_submission" in statuses.values()
    texts = [t for row in heatmap.text for t in row]
    assert texts.count("∅") == sum(1 for s in statuses.values() if s == "no_submission")
    assert texts.count("✓") == sum(1 for s in statuses.values() if s == "kept")
    codes = [z for row in heatmap.z for z in row if z is not None]
    assert sorted(codes) == sorted(figures.STATUS_CODES[s] for s in statuses.values())
    assert list(heatmap.x[:2]) == ["Geld", "Uren"]


def test_cordon_gap_is_written_in_its_unit() -> None:
    frame = pl.DataFrame(
        {
            "partner": ["a", "a"],
            "commitment": ["money", "hours"],
            "status": ["gap", "gap"],
            "committed": [Decimal("5000"), Decimal("40")],
            "delivered": [Decimal("4000"), Decimal("30")],
            "gap": [Decimal("1000"), Decimal("10")],
        }
    )
    figure = validated(figures.cordon_heatmap(frame, "partner", {"a": "A"}, NL))
    assert list(figure.data[0].text[0]) == ["€ -1.000", "-10 u"]


def test_fair_share_has_the_diagonal_and_one_point_per_partner(data) -> None:
    period = data.periods[-1]
    frame = data.fair_share.filter(pl.col("as_of_period") == period)
    figure = validated(figures.fair_share_scatter(frame, "partner", names_of(data), EN))
    diagonal, *points = figure.data
    assert list(diagonal.x) == list(diagonal.y)
    assert len(points) == frame.height
    assert sorted(p.x[0] for p in points) == sorted(frame["contribution_share"].to_list())


def test_joint_pot_and_value_over_time(data) -> None:
    pot = validated(figures.joint_pot(data.joint_pot, NL))
    assert [t.name for t in pot.data] == [
        "Ingelegd",
        "Uitgegeven",
        "Ingelegd cumulatief",
        "Uitgegeven cumulatief",
    ]
    assert pot.data[2].y[-1] == float(data.joint_pot["contributed_cum"][-1])
    value = validated(figures.value_over_time(data.programme_period, EN))
    assert value.data[-1].y[-1] == float(data.programme_period["net_benefit_cum"][-1])


def test_cost_per_hire_adds_the_programme_line_only_when_given(data) -> None:
    own = data.partner_period.filter(pl.col("partner") == "hhnk")
    alone = validated(figures.cost_per_hire(own, None, NL))
    together = validated(figures.cost_per_hire(own, data.programme_period, NL))
    assert len(alone.data) == 2
    assert len(together.data) == 3


@pytest.mark.parametrize(
    "build",
    [
        lambda f: figures.hires_per_period(f, NL),
        lambda f: figures.targets(f, {}, NL),
        lambda f: figures.hires_per_partner(f, {}, NL),
        lambda f: figures.channel_sankey(f, {}, {}, NL),
        lambda f: figures.cordon_heatmap(f, "partner", {}, NL),
        lambda f: figures.fair_share_scatter(f, "partner", {}, NL),
        lambda f: figures.joint_pot(f, NL),
        lambda f: figures.value_over_time(f, NL),
        lambda f: figures.cost_per_hire(f, None, NL),
    ],
)
def test_no_data_no_figure(build) -> None:
    assert build(pl.DataFrame()) is None


def test_waterfall_without_a_row_is_none() -> None:
    assert figures.roi_waterfall(None, NL) is None
    assert figures.roi_waterfall({}, NL) is None


def test_plot_text_and_wrapped_labels_escape_markup() -> None:
    assert figures.plot_text("<b>A & B</b>") == "&lt;b&gt;A &amp; B&lt;/b&gt;"
    assert figures.wrap_label("Hoogheemraadschap Hollands Noorderkwartier") == (
        "Hoogheemraadschap<br>Hollands Noorderkwartier"
    )
    assert figures.wrap_label("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;"


def test_figures_carry_no_bulky_template(data) -> None:
    figure = validated(figures.hires_per_period(data.programme_period, NL))
    payload = json.loads(figure.to_json())
    assert len(figure.to_json()) < 4000
    assert "colorscale" not in json.dumps(payload["layout"].get("template", {}))


def test_fair_share_of_many_partners_is_one_trace_named_on_hover(sample_site_data) -> None:
    data = sample_site_data(partners=figures.LEGEND_PARTNERS + 1, periods=2, vacancies_per_period=4)
    frame = data.fair_share.filter(pl.col("as_of_period") == data.periods[-1])
    names = {**names_of(data), "dunea": "<b>Dunea</b>"}
    figure = validated(figures.fair_share_scatter(frame, "partner", names, EN))
    diagonal, points = figure.data
    assert diagonal.name == "equal shares"
    assert len(points.x) == frame.height == figures.LEGEND_PARTNERS + 1
    assert points.showlegend is False
    assert sorted(points.x) == sorted(float(v) for v in frame["contribution_share"])
    assert any(text.startswith("&lt;b&gt;Dunea&lt;/b&gt;<br>") for text in points.customdata)
    # without a legend the plot keeps its height, however many partners
    assert figure.layout.height == 420
    few = validated(figures.fair_share_scatter(frame.head(figures.LEGEND_PARTNERS), "partner", names, EN))
    assert len(few.data) == 1 + figures.LEGEND_PARTNERS


def test_sankey_from_hires_counted_per_channel_is_the_same_figure(data) -> None:
    from dashboards.pages import hires_by_channel

    period = data.periods[-1]
    rows = data.vacancies.filter((pl.col("period") == period) & (pl.col("status") == "filled"))
    counted = hires_by_channel(data.vacancies).filter(pl.col("period") == period)
    assert counted["hires"].sum() == rows.height
    fields = data.programme["fields"]
    assert figures.channel_sankey(counted, names_of(data), fields, NL) == figures.channel_sankey(
        rows, names_of(data), fields, NL
    )


def test_fair_share_ticks_tell_small_shares_apart() -> None:
    shares = [Decimal("0.0025") + Decimal(i) / 10000 for i in range(30)]
    frame = pl.DataFrame(
        {"partner": [f"p{i}" for i in range(30)], "contribution_share": shares, "benefit_share": shares[::-1]}
    )
    figure = validated(figures.fair_share_scatter(frame, "partner", {}, NL))
    assert figure.layout.xaxis.tickformat == figure.layout.yaxis.tickformat == ".1%"
    wide = frame.with_columns(pl.col("contribution_share") * 40, pl.col("benefit_share") * 40)
    assert validated(figures.fair_share_scatter(wide, "partner", {}, NL)).layout.xaxis.tickformat == ".0%"
