"""Run bench/baseline.sql over a benchmark programme and say how long it took.

`run_baseline(programme)` gives the parameters from programme.yaml and the file lists from
bench.json (which partner sends Dutch or English CSV) to the script, runs it on a DuckDB
database and times it. `agreement(warehouse, database)` compares its figures with drijfjacht's
marts.partner_period, exactly.

Run `python -m bench.baseline PROGRAMME [--database FILE] [--json FILE]`.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb
import polars as pl

from bench.generate import load_bench_programme
from domain.programme import load_programme

SCRIPT = Path(__file__).resolve().parent / "baseline.sql"
# the figures both compute exactly (roi is a double division in the baseline)
COMPARED = (
    "contribution", "driving_hires", "hunting_hires", "own_driving_cost", "counterfactual_cost",
    "cost_savings", "days_saved", "time_savings", "gross_benefit", "benefit", "net_benefit",
    "contribution_cum", "driving_hires_cum", "hunting_hires_cum", "cost_savings_cum",
    "time_savings_cum", "benefit_cum", "net_benefit_cum",
)


@dataclass(frozen=True)
class BaselineResult:
    seconds: float  # the script alone
    setup_seconds: float  # parameters and file lists
    vacancy_rows: int
    partner_periods: int


def run_baseline(programme_dir: Path, database: str = ":memory:", periods: list[str] | None = None,
                 threads: int | None = None) -> BaselineResult:
    """Compute partner_period with baseline.sql into `database`; `periods` limits the files read."""
    began = time.perf_counter()
    programme = load_programme(programme_dir)
    bench = load_bench_programme(programme_dir)
    con = duckdb.connect(database)
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    try:
        for kind in ("vacancies", "contributions"):
            for style in ("nl", "en"):
                files = [str(p) for p in bench.files_of(kind, style, periods) if p.is_file()]
                if not files:
                    raise ValueError(f"no {style} {kind} files in {programme_dir}")
                con.execute(f"SET VARIABLE {style}_{kind} = ?", [files])
        baselines = {b.partner: b for b in programme.baselines}
        partners = pl.DataFrame(
            {
                "partner": programme.partner_ids,
                "cost_per_hire": [str(baselines[p].cost_per_hire) for p in programme.partner_ids],
                "time_to_fill_days": [str(baselines[p].time_to_fill_days)
                                      for p in programme.partner_ids],
            }
        )
        valuation = programme.valuation
        con.register("given_partners", partners)
        con.execute(
            "CREATE OR REPLACE TABLE partners AS SELECT partner, "
            "CAST(cost_per_hire AS DECIMAL(18,2)) AS cost_per_hire, "
            "CAST(time_to_fill_days AS DECIMAL(18,2)) AS time_to_fill_days FROM given_partners"
        )
        con.unregister("given_partners")
        con.execute(
            "CREATE OR REPLACE TABLE valuation AS SELECT CAST(? AS DECIMAL(18,2)) AS hour_rate, "
            "CAST(? AS DECIMAL(18,2)) AS vacancy_day_cost, CAST(? AS DECIMAL(18,4)) AS deadweight, "
            "CAST(? AS DECIMAL(18,4)) AS attribution",
            [str(valuation.hour_rate), str(valuation.vacancy_day_cost), str(valuation.deadweight),
             str(valuation.attribution)],
        )
        con.execute("CREATE OR REPLACE TABLE driving (channel VARCHAR)")
        con.executemany("INSERT INTO driving VALUES (?)", [[c] for c in programme.fields.driving])
        ready = time.perf_counter()
        con.execute(SCRIPT.read_text(encoding="utf-8"))
        done = time.perf_counter()
        rows = con.execute("SELECT count(*) FROM vacancy_rows").fetchall()[0][0]
        cells = con.execute("SELECT count(*) FROM partner_period").fetchall()[0][0]
    finally:
        con.close()
    return BaselineResult(seconds=round(done - ready, 3), setup_seconds=round(ready - began, 3),
                          vacancy_rows=int(rows), partner_periods=int(cells))


def agreement(warehouse: Path, database: Path) -> dict[str, int]:
    """Rows of drijfjacht's partner_period, the baseline's, and those where any figure differs."""
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH '{warehouse}' AS dj (READ_ONLY)")
        con.execute(f"ATTACH '{database}' AS bl (READ_ONLY)")
        differs = " OR ".join(f"d.{c} IS DISTINCT FROM b.{c}" for c in COMPARED)
        counts = con.execute(
            f"""
            SELECT (SELECT count(*) FROM dj.marts.partner_period),
                   (SELECT count(*) FROM bl.main.partner_period),
                   count(*) FILTER (WHERE d.partner IS NULL OR b.partner IS NULL OR {differs})
            FROM dj.marts.partner_period AS d
            FULL JOIN bl.main.partner_period AS b USING (partner, period)
            """
        ).fetchall()[0]
    finally:
        con.close()
    return {"drijfjacht_rows": int(counts[0]), "baseline_rows": int(counts[1]),
            "differing_rows": int(counts[2])}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.baseline", description=__doc__.split("\n")[0])
    parser.add_argument("programme", type=Path)
    parser.add_argument("--database", default=":memory:", help="DuckDB file to write (default: memory)")
    parser.add_argument("--json", type=Path, help="write the timings here as JSON")
    args = parser.parse_args(argv)
    result = run_baseline(args.programme, args.database)
    if args.json:
        args.json.write_text(json.dumps(asdict(result)), encoding="utf-8")
    print(f"baseline.sql: {result.seconds} s over {result.vacancy_rows:,} vacancy rows "
          f"({result.partner_periods:,} partner-periods); setup {result.setup_seconds} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
