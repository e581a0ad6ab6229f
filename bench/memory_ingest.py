"""Peak resident memory of ingesting one 1,000,000-row vacancies CSV with `ingest_period`.

Copies tests/fixtures/tiny into a temporary folder, replaces vacancies_gamma.csv of 2025Q1 by a
generated Dutch export (`;`, decimal commas, day-first dates, ~58 MB) and ingests the period into
a DuckDB file in the same folder, as `drijfjacht run` does (`--in-memory` for ":memory:", which
also keeps the stored rows in RAM). Prints the rows accepted, the wall time and the peak RSS of
this process (ru_maxrss, KiB on Linux) before and after the ingest. Target: under 1 GiB.

Run: .venv/bin/python bench/memory_ingest.py [--rows N] [--in-memory]
Or, for the kernel's own account: /usr/bin/time -v .venv/bin/python bench/memory_ingest.py
Polars' allocator (jemalloc) keeps freed pages for ~10 s; to see memory in use rather than
memory kept, run with _RJEM_MALLOC_CONF=dirty_decay_ms:0,muzzy_decay_ms:0.
"""

import argparse
import resource
import shutil
import tempfile
import time
from pathlib import Path

import duckdb

from assets.ingest import ingest_period
from domain.programme import load_programme
from pipelines.resources import WAREHOUSE_SETTINGS

TINY = Path(__file__).parents[1] / "tests" / "fixtures" / "tiny"
HEADER = "vacature_id;rol;geopend_op;vervuld_op;kanaal;kosten;uren"
GIB = 1024 * 1024  # ru_maxrss is in KiB


def write_vacancies(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        handle.write(HEADER + "\n")
        block: list[str] = []
        for i in range(rows):
            day = i % 28 + 1
            filled = f"{day:02d}-03-2025" if i % 3 == 0 else ""
            channel = ("talent_pool", "agency", "joint_campaign", "own_website")[i % 4]
            block.append(
                f"G{i};Monteur;{day:02d}-01-2025;{filled};{channel};"
                f"{i % 900 + 1}.{i % 1000:03d},{i % 100:02d};{i % 40},5"
            )
            if len(block) == 100_000:
                handle.write("\n".join(block) + "\n")
                block = []
        if block:
            handle.write("\n".join(block) + "\n")


def peak_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--in-memory", action="store_true", help="ingest into DuckDB :memory:")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        programme_dir = Path(temp) / "tiny"
        shutil.copytree(TINY, programme_dir)
        target = programme_dir / "inbox" / "2025Q1" / "vacancies_gamma.csv"
        write_vacancies(target, args.rows)
        programme = load_programme(programme_dir)
        import great_expectations  # noqa: F401  (its import alone is ~200 MB; count it before)

        before = peak_kib()
        # the settings every run's warehouse connection has (pipelines/resources.py)
        database = ":memory:" if args.in_memory else str(Path(temp) / "warehouse.duckdb")
        con = duckdb.connect(database, config=WAREHOUSE_SETTINGS)
        started = time.perf_counter()
        result = ingest_period(con, programme, programme_dir, Path(temp) / "archive", "2025Q1")
        elapsed = time.perf_counter() - started
        after = peak_kib()
        accepted = con.execute(
            "SELECT count(*) FROM raw.vacancy_rows WHERE path LIKE '%vacancies_gamma.csv'"
        ).fetchall()[0][0]
        con.close()
        print(f"file: {target.stat().st_size / 1e6:.1f} MB, {args.rows:,} rows")
        print(f"accepted rows: {accepted:,}; rejections: {result.rejections.height}")
        print(f"ingest_period: {elapsed:.1f} s")
        print(f"peak RSS before ingest (imports): {before / 1024:.0f} MiB")
        print(f"peak RSS after ingest: {after / 1024:.0f} MiB ({after / GIB:.2f} GiB)")
        print("under 1 GiB" if after < GIB else "OVER 1 GiB")


if __name__ == "__main__":
    main()
