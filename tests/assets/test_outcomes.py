"""marts.partner_period and marts.programme_period on hand-written clean tables, figure by figure.

The tiny programme (tests/fixtures/tiny): hour_rate 75, vacancy_day_cost 250, deadweight 0.20,
attribution 0.10, so benefit = gross x 0.8 x 0.9 = gross x 0.72. Baselines: alpha 6000 / 80 days,
beta 5000 / 60, gamma 7000 / 90.
"""

from datetime import date
from decimal import Decimal as D
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from fixtures.numbers.clean_tables import (
    Vacancy,
    clean_warehouse,
    tiny_programme,
    tiny_rows,
    tiny_warehouse,
)

from assets import cordon, fair_share, outcomes, targets
from assets.outcomes import build_partner_period, build_programme_period, reconciliation_mismatches
from domain.programme import Programme
from pipelines.resources import OutputFolder, ProgrammeFolder

FIGURES = (
    "contribution", "driving_hires", "hunting_hires", "open_vacancies", "own_driving_cost",
    "counterfactual_cost", "cost_savings", "days_saved", "time_savings", "gross_benefit",
    "benefit", "net_benefit", "roi",
)


def build(con: duckdb.DuckDBPyConnection, programme: Programme) -> duckdb.DuckDBPyConnection:
    build_partner_period(con, programme)
    build_programme_period(con, programme)
    return con


def row(con: duckdb.DuckDBPyConnection, table: str, where: str, *params) -> dict:
    relation = con.execute(f"SELECT * FROM marts.{table} WHERE {where}", list(params))
    names = [d[0] for d in relation.description]
    rows = relation.fetchall()
    assert len(rows) == 1, rows
    return dict(zip(names, rows[0], strict=True))


def partner(con, pid: str, period: str) -> dict:
    return row(con, "partner_period", "partner = ? AND period = ?", pid, period)


def figures(con, pid: str, period: str) -> tuple:
    values = partner(con, pid, period)
    return tuple(values[name] for name in FIGURES)


@pytest.fixture
def tiny() -> duckdb.DuckDBPyConnection:
    return build(tiny_warehouse(), tiny_programme())


def test_alpha_figures_by_hand(tiny) -> None:
    # 2025Q1: contribution 5000 + 40 h x 75 = 8000. Driving hire A1: own cost 1000 + 10 h x 75
    # = 1750 vs baseline 6000 -> savings 4250; 6 Jan -> 20 Feb = 45 days vs 80 -> 35 days x 250
    # = 8750; gross 13000 x 0.72 = 9360; net 9360 - 8000 = 1360; roi 1360 / 8000 = 0.17.
    # Hunting hire A2; A3 (opened 1 Mar, filled 20 Apr) is open at the end of 2025Q1.
    assert figures(tiny, "alpha", "2025Q1") == (
        8000, 1, 1, 1, 1750, 6000, 4250, 35, 8750, 13000, 9360, 1360, D("0.17"),
    )
    # 2025Q2: A3 counts in the quarter it was filled: 700 + 6 x 75 = 1150 vs 6000 -> 4850;
    # 50 days vs 80 -> 30 x 250 = 7500; (4850 + 7500) x 0.72 = 8892; 8892 - 8000 = 892;
    # roi 892 / 8000 = 0.1115.
    assert figures(tiny, "alpha", "2025Q2") == (
        8000, 1, 1, 0, 1150, 6000, 4850, 30, 7500, 12350, 8892, 892, D("0.1115"),
    )


def test_beta_negative_time_savings(tiny) -> None:
    # 2025Q1: 3000 + 10 x 75 = 3750; B1 800 + 8 x 75 = 1400 vs 5000 -> 3600; 31 days vs 60 ->
    # 29 x 250 = 7250; 10850 x 0.72 = 7812; net 4062; roi 4062 / 3750 = 1.0832.
    assert figures(tiny, "beta", "2025Q1") == (
        3750, 1, 1, 0, 1400, 5000, 3600, 29, 7250, 10850, 7812, 4062, D("1.0832"),
    )
    # 2025Q2: 3000 + 20 x 75 = 4500; B4 took 90 days against a baseline of 60: -30 days x 250 =
    # -7500; gross 4000 - 7500 = -3500 x 0.72 = -2520; net -2520 - 4500 = -7020; roi -1.56.
    assert figures(tiny, "beta", "2025Q2") == (
        4500, 1, 0, 0, 1000, 5000, 4000, -30, -7500, -3500, -2520, -7020, D("-1.56"),
    )


