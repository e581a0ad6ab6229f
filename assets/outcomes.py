"""Outcomes: every figure of the data contract per partner and period, and the programme's sums.

The computation is DuckDB SQL (assets/sql/partner_period.sql, programme_period.sql) on exact
DECIMALs. programme.yaml reaches the SQL only through small temp tables built here, never by
formatting values into SQL text. This module also holds the helpers the other marts share: the
exact-division macros, parameter tables and marts.warnings.
"""

import statistics
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

import dagster as dg
import duckdb
import polars as pl

from assets.tables import build_mart, expose, sql
from domain.programme import Programme

# Scales of the programme's parameters as the SQL holds them. A value with more decimals is
# rounded half away from zero to this scale, with a warning.
MONEY_SCALE = 2  # hour_rate, vacancy_day_cost, a baseline's cost_per_hire and time_to_fill_days
SHARE_SCALE = 4  # deadweight, attribution

# Columns whose programme value is the sum of the partners' values (the reconciliation check).
SUMMED_COLUMNS = (
    "contribution_money", "contribution_hours", "contribution",
    "driving_hires", "hunting_hires", "open_vacancies",
    "own_driving_cost", "counterfactual_cost", "cost_savings", "days_saved", "time_savings",
    "gross_benefit", "benefit", "net_benefit",
    "own_hunting_cost", "driving_days_to_fill", "hunting_days_to_fill",
    "contribution_cum", "driving_hires_cum", "hunting_hires_cum", "own_driving_cost_cum",
    "counterfactual_cost_cum", "cost_savings_cum", "days_saved_cum", "time_savings_cum",
    "gross_benefit_cum", "benefit_cum", "net_benefit_cum",
)

MartWarning = tuple[str, str | None, str, str, str]  # scope, period, figure, rule, message


def install_helpers(con: duckdb.DuckDBPyConnection) -> None:
    """The exact-division macros, marts.warnings and an empty stage_warnings on this connection."""
    con.execute(sql("marts_macros"))


def load_table(
    con: duckdb.DuckDBPyConnection, name: str, columns: dict[str, str], rows: Sequence[tuple]
) -> None:
    """(Re)create temp table `name` with the given column types and fill it with `rows`.

    Values travel as text (a Decimal in plain notation) and are cast by DuckDB to the declared
    type: exact, and never part of the SQL text.
    """
    declared = ", ".join(f"{column} {dtype}" for column, dtype in columns.items())
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} ({declared})")
    if not rows:
        return
    frame = pl.DataFrame(
        {
            column: [_as_text(row[index]) for row in rows]
            for index, column in enumerate(columns)
        },
        schema={column: pl.String for column in columns},
    )
    casts = ", ".join(f"CAST({column} AS {dtype})" for column, dtype in columns.items())
    con.register("incoming_parameters", frame)
    try:
        con.execute(f"INSERT INTO {name} SELECT {casts} FROM incoming_parameters")
    finally:
        con.unregister("incoming_parameters")


def _as_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def exact(value: Decimal, scale: int, figure: str, warnings: list[MartWarning]) -> Decimal:
    """`value` at `scale` decimals; rounding it (half away from zero) leaves a warning."""
    rounded = Decimal(value).quantize(Decimal(1).scaleb(-scale), rounding=ROUND_HALF_UP)
    if rounded != value:
        warnings.append((
            "programme", None, figure, "parameter_rounded",
            f"{figure} = {value} has more than {scale} decimals; the figures use {rounded}",
        ))
    return rounded


def record_warnings(
    con: duckdb.DuckDBPyConnection, stage: str, extra: Sequence[MartWarning] = ()
) -> int:
    """Replace `stage`'s rows in marts.warnings by stage_warnings plus `extra`; return the count.

    The table is rewritten in key order so that it reads the same after every run.
    """
    if extra:
        con.executemany("INSERT INTO stage_warnings VALUES (?, ?, ?, ?, ?)", [list(w) for w in extra])
    con.execute(
        """
        CREATE OR REPLACE TABLE marts.warnings AS
        SELECT * FROM (
            SELECT * FROM marts.warnings WHERE stage <> $stage
            UNION ALL
            SELECT scope, period, figure, rule, message, $stage AS stage FROM stage_warnings
        )
        ORDER BY stage, scope, period NULLS FIRST, figure, rule, message
        """,
        {"stage": stage},
    )
    count = con.execute(
        "SELECT count(*) FROM marts.warnings WHERE stage = ?", [stage]
    ).fetchall()[0][0]
    con.execute("DELETE FROM stage_warnings")
    expose(con, "marts.warnings")
    return int(count)


