"""Reading a chunk of inbox files into one batch per kind: the part of ingestion that the suite
process runs too (see assets.checks.suite_process), so nothing here imports Dagster."""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import polars as pl

from assets.checks.suite_process import SuiteProcess
from assets.checks.validation import SuiteOutcome, run_suite, suite_input
from domain.programme import Programme
from domain.readers import FILE_INDEX, ParsedFile, Problem, read_partner_files

KINDS = ("vacancies", "contributions", "ledger")


@dataclass
class InboxFile:
    """One file found in a period's inbox folder, hashed and archived."""

    path: Path
    relative_path: str
    sha256: str
    archive_path: str
    size_bytes: int
    period: str = ""  # the inbox folder it was found in
    received_at: datetime | None = None  # when the file landed in the inbox (its mtime, UTC)
    kind: str | None = None
    partner: str | None = None
    held_back: bool = False  # the period is approved and this file is not the approved one
    problems: list[Problem] = field(default_factory=list)
    parsed: ParsedFile | None = None
    content: bytes | None = field(default=None, repr=False)  # a small file's bytes, until read


@dataclass
class KindBatch:
    """One kind's rows of one or more periods: `rows` refer to `files` by file_key, so that a
    million rows do not each carry their file's sha256, path and partner as strings."""

    rows: pl.DataFrame  # batch_index, file_key, period, row_number, the kind's columns; rejected too
    files: pl.DataFrame  # file_key, sha256, path, partner, period
    items: list[InboxFile]  # the files read, in file_key order
    rejected: pl.DataFrame | None = None  # file_key, row_number of the rows not to store


# a chunk's batches per kind, and the suites' outcomes when the suite process ran them
Batches = tuple[dict[str, KindBatch], dict[str, SuiteOutcome] | None]


def read_batches(files: list[InboxFile], programme: Programme) -> dict[str, KindBatch]:
    """Read every file without a problem yet, one batch per kind; each file's parse on the file."""
    batches = {kind: read_kind(kind, readable(files, kind), programme) for kind in KINDS}
    for item in files:
        item.content = None
    return batches


def readable(files: list[InboxFile], kind: str) -> list[InboxFile]:
    """The files of `kind` to read: those without a problem yet, not held back."""
    return [item for item in files if item.kind == kind and not item.problems and not item.held_back]


def read_kind(kind: str, items: list[InboxFile], programme: Programme) -> KindBatch:
    """Read `items`, files of one kind, as one batch; each file's parse on the file."""
    limits = programme.limits
    read = read_partner_files(
        [item.path for item in items],
        kind,
        max_rows=limits.max_rows_per_file,
        max_bytes=limits.max_file_bytes,
        contents=[item.content for item in items],
    )
    for item, parsed in zip(items, read.files, strict=True):
        item.parsed = parsed
        item.content = None
    return _batch(items, read.rows)


@dataclass
class ReadAndChecked:
    """One kind's batch as the suite process read and checked it (see submit_reads)."""

    parsed: list[ParsedFile]  # per file read, in order
    rows: str  # an Arrow IPC file of the batch's rows, for the receiver to read and remove
    files: pl.DataFrame
    outcome: SuiteOutcome | None  # None: no rows to check


def read_and_check(
    kind: str, items: list[InboxFile], programme: Programme, rows_file: Path
) -> ReadAndChecked:
    """In the suite process: read_kind, then the kind's suite over the rows."""
    batch = read_kind(kind, items, programme)
    outcome = None if batch.rows.is_empty() else run_suite(kind, batch.rows, programme)
    batch.rows.write_ipc(rows_file)
    # a batch's files keep no frame of their own (their rows are in the batch): one empty frame
    # pickles once for all of them instead of once per file
    empty = batch.rows.clear()
    for item in items:
        item.parsed.frame = empty
    return ReadAndChecked([item.parsed for item in items], str(rows_file), batch.files, outcome)


def submit_reads(
    files: list[InboxFile], programme: Programme, suites: SuiteProcess
) -> dict[str, Future[ReadAndChecked]]:
    """Hand each kind's files (their bytes with them) to the suite process to be read and checked;
    receive_reads takes the results."""
    return {
        kind: suites.run(
            read_and_check, kind, readable(files, kind), programme, suites.scratch_file(f"{kind}.arrow")
        )
        for kind in KINDS
    }


def receive_reads(
    files: list[InboxFile], reads: dict[str, Future[ReadAndChecked]]
) -> tuple[dict[str, KindBatch], dict[str, SuiteOutcome]]:
    """The batches and suite outcomes of submit_reads, as read_batches and run_suite give them."""
    batches: dict[str, KindBatch] = {}
    outcomes: dict[str, SuiteOutcome] = {}
    for kind in KINDS:
        items = readable(files, kind)
        done = reads[kind].result()
        for item, parsed in zip(items, done.parsed, strict=True):
            item.parsed = parsed
        rows = pl.read_ipc(done.rows)
        Path(done.rows).unlink()
        batches[kind] = KindBatch(rows=rows, files=done.files, items=items)
        if done.outcome is not None:
            outcomes[kind] = done.outcome
    for item in files:
        item.content = None
    return batches, outcomes


def submit_suites(
    batches: dict[str, KindBatch], programme: Programme, suites: SuiteProcess
) -> dict[str, Future[SuiteOutcome]]:
    """Hand every kind's batch, read here, to the suite process at once; receive_suites takes the
    outcomes."""
    return {
        kind: suites.run(run_suite_from_file, kind, write_suite_input(kind, batch.rows, suites), programme)
        for kind, batch in batches.items()
        if not batch.rows.is_empty()
    }


def receive_suites(futures: dict[str, Future[SuiteOutcome]]) -> dict[str, SuiteOutcome]:
    return {kind: future.result() for kind, future in futures.items()}


def write_suite_input(kind: str, rows: pl.DataFrame, suites: SuiteProcess) -> str:
    """The columns of a batch that its suite looks at, as an Arrow IPC file for the process."""
    path = suites.scratch_file(f"{kind}.arrow")
    suite_input(kind, rows).write_ipc(path)
    return str(path)


def run_suite_from_file(kind: str, path: str, programme: Programme) -> SuiteOutcome:
    """In the suite process: run_suite over the rows write_suite_input wrote."""
    frame = pl.read_ipc(path)
    Path(path).unlink()
    return run_suite(kind, frame, programme)


# a batch's files, which its rows refer to by file_key
BATCH_FILES_SCHEMA = {
    "file_key": pl.Int64,
    "sha256": pl.String,
    "path": pl.String,
    "partner": pl.String,
    "period": pl.String,
}


def _batch(items: list[InboxFile], rows: pl.DataFrame) -> KindBatch:
    files = pl.DataFrame(
        [
            (key, item.sha256, item.relative_path, item.partner, item.period)
            for key, item in enumerate(items)
        ],
        schema=BATCH_FILES_SCHEMA,
        orient="row",
    )
    rows = (
        rows.rename({FILE_INDEX: "file_key"})
        .with_row_index("batch_index")
        .with_columns(
            pl.col("batch_index").cast(pl.Int64),
            pl.col("file_key")
            .replace_strict(files["file_key"], files["period"], return_dtype=pl.String)
            .alias("period"),
        )
    )
    return KindBatch(rows=rows, files=files, items=items)
