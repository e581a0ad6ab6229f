"""marts.target_progress: expected vs actual on the tiny programme (figures: see test_outcomes)."""

from decimal import Decimal as D

import duckdb
from fixtures.numbers.clean_tables import tiny_programme, tiny_warehouse

from assets.outcomes import build_partner_period, build_programme_period
from assets.targets import INDICATORS, LOWER_IS_BETTER, build_target_progress
from domain.programme import Target


def progress(*targets: tuple[str, str, str, str]) -> duckdb.DuckDBPyConnection:
    programme = tiny_programme().model_copy(update={"targets": [
        Target(scope=s, indicator=i, period=p, expected=D(e)) for s, i, p, e in targets
    ]})
    con = tiny_warehouse(programme)
    build_partner_period(con, programme)
    build_programme_period(con, programme)
    build_target_progress(con, programme)
    return con


def rows(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute(
        "SELECT scope, indicator, period, period_kind, as_of_period, expected, actual, ratio, "
        "status, lower_is_better FROM marts.target_progress"
    ).fetchall()


def statuses(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute(
        "SELECT scope, indicator, period, expected, actual, ratio, status "
        "FROM marts.target_progress ORDER BY expected"
    ).fetchall()


def test_the_tiny_programmes_own_targets() -> None:
    programme = tiny_programme()
    con = tiny_warehouse(programme)
    build_partner_period(con, programme)
    build_programme_period(con, programme)
    build_target_progress(con, programme)
    assert rows(con) == [
        # alpha's net benefit over the year to date (2025Q1 + 2025Q2): 1360 + 892 = 2252 of
        # 10000 = 0.2252: behind
        ("alpha", "net_benefit", "2025", "year", "2025Q2", 10000, 2252, D("0.2252"), "behind", False),
        # three driving hires in 2025Q1 (A1, B1, G1) of 3 expected: met
        ("programme", "driving_hires", "2025Q1", "quarter", "2025Q1", 3, 3, 1, "met", False),
    ]
    assert con.execute("SELECT count(*) FROM marts.warnings").fetchall() == [(0,)]


def test_status_thresholds_are_exact() -> None:
    # driving hires in 2025 to date: 3 + 2 = 5
    con = progress(
        ("programme", "driving_hires", "2025", "5"),      # 5 / 5 = 1: met
        ("programme", "driving_hires", "2025", "6"),      # duplicate: the first one counts
    )
    assert statuses(con) == [("programme", "driving_hires", "2025", 5, 5, 1, "met")]
    for expected, ratio, status in (
        ("6", D("0.8333333333"), "at_risk"),      # 5 / 6
        ("6.25", D("0.8"), "at_risk"),            # 5 / 6.25 = 0.8 exactly
        ("6.26", D("0.7987220447"), "behind"),    # 5 / 6.26
    ):
        con = progress(("programme", "driving_hires", "2025", expected))
        assert statuses(con) == [("programme", "driving_hires", "2025", D(expected), 5, ratio, status)]


def test_a_duplicate_target_is_dropped_with_a_warning() -> None:
    con = progress(
        ("programme", "driving_hires", "2025Q1", "3"),
        ("programme", "driving_hires", "2025Q1", "4"),
    )
    assert statuses(con) == [("programme", "driving_hires", "2025Q1", 3, 3, 1, "met")]
    assert con.execute("SELECT scope, period, figure, rule FROM marts.warnings").fetchall() == [
        ("programme", "2025Q1", "driving_hires", "duplicate_target"),
    ]


def test_lower_is_better_inverts_the_ratio() -> None:
    # programme cost per driving hire in 2025Q1: (1750 + 1400 + 1575) / 3 = 1575
    for expected, ratio, status in (
        ("1575", D(1), "met"),
        ("2000", D("1.2698412698"), "met"),         # 2000 / 1575
        ("1500", D("0.9523809524"), "at_risk"),     # 1500 / 1575
        ("1260", D("0.8"), "at_risk"),              # 1260 / 1575 = 0.8 exactly
        ("1259.99", D("0.7999936508"), "behind"),
    ):
        con = progress(("programme", "driving_cost_per_hire", "2025Q1", expected))
        assert statuses(con) == [
            ("programme", "driving_cost_per_hire", "2025Q1", D(expected), 1575, ratio, status)
        ]
    assert rows(con)[0][-1] is True
    assert sorted(LOWER_IS_BETTER) == [
        "driving_cost_per_hire", "driving_time_to_fill", "hunting_cost_per_hire", "hunting_time_to_fill",
    ]


def test_yearly_ratios_are_recomputed_from_the_years_sums() -> None:
    con = progress(
        # beta: (4062 - 7020) / (3750 + 4500) = -2958 / 8250 = -0.35854545...; the mean of the
        # quarterly ROIs (1.0832 - 1.56) / 2 = -0.2384 would be wrong
        ("beta", "roi", "2025", "0.1"),
        # alpha's hunting hires in 2025: (4000.50 + 3750) / 2 = 3875.25 per hire
        ("alpha", "hunting_cost_per_hire", "2025", "4000"),
        # alpha's driving time to fill: (45 + 50) / 2 = 47.5 days
        ("alpha", "driving_time_to_fill", "2025", "50"),
    )
    assert statuses(con) == [
        # -0.3585454545 / 0.1 (the ratio is taken of the rounded actual)
        ("beta", "roi", "2025", D("0.1"), D("-0.3585454545"), D("-3.585454545"), "behind"),
        # 50 / 47.5 = 1.0526...
        ("alpha", "driving_time_to_fill", "2025", 50, D("47.5"), D("1.0526315789"), "met"),
        # 4000 / 3875.25 = 1.03219...
        ("alpha", "hunting_cost_per_hire", "2025", 4000, D("3875.25"), D("1.0321914715"), "met"),
    ]


def test_stocks_are_taken_at_the_end_of_the_window() -> None:
    con = progress(
        ("programme", "open_vacancies", "2025", "2"),        # G2 open at the end of 2025Q2
        ("programme", "net_benefit_cum", "2025Q1", "20000"),  # 12568 by the end of 2025Q1
        ("alpha", "roi_cum", "2025", "0.1"),                  # 2252 / 16000 = 0.14075
    )
    assert statuses(con) == [
        ("alpha", "roi_cum", "2025", D("0.1"), D("0.14075"), D("1.4075"), "met"),
        ("programme", "open_vacancies", "2025", 2, 1, D("0.5"), "behind"),
        ("programme", "net_benefit_cum", "2025Q1", 20000, 12568, D("0.6284"), "behind"),
    ]


def test_expected_zero_or_negative_is_compared_without_a_ratio() -> None:
    con = progress(
        ("beta", "net_benefit", "2025Q2", "-5000"),   # -7020 is worse than -5000
        ("gamma", "contribution", "2025Q1", "0"),     # 0 >= 0
    )
    assert statuses(con) == [
        ("beta", "net_benefit", "2025Q2", -5000, -7020, None, "behind"),
        ("gamma", "contribution", "2025Q1", 0, 0, None, "met"),
    ]


def test_targets_that_cannot_be_evaluated_are_unknown_with_a_warning() -> None:
    con = progress(
        ("programme", "happiness", "2025Q1", "1"),
        ("delta", "driving_hires", "2025Q1", "1"),
        ("programme", "driving_hires", "2026", "1"),
        ("programme", "driving_hires", "2024Q4", "1"),
        ("gamma", "driving_cost_per_hire", "2025Q2", "1000"),   # gamma had no hires in 2025Q2
    )
    assert [(r[0], r[1], r[2], r[4], r[6], r[7], r[8]) for r in rows(con)] == [
        ("delta", "driving_hires", "2025Q1", None, None, None, "unknown"),
        ("gamma", "driving_cost_per_hire", "2025Q2", "2025Q2", None, None, "unknown"),
        ("programme", "driving_hires", "2024Q4", None, None, None, "unknown"),
        ("programme", "driving_hires", "2026", None, None, None, "unknown"),
        ("programme", "happiness", "2025Q1", None, None, None, "unknown"),
    ]
    assert con.execute(
        "SELECT scope, period, figure, rule, stage FROM marts.warnings ORDER BY ALL"
    ).fetchall() == [
        ("delta", "2025Q1", "driving_hires", "unknown_scope", "target_progress"),
        ("gamma", "2025Q2", "driving_cost_per_hire", "no_actual", "target_progress"),
        ("programme", "2024Q4", "driving_hires", "period_outside_data", "target_progress"),
        ("programme", "2025Q1", "happiness", "unknown_indicator", "target_progress"),
        ("programme", "2026", "driving_hires", "period_outside_data", "target_progress"),
    ]


def test_every_indicator_has_an_actual() -> None:
    con = progress(*(("programme", name, "2025", "1") for name in INDICATORS))
    actual = dict(con.execute("SELECT indicator, actual FROM marts.target_progress").fetchall())
    assert set(actual) == set(INDICATORS)
    assert [name for name, value in actual.items() if value is None] == []
    # a few by hand: the year's sums and the stocks at 2025Q2
    assert actual["contribution"] == 27000
    assert actual["contribution_hours"] == 50 + 70
    assert actual["net_benefit"] == 3690
    assert actual["roi"] == D("0.1366666667")
    assert actual["days_saved"] == 35 + 29 + 18 + 30 - 30
    assert actual["own_hunting_cost"] == D("4000.50") + 4900 + 3750
    assert actual["driving_hires_cum"] == 5
    assert actual["open_vacancies"] == 1
