"""clean.vacancies brought up to date for the changed periods alone equals it rebuilt whole.

The demo programme is ingested without its last quarter and cleaned (a whole build). Then files
arrive as they do between runs: the last quarter; a resent earlier file that drops a vacancy,
reports another one filled a quarter earlier and repeats one already filled (a `filled_once`
rejection). After each, the incremental build must give exactly the rows and rejections that a
whole rebuild from the same raw rows gives.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from assets.clean import build_clean_tables, build_clean_vacancies, build_reference_tables
from assets.ingest import ingest_period
from assets.tables import ensure_schema
from domain.programme import load_programme

DEMO = Path(__file__).parents[2] / "data" / "demo"
HEADER = "\ufeffvacature_id;rol;geopend_op;vervuld_op;kanaal;kosten;uren\n"
TABLES = ("vacancies", "vacancy_rejections")


def _rows(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    return {table: con.sql(f"SELECT * FROM clean.{table} ORDER BY ALL").fetchall() for table in TABLES}


def _rebuilt_whole(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    """The clean tables rebuilt from every raw row, on a copy of the warehouse."""
    copy = duckdb.connect()
    ensure_schema(copy)  # the raw tables, and clean.build_state empty: a whole rebuild
    for table in ("raw.vacancy_rows", "clean.periods", "clean.channels"):
        frame = con.sql(f"SELECT * FROM {table}").pl()  # noqa: F841 - read by DuckDB by name
        copy.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM frame")
    assert build_clean_vacancies(copy) == "full"
    return _rows(copy)


def _send(programme_dir: Path, period: str, partner: str, lines: list[str]) -> None:
    (programme_dir / "inbox" / period / f"vacancies_{partner}.csv").write_text(
        HEADER + "".join(f"{line}\n" for line in lines), encoding="utf-8"
    )


@pytest.fixture
def warehouse(tmp_path: Path):
    """The demo without 2026Q4, ingested and cleaned whole: the warehouse, the programme folder
    and where 2026Q4's files wait."""
    programme_dir = tmp_path / "programme"
    shutil.copytree(DEMO, programme_dir)
    last = programme_dir / "inbox" / "2026Q4"
    held = tmp_path / "2026Q4"
    shutil.move(last, held)
    programme = load_programme(programme_dir)
    con = duckdb.connect()
    for period in sorted(p.name for p in (programme_dir / "inbox").iterdir()):
        ingest_period(con, programme, programme_dir, tmp_path / "archive", period)
    build_clean_tables(con, programme)
    assert con.sql("SELECT count(*) FROM clean.vacancies").fetchall() != [(0,)]
    yield con, programme_dir, held
    con.close()


def test_a_new_quarter_is_cleaned_incrementally_to_the_same_rows(warehouse):
    con, programme_dir, held = warehouse
    shutil.move(held, programme_dir / "inbox" / "2026Q4")
    before = con.sql("SELECT count(*) FROM clean.vacancies").fetchall()[0][0]
    programme = load_programme(programme_dir)
    ingest_period(con, programme, programme_dir, programme_dir.parent / "archive", "2026Q4")
    assert con.sql("SELECT * FROM raw.periods_to_clean").fetchall() == [("2026Q4",)]
    # the reference tables first (2026Q4 joins the periods), as build_clean_tables does
    build_reference_tables(con, programme)
    assert build_clean_vacancies(con) == "incremental"
    assert con.sql("SELECT count(*) FROM raw.periods_to_clean").fetchall() == [(0,)]
    after = _rows(con)
    assert len(after["vacancies"]) > before
    assert after == _rebuilt_whole(con)


def test_a_resent_file_is_cleaned_incrementally_to_the_same_rows_and_rejections(warehouse):
    con, programme_dir, _held = warehouse
    programme = load_programme(programme_dir)
    # 2025Q1: AAM-24-0002 filled, AAM-24-0003 open (filled in 2025Q2), AAM-24-0005 filled
    _send(
        programme_dir,
        "2025Q2",
        "aa-en-maas",
        [
            # AAM-24-0003 is dropped from 2025Q2: its clean row goes back to 2025Q1's, still open
            "AAM-24-0006;Projectleider dijkversterking;30-11-2024;23-06-2025;job_board;2.475,00;32",
            # filled in 2025Q1 already: counted once, this row is rejected
            "AAM-24-0002;Werkvoorbereider;10-10-2024;15-04-2025;open_application;0,00;15",
            # a new vacancy, open
            "AAM-25-9001;Ecoloog;01-04-2025;;job_board;100,00;4",
        ],
    )
    ingest_period(con, programme, programme_dir, programme_dir.parent / "archive", "2025Q2")
    assert build_clean_vacancies(con) == "incremental"
    rows = _rows(con)
    assert rows == _rebuilt_whole(con)
    vacancies = {(row[0], row[1]): row for row in rows["vacancies"]}
    assert vacancies[("aa-en-maas", "AAM-24-0003")][2] == "2025Q1"
    assert vacancies[("aa-en-maas", "AAM-24-0003")][10] == "open"
    assert vacancies[("aa-en-maas", "AAM-25-9001")][2] == "2025Q2"
    rejected = {(row[2], row[3], row[8]) for row in rows["vacancy_rejections"]}
    assert ("aa-en-maas", "2025Q2", "AAM-24-0002") in rejected

    # and back: the original file again, so the rejection goes and 0003 is filled in 2025Q2
    shutil.copyfile(
        DEMO / "inbox" / "2025Q2" / "vacancies_aa-en-maas.csv",
        programme_dir / "inbox" / "2025Q2" / "vacancies_aa-en-maas.csv",
    )
    ingest_period(con, programme, programme_dir, programme_dir.parent / "archive", "2025Q2")
    assert build_clean_vacancies(con) == "incremental"
    rows = _rows(con)
    assert rows == _rebuilt_whole(con)
    assert ("aa-en-maas", "2025Q2", "AAM-24-0002") not in {
        (row[2], row[3], row[8]) for row in rows["vacancy_rejections"]
    }


def test_everything_is_rebuilt_when_many_periods_or_the_channels_changed(warehouse):
    con, programme_dir, _held = warehouse
    programme = load_programme(programme_dir)
    periods = sorted(p.name for p in (programme_dir / "inbox").iterdir())
    for period in periods:
        ingest_period(con, programme, programme_dir, programme_dir.parent / "archive", period)
    assert build_clean_vacancies(con) == "full", "every period changed"

    ingest_period(con, programme, programme_dir, programme_dir.parent / "archive", periods[-1])
    con.execute("UPDATE clean.channels SET field = 'driving' WHERE field = 'hunting'")
    assert build_clean_vacancies(con) == "full", "the channels' fields changed"
    assert _rows(con) == _rebuilt_whole(con)
    assert con.sql("SELECT count(*) FROM clean.vacancies WHERE field = 'hunting'").fetchall() == [(0,)]
