"""marts.cordon and marts.cordon_integrity on the tiny programme and on edge cases.

Tiny commitments from 2025Q1: alpha money 5000, hours 40, guest_lecture 2; beta money 3000,
hours 20; gamma money 2000, hours 10, open_day 1 (until 2025Q4).
"""

from decimal import Decimal as D

import duckdb
from fixtures.numbers.clean_tables import (
    Contribution,
    clean_warehouse,
    tiny_programme,
    tiny_rows,
    tiny_warehouse,
)

from assets.cordon import build_cordon, build_cordon_integrity
from domain.programme import Commitment, Programme


def cordon_of(con: duckdb.DuckDBPyConnection, programme: Programme) -> list[tuple]:
    build_cordon(con, programme)
    build_cordon_integrity(con, programme)
    return con.execute("SELECT * FROM marts.cordon").fetchall()


def integrity(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute("SELECT * FROM marts.cordon_integrity").fetchall()


def test_tiny_cordon_by_hand() -> None:
    programme = tiny_programme()
    assert cordon_of(tiny_warehouse(), programme) == [
        ("alpha", "2025Q1", "hours", 40, 40, 0, "kept"),
        ("alpha", "2025Q1", "money", 5000, 5000, 0, "kept"),
        ("alpha", "2025Q1", "task:guest_lecture", 2, 2, 0, "kept"),
        ("alpha", "2025Q2", "hours", 40, 40, 0, "kept"),
        ("alpha", "2025Q2", "money", 5000, 5000, 0, "kept"),
        # one guest lecture of the two promised
        ("alpha", "2025Q2", "task:guest_lecture", 2, 1, 1, "gap"),
        # 10 hours of 20
        ("beta", "2025Q1", "hours", 20, 10, 10, "gap"),
        ("beta", "2025Q1", "money", 3000, 3000, 0, "kept"),
        ("beta", "2025Q2", "hours", 20, 20, 0, "kept"),
        ("beta", "2025Q2", "money", 3000, 3000, 0, "kept"),
        # gamma sent no contributions file in 2025Q1: a gap on every commitment
        ("gamma", "2025Q1", "hours", 10, 0, 10, "no_submission"),
        ("gamma", "2025Q1", "money", 2000, 0, 2000, "no_submission"),
        ("gamma", "2025Q1", "task:open_day", 1, 0, 1, "no_submission"),
        ("gamma", "2025Q2", "hours", 10, 10, 0, "kept"),
        ("gamma", "2025Q2", "money", 2000, 2000, 0, "kept"),
        ("gamma", "2025Q2", "task:open_day", 1, 1, 0, "kept"),
    ]


def test_tiny_integrity_by_hand() -> None:
    con = tiny_warehouse()
    cordon_of(con, tiny_programme())
    assert integrity(con) == [
        # scope, period, kept, total, integrity, kept_cum, total_cum, integrity_cum
        ("alpha", "2025Q1", 3, 3, 1, 3, 3, 1),
        ("alpha", "2025Q2", 2, 3, D("0.6666666667"), 5, 6, D("0.8333333333")),
        ("beta", "2025Q1", 1, 2, D("0.5"), 1, 2, D("0.5")),
        ("beta", "2025Q2", 2, 2, 1, 3, 4, D("0.75")),
        ("gamma", "2025Q1", 0, 3, 0, 0, 3, 0),
        ("gamma", "2025Q2", 3, 3, 1, 3, 6, D("0.5")),
        # programme: (3 + 1 + 0) / 8, then (2 + 2 + 3) / 8; cumulative 11 / 16
        ("programme", "2025Q1", 4, 8, D("0.5"), 4, 8, D("0.5")),
        ("programme", "2025Q2", 7, 8, D("0.875"), 11, 16, D("0.6875")),
    ]


def with_commitments(*commitments: dict) -> Programme:
    return tiny_programme().model_copy(
        update={"commitments": [Commitment.model_validate(c) for c in commitments]}
    )


def test_commitment_periods_and_zero_elements() -> None:
    programme = with_commitments(
        # only tasks: money and hours default to 0 and are no commitment
        {"partner": "alpha", "from": "2025Q2", "tasks": {"guest_lecture": 1}},
        # ends before the data does
        {"partner": "beta", "from": "2025Q1", "until": "2025Q1", "money": 100},
    )
    rows = tiny_rows()
    con = clean_warehouse(programme, "2025Q3", **rows)
    assert cordon_of(con, programme) == [
        ("alpha", "2025Q2", "task:guest_lecture", 1, 1, 0, "kept"),
        # alpha sent nothing for 2025Q3
        ("alpha", "2025Q3", "task:guest_lecture", 1, 0, 1, "no_submission"),
        ("beta", "2025Q1", "money", 100, 3000, 0, "kept"),
    ]
    # a period without any commitment has no integrity, and the running figure carries on
    assert [r for r in integrity(con) if r[0] in ("alpha", "gamma")] == [
        ("alpha", "2025Q1", 0, 0, None, 0, 0, None),
        ("alpha", "2025Q2", 1, 1, 1, 1, 1, 1),
        ("alpha", "2025Q3", 0, 1, 0, 1, 2, D("0.5")),
        ("gamma", "2025Q1", 0, 0, None, 0, 0, None),
        ("gamma", "2025Q2", 0, 0, None, 0, 0, None),
        ("gamma", "2025Q3", 0, 0, None, 0, 0, None),
    ]


def test_an_empty_submission_is_a_gap_and_an_uncommitted_task_is_no_row() -> None:
    programme = with_commitments({"partner": "beta", "from": "2025Q1", "money": 3000})
    con = clean_warehouse(
        programme,
        "2025Q2",
        contributions=[
            Contribution("beta", "2025Q1", "money", D("2999.99")),
            # a task nobody asked for: welcome, but not part of the cordon
            Contribution("beta", "2025Q1", "task", D(3), "open_day"),
        ],
        # beta's 2025Q2 file arrived, but every row of it was rejected
        submissions=[("beta", "2025Q1"), ("beta", "2025Q2")],
    )
    assert cordon_of(con, programme) == [
        ("beta", "2025Q1", "money", 3000, D("2999.99"), D("0.01"), "gap"),
        ("beta", "2025Q2", "money", 3000, 0, 3000, "gap"),
    ]


def test_more_delivered_than_committed_is_kept_without_a_negative_gap() -> None:
    programme = with_commitments({"partner": "alpha", "from": "2025Q1", "hours": 10})
    con = clean_warehouse(
        programme,
        "2025Q1",
        contributions=[
            Contribution("alpha", "2025Q1", "hours", D(8)),
            Contribution("alpha", "2025Q1", "hours", D(7)),
        ],
        submissions=[("alpha", "2025Q1")],
    )
    assert cordon_of(con, programme) == [("alpha", "2025Q1", "hours", 10, 15, 0, "kept")]


def test_committed_amount_with_too_many_decimals_is_rounded_with_a_warning() -> None:
    programme = with_commitments({"partner": "alpha", "from": "2025Q1", "hours": "10.005"})
    con = clean_warehouse(programme, "2025Q1", submissions=[("alpha", "2025Q1")])
    assert cordon_of(con, programme) == [("alpha", "2025Q1", "hours", D("10.01"), 0, D("10.01"), "gap")]
    assert con.execute("SELECT figure, rule, stage FROM marts.warnings").fetchall() == [
        ("commitments[0].hours", "parameter_rounded", "cordon"),
    ]
