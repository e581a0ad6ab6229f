"""Running a suite over a batch of rows and turning its results into row problems.

A **batch** is the rows of one kind for one period, possibly from many files: a Polars frame with

- `batch_index` (Int64, unique per row): how a failing row is found again;
- `row_number` (Int64): the row as the partner's spreadsheet shows it;
- `file_key` (Int64, optional, vacancies only matter): which file a row came from, because a
  vacancy_id must be unique per file; without it the batch counts as one file;
- `period` (String, optional): the quarter the row's file was sent for; with it the
  period-bound rules compare each row with its own period, so one run validates many periods;
- the kind's canonical columns as `domain.readers` produces them (other columns are ignored).

The suite runs once over the whole batch. Great Expectations only takes pandas, so the frame
is converted at this one seam; Decimal columns become float *inside the validation batch only*,
because GX's comparisons on object columns of Decimals misbehave. That is safe: the only numeric
rule is `>= 0`, and a decimal with at most 2 decimals and 16 digits keeps its sign and its
zero-ness as a float. The accepted rows themselves stay Decimal.

Great Expectations is imported inside the functions: importing it takes seconds, and the
`drijfjacht` command line should only pay that when it validates.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from domain.periods import Quarter, is_quarter
from domain.programme import Programme
from domain.readers import SPECS, Problem, parse_file_name, read_partner_file

if TYPE_CHECKING:
    from great_expectations.core.batch_definition import BatchDefinition

INDEX = "batch_index"
FILE_KEY = "file_key"
PERIOD_START = "period_start"  # the first and last day of the row's period, added for the suite
PERIOD_END = "period_end"


@dataclass
class SuiteOutcome:
    """What one suite run over one batch found."""

    problems: list[tuple[int, Problem]]  # (batch_index of the failing row, problem)
    # per expectation: expectation, column, rule, success, unexpected_count, and `failing`: the
    # batch_index of every row that broke it (to count per period)
    results: list[dict]
    success: bool


@functools.cache
def _batch_definition() -> BatchDefinition:
    """One ephemeral GX context per process, reused by every run (creating one costs ~0.3 s)."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = context.data_sources.add_pandas("partner_rows")
    return source.add_dataframe_asset("batch").add_batch_definition_whole_dataframe("whole_batch")


def prepare_validation() -> None:
    """Import Great Expectations and make its context now (seconds), e.g. in a thread beside other
    work, instead of in the first run_suite."""
    _batch_definition()


# only what the suites look at goes to pandas: free text would cost time and memory
SUITE_COLUMNS = {
    "vacancies": [FILE_KEY, "vacancy_id", "opened_on", "filled_on", "channel", "cost", "hours"],
    "contributions": ["kind", "task", "amount"],
    "ledger": ["date", "cost", "channel"],
}


def suite_input(kind: str, frame: pl.DataFrame) -> pl.DataFrame:
    """The columns of a batch that run_suite looks at: the suite's, and what its messages quote."""
    wanted = dict.fromkeys([INDEX, "row_number", *SUITE_COLUMNS[kind], "period", "opened_on"])
    return frame.select([column for column in wanted if column in frame.columns])


# Columns whose only rules are null and unique: GX gets a dense code per distinct text instead of
# the text (same nulls, same duplicates), which keeps a million-row batch free of Python strings.
CODED_COLUMNS = {"vacancy_id"}
# Columns checked against a set: GX gets them as pandas categoricals (same values, no strings).
SET_COLUMNS = {"channel", "kind"}


def _pandas_batch(kind: str, frame: pl.DataFrame, with_period: bool):
    """The suite's columns as a pandas frame built straight from NumPy arrays.

    Going through Arrow (`DataFrame.to_pandas`) held three copies of every column at once; here
    a column is converted once, and one without nulls in a NumPy dtype is not copied at all.
    """
    import pandas as pd

    columns = {c: _for_pandas(frame.get_column(c)) for c in [INDEX, *SUITE_COLUMNS[kind]]}
    if with_period:
        for name, bound in _period_bounds(frame.get_column("period")).items():
            columns[name] = _for_pandas(bound)
    return pd.DataFrame(columns, copy=False)


