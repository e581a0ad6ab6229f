"""Broken and hostile input: each case of cases.py ingested into a copy of the tiny programme.

For every case: (a) exactly the expected rejections for that file, each message naming its value;
(b) every other file of the inbox ingested exactly as in a clean run; (c) the case file itself is
recorded and archived byte for byte (nothing that was sent is lost).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from assets.ingest import ingest_period
from domain.programme import ProgrammeError, load_programme, parse_programme
from tests.robustness.cases import CASES, PROGRAMME_CASES, Case

FIXTURES = Path(__file__).parents[1] / "fixtures"
TINY_YAML = FIXTURES / "tiny" / "programme.yaml"
ROW_TABLES = {
    "vacancies": "raw.vacancy_rows",
    "contributions": "raw.contribution_rows",
    "ledger": "raw.ledger_rows",
}


def ingest(programme_dir: Path, out: Path, periods: list[str]) -> duckdb.DuckDBPyConnection:
    programme = load_programme(programme_dir)
    con = duckdb.connect()
    for period in periods:
        ingest_period(con, programme, programme_dir, out / "archive", period)
    return con


def submissions(con: duckdb.DuckDBPyConnection) -> dict[str, tuple]:
    """path -> (rows, accepted, rejected, rows in the raw row table, rejections as tuples)."""
    found = {}
    for path, kind, rows, accepted, rejected in con.execute(
        "SELECT path, kind, rows, accepted, rejected FROM raw.submissions"
    ).fetchall():
        stored = 0
        if kind in ROW_TABLES:
            stored = con.execute(
                f"SELECT count(*) FROM {ROW_TABLES[kind]} WHERE path = ?", [path]
            ).fetchall()[0][0]
        problems = con.execute(
            'SELECT row_number, "column", value, rule FROM raw.rejections WHERE path = ? '
            'ORDER BY row_number NULLS FIRST, "column"',
            [path],
        ).fetchall()
        found[path] = (rows, accepted, rejected, stored, problems)
    return found


@pytest.fixture(scope="module")
def clean_run(tmp_path_factory) -> dict[str, tuple]:
    """The tiny programme's two periods without any case: what every other file must still give."""
    root = tmp_path_factory.mktemp("clean")
    shutil.copytree(FIXTURES / "tiny", root / "tiny")
    con = ingest(root / "tiny", root / "out", ["2025Q1", "2025Q2"])
    try:
        return submissions(con)
    finally:
        con.close()


def place(case: Case, programme_dir: Path) -> Path:
    folder = programme_dir / "inbox" / case.period
    folder.mkdir(exist_ok=True)
    if case.replaces:
        (folder / case.replaces).unlink()
    target = folder / case.file_name
    if isinstance(case.content, bytes):
        target.write_bytes(case.content)
        return target
    return case.content(target)


def sort_key(rejection: tuple) -> tuple:
    row, column, _, _ = rejection
    return (row is not None, row or 0, column or "")


@pytest.mark.parametrize(
    "case", [pytest.param(c, id=c.name, marks=[pytest.mark.slow] if c.slow else []) for c in CASES]
)
def test_hostile_file(case: Case, tiny_programme: Path, tmp_path: Path, clean_run: dict) -> None:
    path = place(case, tiny_programme)
    relative = path.relative_to(tiny_programme).as_posix()
    periods = sorted({"2025Q1", case.period} | ({"2025Q2"} if case.stage == "clean" else set()))
    out = tmp_path / "out"
    con = ingest(tiny_programme, out, periods)

    # (a) exactly the expected rejections, each message naming its value
    if case.stage == "clean":
        from assets.clean import build_clean_tables

        build_clean_tables(con, load_programme(tiny_programme))
        table = "main.rejections"
    else:
        table = "raw.rejections"
    rejections = con.execute(
        f'SELECT row_number, "column", value, rule, message FROM {table} WHERE path = ?', [relative]
    ).fetchall()
    assert sorted(((r, c, v, rule) for r, c, v, rule, _ in rejections), key=sort_key) == sorted(
        case.expected, key=sort_key
    )
    for row, column, value, rule, message in rejections:
        if value is not None:
            shown = value[:50]
            assert all(part in message for part in shown.split(", ")), (rule, value, message)
        if row is None:
            assert path.name in message, message
        elif value is None:
            assert column in message, message

    # the case file itself: recorded, its accepted rows stored, archived byte for byte
    rows, accepted, rejected, stored, _ = submissions(con)[relative]
    assert (accepted, stored) == (case.accepted, case.accepted)
    for column, values in case.stored.items():
        kind_table = ROW_TABLES[_kind(case)]
        got = con.execute(
            f'SELECT "{column}" FROM {kind_table} WHERE path = ? ORDER BY row_number', [relative]
        ).fetchall()
        assert tuple(v for (v,) in got) == values, column
    (archive_path,) = con.execute(
        "SELECT archive_path FROM raw.submissions WHERE path = ?", [relative]
    ).fetchall()[0]
    if path.is_symlink() and not path.resolve().is_relative_to(tiny_programme / "inbox"):
        assert archive_path == ""  # never read, never copied
    else:
        assert (out / archive_path).read_bytes() == path.read_bytes()
        assert (out / archive_path).resolve().is_relative_to((out / "archive").resolve())

    # (b) every other file of the inbox ingested as in the clean run
    now = submissions(con)
    affected = {relative} | {
        f"inbox/{case.period}/{name}" for name in (case.replaces, *case.also_rejected) if name
    }
    for other, before in clean_run.items():
        if other.split("/")[1] in periods and other not in affected:
            assert now[other] == before, other
    for name in case.also_rejected:
        other = f"inbox/{case.period}/{name}"
        assert now[other][1] == 0 and [p[3] for p in now[other][4]] == [case.expected[0][3]]
    con.close()


def _kind(case: Case) -> str:
    name = case.file_name.split("_")[0].split(".")[0]
    return {"vacancies": "vacancies", "contributions": "contributions", "ledger": "ledger"}[name]


def test_the_corpus_is_large_and_names_are_unique() -> None:
    names = [case.name for case in CASES]
    assert len(names) == len(set(names))
    assert len(CASES) >= 40


# --- programme.yaml ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "expected"), [pytest.param(o, n, e, id=name) for name, o, n, e in PROGRAMME_CASES]
)
def test_hostile_programme(old: str, new: str, expected: list[str]) -> None:
    text = TINY_YAML.read_text(encoding="utf-8")
    assert old in text
    with pytest.raises(ProgrammeError) as caught:
        parse_programme(text.replace(old, new, 1))
    assert caught.value.problems == expected
