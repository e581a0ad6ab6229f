"""Clean tables: the programme's reporting periods, partners and channels, and the accepted rows of
current submissions, with every vacancy split into the driving or the hunting field."""


import hashlib
import json
from collections.abc import Sequence

import dagster as dg
import duckdb
import polars as pl

from assets.faults import crash_point
from assets.ingest import RAW_KEYS
from assets.tables import ensure_schema, expose, sql, table_metadata
from domain.approvals import Decision, load_decisions
from domain.periods import Quarter, quarter_range
from domain.programme import Programme


def _write_clean_tables(con: duckdb.DuckDBPyConnection, frames: dict[str, pl.DataFrame]) -> None:
    """(Re)create clean.<name> from each frame."""
    for name, frame in frames.items():
        con.register("incoming", frame)
        con.execute(f"CREATE OR REPLACE TABLE clean.{name} AS SELECT * FROM incoming")
        con.unregister("incoming")


def build_reference_tables(con: duckdb.DuckDBPyConnection, programme: Programme) -> list[str]:
    """clean.periods, clean.partners and clean.channels from programme.yaml and the inbox.

    The periods run from first_period to the last period that any submission was recorded for.
    """
    ensure_schema(con)
    first = programme.programme.first_period
    last_seen = con.execute(
        "SELECT max(period) FROM raw.submissions WHERE period >= ?", [first]
    ).fetchall()[0][0]
    periods = quarter_range(first, max(first, last_seen or first))
    quarters = [Quarter.parse(p) for p in periods]
    frames = {
        "periods": pl.DataFrame(
            {
                "period": periods,
                "year": [q.year for q in quarters],
                "quarter": [q.quarter for q in quarters],
                "period_start": [q.start for q in quarters],
                "period_end": [q.end for q in quarters],
            },
            schema={
                "period": pl.String,
                "year": pl.Int32,
                "quarter": pl.Int32,
                "period_start": pl.Date,
                "period_end": pl.Date,
            },
        ),
        "partners": pl.DataFrame(
            {
                "partner": [p.id for p in programme.partners],
                "name": [p.name for p in programme.partners],
                "kind": [p.kind for p in programme.partners],
            },
            schema={"partner": pl.String, "name": pl.String, "kind": pl.String},
        ),
        "channels": pl.DataFrame(
            {
                "channel": programme.channels,
                "field": ["driving"] * len(programme.fields.driving)
                + ["hunting"] * len(programme.fields.hunting),
            },
            schema={"channel": pl.String, "field": pl.String},
        ),
    }
    _write_clean_tables(con, frames)
    return periods


DECISION_SCHEMA = {
    "seq": pl.Int64,
    "action": pl.String,
    "period": pl.String,
    "by": pl.String,
    "at": pl.String,
    "reason": pl.String,
    "accepted_rejections": pl.Int64,
    "files": pl.Int64,
}
PERIOD_STATUS_SCHEMA = {
    "period": pl.String,
    "status": pl.String,
    "decided_by": pl.String,
    "decided_at": pl.String,
    "reason": pl.String,
    "accepted_rejections": pl.Int64,
}


def build_decision_tables(
    con: duckdb.DuckDBPyConnection, decisions: Sequence[Decision], periods: list[str]
) -> None:
    """clean.decisions (the regisseur's log) and clean.period_status (final or provisional)."""
    log = pl.DataFrame(
        [
            {
                "seq": seq,
                "action": d.action,
                "period": d.period,
                "by": d.by,
                "at": d.at,
                "reason": d.reason,
                "accepted_rejections": d.accepted_rejections,
                "files": len(d.files) if d.action == "approve" else None,
            }
            for seq, d in enumerate(decisions, start=1)
        ],
        schema=DECISION_SCHEMA,
    )
    last: dict[str, Decision] = {}
    reopen_reason: dict[str, str | None] = {}
    for decision in decisions:
        last[decision.period] = decision
        if decision.action == "reopen":
            reopen_reason[decision.period] = decision.reason
    status = pl.DataFrame(
        [
            {
                "period": period,
                "status": "final"
                if period in last and last[period].action == "approve"
                else "provisional",
                "decided_by": last[period].by if period in last else None,
                "decided_at": last[period].at if period in last else None,
                "reason": reopen_reason.get(period),
                "accepted_rejections": last[period].accepted_rejections
                if period in last
                else None,
            }
            for period in periods
        ],
        schema=PERIOD_STATUS_SCHEMA,
    )
    _write_clean_tables(con, {"decisions": log, "period_status": status})


