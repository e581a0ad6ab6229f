"""Ingesting many periods together (one read and one suite run per kind) equals one at a time.

The demo programme holds every kind of file and its deliberate errors (some of them rules that
compare a date with the period), so the rejections, rows and suite results per period must come
out the same whether its eight quarters are taken as one chunk or one by one.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

import assets.ingest as ingest
from assets.checks.suite_process import SuiteProcess
from domain.programme import load_programme

DEMO = Path(__file__).parents[2] / "data" / "demo"
TABLES = {
    "raw.vacancy_rows": "path, row_number",
    "raw.contribution_rows": "path, row_number",
    "raw.ledger_rows": "path, row_number",
    "raw.rejections": 'path, row_number, "column", rule',
    "raw.submissions": "path, sha256",
    "raw.validation_results": 'period, kind, expectation, "column"',
}


def _ingest(
    tmp_path: Path, chunk_bytes: int, monkeypatch, suites: SuiteProcess | None = None
) -> tuple[dict[str, list], list[list[str]]]:
    monkeypatch.setattr(ingest, "CHUNK_BYTES", chunk_bytes)
    programme = load_programme(DEMO)
    periods = sorted(p.name for p in (DEMO / "inbox").iterdir())
    con = duckdb.connect()
    chunks = [
        [result.period for result in chunk]
        for chunk in ingest.ingest_periods(
            con, programme, DEMO, tmp_path / "archive", periods, {}, suites
        )
    ]
    found = {
        table: con.sql(f"SELECT * FROM {table} ORDER BY {key}").fetchall()
        for table, key in TABLES.items()
    }
    return found, chunks


def test_periods_ingested_together_equal_periods_ingested_one_by_one(tmp_path, monkeypatch):
    together, chunks = _ingest(tmp_path / "together", 1 << 30, monkeypatch)
    one_by_one, single = _ingest(tmp_path / "alone", 1, monkeypatch)
    assert len(chunks) == 1 and len(chunks[0]) == len(single) >= 5
    assert all(len(chunk) == 1 for chunk in single)
    assert together["raw.rejections"], "the demo's deliberate errors are found"
    rules = {row[9] for row in together["raw.rejections"]}
    assert {"filled_on_within_period", "date_within_period"} & rules
    for table in TABLES:
        assert together[table] == one_by_one[table], table


@pytest.mark.parametrize("chunk_bytes", [1 << 30, 1], ids=["one chunk", "a chunk per period"])
def test_files_read_and_checked_with_the_suite_process_give_what_they_give_in_this_one(
    tmp_path, monkeypatch, chunk_bytes
):
    """What `drijfjacht run` does (Great Expectations in a SuiteProcess, which also reads every
    other chunk) equals the in-process run, rejections with their messages and the suites'
    results per period included."""
    here, _ = _ingest(tmp_path / "here", chunk_bytes, monkeypatch)
    suites = SuiteProcess()
    try:
        there, chunks = _ingest(tmp_path / "there", chunk_bytes, monkeypatch, suites)
    finally:
        suites.close()
    assert here["raw.rejections"] and here["raw.validation_results"]
    assert len(chunks) == 1 if chunk_bytes > 1 else len(chunks) >= 5
    for table in TABLES:
        assert there[table] == here[table], table


@pytest.mark.parametrize(("sizes", "limit", "first_share", "expected"), [
    ([5, 5, 5], 10, 1, [["a", "b"], ["c"]]),
    ([20, 1, 1], 10, 1, [["a"], ["b", "c"]]),
    ([0, 0, 0], 10, 1, [["a", "b", "c"]]),
    # the first chunk up to 12 / 6 = 2 bytes, then 4, 8 and 12
    ([1] * 18, 12, 6,
     [["a", "b"], ["c", "d", "e", "f"], ["g", "h", "i", "j", "k", "l", "m", "n"], ["o", "p", "q", "r"]]),
])
def test_chunks_hold_periods_in_order_up_to_the_limit(
    tmp_path, monkeypatch, sizes, limit, first_share, expected
):
    names = "abcdefghijklmnopqr"[: len(sizes)]
    for name, size in zip(names, sizes, strict=True):
        (tmp_path / "inbox" / name).mkdir(parents=True)
        (tmp_path / "inbox" / name / "f.csv").write_bytes(b"x" * size)
    monkeypatch.setattr(ingest, "CHUNK_BYTES", limit)
    monkeypatch.setattr(ingest, "FIRST_CHUNK_SHARE", first_share)
    assert ingest._chunks(tmp_path, list(names)) == expected


def test_input_lineage_names_every_file_by_one_digest_and_lists_a_short_inbox():
    files = {"inbox/2025Q1/vacancies_a.csv": "a" * 64, "inbox/2025Q1/ledger.csv": "b" * 64}
    lineage = ingest.input_lineage(files)
    assert lineage["input_files"].value == 2
    assert lineage["input_sha256"].value == files
    reordered = ingest.input_lineage(dict(reversed(list(files.items()))))
    assert reordered["input_digest"] == lineage["input_digest"]
    changed = ingest.input_lineage({**files, "inbox/2025Q1/ledger.csv": "c" * 64})
    assert changed["input_digest"] != lineage["input_digest"]
    many = {f"inbox/2025Q1/f{n}.csv": f"{n:064x}" for n in range(ingest.INLINE_INPUTS + 1)}
    assert "input_sha256" not in ingest.input_lineage(many)