def test_zero_contribution_has_no_roi_and_no_driving_hires_saves_nothing(tiny) -> None:
    # 2025Q1: gamma sent no contributions: roi empty. G1 1200 + 5 x 75 = 1575 vs 7000 -> 5425;
    # 72 days vs 90 -> 18 x 250 = 4500; 9925 x 0.72 = 7146 = net.
    assert figures(tiny, "gamma", "2025Q1") == (
        0, 1, 0, 0, 1575, 7000, 5425, 18, 4500, 9925, 7146, 7146, None,
    )
    # 2025Q2: 2000 + 10 x 75 = 2750; no hire at all (G2 still open): every saving is 0, not
    # empty; net -2750, roi -1; the means over hires are empty.
    assert figures(tiny, "gamma", "2025Q2") == (
        2750, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, -2750, -1,
    )
    q2 = partner(tiny, "gamma", "2025Q2")
    assert (q2["driving_cost_per_hire"], q2["driving_time_to_fill"]) == (None, None)
    assert (q2["hunting_cost_per_hire"], q2["hunting_time_to_fill"]) == (None, None)


def test_means_and_baselines_of_a_partner(tiny) -> None:
    q1 = partner(tiny, "alpha", "2025Q1")
    # driving: A1 1750 in 45 days; hunting: A2 2500.50 + 20 x 75 = 4000.50 in 75 days
    assert (q1["driving_cost_per_hire"], q1["driving_time_to_fill"]) == (1750, 45)
    assert (q1["hunting_cost_per_hire"], q1["hunting_time_to_fill"]) == (D("4000.50"), 75)
    assert (q1["own_hunting_cost"], q1["driving_days_to_fill"], q1["hunting_days_to_fill"]) == (
        D("4000.50"), 45, 75,
    )
    assert (q1["baseline_source"], q1["baseline_cost_per_hire"],
            q1["baseline_time_to_fill_days"]) == ("programme", 6000, 80)


def test_cumulative_figures(tiny) -> None:
    q2 = partner(tiny, "alpha", "2025Q2")
    # 8000 + 8000; 9360 + 8892 = 18252; 1360 + 892 = 2252; roi_cum 2252 / 16000 = 0.14075
    assert (q2["contribution_cum"], q2["benefit_cum"], q2["net_benefit_cum"], q2["roi_cum"]) == (
        16000, 18252, 2252, D("0.14075"),
    )
    assert (q2["driving_hires_cum"], q2["hunting_hires_cum"], q2["own_driving_cost_cum"]) == (
        2, 2, 2900,
    )
    assert (q2["cost_savings_cum"], q2["days_saved_cum"], q2["time_savings_cum"]) == (
        9100, 65, 16250,
    )
    # gamma had no contribution in 2025Q1: roi_cum exists from the first contribution on
    gamma = partner(tiny, "gamma", "2025Q2")
    # (7146 + (0 - 2750)) / 2750 = 4396 / 2750 = 1.5985454545...
    assert gamma["roi_cum"] == D("1.5985454545")


