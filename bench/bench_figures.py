"""How long the figures take at scale: 400 partners x 40 quarters, about 2 million vacancies.

Writes clean tables straight into a DuckDB file in a temporary folder (DuckDB SQL: range() and
hash-based pseudo-random values, the same every run), then times building every mart.
Run: .venv/bin/python bench/bench_figures.py [--partners N] [--quarters N] [--per-quarter N]
"""

import argparse
import tempfile
import time
from pathlib import Path

import duckdb

from assets.cordon import build_cordon, build_cordon_integrity
from assets.fair_share import build_fair_share, build_joint_pot, unbalanced_settlements
from assets.outcomes import build_partner_period, build_programme_period, reconciliation_mismatches
from assets.targets import INDICATORS, build_target_progress
from domain.periods import Quarter, quarter_range
from domain.programme import Programme

DRIVING = ["joint_campaign", "talent_pool", "education_partnership", "sector_job_board"]
HUNTING = ["own_website", "job_board", "agency", "referral", "open_application"]
FIRST = "2017Q1"


def bench_programme(partners: int, quarters: int) -> Programme:
    """A programme with `partners` partners; every tenth partner has no baseline (fallbacks)."""
    ids = [f"p{n:03d}" for n in range(partners)]
    last = quarter_range(FIRST, "2100Q4")[quarters - 1]
    years = sorted({period[:4] for period in quarter_range(FIRST, last)})
    return Programme.model_validate({
        "programme": {"id": "bench", "name": "Bench", "currency": "EUR", "language": "en",
                      "first_period": FIRST},
        "partners": [{"id": pid, "name": pid, "kind": "water_board"} for pid in ids],
        "fields": {"driving": DRIVING, "hunting": HUNTING},
        "baselines": [
            {"partner": pid, "cost_per_hire": 5000 + n, "time_to_fill_days": 60 + n % 30}
            for n, pid in enumerate(ids) if n % 10
        ],
        "valuation": {"hour_rate": 75, "vacancy_day_cost": 250, "deadweight": "0.20",
                      "attribution": "0.10"},
        "commitments": [
            {"partner": pid, "from": FIRST, "money": 5000, "hours": 40,
             "tasks": {"guest_lecture": 2, "open_day": 1}}
            for pid in ids
        ],
        "targets": [
            *({"scope": "programme", "indicator": name, "period": year, "expected": 1000}
              for name in INDICATORS for year in years),
            *({"scope": pid, "indicator": "net_benefit", "period": year, "expected": 10000}
              for pid in ids for year in years),
        ],
    })