# clean.vacancies is brought up to date for the vacancies of the changed periods alone when at
# most this share of its periods changed (a new quarter, a resent file), else rebuilt whole
INCREMENTAL_SHARE = 0.25
# the vacancies a changed period touches: a raw row, a clean row or a rejection in it
CHANGED_VACANCIES = """
CREATE OR REPLACE TEMP TABLE vacancies_to_clean AS
SELECT partner, vacancy_id FROM raw.vacancy_rows SEMI JOIN raw.periods_to_clean USING (period)
UNION SELECT partner, vacancy_id FROM clean.vacancies SEMI JOIN raw.periods_to_clean USING (period)
UNION SELECT partner, value FROM clean.vacancy_rejections SEMI JOIN raw.periods_to_clean USING (period)
"""


def _vacancies_fingerprint(con: duckdb.DuckDBPyConnection) -> str:
    """What clean.vacancies is built from besides the raw rows: its SQL, the channels with their
    field, and the periods' first quarter (a period before it is left out)."""
    channels = con.execute("SELECT channel, field FROM clean.channels ORDER BY ALL").fetchall()
    first = con.execute("SELECT min(period) FROM clean.periods").fetchall()[0][0]
    basis = json.dumps([sql("clean_vacancies"), channels, first])
    return hashlib.sha256(basis.encode()).hexdigest()


def build_clean_vacancies(con: duckdb.DuckDBPyConnection) -> str:
    """clean.vacancies and clean.vacancy_rejections from raw.vacancy_rows, in one transaction with
    emptying raw.periods_to_clean; says how: "incremental" or "full".

    A vacancy's clean row and its rejections depend on its own raw rows only. So when what else
    they are built from is unchanged (`_vacancies_fingerprint`) and few periods were written since
    the last build, only the vacancies with a raw row, a clean row or a rejection in those periods
    are recomputed, and their rows replaced; otherwise both tables are rebuilt from every row.
    The result is the same either way (tests/assets/test_clean_incremental.py)."""
    fingerprint = _vacancies_fingerprint(con)
    built = con.execute(
        "SELECT fingerprint FROM clean.build_state WHERE target = 'vacancies'"
    ).fetchall()
    changed, periods = con.execute(
        "SELECT (SELECT count(*) FROM raw.periods_to_clean), (SELECT count(*) FROM clean.periods)"
    ).fetchall()[0]
    incremental = built == [(fingerprint,)] and changed <= INCREMENTAL_SHARE * periods
    con.execute("BEGIN TRANSACTION")
    try:
        if incremental:
            con.execute(CHANGED_VACANCIES)
            con.execute(
                "CREATE OR REPLACE TEMP VIEW vacancy_rows_to_clean AS SELECT * FROM raw.vacancy_rows "
                "SEMI JOIN vacancies_to_clean USING (partner, vacancy_id)"
            )
        else:
            con.execute("CREATE OR REPLACE TEMP VIEW vacancy_rows_to_clean AS SELECT * FROM raw.vacancy_rows")
        con.execute(sql("clean_vacancies"))
        for table, vacancy_id in (("vacancies", "vacancy_id"), ("vacancy_rejections", "value")):
            if incremental:
                con.execute(
                    f"DELETE FROM clean.{table} AS t USING vacancies_to_clean AS k "
                    f"WHERE t.partner = k.partner AND t.{vacancy_id} = k.vacancy_id"
                )
                con.execute(f"INSERT INTO clean.{table} SELECT * FROM cleaned_{table}")
            else:
                con.execute(f"CREATE OR REPLACE TABLE clean.{table} AS SELECT * FROM cleaned_{table}")
        con.execute("DELETE FROM raw.periods_to_clean")
        con.execute(
            "INSERT OR REPLACE INTO clean.build_state VALUES ('vacancies', ?)", [fingerprint]
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return "incremental" if incremental else "full"


def build_clean_tables(
    con: duckdb.DuckDBPyConnection, programme: Programme, decisions: Sequence[Decision] = ()
) -> None:
    """Every clean table, in dependency order; the pure core of the clean assets."""
    periods = build_reference_tables(con, programme)
    build_decision_tables(con, decisions, periods)
    build_clean_vacancies(con)
    crash_point("clean")
    for name in ("clean_contributions", "clean_ledger", "rejections_view"):
        con.execute(sql(name))
        crash_point("clean")


CLEAN_TABLES = {
    "periods": "One row per reporting quarter, from first_period to the last period received; "
    "from programme.yaml and raw.submissions.",
    "partners": "One row per partner; from programme.yaml.",
    "channels": "One row per channel with its field (driving or hunting); from programme.yaml.",
    "vacancies": "One row per partner and vacancy_id, the latest row of current submissions, "
    "with its field; from raw.vacancy_rows.",
    "vacancy_rejections": "One row per vacancy row that repeats a vacancy already filled in an "
    "earlier period; from raw.vacancy_rows.",
    "contributions": "One row per accepted contribution row of current submissions; from "
    "raw.contribution_rows.",
    "contribution_submissions": "One row per partner and period with a current contributions "
    "file; from raw.submissions.",
    "ledger": "One row per accepted joint-pot spending row; from raw.ledger_rows.",
    "decisions": "One row per decision of the regisseur (approve, reopen) in order; from "
    "approvals.yaml.",
    "period_status": "One row per period: final (approved) or provisional; from approvals.yaml.",
}
CLEAN_KEYS = {name: dg.AssetKey(["clean", name]) for name in CLEAN_TABLES}


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            key,
            description=CLEAN_TABLES[name],
            group_name="clean",
            kinds={"duckdb"},
            deps=[RAW_KEYS["submissions"], RAW_KEYS["vacancies"], RAW_KEYS["contributions"],
                  RAW_KEYS["ledger"]],
        )
        for name, key in CLEAN_KEYS.items()
    ],
    required_resource_keys={"programme", "output"},
    can_subset=False,
)
def clean_tables(context: dg.AssetExecutionContext):
    """Rebuild the clean tables over every period from the raw tables."""
    programme = context.resources.programme.load()
    decisions = load_decisions(context.resources.programme.folder)
    with context.resources.output.connect() as con:
        build_clean_tables(con, programme, decisions)
        expose(con, "clean.vacancies")
        metadata = {name: table_metadata(con, f"clean.{name}") for name in CLEAN_TABLES}
    for name, key in CLEAN_KEYS.items():
        yield dg.MaterializeResult(asset_key=key, metadata=metadata[name])


