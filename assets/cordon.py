"""The cordon (tip 4): what each partner committed to the driving field against what it delivered,
per period and commitment, and the share of commitments kept."""

import dagster as dg
import duckdb

from assets.outcomes import (
    CLEAN,
    MartWarning,
    exact,
    install_helpers,
    load_partners,
    load_table,
    record_warnings,
)
from assets.tables import build_mart, sql
from domain.programme import Programme

COMMITTED_SCALE = 2


def commitment_elements(programme: Programme, warnings: list[MartWarning]) -> list[tuple]:
    """(partner, from, until, commitment, committed) for every element of every commitment."""
    rows = []
    for number, c in enumerate(programme.commitments):
        elements = [("money", c.money), ("hours", c.hours)]
        elements += [(f"task:{task}", times) for task, times in sorted(c.tasks.items())]
        for element, committed in elements:
            amount = exact(committed, COMMITTED_SCALE, f"commitments[{number}].{element}", warnings)
            rows.append((c.partner, c.from_, c.until, element, amount))
    return rows


def build_cordon(con: duckdb.DuckDBPyConnection, programme: Programme) -> None:
    """(Re)create marts.cordon from the commitments, clean.contributions and
    clean.contribution_submissions."""
    install_helpers(con)
    warnings: list[MartWarning] = []
    load_table(
        con,
        "p_commitments",
        {
            "partner": "VARCHAR", "from_period": "VARCHAR", "until_period": "VARCHAR",
            "commitment": "VARCHAR", "committed": f"DECIMAL(38,{COMMITTED_SCALE})",
        },
        commitment_elements(programme, warnings),
    )
    con.execute(sql("cordon"))
    record_warnings(con, "cordon", warnings)


def build_cordon_integrity(con: duckdb.DuckDBPyConnection, programme: Programme) -> None:
    """(Re)create marts.cordon_integrity from marts.cordon."""
    install_helpers(con)
    load_partners(con, programme)
    con.execute(sql("cordon_integrity"))


CORDON = dg.AssetKey(["marts", "cordon"])


@dg.asset(
    key=CORDON,
    deps=[CLEAN["contributions"], dg.AssetKey(["clean", "contribution_submissions"]),
          CLEAN["periods"]],
    group_name="cordon",
    kinds={"duckdb"},
    required_resource_keys={"programme", "output"},
    description="One row per partner, period and commitment (money, hours, each task): "
    "committed, delivered, gap and status; from programme.yaml and clean.contributions.",
)
def cordon(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    return build_mart(context, "cordon", build_cordon, "cordon")


@dg.asset(
    key=["marts", "cordon_integrity"],
    deps=[CORDON],
    group_name="cordon",
    kinds={"duckdb"},
    required_resource_keys={"programme", "output"},
    description="One row per scope (partner or programme) and period: commitments kept of all, "
    "per period and cumulative; from marts.cordon.",
)
def cordon_integrity(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    return build_mart(context, "cordon_integrity", build_cordon_integrity)


ASSETS = [cordon, cordon_integrity]
CHECKS: list[dg.AssetChecksDefinition] = []
