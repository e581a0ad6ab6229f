"""The audit trail: every partner figure kept as a history, and each change after publication
recorded as a restatement with the resubmitted file that caused it."""

import dagster as dg
import duckdb

from assets.tables import expose, sql, table_metadata


def record_restatements(con: duckdb.DuckDBPyConnection, run_id: str) -> int:
    """Append changed figures to history; return how many published figures were restated."""
    before = con.execute("SELECT count(*) FROM history.restatements").fetchall()[0][0] if _exists(
        con
    ) else 0
    con.execute("CREATE OR REPLACE TEMP TABLE this_run AS SELECT ?::VARCHAR AS run_id", [run_id])
    con.execute(sql("restatements"))
    after = con.execute("SELECT count(*) FROM history.restatements").fetchall()[0][0]
    return int(after - before)


def _exists(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(
        con.execute(
            "SELECT count(*) FROM information_schema.tables "
            "WHERE table_schema = 'history' AND table_name = 'restatements'"
        ).fetchall()[0][0]
    )


@dg.asset(
    key=["marts", "restatements"],
    deps=[dg.AssetKey(["marts", "partner_period"]), dg.AssetKey(["raw", "submissions"])],
    group_name="audit",
    kinds={"duckdb"},
    required_resource_keys={"output"},
    description="One row per published partner figure that later changed (period, partner, "
    "figure, old and new value, the resubmitted file); from marts.partner_period and its history.",
)
def restatements(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    with context.resources.output.connect() as con:
        added = record_restatements(con, context.run_id)
        expose(con, "marts.restatements")
        metadata = table_metadata(con, "marts.restatements")
    return dg.MaterializeResult(
        metadata={**metadata, "restated_this_run": dg.MetadataValue.int(added)}
    )


ASSETS = [restatements]