def test_programme_is_the_sum_of_partners_with_roi_of_sums(tiny) -> None:
    q1 = row(tiny, "programme_period", "period = '2025Q1'")
    # contribution 8000 + 3750 + 0; net 1360 + 4062 + 7146; roi 12568 / 11750 = 1.06961702127...
    assert (q1["partners"], q1["contribution"], q1["net_benefit"], q1["roi"]) == (
        3, 11750, 12568, D("1.0696170213"),
    )
    # means over all hires: (1750 + 1400 + 1575) / 3 = 1575; (45 + 31 + 72) / 3 = 49.3333...;
    # hunting (4000.50 + 4900) / 2 = 4450.25 in (75 + 55) / 2 = 65 days
    assert (q1["driving_cost_per_hire"], q1["driving_time_to_fill"]) == (1575, D("49.3333"))
    assert (q1["hunting_cost_per_hire"], q1["hunting_time_to_fill"]) == (D("4450.25"), 65)
    q2 = row(tiny, "programme_period", "period = '2025Q2'")
    # 8000 + 4500 + 2750 = 15250; 892 - 7020 - 2750 = -8878; roi -8878 / 15250 = -0.58216393...
    assert (q2["contribution"], q2["net_benefit"], q2["roi"]) == (15250, -8878, D("-0.5821639344"))
    # cumulative: 27000 and 12568 - 8878 = 3690; 3690 / 27000 = 0.136666...
    assert (q2["contribution_cum"], q2["net_benefit_cum"], q2["roi_cum"]) == (
        27000, 3690, D("0.1366666667"),
    )
    assert (q2["open_vacancies"], q2["driving_hires"], q2["hunting_hires"]) == (1, 2, 1)
    assert reconciliation_mismatches(tiny) == []


def test_money_is_never_a_float(tiny) -> None:
    types = tiny.execute(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'marts' AND table_name IN ('partner_period', 'programme_period')"
    ).fetchall()
    assert not [t for t in types if t[2] in ("DOUBLE", "FLOAT", "REAL")]
    decimals = {(t, c): dtype for t, c, dtype in types if dtype.startswith("DECIMAL")}
    assert decimals[("partner_period", "benefit")] == "DECIMAL(38,12)"
    assert decimals[("programme_period", "roi")] == "DECIMAL(38,10)"


def test_reconciliation_finds_a_hundredth_of_a_cent(tiny) -> None:
    tiny.execute(
        "UPDATE marts.programme_period SET cost_savings = cost_savings + 0.0001 "
        "WHERE period = '2025Q1'"
    )
    assert reconciliation_mismatches(tiny) == [("2025Q1", "cost_savings")]


def without_baselines(programme: Programme, *partners: str) -> Programme:
    return programme.model_copy(
        update={"baselines": [b for b in programme.baselines if b.partner not in partners]}
    )


def test_missing_baseline_falls_back_to_own_hunting_hires() -> None:
    programme = without_baselines(tiny_programme(), "alpha")
    con = build(tiny_warehouse(programme), programme)
    q1 = partner(con, "alpha", "2025Q1")
    # own hunting A2: 2500.50 + 20 x 75 = 4000.50 per hire, 75 days. A1: savings 4000.50 -
    # 1750 = 2250.50; 75 - 45 = 30 days x 250 = 7500; (2250.50 + 7500) x 0.72 = 7020.36;
    # net 7020.36 - 8000 = -979.64
    assert (q1["baseline_source"], q1["baseline_cost_per_hire"], q1["baseline_time_to_fill_days"]) == (
        "own_hunting", D("4000.50"), 75,
    )
    assert (q1["cost_savings"], q1["time_savings"], q1["benefit"], q1["net_benefit"]) == (
        D("2250.50"), 7500, D("7020.36"), D("-979.64"),
    )
    q2 = partner(con, "alpha", "2025Q2")
    # the period's own hunting hire A5: 3000 + 10 x 75 = 3750, 30 days. A3: 3750 - 1150 = 2600;
    # 30 - 50 = -20 days x 250 = -5000; (2600 - 5000) x 0.72 = -1728
    assert (q2["baseline_source"], q2["cost_savings"], q2["time_savings"], q2["benefit"]) == (
        "own_hunting", 2600, -5000, -1728,
    )


def test_missing_baseline_without_hunting_hires_takes_the_programme_median() -> None:
    programme = without_baselines(tiny_programme(), "gamma")
    con = build(tiny_warehouse(programme), programme)
    q1 = partner(con, "gamma", "2025Q1")
    # median of alpha 6000 / 80 and beta 5000 / 60 = 5500 / 70; G1: 5500 - 1575 = 3925;
    # 70 - 72 = -2 days x 250 = -500; (3925 - 500) x 0.72 = 2466
    assert (q1["baseline_source"], q1["baseline_cost_per_hire"], q1["baseline_time_to_fill_days"]) == (
        "programme_median", 5500, 70,
    )
    assert (q1["cost_savings"], q1["time_savings"], q1["benefit"]) == (3925, -500, 2466)