def load_partners(con: duckdb.DuckDBPyConnection, programme: Programme) -> None:
    """p_partners: the programme's partner ids."""
    load_table(con, "p_partners", {"partner": "VARCHAR"}, [(pid,) for pid in programme.partner_ids])


def load_valuation(con: duckdb.DuckDBPyConnection, programme: Programme) -> list[MartWarning]:
    """p_valuation, p_partners, p_baselines and p_median from programme.yaml."""
    warnings: list[MartWarning] = []
    valuation = programme.valuation
    money = f"DECIMAL(18,{MONEY_SCALE})"
    share = f"DECIMAL(18,{SHARE_SCALE})"
    load_table(
        con,
        "p_valuation",
        {"hour_rate": money, "vacancy_day_cost": money, "deadweight": share, "attribution": share},
        [(
            exact(valuation.hour_rate, MONEY_SCALE, "hour_rate", warnings),
            exact(valuation.vacancy_day_cost, MONEY_SCALE, "vacancy_day_cost", warnings),
            exact(valuation.deadweight, SHARE_SCALE, "deadweight", warnings),
            exact(valuation.attribution, SHARE_SCALE, "attribution", warnings),
        )],
    )
    load_partners(con, programme)
    baselines = [
        (
            b.partner,
            exact(b.cost_per_hire, MONEY_SCALE, f"baselines[{b.partner}].cost_per_hire", warnings),
            exact(b.time_to_fill_days, MONEY_SCALE, f"baselines[{b.partner}].time_to_fill_days",
                  warnings),
        )
        for b in programme.baselines
    ]
    baseline_columns = {"cost_per_hire": money, "time_to_fill_days": money}
    load_table(con, "p_baselines", {"partner": "VARCHAR", **baseline_columns}, baselines)
    median = []
    if baselines:
        # the median of an even count is the mean of the middle two, exact in Decimal
        median = [tuple(
            statistics.median(b[i] for b in baselines).quantize(
                Decimal(1).scaleb(-MONEY_SCALE), rounding=ROUND_HALF_UP)
            for i in (1, 2)
        )]
    load_table(con, "p_median", baseline_columns, median)
    return warnings


def build_partner_period(con: duckdb.DuckDBPyConnection, programme: Programme) -> None:
    """(Re)create marts.partner_period from clean.vacancies, clean.contributions, clean.periods."""
    install_helpers(con)
    warnings = load_valuation(con, programme)
    con.execute(sql("partner_period"))
    record_warnings(con, "partner_period", warnings)


def build_programme_period(con: duckdb.DuckDBPyConnection, programme: Programme) -> None:
    """(Re)create marts.programme_period: the sums of marts.partner_period over partners."""
    install_helpers(con)
    con.execute(sql("programme_period"))