def _period_bounds(periods: pl.Series) -> dict[str, pl.Series]:
    """The first and last day of each row's period (mapped from its few distinct periods)."""
    distinct = periods.unique().drop_nulls().to_list()
    quarters = {period: Quarter.parse(period) for period in distinct}
    return {
        name: periods.replace_strict(
            distinct, [getattr(quarters[p], side) for p in distinct], return_dtype=pl.Date
        ).alias(name)
        for name, side in ((PERIOD_START, "start"), (PERIOD_END, "end"))
    }


def _for_pandas(series: pl.Series):
    """One column as GX should see it: float, datetime64[ns], dense codes or a categorical."""
    import pandas as pd

    if series.dtype == pl.Decimal:
        return series.cast(pl.Float64).to_numpy()
    if series.dtype == pl.Date:
        # GX compares only datetime64[ns] columns vectorised; others row by row (~3 s/million)
        return series.cast(pl.Datetime("ns")).to_numpy()
    if series.name in CODED_COLUMNS:
        return series.rank("dense").cast(pl.Int64).to_numpy()  # float with NaN when it has nulls
    if series.name in SET_COLUMNS:
        categories = series.drop_nulls().unique().sort()
        codes = series.rank("dense").cast(pl.Int32).fill_null(0) - 1  # -1: null
        return pd.Categorical.from_codes(codes.to_numpy(), categories=categories.to_list())
    return series.to_numpy()


def _release(batch) -> None:
    """Drop what the reused GX engine keeps of a run: the batch's frame and the computed metrics.

    Without this the frame and the metrics of the last run (tens of MB for a million rows) stay
    alive until the next run, that is during everything that follows validation.
    """
    engine = batch.data.execution_engine
    engine.batch_manager.batch_data_cache.clear()
    engine.batch_manager.reset_batch_cache()
    engine._metric_cache.clear()  # noqa: SLF001  (GX has no public way to empty it)


def run_suite(
    kind: str, frame: pl.DataFrame, programme: Programme, period: str | None = None
) -> SuiteOutcome:
    """Run the suite of `kind` once over the batch `frame` and map failures to row problems.

    The period-bound rules compare each row with the frame's `period` column, or with `period`
    when the frame has none; without either they are left out. Raises RuntimeError when an
    expectation could not be evaluated at all (a bug, never bad data): failing silently would
    accept everything.
    """
    from assets.checks.suites import SUITES

    if "period" not in frame.columns and period is not None:
        frame = frame.with_columns(pl.lit(period, dtype=pl.String).alias("period"))
    with_period = "period" in frame.columns
    suite = SUITES[kind](programme, with_period)
    if kind == "vacancies" and FILE_KEY not in frame.columns:
        frame = frame.with_columns(pl.lit(0, dtype=pl.Int64).alias(FILE_KEY))
    if frame.is_empty():
        results = [
            _result(e.expectation_type, e.meta, e.configuration.kwargs, True, []) for e in suite.expectations
        ]
        return SuiteOutcome(problems=[], results=results, success=True)

    pandas_frame = _pandas_batch(kind, frame, with_period)
    batch = _batch_definition().get_batch(batch_parameters={"dataframe": pandas_frame})
    try:
        validation = batch.validate(
            suite,
            result_format={"result_format": "COMPLETE", "unexpected_index_column_names": [INDEX]},
        )
    finally:
        _release(batch)
    del batch, pandas_frame
    messages = _Messages(kind, programme, frame)
    problems: list[tuple[int, Problem]] = []
    results: list[dict] = []
    for item in validation.results:
        config = item.expectation_config
        failing = [int(row[INDEX]) for row in item.result.get("unexpected_index_list") or []]
        if not item.success and not failing:
            # every expectation here is per row: failing without a row means it could not run
            raise RuntimeError(
                f"expectation {config.type} on {kind}.{config.meta.get('column')} could not "
                f"be evaluated: {_exception_message(item.exception_info)}"
            )
        results.append(_result(config.type, config.meta, config.kwargs, bool(item.success), failing))
        if failing:
            problems.extend(messages.problems(config.meta["rule"], config.meta["column"], failing))
    problems.sort(key=lambda pair: pair[0])
    return SuiteOutcome(problems=problems, results=results, success=all(r["success"] for r in results))