def test_derived_baseline_is_rounded_half_up_to_the_cent() -> None:
    tiny = tiny_programme()
    programme = tiny.model_copy(update={"baselines": [
        tiny.baselines[0].model_copy(update={"cost_per_hire": D("6000.01")}),
        tiny.baselines[1].model_copy(update={"time_to_fill_days": D(61)}),
    ]})
    con = build(tiny_warehouse(programme), programme)
    q1 = partner(con, "gamma", "2025Q1")
    # (6000.01 + 5000) / 2 = 5500.005 -> 5500.01; (80 + 61) / 2 = 70.5
    assert (q1["baseline_cost_per_hire"], q1["baseline_time_to_fill_days"]) == (
        D("5500.01"), D("70.50"),
    )
    assert q1["counterfactual_cost"] == D("5500.01")


def test_no_baseline_at_all_leaves_savings_empty_with_a_warning() -> None:
    programme = tiny_programme().model_copy(update={"baselines": []})
    con = build(tiny_warehouse(programme), programme)
    # beta 2025Q1 still has its own hunting hire B2: 4000 + 12 x 75 = 4900, 55 days
    beta = partner(con, "beta", "2025Q1")
    assert (beta["baseline_source"], beta["baseline_cost_per_hire"], beta["cost_savings"]) == (
        "own_hunting", 4900, 3500,
    )
    # gamma 2025Q1 has a driving hire, no hunting hire and nothing to take a median of
    gamma = partner(con, "gamma", "2025Q1")
    assert gamma["baseline_source"] == "none"
    assert [gamma[f] for f in ("counterfactual_cost", "cost_savings", "days_saved",
                               "time_savings", "gross_benefit", "benefit", "net_benefit",
                               "roi")] == [None] * 8
    assert gamma["own_driving_cost"] == 1575
    # without driving hires nothing is owed to a baseline: gamma 2025Q2 saves 0, but its running
    # sums stay empty after the empty 2025Q1
    gamma_q2 = partner(con, "gamma", "2025Q2")
    assert (gamma_q2["baseline_source"], gamma_q2["cost_savings"], gamma_q2["net_benefit"]) == (
        "none", 0, -2750,
    )
    assert (gamma_q2["cost_savings_cum"], gamma_q2["net_benefit_cum"], gamma_q2["roi_cum"]) == (
        None, None, None,
    )
    assert gamma_q2["contribution_cum"] == 2750
    # the programme's sums over an empty figure are empty too; the reconciliation still holds
    programme_q1 = row(con, "programme_period", "period = '2025Q1'")
    assert (programme_q1["cost_savings"], programme_q1["roi"]) == (None, None)
    assert programme_q1["own_driving_cost"] == 1750 + 1400 + 1575
    assert reconciliation_mismatches(con) == []
    warnings = con.execute(
        "SELECT scope, period, figure, rule FROM marts.warnings ORDER BY ALL"
    ).fetchall()
    # beta 2025Q2: driving hire B4, no hunting hire in that quarter
    assert warnings == [
        ("beta", "2025Q2", "cost_savings", "no_baseline"),
        ("beta", "2025Q2", "time_savings", "no_baseline"),
        ("gamma", "2025Q1", "cost_savings", "no_baseline"),
        ("gamma", "2025Q1", "time_savings", "no_baseline"),
    ]


def test_rebuilding_replaces_a_stages_warnings() -> None:
    programme = tiny_programme().model_copy(update={"baselines": []})
    con = build(tiny_warehouse(programme), programme)
    build(con, programme)
    assert con.execute("SELECT count(*) FROM marts.warnings").fetchall() == [(4,)]
    fixed = tiny_programme()
    build(con, fixed)
    assert con.execute("SELECT count(*) FROM marts.warnings").fetchall() == [(0,)]


