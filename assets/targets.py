"""Expected vs actual (tip 2): every target of programme.yaml against its quarter or year to date.

A target that names an unknown indicator or scope, or a period without data, is kept with
status 'unknown' and a row in marts.warnings: one wrong line in programme.yaml must not stop
the programme, nor disappear from the page.
"""

import dagster as dg
import duckdb

from assets.outcomes import (
    PARTNER_PERIOD,
    PROGRAMME_PERIOD,
    MartWarning,
    exact,
    install_helpers,
    load_partners,
    load_table,
    record_warnings,
)
from assets.tables import build_mart, sql
from domain.periods import is_quarter
from domain.programme import Programme

EXPECTED_SCALE = 4

# Summed over the quarters of the target's window.
SUMMED = (
    "contribution_money", "contribution_hours", "contribution", "driving_hires", "hunting_hires",
    "own_driving_cost", "own_hunting_cost", "counterfactual_cost", "cost_savings", "days_saved",
    "time_savings", "gross_benefit", "benefit", "net_benefit",
)
# Recomputed from the window's sums; the cost and time per hire are better when lower.
RATIOS = ("roi", "driving_cost_per_hire", "driving_time_to_fill", "hunting_cost_per_hire",
          "hunting_time_to_fill")
LOWER_IS_BETTER = frozenset(RATIOS[1:])
# Taken at the last quarter of the window.
STOCKS = (
    "open_vacancies", "contribution_cum", "driving_hires_cum", "hunting_hires_cum",
    "own_driving_cost_cum", "counterfactual_cost_cum", "cost_savings_cum", "days_saved_cum",
    "time_savings_cum", "gross_benefit_cum", "benefit_cum", "net_benefit_cum", "roi_cum",
)
INDICATORS = {
    **{name: "sum" for name in SUMMED},
    **{name: "ratio" for name in RATIOS},
    **{name: "stock" for name in STOCKS},
}


def load_targets(con: duckdb.DuckDBPyConnection, programme: Programme) -> list[MartWarning]:
    """p_targets and p_indicators; a second target with the same scope, indicator and period is
    dropped with a warning (the first one in programme.yaml counts)."""
    warnings: list[MartWarning] = []
    rows, seen = [], set()
    for number, target in enumerate(programme.targets):
        key = (target.scope, target.indicator, target.period)
        if key in seen:
            warnings.append((
                target.scope, target.period, target.indicator, "duplicate_target",
                f"target {' / '.join(key)} appears more than once in programme.yaml; "
                "the first one counts",
            ))
            continue
        seen.add(key)
        quarterly = is_quarter(target.period)
        expected = exact(
            target.expected, EXPECTED_SCALE, f"targets[{number}].expected", warnings
        )
        rows.append((
            number, target.scope, target.indicator, target.period,
            "quarter" if quarterly else "year",
            int(target.period[:4]), expected,
        ))
    load_table(
        con,
        "p_targets",
        {
            "target_no": "INTEGER", "scope": "VARCHAR", "indicator": "VARCHAR",
            "period": "VARCHAR", "period_kind": "VARCHAR", "year": "INTEGER",
            "expected": f"DECIMAL(38,{EXPECTED_SCALE})",
        },
        rows,
    )
    load_table(
        con,
        "p_indicators",
        {"indicator": "VARCHAR", "kind": "VARCHAR", "lower_is_better": "BOOLEAN"},
        [(name, kind, name in LOWER_IS_BETTER) for name, kind in INDICATORS.items()],
    )
    return warnings


def build_target_progress(con: duckdb.DuckDBPyConnection, programme: Programme) -> None:
    """(Re)create marts.target_progress from the targets and marts.partner/programme_period."""
    install_helpers(con)
    load_partners(con, programme)
    warnings = load_targets(con, programme)
    con.execute(sql("target_progress"))
    record_warnings(con, "target_progress", warnings)


@dg.asset(
    key=["marts", "target_progress"],
    deps=[PARTNER_PERIOD, PROGRAMME_PERIOD],
    group_name="targets",
    kinds={"duckdb"},
    required_resource_keys={"programme", "output"},
    description="One row per target of programme.yaml: expected, actual (its quarter or year to "
    "date), ratio and status; from marts.partner_period and marts.programme_period.",
)
def target_progress(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    return build_mart(context, "target_progress", build_target_progress, "target_progress")


ASSETS = [target_progress]
CHECKS: list[dg.AssetChecksDefinition] = []
