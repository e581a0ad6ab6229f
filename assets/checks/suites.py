"""Great Expectations suites as code, one per input kind, built from programme.yaml.

Every expectation carries `meta = {"rule": <rule id>, "column": <canonical column>}`: the rule id
is what a rejection row says (`not_negative`, `filled_on_within_period`, ...) and the column is
the one a partner has to correct. The rules that compare a date with the period the file was
sent for compare it with the row's own `period_start` and `period_end` columns, so that one run
of a suite validates the files of many periods at once (a sector's ten years in one go).
`with_period=False` leaves them out (used by `drijfjacht check` on a file outside an inbox
period folder).

The batch a suite runs over is described in `assets/checks/validation.py`.
"""

from __future__ import annotations

from collections.abc import Callable

import great_expectations as gx
from great_expectations.expectations.row_conditions import Column

from assets.checks.validation import PERIOD_END, PERIOD_START
from domain.programme import Programme

E = gx.expectations
CONTRIBUTION_KINDS = ("money", "hours", "task")


def _meta(rule: str, column: str) -> dict:
    return {"rule": rule, "column": column}


def _required(column: str) -> gx.expectations.Expectation:
    return E.ExpectColumnValuesToNotBeNull(
        column=column, meta=_meta("required", column), description=f"{column} is filled in"
    )


def _not_negative(column: str) -> gx.expectations.Expectation:
    # The batch holds these Decimal columns as float (see validation.py): exact for >= 0.
    return E.ExpectColumnValuesToBeBetween(
        column=column,
        min_value=0,
        meta=_meta("not_negative", column),
        description=f"{column} is 0 or more",
    )


def _on_or_after(
    later: str, earlier: str, rule: str, column: str, description: str
) -> gx.expectations.Expectation:
    """`later` >= `earlier` on every row where both are filled; `column` is the one to correct."""
    return E.ExpectColumnPairValuesAToBeGreaterThanB(
        column_A=later,
        column_B=earlier,
        or_equal=True,
        ignore_row_if="either_value_is_missing",
        meta=_meta(rule, column),
        description=description,
    )


def _not_after_period(column: str, rule: str) -> gx.expectations.Expectation:
    return _on_or_after(PERIOD_END, column, rule, column, f"{column} is not after the end of its period")


def _within(column: str, rule: str) -> list[gx.expectations.Expectation]:
    return [
        _on_or_after(column, PERIOD_START, rule, column, f"{column} is not before the start of its period"),
        _not_after_period(column, rule),
    ]


def _suite(name: str, expectations: list) -> gx.ExpectationSuite:
    return gx.ExpectationSuite(name=name, expectations=expectations)


def _name(kind: str, programme: Programme, with_period: bool) -> str:
    return f"{programme.programme.id}.{kind}.{'own_period' if with_period else 'any_period'}"


def vacancy_suite(programme: Programme, with_period: bool) -> gx.ExpectationSuite:
    """The contract's rules for vacancies_<partner> rows."""
    expectations = [
        _required("vacancy_id"),
        E.ExpectCompoundColumnsToBeUnique(
            column_list=["file_key", "vacancy_id"],
            ignore_row_if="any_value_is_missing",
            meta=_meta("unique_vacancy_id", "vacancy_id"),
            description="vacancy_id occurs once per file",
        ),
        _required("opened_on"),
        _on_or_after(
            "filled_on", "opened_on", "filled_after_opened", "filled_on", "filled_on is on or after opened_on"
        ),
        _required("channel"),
        E.ExpectColumnValuesToBeInSet(
            column="channel",
            value_set=list(programme.channels),
            meta=_meta("channel_in_fields", "channel"),
            description="channel is listed under fields in programme.yaml",
        ),
        _required("cost"),
        _not_negative("cost"),
        _required("hours"),
        _not_negative("hours"),
    ]
    if with_period:
        expectations += [
            _not_after_period("opened_on", "opened_on_not_after_period"),
            *_within("filled_on", "filled_on_within_period"),
        ]
    return _suite(_name("vacancies", programme, with_period), expectations)


def contribution_suite(programme: Programme, with_period: bool) -> gx.ExpectationSuite:
    """The contract's rules for contributions_<partner> rows (none of them needs the period)."""
    expectations = [
        _required("kind"),
        E.ExpectColumnValuesToBeInSet(
            column="kind",
            value_set=list(CONTRIBUTION_KINDS),
            meta=_meta("kind_in_set", "kind"),
            description="kind is money, hours or task",
        ),
        E.ExpectColumnValuesToNotBeNull(
            column="task",
            row_condition=Column("kind") == "task",
            meta=_meta("task_required", "task"),
            description="a row of kind task names its task",
        ),
        _required("amount"),
        _not_negative("amount"),
    ]
    return _suite(_name("contributions", programme, with_period), expectations)


def ledger_suite(programme: Programme, with_period: bool) -> gx.ExpectationSuite:
    """The contract's rules for the regisseur's ledger rows."""
    expectations = [
        _required("date"),
        _required("cost"),
        _not_negative("cost"),
        E.ExpectColumnValuesToBeInSet(
            column="channel",
            value_set=list(programme.fields.driving),
            meta=_meta("channel_in_driving", "channel"),
            description="channel, when given, is a driving channel",
        ),
    ]
    if with_period:
        expectations += _within("date", "date_within_period")
    return _suite(_name("ledger", programme, with_period), expectations)


SUITES: dict[str, Callable[[Programme, bool], gx.ExpectationSuite]] = {
    "vacancies": vacancy_suite,
    "contributions": contribution_suite,
    "ledger": ledger_suite,
}