def test_a_parameter_with_too_many_decimals_is_rounded_with_a_warning() -> None:
    tiny = tiny_programme()
    programme = tiny.model_copy(
        update={"valuation": tiny.valuation.model_copy(update={"hour_rate": D("75.125")})}
    )
    con = build(tiny_warehouse(programme), programme)
    # 75.125 -> 75.13: alpha 2025Q1 5000 + 40 x 75.13 = 8005.20
    assert partner(con, "alpha", "2025Q1")["contribution"] == D("8005.20")
    assert con.execute(
        "SELECT scope, period, figure, rule FROM marts.warnings"
    ).fetchall() == [("programme", None, "hour_rate", "parameter_rounded")]


def test_open_vacancies_span_the_quarters_they_stay_open() -> None:
    programme = tiny_programme()
    vacancies = [
        # opened 2025Q1, filled 2025Q3: open at the end of Q1 and Q2
        Vacancy("alpha", "X1", "agency", date(2025, 2, 1), date(2025, 8, 1), D(0), D(0)),
        # opened 2025Q1, last reported open in 2025Q2: open at the end of Q1 and Q2, not Q3
        Vacancy("alpha", "X2", "agency", date(2025, 3, 1), None, D(0), D(0), "2025Q2"),
        # opened before first_period, still open in 2025Q3
        Vacancy("alpha", "X3", "agency", date(2024, 11, 1), None, D(0), D(0), "2025Q3"),
        # opened and filled within 2025Q2: never open at a quarter's end
        Vacancy("alpha", "X4", "agency", date(2025, 4, 2), date(2025, 5, 1), D(0), D(0)),
    ]
    con = build(clean_warehouse(programme, "2025Q3", vacancies=vacancies), programme)
    opened = con.execute(
        "SELECT period, open_vacancies FROM marts.partner_period WHERE partner = 'alpha' "
        "ORDER BY period"
    ).fetchall()
    assert opened == [("2025Q1", 3), ("2025Q2", 3), ("2025Q3", 1)]


def test_every_partner_and_period_has_a_row(tiny) -> None:
    assert tiny.execute("SELECT partner, period FROM marts.partner_period").fetchall() == [
        ("alpha", "2025Q1"), ("alpha", "2025Q2"), ("beta", "2025Q1"), ("beta", "2025Q2"),
        ("gamma", "2025Q1"), ("gamma", "2025Q2"),
    ]
    assert outcomes.partner_period_gaps(tiny, tiny_programme()) == 0
    tiny.execute("DELETE FROM marts.partner_period WHERE partner = 'beta' AND period = '2025Q2'")
    assert outcomes.partner_period_gaps(tiny, tiny_programme()) == 1


def test_assets_materialize_and_their_checks_pass(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with duckdb.connect(str(out / "warehouse.duckdb")) as con:
        clean_warehouse(tiny_programme(), "2025Q2", con=con, **tiny_rows())
    result = dg.materialize(
        [*outcomes.ASSETS, *targets.ASSETS, *cordon.ASSETS, *fair_share.ASSETS,
         *outcomes.CHECKS, *targets.CHECKS, *cordon.CHECKS, *fair_share.CHECKS],
        resources={
            "programme": ProgrammeFolder(path=str(Path(__file__).parents[1] / "fixtures" / "tiny")),
            "output": OutputFolder(path=str(out)),
        },
    )
    assert result.success
    checks = {e.asset_check_key.name: e.passed for e in result.get_asset_check_evaluations()}
    assert checks == {
        "partner_rows_add_up_to_programme": True,
        "one_row_per_partner_and_period": True,
        "settlements_add_up_to_zero": True,
    }
    with duckdb.connect(str(out / "warehouse.duckdb"), read_only=True) as con:
        # the plain names of the data contract
        assert con.execute("SELECT count(*) FROM main.partner_period").fetchall() == [(6,)]
        assert con.execute("SELECT count(*) FROM main.fair_share").fetchall() == [(6,)]
        assert con.execute("SELECT count(*) FROM main.warnings").fetchall() == [(0,)]