def _violations(con: duckdb.DuckDBPyConnection, query: str) -> int:
    return int(con.execute(f"SELECT count(*) FROM ({query})").fetchall()[0][0])


CLEAN_VACANCY_RULES = {
    "one row per partner and vacancy_id": (
        "SELECT partner, vacancy_id FROM clean.vacancies GROUP BY ALL HAVING count(*) > 1"
    ),
    "cost and hours not negative": (
        "SELECT * FROM clean.vacancies WHERE cost < 0 OR hours < 0"
    ),
    "filled within its own period, not before it opened": (
        "SELECT * FROM clean.vacancies v JOIN clean.periods p USING (period) "
        "WHERE v.filled_on IS NOT NULL AND (v.filled_on < v.opened_on "
        "OR v.filled_on NOT BETWEEN p.period_start AND p.period_end)"
    ),
    "every vacancy in a field": "SELECT * FROM clean.vacancies WHERE field IS NULL",
}


@dg.asset_check(
    asset=CLEAN_KEYS["vacancies"],
    blocking=True,
    description="Rows that reach clean.vacancies follow the contract: unique per partner, "
    "no negative money, filled within their period, each in a field.",
    required_resource_keys={"output"},
)
def clean_vacancies_follow_contract(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
    with context.resources.output.connect() as con:
        counts = {rule: _violations(con, query) for rule, query in CLEAN_VACANCY_RULES.items()}
    return dg.AssetCheckResult(
        passed=not any(counts.values()),
        metadata={rule: dg.MetadataValue.int(count) for rule, count in counts.items()},
    )


@dg.asset_check(
    asset=CLEAN_KEYS["contributions"],
    blocking=True,
    description="Contribution rows are money, hours or a named task, never negative.",
    required_resource_keys={"output"},
)
def clean_contributions_follow_contract(
    context: dg.AssetCheckExecutionContext,
) -> dg.AssetCheckResult:
    with context.resources.output.connect() as con:
        bad = _violations(
            con,
            "SELECT * FROM clean.contributions WHERE amount < 0 "
            "OR kind NOT IN ('money', 'hours', 'task') OR (kind = 'task' AND task IS NULL)",
        )
    return dg.AssetCheckResult(passed=bad == 0, metadata={"violations": bad})


ASSETS = [clean_tables]
CHECKS = [clean_vacancies_follow_contract, clean_contributions_follow_contract]