def _exception_message(info: dict | None) -> str:
    """GX nests exception details per metric; find the first message."""
    if not info:
        return "no result and no exception reported"
    if "exception_message" in info:
        return str(info["exception_message"])
    for value in info.values():
        if isinstance(value, dict) and value.get("exception_message"):
            return str(value["exception_message"])
    return str(info)


def _result(expectation: str, meta: dict | None, kwargs: dict, success: bool, failing: list[int]) -> dict:
    meta = meta or {}
    pair = [kwargs.get("column_A"), kwargs.get("column_B")]
    checked = kwargs.get("column") or ", ".join(kwargs.get("column_list") or [c for c in pair if c])
    return {
        "expectation": expectation,
        "column": checked,  # what Great Expectations compared (a pair: "A, B")
        "rule": meta.get("rule"),
        "success": success,
        "unexpected_count": len(failing),
        "failing": failing,
    }


def _show(value: object) -> str | None:
    """A value as a partner would write it: dates day first, decimals with a dot."""
    if value is None:
        return None
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    if isinstance(value, Decimal):
        return f"{value:f}"
    return str(value)


class _Messages:
    """Turns (rule, column, failing batch indexes) into Problems that name value and rule."""

    def __init__(self, kind: str, programme: Programme, frame: pl.DataFrame):
        self.kind = kind
        self.programme = programme
        self.frame = frame

    def problems(self, rule: str, column: str, indexes: list[int]) -> list[tuple[int, Problem]]:
        columns = [INDEX, "row_number", column]
        for extra in ("opened_on", FILE_KEY, "period"):
            if extra in self.frame.columns and extra not in columns:
                columns.append(extra)
        rows = self.frame.filter(pl.col(INDEX).is_in(indexes)).select(columns)
        duplicates = self._duplicate_rows(rows) if rule == "unique_vacancy_id" else {}
        found = []
        for row in rows.iter_rows(named=True):
            value = row[column]
            message = self._message(rule, column, value, row, duplicates)
            problem = Problem(
                row_number=row["row_number"],
                column=column,
                source_column=None,
                value=_show(value),
                rule=rule,
                message=message,
            )
            found.append((row[INDEX], problem))
        return found

    def _duplicate_rows(self, rows: pl.DataFrame) -> dict[tuple, list[int]]:
        groups = rows.group_by(FILE_KEY, "vacancy_id").agg(pl.col("row_number").sort())
        return {(g[FILE_KEY], g["vacancy_id"]): g["row_number"] for g in groups.iter_rows(named=True)}

    def _message(self, rule: str, column: str, value: object, row: dict, duplicates: dict) -> str:
        shown = _show(value)
        quarter = Quarter.parse(row["period"]) if row.get("period") else None
        if rule == "required":
            hint = " (write 0 when there was nothing)" if column in ("cost", "hours", "amount") else ""
            return f"{column} is empty; it is required{hint}"
        if rule == "unique_vacancy_id":
            others = duplicates.get((row.get(FILE_KEY), value), [])
            listed = ", ".join(str(n) for n in others)
            return (
                f"vacancy_id {shown} occurs {len(others)} times in this file (rows {listed}); "
                "each vacancy must be on exactly one row"
            )
        if rule == "not_negative":
            return f"{column} {shown} is negative; it must be 0 or more"
        if rule == "filled_after_opened":
            return f"filled_on {shown} is before opened_on {_show(row.get('opened_on'))}"
        if rule == "opened_on_not_after_period" and quarter:
            return (
                f"opened_on {shown} is after the end of period {quarter} "
                f"({_show(quarter.end)}); report a vacancy from the period it opened in"
            )
        if rule in ("filled_on_within_period", "date_within_period") and quarter:
            if isinstance(value, date) and value < quarter.start:
                return (
                    f"{column} {shown} is before the start of period {quarter} "
                    f"({_show(quarter.start)}); it belongs in that earlier period's file"
                )
            return f"{column} {shown} is after the end of period {quarter} ({_show(quarter.end)})"
        if rule == "channel_in_fields":
            return (
                f"channel '{shown}' is not a channel of this programme; use one of "
                f"{', '.join(self.programme.channels)}"
            )
        if rule == "channel_in_driving":
            return (
                f"channel '{shown}' is not a driving channel; joint spending serves one of "
                f"{', '.join(self.programme.fields.driving)} (or leave channel empty)"
            )
        if rule == "kind_in_set":
            return f"kind '{shown}' is not money, hours or task (in Dutch: geld, uren, taak)"
        if rule == "task_required":
            return "task is empty; a row of kind task must name the task it reports"
        return f"{column} {shown} breaks rule {rule}"