def reconciliation_mismatches(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """(period, column) wherever the programme row is not exactly the sum of the partner rows.

    Empty means: every period is present in both tables and every money column and count adds up
    to the cent (an empty partner value must leave the programme value empty too).
    """
    checks = " UNION ALL ".join(
        f"SELECT period, '{column}' AS col FROM sums JOIN marts.programme_period AS pp "
        f"USING (period) WHERE pp.{column} IS DISTINCT FROM sums.{column}"
        for column in SUMMED_COLUMNS
    )
    sums = ", ".join(
        f"CASE WHEN count({column}) = count(*) THEN sum({column}) END AS {column}"
        for column in SUMMED_COLUMNS
    )
    query = f"""
        WITH sums AS (SELECT period, {sums} FROM marts.partner_period GROUP BY period)
        SELECT period, col FROM ({checks})
        UNION ALL
        SELECT coalesce(s.period, pp.period), 'period missing'
        FROM sums AS s FULL JOIN marts.programme_period AS pp USING (period)
        WHERE s.period IS NULL OR pp.period IS NULL
        ORDER BY 1, 2
    """
    return [(period, column) for period, column in con.execute(query).fetchall()]


def partner_period_gaps(con: duckdb.DuckDBPyConnection, programme: Programme) -> int:
    """Partner × period cells of the grid that are missing or repeated in marts.partner_period."""
    load_partners(con, programme)
    return int(con.execute(
        """
        SELECT count(*) FROM (
            SELECT g.partner, g.period, count(pp.partner) AS n
            FROM (SELECT partner, period FROM p_partners CROSS JOIN clean.periods) AS g
            LEFT JOIN marts.partner_period AS pp USING (partner, period)
            GROUP BY ALL
            HAVING n <> 1
            UNION ALL
            SELECT partner, period, 1 FROM marts.partner_period
            WHERE partner NOT IN (SELECT partner FROM p_partners)
               OR period NOT IN (SELECT period FROM clean.periods)
        )
        """
    ).fetchall()[0][0])


PARTNER_PERIOD = dg.AssetKey(["marts", "partner_period"])
PROGRAMME_PERIOD = dg.AssetKey(["marts", "programme_period"])
CLEAN = {name: dg.AssetKey(["clean", name]) for name in ("vacancies", "contributions", "periods")}

PROGRAMME_ADDS_UP = "partner_rows_add_up_to_programme"
ONE_ROW_PER_PARTNER_PERIOD = "one_row_per_partner_and_period"


@dg.asset(
    key=PARTNER_PERIOD,
    deps=[CLEAN["vacancies"], CLEAN["contributions"], CLEAN["periods"]],
    group_name="outcomes",
    kinds={"duckdb"},
    required_resource_keys={"programme", "output"},
    description="One row per partner and period: every figure of the contract, per period and "
    "cumulative; from clean.vacancies and clean.contributions.",
)
def partner_period(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    return build_mart(context, "partner_period", build_partner_period, "partner_period")


@dg.asset(
    key=PROGRAMME_PERIOD,
    deps=[PARTNER_PERIOD],
    group_name="outcomes",
    kinds={"duckdb"},
    required_resource_keys={"programme", "output"},
    description="One row per period: the sums of marts.partner_period over partners, with ROI "
    "and means computed from the sums; from marts.partner_period.",
)
def programme_period(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    return build_mart(context, "programme_period", build_programme_period)


@dg.asset_check(
    asset=PROGRAMME_PERIOD,
    name=PROGRAMME_ADDS_UP,
    blocking=True,
    required_resource_keys={"output"},
    description="Every money column and count of the programme rows is exactly the sum of the "
    "partner rows, to the cent, in every period.",
)
def partner_rows_add_up_to_programme(
    context: dg.AssetCheckExecutionContext,
) -> dg.AssetCheckResult:
    with context.resources.output.connect() as con:
        mismatches = reconciliation_mismatches(con)
    return dg.AssetCheckResult(
        passed=not mismatches,
        metadata={
            "mismatches": dg.MetadataValue.int(len(mismatches)),
            "first_mismatches": dg.MetadataValue.text(
                "; ".join(f"{period} {column}" for period, column in mismatches[:20]) or "none"
            ),
        },
    )


@dg.asset_check(
    asset=PARTNER_PERIOD,
    name=ONE_ROW_PER_PARTNER_PERIOD,
    blocking=True,
    required_resource_keys={"programme", "output"},
    description="Exactly one row for every partner of the programme and every period of "
    "clean.periods, and no other rows.",
)
def one_row_per_partner_and_period(
    context: dg.AssetCheckExecutionContext,
) -> dg.AssetCheckResult:
    programme = context.resources.programme.load()
    with context.resources.output.connect() as con:
        gaps = partner_period_gaps(con, programme)
    return dg.AssetCheckResult(passed=gaps == 0, metadata={"cells_missing_or_repeated": gaps})


ASSETS = [partner_period, programme_period]
CHECKS = [partner_rows_add_up_to_programme, one_row_per_partner_and_period]
