"""Layer 2: materialize every asset on the hand-checked tiny programme in a temporary folder."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from domain.audit import sha256_of


@pytest.fixture
def tiny_run(tiny_programme: Path, tmp_path: Path, materialize):
    out = tmp_path / "out"
    result = materialize(tiny_programme, out, ["2025Q1", "2025Q2"])
    assert result.success
    con = duckdb.connect(str(out / "warehouse.duckdb"), read_only=True)
    yield out, con, result
    con.close()


def rows(con, query: str, *params) -> list[tuple]:
    return con.execute(query, list(params)).fetchall()


def test_every_file_is_recorded_and_archived_by_hash(tiny_run) -> None:
    out, con, _ = tiny_run
    submissions = rows(con, "SELECT path, sha256, archive_path, rows FROM submissions ORDER BY path")
    assert len(submissions) == 13  # 6 files in 2025Q1, 7 in 2025Q2
    for path, sha256, archive_path, _ in submissions:
        assert (out / archive_path).is_file(), path
        assert archive_path.endswith(sha256 + Path(path).suffix)


def test_driving_and_hunting_hires_per_period(tiny_run) -> None:
    _, con, _ = tiny_run
    hires = rows(
        con,
        "SELECT period, sum(driving_hires), sum(hunting_hires) FROM partner_period "
        "GROUP BY period ORDER BY period",
    )
    # 2025Q1: driving A1 (alpha), B1 (beta), G1 (gamma); hunting A2, B2. A3 is still open,
    #         A4 (unknown channel) and B3 (negative cost) are rejected.
    # 2025Q2: driving A3 (opened in Q1, filled now), B4; hunting A5. B1 again is rejected
    #         (already filled in Q1), G2 is open.
    assert hires == [("2025Q1", 3, 2), ("2025Q2", 2, 1)]


def test_every_rejection_names_file_row_column_value_and_rule(tiny_run) -> None:
    _, con, _ = tiny_run
    rejected = rows(
        con,
        'SELECT path, row_number, "column", value, rule FROM rejections ORDER BY path, row_number',
    )
    assert [(p, r, c, v) for p, r, c, v, _ in rejected] == [
        ("inbox/2025Q1/vacancies_alpha.csv", 5, "channel", "tiktok"),
        ("inbox/2025Q1/vacancies_beta.csv", 4, "cost", "-50.00"),
        ("inbox/2025Q2/vacancies_beta.csv", 2, "vacancy_id", "B1"),
    ]
    assert rejected[2][4] == "filled_once"


def test_open_vacancy_is_superseded_by_its_later_row(tiny_run) -> None:
    _, con, _ = tiny_run
    assert rows(
        con, "SELECT period, status, cost, days_to_fill FROM vacancies WHERE vacancy_id = 'A3'"
    ) == [("2025Q2", "filled", Decimal("700.00"), 50)]


def test_figures_for_2025q1_by_hand(tiny_run) -> None:
    _, con, _ = tiny_run
    figures = {
        partner: (contribution, cost_savings, time_savings, benefit, net_benefit)
        for partner, contribution, cost_savings, time_savings, benefit, net_benefit in rows(
            con,
            "SELECT partner, contribution, cost_savings, time_savings, benefit, net_benefit "
            "FROM partner_period WHERE period = '2025Q1'",
        )
    }
    # alpha: contribution 5000 + 40 h x 75 = 8000. One driving hire A1: own cost
    # 1000 + 10 h x 75 = 1750 vs baseline 6000 -> cost savings 4250; filled in 45 days
    # (6 Jan -> 20 Feb) vs 80 -> 35 days x 250 = 8750; benefit (4250 + 8750) x 0.8 x 0.9 = 9360;
    # net 9360 - 8000 = 1360.
    assert figures["alpha"] == (8000, 4250, 8750, 9360, 1360)
    # beta: 3000 + 10 x 75 = 3750; B1: 800 + 8 x 75 = 1400 vs 5000 -> 3600; 31 days vs 60 -> 29 x
    # 250 = 7250; (3600 + 7250) x 0.72 = 7812; net 7812 - 3750 = 4062.
    assert figures["beta"] == (3750, 3600, 7250, 7812, 4062)
    # gamma sent no contributions: 0; G1: 1200 + 5 x 75 = 1575 vs 7000 -> 5425; 72 days vs 90 ->
    # 18 x 250 = 4500; (5425 + 4500) x 0.72 = 7146; net 7146.
    assert figures["gamma"] == (0, 5425, 4500, 7146, 7146)
    programme = rows(con, "SELECT contribution, net_benefit, roi FROM programme_period "
                          "WHERE period = '2025Q1'")[0]
    assert programme[:2] == (11750, 12568)
    assert round(programme[2], 6) == round(Decimal(12568) / Decimal(11750), 6)


def test_gamma_missing_contributions_is_a_gap_in_the_cordon(tiny_run) -> None:
    _, con, _ = tiny_run
    statuses = rows(
        con,
        "SELECT commitment, status FROM cordon WHERE partner = 'gamma' AND period = '2025Q1' "
        "ORDER BY commitment",
    )
    assert statuses == [
        ("hours", "no_submission"),
        ("money", "no_submission"),
        ("task:open_day", "no_submission"),
    ]


def test_site_is_published_with_manifest(tiny_run) -> None:
    out, con, _ = tiny_run
    site = out / "site"
    assert (site / "index.html").is_file()
    assert (site / "plotly.min.js").is_file()
    assert (site / "partners" / "alpha" / "index.html").is_file()
    assert (site / "funders" / "index.html").is_file()
    text = (site / "manifest.json").read_text()
    manifest = json.loads(text)
    assert len(manifest["inputs"]) == 13
    assert "data/partner_period.csv" in manifest["outputs"]
    assert "index.html" in manifest["outputs"]
    # every input file as raw.submissions has it, in its order, with its keys sorted
    columns = ["accepted", "archive_path", "kind", "partner", "path", "period", "rejected", "rows"]
    expected = rows(
        con,
        f"SELECT {', '.join(columns)}, sha256, superseded_by FROM raw.submissions "
        "ORDER BY period, path, received_at, sha256",
    )
    assert [tuple(entry.values()) for entry in manifest["inputs"]] == expected
    assert all(list(entry) == [*columns, "sha256", "superseded_by"] for entry in manifest["inputs"])
    # one line per input file and per output file, so that two runs' manifests diff by line
    lines = {line.strip().rstrip(",") for line in text.splitlines()}
    assert all(json.dumps(entry, separators=(",", ":")) in lines for entry in manifest["inputs"])
    outputs = manifest["outputs"].items()
    assert all(f"{json.dumps(path)}: {json.dumps(digest)}" in lines for path, digest in outputs)
    # every file of the site but the manifest itself, with the sha256 of its bytes on disk
    files = [path for path in site.rglob("*") if path.is_file() and path.name != "manifest.json"]
    assert manifest["outputs"] == {path.relative_to(site).as_posix(): sha256_of(path) for path in files}


def test_asset_checks_pass_on_clean_input(tiny_run) -> None:
    _, _, result = tiny_run
    evaluations = {
        e.asset_check_key.name: e.passed for e in result.get_asset_check_evaluations()
    }
    assert evaluations["clean_vacancies_follow_contract"] is True
    # the tiny programme contains rows that break the suite on purpose: those checks warn
    assert evaluations["vacancies_suite"] is False
    assert evaluations["contributions_suite"] is True


def test_second_run_is_idempotent(tiny_programme: Path, tmp_path: Path, materialize) -> None:
    out = tmp_path / "out"
    assert materialize(tiny_programme, out, ["2025Q1", "2025Q2"]).success
    assert materialize(tiny_programme, out, ["2025Q1", "2025Q2"]).success
    with duckdb.connect(str(out / "warehouse.duckdb"), read_only=True) as con:
        assert rows(con, "SELECT count(*) FROM submissions") == [(13,)]
        assert rows(con, "SELECT count(*) FROM vacancies") == [(9,)]


def test_resubmitted_file_supersedes_the_earlier_one(
    tiny_programme: Path, tmp_path: Path, materialize
) -> None:
    out = tmp_path / "out"
    assert materialize(tiny_programme, out, ["2025Q1", "2025Q2"]).success
    gamma = tiny_programme / "inbox" / "2025Q1" / "vacancies_gamma.csv"
    gamma.write_text(gamma.read_text() + "G3,Ecologist,2025-01-02,2025-02-15,talent_pool,900,3\n")
    assert materialize(tiny_programme, out, ["2025Q1"]).success
    with duckdb.connect(str(out / "warehouse.duckdb"), read_only=True) as con:
        history = rows(
            con,
            "SELECT rows, superseded_by IS NULL FROM submissions "
            "WHERE path = 'inbox/2025Q1/vacancies_gamma.csv' ORDER BY rows",
        )
        assert history == [(1, False), (2, True)]
        assert rows(
            con, "SELECT driving_hires FROM partner_period WHERE partner='gamma' AND period='2025Q1'"
        ) == [(2,)]