def check_file(path: Path, programme: Programme, period: str | None = None) -> list[Problem]:
    """Every problem in one partner file, as `drijfjacht check` lists them; writes nothing.

    The kind and partner come from the file name (the partner must be in the programme); the
    period from the parent folder when it is a quarter (`inbox/2026Q1/...`), else from `period`;
    without either, the period-bound rules are skipped and a `period_unknown` note (a file-level
    Problem) says so. Problems are sorted: whole-file ones first, then by row and column.
    """
    path = Path(path)
    named = parse_file_name(path.name)
    if isinstance(named, Problem):
        return [named]
    kind, partner = named
    notes: list[Problem] = []
    if kind != "ledger" and not programme.is_partner(partner):
        notes.append(
            _note(
                "unknown_partner",
                f"{path.name}: '{partner}' is not a partner of programme {programme.programme.id} "
                f"(known: {', '.join(programme.partner_ids)})",
                partner,
            )
        )
    if is_quarter(path.parent.name):
        period = path.parent.name
    if period is not None:
        try:
            quarter = Quarter.parse(period)
        except ValueError as error:
            return [*notes, _note("period", str(error), period)]
        period = str(quarter)
        if quarter < Quarter.parse(programme.programme.first_period):
            notes.append(
                _note(
                    "period_in_programme",
                    f"period {period} is before the programme's first period "
                    f"{programme.programme.first_period}",
                    period,
                )
            )
    else:
        notes.append(
            _note(
                "period_unknown",
                f"{path.name}: no period known (the file is not in an inbox/<period>/ folder and no "
                "--period was given), so the rules that compare dates with the period were not "
                "checked",
            )
        )
    limits = programme.limits
    parsed = read_partner_file(path, kind, max_rows=limits.max_rows_per_file, max_bytes=limits.max_file_bytes)
    problems = [*notes, *parsed.problems]
    if any(p.row_number is None for p in parsed.problems) or parsed.frame.is_empty():
        return _sorted(kind, problems)
    batch = parsed.frame.with_row_index(INDEX).with_columns(
        pl.col(INDEX).cast(pl.Int64), pl.lit(0, dtype=pl.Int64).alias(FILE_KEY)
    )
    outcome = run_suite(kind, batch, programme, period)
    reported = {(p.row_number, p.column) for p in parsed.problems}
    for _, problem in outcome.problems:
        if (problem.row_number, problem.column) in reported:
            continue  # the reader already said why this cell is empty
        reported.add((problem.row_number, problem.column))
        source = parsed.source_columns.get(problem.column or "")
        problems.append(_with_source(problem, source))
    return _sorted(kind, problems)


def _note(rule: str, message: str, value: str | None = None) -> Problem:
    return Problem(None, None, None, value, rule, message)


def _with_source(problem: Problem, source: str | None) -> Problem:
    return Problem(problem.row_number, problem.column, source, problem.value, problem.rule, problem.message)


def _sorted(kind: str, problems: list[Problem]) -> list[Problem]:
    order = {s.name: i for i, s in enumerate(SPECS[kind])}
    return sorted(
        problems,
        key=lambda p: (p.row_number is not None, p.row_number or 0, order.get(p.column or "", -1)),
    )
