"""The Great Expectations suites against clean and dirty batches, and `check_file`."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from assets.checks.suites import SUITES
from assets.checks.validation import check_file, run_suite
from domain.programme import load_programme
from domain.readers import canonical_schema

TINY = Path(__file__).parents[1] / "fixtures" / "tiny"
PERIOD = "2026Q2"  # 01-04-2026 .. 30-06-2026


@pytest.fixture(scope="module")
def programme():
    # channels: driving joint_campaign, talent_pool; hunting own_website, agency
    return load_programme(TINY)


def batch(kind: str, rows: list[tuple], file_keys: list[int] | None = None) -> pl.DataFrame:
    """A batch as ingest builds it: batch_index, row_number (from the tuples), the columns."""
    schema = canonical_schema(kind)
    frame = pl.DataFrame(rows, schema=schema, orient="row")
    frame = frame.with_columns(pl.int_range(100, 100 + frame.height, dtype=pl.Int64).alias("batch_index"))
    if file_keys is not None:
        frame = frame.with_columns(pl.Series("file_key", file_keys, dtype=pl.Int64))
    return frame


def found(outcome) -> list[tuple[int, str, int, str | None, str]]:
    return [(i, p.rule, p.row_number, p.value, p.column) for i, p in outcome.problems]


def D(text: str) -> Decimal:
    return Decimal(text)


# --- vacancies --------------------------------------------------------------------------------


def test_clean_vacancies_pass(programme):
    rows = [
        (2, "V1", "Hydroloog", date(2026, 1, 10), date(2026, 4, 1), "talent_pool", D("100.00"), D("2.50")),
        (3, "V2", None, date(2026, 6, 30), None, "agency", D("0.00"), D("0.00")),
        (4, "V3", None, date(2026, 5, 1), date(2026, 6, 30), "joint_campaign", D("1.00"), D("1.00")),
    ]
    outcome = run_suite("vacancies", batch("vacancies", rows), programme, PERIOD)
    assert outcome.problems == []
    assert outcome.success is True
    assert len(outcome.results) == len(SUITES["vacancies"](programme, PERIOD).expectations)
    assert all(r["success"] and r["unexpected_count"] == 0 for r in outcome.results)


def test_dirty_vacancies_name_rule_row_and_value(programme):
    rows = [
        (2, "V1", None, date(2026, 7, 2), None, "talent_pool", D("1.00"), D("1.00")),
        (3, "V2", None, date(2026, 4, 1), date(2026, 7, 12), "tiktok", D("-5.00"), D("1.00")),
        (4, "V3", None, date(2026, 5, 10), date(2026, 5, 1), "agency", D("1.00"), D("-0.50")),
        (5, None, None, None, date(2026, 3, 31), "agency", None, D("1.00")),
        (6, "V1", None, date(2026, 4, 1), None, None, D("1.00"), None),
    ]
    outcome = run_suite("vacancies", batch("vacancies", rows, [0] * 5), programme, PERIOD)
    assert outcome.success is False
    assert sorted(found(outcome)) == sorted(
        [
            (100, "opened_on_not_after_period", 2, "02-07-2026", "opened_on"),
            (100, "unique_vacancy_id", 2, "V1", "vacancy_id"),
            (101, "filled_on_within_period", 3, "12-07-2026", "filled_on"),
            (101, "channel_in_fields", 3, "tiktok", "channel"),
            (101, "not_negative", 3, "-5.00", "cost"),
            (102, "filled_after_opened", 4, "01-05-2026", "filled_on"),
            (102, "not_negative", 4, "-0.50", "hours"),
            (103, "required", 5, None, "vacancy_id"),
            (103, "required", 5, None, "opened_on"),
            (103, "filled_on_within_period", 5, "31-03-2026", "filled_on"),
            (103, "required", 5, None, "cost"),
            (104, "unique_vacancy_id", 6, "V1", "vacancy_id"),
            (104, "required", 6, None, "channel"),
            (104, "required", 6, None, "hours"),
        ]
    )
    messages = {(i, p.rule): p.message for i, p in outcome.problems}
    assert messages[(101, "filled_on_within_period")] == (
        "filled_on 12-07-2026 is after the end of period 2026Q2 (30-06-2026)"
    )
    assert messages[(103, "filled_on_within_period")].startswith(
        "filled_on 31-03-2026 is before the start of period 2026Q2 (01-04-2026)"
    )
    assert messages[(100, "opened_on_not_after_period")].startswith(
        "opened_on 02-07-2026 is after the end of period 2026Q2 (30-06-2026)"
    )
    assert messages[(102, "filled_after_opened")] == ("filled_on 01-05-2026 is before opened_on 10-05-2026")
    assert "rows 2, 6" in messages[(100, "unique_vacancy_id")]
    assert "'tiktok'" in messages[(101, "channel_in_fields")]
    assert messages[(101, "not_negative")] == "cost -5.00 is negative; it must be 0 or more"
    by_rule = {(r["rule"], r["column"]): r for r in outcome.results}
    assert by_rule[("unique_vacancy_id", "file_key, vacancy_id")]["unexpected_count"] == 2
    # the period rules compare each row with its own period: both sides named
    assert by_rule[("filled_on_within_period", "filled_on, period_start")]["failing"] == [103]
    assert by_rule[("opened_on_not_after_period", "period_end, opened_on")]["unexpected_count"] == 1
    assert by_rule[("required", "cost")]["success"] is False
    assert by_rule[("channel_in_fields", "channel")]["expectation"] == ("expect_column_values_to_be_in_set")


def test_vacancy_id_is_unique_per_file_not_per_batch(programme):
    rows = [
        (2, "V1", None, date(2026, 4, 1), None, "agency", D("1"), D("1")),
        (2, "V1", None, date(2026, 4, 1), None, "agency", D("1"), D("1")),
        (3, "V1", None, date(2026, 4, 1), None, "agency", D("1"), D("1")),
    ]
    outcome = run_suite("vacancies", batch("vacancies", rows, [0, 1, 1]), programme, PERIOD)
    assert found(outcome) == [
        (101, "unique_vacancy_id", 2, "V1", "vacancy_id"),
        (102, "unique_vacancy_id", 3, "V1", "vacancy_id"),
    ]
    # without file_key the batch is one file
    one_file = run_suite("vacancies", batch("vacancies", rows), programme, PERIOD)
    assert [i for i, _ in one_file.problems] == [100, 101, 102]


def test_without_period_the_period_rules_are_left_out(programme):
    rows = [(2, "V1", None, date(2030, 1, 1), date(2030, 2, 1), "agency", D("1"), D("1"))]
    assert run_suite("vacancies", batch("vacancies", rows), programme, None).problems == []
    with_period = run_suite("vacancies", batch("vacancies", rows), programme, PERIOD)
    assert {p.rule for _, p in with_period.problems} == {
        "opened_on_not_after_period",
        "filled_on_within_period",
    }


# --- contributions ----------------------------------------------------------------------------


def test_clean_contributions_pass(programme):
    rows = [
        (2, "money", None, D("5000.00"), "kwartaal"),
        (3, "hours", None, D("40.00"), None),
        (4, "task", "guest_lecture", D("2.00"), None),
        (5, "money", None, D("0.00"), None),
    ]
    outcome = run_suite("contributions", batch("contributions", rows), programme, PERIOD)
    assert outcome.problems == []
    assert outcome.success is True


def test_dirty_contributions(programme):
    rows = [
        (2, "donatie", None, D("5.00"), None),
        (3, "task", None, D("1.00"), None),
        (4, "money", None, D("-1.00"), None),
        (5, "hours", None, None, None),
        (6, None, "open_day", D("1.00"), None),
        (7, "money", None, D("3.00"), None),  # a task is not needed for money
    ]
    outcome = run_suite("contributions", batch("contributions", rows), programme, PERIOD)
    assert found(outcome) == [
        (100, "kind_in_set", 2, "donatie", "kind"),
        (101, "task_required", 3, None, "task"),
        (102, "not_negative", 4, "-1.00", "amount"),
        (103, "required", 5, None, "amount"),
        (104, "required", 6, None, "kind"),
    ]
    assert "'donatie'" in outcome.problems[0][1].message


# --- ledger -----------------------------------------------------------------------------------


def test_clean_ledger_passes(programme):
    rows = [
        (2, date(2026, 4, 1), "Campagne", D("4000.00"), "joint_campaign"),
        (3, date(2026, 6, 30), "Drukwerk", D("0.00"), None),
    ]
    outcome = run_suite("ledger", batch("ledger", rows), programme, PERIOD)
    assert outcome.problems == []


def test_dirty_ledger(programme):
    rows = [
        (2, date(2026, 3, 31), "Te vroeg", D("1.00"), None),
        (3, date(2026, 5, 1), "Negatief", D("-10.00"), "talent_pool"),
        (4, date(2026, 5, 1), "Jacht", D("1.00"), "agency"),
        (5, None, None, None, None),
    ]
    outcome = run_suite("ledger", batch("ledger", rows), programme, PERIOD)
    assert sorted(found(outcome)) == sorted(
        [
            (100, "date_within_period", 2, "31-03-2026", "date"),
            (101, "not_negative", 3, "-10.00", "cost"),
            (102, "channel_in_driving", 4, "agency", "channel"),
            (103, "required", 5, None, "date"),
            (103, "required", 5, None, "cost"),
        ]
    )


def test_empty_batch_is_a_success(programme):
    outcome = run_suite("ledger", batch("ledger", []), programme, PERIOD)
    assert outcome.success is True
    assert outcome.problems == []
    assert {r["rule"] for r in outcome.results} == {
        "required",
        "not_negative",
        "channel_in_driving",
        "date_within_period",
    }


def test_an_expectation_that_cannot_run_is_an_error_not_a_pass(programme):
    frame = batch("ledger", [(2, date(2026, 4, 1), "x", D("1"), None)]).with_columns(
        pl.col("date").cast(pl.String)
    )
    with pytest.raises(RuntimeError, match="ledger.date could not be evaluated"):
        run_suite("ledger", frame, programme, PERIOD)


def test_the_batch_itself_stays_decimal(programme):
    frame = batch("ledger", [(2, date(2026, 4, 1), "x", D("0.10"), None)])
    run_suite("ledger", frame, programme, PERIOD)
    assert frame.schema["cost"] == pl.Decimal(18, 2)
    assert frame["cost"].to_list() == [D("0.10")]


# --- check_file -------------------------------------------------------------------------------


def test_check_file_lists_every_problem_once_sorted(tmp_path, programme):
    folder = tmp_path / "inbox" / PERIOD
    folder.mkdir(parents=True)
    path = folder / "vacancies_alpha.csv"
    path.write_text(
        "vacature_id;geopend_op;vervuld_op;kanaal;kosten;uren\n"
        "V1;01-04-2026;12-07-2026;Talent pool;n.v.t.;1\n"
        "V2;31-02-2026;;tiktok;5;-1\n"
        "V1;01-04-2026;;agency;0;0\n",
        encoding="utf-8",
    )
    problems = check_file(path, programme)
    assert [(p.row_number, p.column, p.source_column, p.value, p.rule) for p in problems] == [
        (2, "vacancy_id", "vacature_id", "V1", "unique_vacancy_id"),
        (2, "filled_on", "vervuld_op", "12-07-2026", "filled_on_within_period"),
        # the reader's reason wins; the suite's 'required' for the same cell is not repeated
        (2, "cost", "kosten", "n.v.t.", "decimal"),
        (3, "opened_on", "geopend_op", "31-02-2026", "date"),
        (3, "channel", "kanaal", "tiktok", "channel_in_fields"),
        (3, "hours", "uren", "-1.00", "not_negative"),
        (4, "vacancy_id", "vacature_id", "V1", "unique_vacancy_id"),
    ]


def test_check_file_clean_tiny_file(programme):
    assert check_file(TINY / "inbox" / "2025Q1" / "vacancies_gamma.csv", programme) == []


def test_check_file_without_period_notes_it(tmp_path, programme):
    path = tmp_path / "ledger.csv"
    path.write_text("datum;activiteit;kosten\n01-01-2030;x;1\n", encoding="utf-8")
    assert [p.rule for p in check_file(path, programme)] == ["period_unknown"]
    assert [p.rule for p in check_file(path, programme, "2030Q1")] == []
    assert [(p.row_number, p.rule) for p in check_file(path, programme, "2030Q2")] == [
        (2, "date_within_period")
    ]


def test_check_file_unknown_partner_and_bad_name(tmp_path, programme):
    folder = tmp_path / PERIOD
    folder.mkdir()
    unknown = folder / "contributions_delta.csv"
    unknown.write_text("soort;aantal\ngeld;-1\n", encoding="utf-8")
    assert [(p.row_number, p.rule) for p in check_file(unknown, programme)] == [
        (None, "unknown_partner"),
        (2, "not_negative"),
    ]
    badly_named = folder / "budget.csv"
    badly_named.write_text("x\n", encoding="utf-8")
    assert [p.rule for p in check_file(badly_named, programme)] == ["file_name"]


def test_check_file_stops_at_a_file_problem(tmp_path, programme):
    folder = tmp_path / PERIOD
    folder.mkdir()
    path = folder / "vacancies_beta.xlsx"
    path.write_text("not a workbook", encoding="utf-8")
    assert [p.rule for p in check_file(path, programme)] == ["file_type"]


def test_one_run_judges_each_row_by_its_own_period(programme):
    rows = [
        (2, "V1", None, date(2026, 2, 1), date(2026, 3, 31), "agency", D("1"), D("1")),
        (3, "V2", None, date(2026, 2, 1), date(2026, 4, 1), "agency", D("1"), D("1")),
        (2, "V1", None, date(2026, 2, 1), date(2026, 4, 1), "agency", D("1"), D("1")),
        (3, "V2", None, date(2026, 7, 1), None, "agency", D("1"), D("1")),
    ]
    frame = batch("vacancies", rows, [0, 0, 1, 1]).with_columns(
        pl.Series("period", ["2026Q1", "2026Q1", "2026Q2", "2026Q2"])
    )
    outcome = run_suite("vacancies", frame, programme)
    assert sorted(found(outcome)) == [
        (101, "filled_on_within_period", 3, "01-04-2026", "filled_on"),
        (103, "opened_on_not_after_period", 3, "01-07-2026", "opened_on"),
    ]
    messages = {(i, p.rule): p.message for i, p in outcome.problems}
    assert "after the end of period 2026Q1 (31-03-2026)" in messages[(101, "filled_on_within_period")]
    assert "after the end of period 2026Q2 (30-06-2026)" in messages[(103, "opened_on_not_after_period")]
