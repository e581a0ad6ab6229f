"""Great Expectations suites as code, one per input kind, built from programme.yaml and the period.

Every expectation carries `meta = {"rule": <rule id>, "column": <canonical column>}`: the rule id
is what a rejection row says (`not_negative`, `filled_on_within_period`, ...) and the column is
the one a partner has to correct. `period=None` leaves out the rules that need a period (used by
`drijfjacht check` on a file outside an inbox period folder).

The batch a suite runs over is described in `assets/checks/validation.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time

import great_expectations as gx
from great_expectations.expectations.row_conditions import Column

from domain.periods import Quarter
from domain.programme import Programme

E = gx.expectations
CONTRIBUTION_KINDS = ("money", "hours", "task")


def _meta(rule: str, column: str) -> dict:
    return {"rule": rule, "column": column}


def _moment(day: date) -> datetime:
    # pandas holds dates as datetime64: GX compares them with datetimes, not with dates
    return datetime.combine(day, time())


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


def _within(column: str, rule: str, quarter: Quarter) -> gx.expectations.Expectation:
    return E.ExpectColumnValuesToBeBetween(
        column=column,
        min_value=_moment(quarter.start),
        max_value=_moment(quarter.end),
        meta=_meta(rule, column),
        description=f"{column} lies within {quarter}",
    )


def _suite(name: str, expectations: list) -> gx.ExpectationSuite:
    return gx.ExpectationSuite(name=name, expectations=expectations)


def _name(kind: str, programme: Programme, period: str | None) -> str:
    return f"{programme.programme.id}.{kind}.{period or 'any_period'}"


def vacancy_suite(programme: Programme, period: str | None) -> gx.ExpectationSuite:
    """The contract's rules for vacancies_<partner> rows of one period."""
    expectations = [
        _required("vacancy_id"),
        E.ExpectCompoundColumnsToBeUnique(
            column_list=["file_key", "vacancy_id"],
            ignore_row_if="any_value_is_missing",
            meta=_meta("unique_vacancy_id", "vacancy_id"),
            description="vacancy_id occurs once per file",
        ),
        _required("opened_on"),
        E.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="filled_on",
            column_B="opened_on",
            or_equal=True,
            ignore_row_if="either_value_is_missing",
            meta=_meta("filled_after_opened", "filled_on"),
            description="filled_on is on or after opened_on",
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
    if period is not None:
        quarter = Quarter.parse(period)
        expectations += [
            E.ExpectColumnValuesToBeBetween(
                column="opened_on",
                max_value=_moment(quarter.end),
                meta=_meta("opened_on_not_after_period", "opened_on"),
                description=f"opened_on is not after the end of {quarter}",
            ),
            _within("filled_on", "filled_on_within_period", quarter),
        ]
    return _suite(_name("vacancies", programme, period), expectations)


def contribution_suite(programme: Programme, period: str | None) -> gx.ExpectationSuite:
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
    return _suite(_name("contributions", programme, period), expectations)


def ledger_suite(programme: Programme, period: str | None) -> gx.ExpectationSuite:
    """The contract's rules for the regisseur's ledger rows of one period."""
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
    if period is not None:
        expectations.append(_within("date", "date_within_period", Quarter.parse(period)))
    return _suite(_name("ledger", programme, period), expectations)


SUITES: dict[str, Callable[[Programme, str | None], gx.ExpectationSuite]] = {
    "vacancies": vacancy_suite,
    "contributions": contribution_suite,
    "ledger": ledger_suite,
}
