"""The benchmark's generator: deterministic, and what it writes is valid input for a run."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from bench.baseline import agreement, run_baseline
from bench.generate import SCALES, load_bench_programme, write_bench_programme
from domain.programme import load_programme
from domain.readers import read_partner_file

REPO = Path(__file__).resolve().parents[2]


def _digests(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name != "bench.json"
    }


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory):
    return write_bench_programme(tmp_path_factory.mktemp("bench") / "p", partners=3, quarters=2,
                                 per_quarter=12, seed=11)


def test_same_seed_same_bytes_other_seed_other_bytes(small, tmp_path: Path) -> None:
    again = write_bench_programme(tmp_path / "again", partners=3, quarters=2, per_quarter=12,
                                  seed=11)
    other = write_bench_programme(tmp_path / "other", partners=3, quarters=2, per_quarter=12,
                                  seed=12)
    first = _digests(small.folder)
    assert len(first) == 1 + 2 * 7 + 7  # programme.yaml, two quarters in inbox, one incoming
    assert _digests(again.folder) == first
    assert _digests(other.folder) != first
    assert load_bench_programme(again.folder) == again


def test_layout_styles_and_counts(small) -> None:
    programme = load_programme(small.folder)
    assert programme.partner_ids == ["p0001", "p0002", "p0003"]
    assert {b.partner for b in programme.baselines} == set(programme.partner_ids)
    assert small.periods == ["2017Q1", "2017Q2"] and small.new_periods == ["2017Q3"]
    assert sorted(p.name for p in (small.folder / "inbox").iterdir()) == small.periods
    assert (small.incoming("2017Q3") / "vacancies_p0002.csv").is_file()
    assert small.styles == {"p0001": "nl", "p0002": "en", "p0003": "nl"}
    dutch = (small.folder / "inbox/2017Q1/vacancies_p0001.csv").read_bytes()
    english = (small.folder / "inbox/2017Q1/vacancies_p0002.csv").read_bytes()
    assert dutch.startswith(b"\xef\xbb\xbfvacature_id;rol;geopend_op;vervuld_op;kanaal;kosten;uren\r\n")
    assert english.startswith(b"vacancy_id,role,opened_on,filled_on,channel,cost,hours\n")
    # 3 partners x 2 quarters x 10..14 vacancies opened per quarter
    assert 60 <= small.vacancies <= 84
    assert small.vacancy_rows > small.vacancies  # open vacancies are reported again
    assert small.files == 14


def test_files_read_without_problems(small) -> None:
    rows = 0
    for path in sorted((small.folder / "inbox").rglob("*.csv")):
        kind = path.stem.split("_")[0]
        parsed = read_partner_file(path, kind)
        assert parsed.problems == [], path
        rows += parsed.rows if kind == "vacancies" else 0
    assert rows == small.vacancy_rows


def test_drijfjacht_run_accepts_everything_and_agrees_with_the_baseline(small, tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "run", str(small.folder), "--out", str(out)],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    with duckdb.connect(str(out / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM raw.rejections").fetchall()[0][0] == 0
        assert con.execute("SELECT count(*) FROM clean.vacancy_rejections").fetchall()[0][0] == 0
        files, rows, accepted = con.execute(
            "SELECT count(*), sum(rows), sum(accepted) FROM raw.submissions"
        ).fetchall()[0]
        assert files == small.files
        assert con.execute(
            "SELECT count(*) FROM raw.vacancy_rows").fetchall()[0][0] == small.vacancy_rows
        assert rows == accepted
        assert con.execute("SELECT count(*) FROM clean.vacancies").fetchall()[0][0] == small.vacancies
        hires = con.execute(
            "SELECT sum(driving_hires) + sum(hunting_hires) FROM marts.partner_period"
        ).fetchall()[0][0]
    database = tmp_path / "baseline.duckdb"
    result = run_baseline(small.folder, str(database))
    assert result.vacancy_rows == small.vacancy_rows
    assert result.partner_periods == 3 * 2
    assert agreement(out / "warehouse.duckdb", database) == {
        "drijfjacht_rows": 6, "baseline_rows": 6, "differing_rows": 0
    }
    assert hires > 0


def test_scales_are_the_issues() -> None:
    assert {n: (s.partners, s.quarters) for n, s in SCALES.items()} == {
        "S": (40, 8), "M": (400, 40), "L": (2000, 40)
    }
    assert SCALES["M"].partners * SCALES["M"].quarters * SCALES["M"].per_quarter == 2_000_000


def test_refuses_a_folder_it_did_not_write(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(FileExistsError):
        write_bench_programme(tmp_path, partners=2, quarters=1, per_quarter=1)
