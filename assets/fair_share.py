"""Sharing the spoils: each partner's cumulative share of all contribution and of all benefit, the
equal-ROI settlement between partners, and the joint pot's money in and out."""

import dagster as dg
import duckdb

from assets.outcomes import (
    CLEAN,
    PARTNER_PERIOD,
    install_helpers,
    record_warnings,
)
from assets.tables import build_mart, sql
from domain.programme import Programme

SETTLEMENTS_ADD_UP = "settlements_add_up_to_zero"


def build_fair_share(con: duckdb.DuckDBPyConnection, programme: Programme) -> None:
    """(Re)create marts.fair_share from the cumulative figures of marts.partner_period."""
    install_helpers(con)
    con.execute(sql("fair_share"))
    record_warnings(con, "fair_share")


def build_joint_pot(con: duckdb.DuckDBPyConnection, programme: Programme) -> None:
    """(Re)create marts.joint_pot from clean.contributions (money) and clean.ledger."""
    install_helpers(con)
    con.execute(sql("joint_pot"))


def unbalanced_settlements(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """(as_of_period, sum) for every as_of_period whose settlements do not add up to exactly zero
    or are only partly empty."""
    return con.execute(
        """
        SELECT as_of_period, sum(settlement) AS total
        FROM marts.fair_share
        GROUP BY as_of_period
        HAVING count(settlement) NOT IN (0, count(*)) OR sum(settlement) <> 0
        ORDER BY as_of_period
        """
    ).fetchall()


FAIR_SHARE = dg.AssetKey(["marts", "fair_share"])


@dg.asset(
    key=FAIR_SHARE,
    deps=[PARTNER_PERIOD],
    group_name="fair_share",
    kinds={"duckdb"},
    required_resource_keys={"programme", "output"},
    description="One row per partner and as_of_period: cumulative contribution and benefit "
    "shares and the equal-ROI settlement; from marts.partner_period.",
)
def fair_share(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    return build_mart(context, "fair_share", build_fair_share, "fair_share")


@dg.asset(
    key=["marts", "joint_pot"],
    deps=[CLEAN["contributions"], dg.AssetKey(["clean", "ledger"]), CLEAN["periods"]],
    group_name="fair_share",
    kinds={"duckdb"},
    required_resource_keys={"programme", "output"},
    description="One row per period: money contributed to the joint pot, ledger spending and "
    "the balance, per period and cumulative; from clean.contributions and clean.ledger.",
)
def joint_pot(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    return build_mart(context, "joint_pot", build_joint_pot)


@dg.asset_check(
    asset=FAIR_SHARE,
    name=SETTLEMENTS_ADD_UP,
    blocking=True,
    required_resource_keys={"output"},
    description="Per as_of_period the settlements add up to exactly zero (or are all empty).",
)
def settlements_add_up_to_zero(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
    with context.resources.output.connect() as con:
        unbalanced = unbalanced_settlements(con)
    return dg.AssetCheckResult(
        passed=not unbalanced,
        metadata={
            "unbalanced_periods": dg.MetadataValue.int(len(unbalanced)),
            "first_unbalanced": dg.MetadataValue.text(
                "; ".join(f"{period}: {total}" for period, total in unbalanced[:20]) or "none"
            ),
        },
    )


ASSETS = [fair_share, joint_pot]
CHECKS = [settlements_add_up_to_zero]