def write_clean_tables(
    con: duckdb.DuckDBPyConnection, programme: Programme, quarters: int, per_quarter: int
) -> None:
    partners = len(programme.partners)
    periods = quarter_range(FIRST, quarter_range(FIRST, "2100Q4")[quarters - 1])
    for schema in ("raw", "clean", "marts"):
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    con.execute(
        "CREATE OR REPLACE TABLE clean.periods (period VARCHAR, year INTEGER, quarter INTEGER, "
        "period_start DATE, period_end DATE)"
    )
    con.executemany(
        "INSERT INTO clean.periods VALUES (?, ?, ?, ?, ?)",
        [[p, q.year, q.quarter, q.start, q.end] for p in periods for q in [Quarter.parse(p)]],
    )
    con.execute(
        "CREATE OR REPLACE TABLE bench_channels AS SELECT * FROM (VALUES "
        + ", ".join(f"({i}, '{c}', 'driving')" for i, c in enumerate(DRIVING))
        + ", "
        + ", ".join(f"({i + len(DRIVING)}, '{c}', 'hunting')" for i, c in enumerate(HUNTING))
        + ") AS t(channel_no, channel, field)"
    )
    # vacancy i: partner i % partners, quarter (i // partners) % quarters; 90 % filled
    con.execute(
        """
        CREATE OR REPLACE TABLE clean.vacancies AS
        WITH draws AS (
            SELECT i, i % $partners AS partner_no, (i // $partners) % $quarters AS quarter_no,
                   hash(i, 'a') AS a, hash(i, 'b') AS b, hash(i, 'c') AS c
            FROM range($rows) AS r(i)
        ),
        dated AS (
            SELECT d.*, p.period, p.period_start, p.period_end,
                   (d.a % 10) < 9 AS filled,
                   p.period_start + CAST(d.b % 90 AS INTEGER) AS day_in_quarter
            FROM draws AS d
            JOIN (SELECT *, row_number() OVER (ORDER BY period) - 1 AS quarter_no
                  FROM clean.periods) AS p USING (quarter_no)
        )
        SELECT printf('p%03d', partner_no) AS partner,
               'V' || i AS vacancy_id,
               period,
               'role' AS role,
               CAST(least(day_in_quarter, period_end) - CAST(c % 120 AS INTEGER) AS DATE) AS opened_on,
               CASE WHEN filled THEN least(day_in_quarter, period_end) END AS filled_on,
               ch.channel, ch.field,
               CAST(CAST((a // 10) % 600000 AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)) AS cost,
               CAST(CAST((b // 100) % 4000 AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)) AS hours,
               CASE WHEN filled THEN 'filled' ELSE 'open' END AS status,
               CASE WHEN filled THEN CAST(c % 120 AS INTEGER) END AS days_to_fill,
               'sha' AS sha256, 'bench.csv' AS path, CAST(i % 1000 + 2 AS INTEGER) AS row_number
        FROM dated
        JOIN bench_channels AS ch ON ch.channel_no = c // 1000 % 9
        """,
        {"partners": partners, "quarters": quarters, "rows": partners * quarters * per_quarter},
    )
    # each partner and quarter: 95 % send a contributions file with money, hours and a task
    con.execute(
        """
        CREATE OR REPLACE TABLE clean.contribution_submissions AS
        SELECT pa.partner, pe.period
        FROM (SELECT printf('p%03d', n) AS partner FROM range($partners) AS r(n)) AS pa
        CROSS JOIN clean.periods AS pe
        WHERE hash(pa.partner, pe.period) % 20 <> 0
        """,
        {"partners": partners},
    )
    con.execute(
        """
        CREATE OR REPLACE TABLE clean.contributions AS
        SELECT s.partner, s.period, k.kind,
               CASE WHEN k.kind = 'task' THEN 'guest_lecture' END AS task,
               CAST(CASE k.kind
                   WHEN 'money'
                       THEN 4000 + CAST(hash(s.partner, s.period, 'm') % 200000 AS DECIMAL(18,0)) * 0.01
                   WHEN 'hours'
                       THEN CAST(hash(s.partner, s.period, 'h') % 6000 AS DECIMAL(18,0)) * 0.01
                   ELSE hash(s.partner, s.period, 't') % 4 END AS DECIMAL(18,2)) AS amount,
               NULL AS note, 'sha' AS sha256, 'c.csv' AS path, 2 AS row_number
        FROM clean.contribution_submissions AS s
        CROSS JOIN (VALUES ('money'), ('hours'), ('task')) AS k(kind);

        CREATE OR REPLACE TABLE clean.ledger AS
        SELECT p.period, p.period_start + CAST(n AS INTEGER) AS date, 'activity ' || n AS activity,
               CAST(CAST(hash(p.period, n) % 10000000 AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)) AS cost,
               NULL AS channel, 'sha' AS sha256, 'ledger.csv' AS path, CAST(n + 2 AS INTEGER) AS row_number
        FROM clean.periods AS p CROSS JOIN range(20) AS r(n);
        """
    )


STEPS = [
    ("partner_period", build_partner_period),
    ("programme_period", build_programme_period),
    ("target_progress", build_target_progress),
    ("cordon", build_cordon),
    ("cordon_integrity", build_cordon_integrity),
    ("fair_share", build_fair_share),
    ("joint_pot", build_joint_pot),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partners", type=int, default=400)
    parser.add_argument("--quarters", type=int, default=40)
    parser.add_argument("--per-quarter", type=int, default=125, help="vacancies per partner-quarter")
    args = parser.parse_args()
    programme = bench_programme(args.partners, args.quarters)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.duckdb"
        con = duckdb.connect(str(path))
        started = time.perf_counter()
        write_clean_tables(con, programme, args.quarters, args.per_quarter)
        vacancies = con.execute("SELECT count(*) FROM clean.vacancies").fetchall()[0][0]
        print(f"clean tables: {vacancies:,} vacancies in {time.perf_counter() - started:.1f} s")
        con.close()

        # each mart on its own connection, as the Dagster assets do
        total = 0.0
        for name, build in STEPS:
            con = duckdb.connect(str(path))
            started = time.perf_counter()
            build(con, programme)
            seconds = time.perf_counter() - started
            total += seconds
            rows = con.execute(f"SELECT count(*) FROM marts.{name}").fetchall()[0][0]
            print(f"  {name:<18} {rows:>9,} rows  {seconds:6.2f} s")
            con.close()
        with duckdb.connect(str(path)) as con:
            assert not reconciliation_mismatches(con), "partner rows do not add up"
            assert not unbalanced_settlements(con), "settlements do not add up to zero"
            warnings = con.execute("SELECT count(*) FROM marts.warnings").fetchall()[0][0]
        print(f"all marts: {total:.2f} s ({warnings} warnings; sums and settlements checked)")


if __name__ == "__main__":
    main()
