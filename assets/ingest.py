"""Ingestion: every file in `inbox/<period>/` archived by hash, read, validated, recorded.

Partitioned by period. Nothing that was sent is lost: each file is copied into the archive under
its sha256 and recorded in raw.submissions; every problem becomes a raw.rejections row; the rows
without problems go on to raw.*_rows.
"""


import hashlib
import os
import shutil
from collections import defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl

from assets.checks import suite_process
from assets.checks.suite_process import SuiteProcess
from assets.checks.validation import SuiteOutcome, prepare_validation, run_suite
from assets.faults import crash_point
from assets.reading import (
    KINDS,
    Batches,
    InboxFile,
    KindBatch,
    read_batches,
    receive_reads,
    receive_suites,
    submit_reads,
    submit_suites,
)
from assets.tables import ensure_schema, expose, table_metadata
from domain.approvals import approved_files, load_decisions
from domain.audit import sha256_of
from domain.periods import PERIOD_PARTITIONS_NAME, Quarter
from domain.programme import Programme
from domain.readers import Problem, parse_file_name

PERIOD_PARTITIONS = dg.DynamicPartitionsDefinition(name=PERIOD_PARTITIONS_NAME)

ROW_TABLES = {
    "vacancies": "raw.vacancy_rows",
    "contributions": "raw.contribution_rows",
    "ledger": "raw.ledger_rows",
}
ROW_COLUMNS = {
    "vacancies": ["vacancy_id", "role", "opened_on", "filled_on", "channel", "cost", "hours"],
    "contributions": ["kind", "task", "amount", "note"],
    "ledger": ["date", "activity", "cost", "channel"],
}
WITHDRAWN = "withdrawn"
HELD_BACK = "held_back"
SMALL_FILE_BYTES = 8 << 20  # read whole to hash and archive in one read
INLINE_INPUTS = 500  # input hashes listed in the submissions materialization up to this many files
INSERT_SLICE_ROWS = 250_000
# Periods are read, validated and written together until their inboxes hold this much: one read
# and one suite run per kind for many periods instead of per period, in bounded memory.
CHUNK_BYTES = 96 << 20
# the first chunk holds up to CHUNK_BYTES / FIRST_CHUNK_SHARE, the next ones twice the one before
FIRST_CHUNK_SHARE = 6


@dataclass
class PeriodIngest:
    """What ingesting one period produced, for the run's output and the asset metadata."""

    period: str
    files: list[InboxFile]
    rejections: pl.DataFrame
    validation: list[dict]

    @property
    def rejected_rows(self) -> int:
        return self.rejections.filter(pl.col("row_number").is_not_null())["row_number"].len()


def archive_file(path: Path, sha256: str, archive_dir: Path, content: bytes | None = None) -> str:
    """Copy `path` to `archive_dir/<sha[:2]>/<sha><suffix>` once, and say where, relative to the
    archive's parent (the output folder); a crash never leaves half a copy.

    `content`: the file's bytes when they were already read (to hash them), written instead of
    reading the file again. (Plain os calls on strings: for a sector's tens of thousands of files a
    run, pathlib's objects and the sub-folder's mkdir on every file were a third of the cost.)
    """
    name = sha256 + os.path.splitext(path)[1].lower()
    folder = os.path.join(archive_dir, sha256[:2])
    target = os.path.join(folder, name)
    if not os.path.exists(target):
        partial = target + ".partial"
        try:
            _write_partial(path, partial, content)
        except FileNotFoundError:
            os.makedirs(folder, exist_ok=True)
            _write_partial(path, partial, content)
        os.replace(partial, target)
    return f"{os.path.basename(archive_dir)}/{sha256[:2]}/{name}"


def _write_partial(path: Path, partial: str, content: bytes | None) -> None:
    if content is None:
        shutil.copyfile(path, partial)
        return
    with open(partial, "wb") as out:
        out.write(content)


def _hash_and_archive(path: Path, size: int, archive_dir: Path) -> tuple[str, str, bytes | None]:
    """The file's sha256, where its archived copy is, and its bytes when it is small: read once
    for all three, so that what is read is exactly what was hashed and archived."""
    if size > SMALL_FILE_BYTES:
        sha256 = sha256_of(path)
        return sha256, archive_file(path, sha256, archive_dir), None
    with open(path, "rb") as source:
        content = source.read()
    sha256 = hashlib.sha256(content).hexdigest()
    return sha256, archive_file(path, sha256, archive_dir, content), content


def _file_problem(rule: str, message: str, value: str | None = None) -> Problem:
    return Problem(
        row_number=None, column=None, source_column=None, value=value, rule=rule, message=message
    )


def collect_inbox(
    programme: Programme,
    programme_dir: Path,
    archive_dir: Path,
    period: str,
    approved: dict[str, str] | None = None,
) -> list[InboxFile]:
    """Hash and archive every file of `inbox/<period>/` and say what each one claims to be.

    For an approved period (`approved`: path -> sha256 of the files in effect) every other file is
    held back, and an approved file no longer in the inbox is taken from the archive.
    """
    files = _scan_inbox(programme, programme_dir, archive_dir, period)
    if approved is not None:
        files = _apply_approval(files, approved, archive_dir, programme, period)
    _reject_duplicate_submissions(files)
    for item in files:
        item.period = period
    return files


def _apply_approval(
    files: list[InboxFile],
    approved: dict[str, str],
    archive_dir: Path,
    programme: Programme,
    period: str,
) -> list[InboxFile]:
    present = {(item.relative_path, item.sha256) for item in files}
    for item in files:
        item.held_back = approved.get(item.relative_path) != item.sha256
    for relative, sha256 in sorted(approved.items()):
        if (relative, sha256) in present:
            continue
        archived = archive_dir / sha256[:2] / f"{sha256}{Path(relative).suffix.lower()}"
        item = InboxFile(
            path=archived,
            relative_path=relative,
            sha256=sha256,
            archive_path=archived.relative_to(archive_dir.parent).as_posix(),
            size_bytes=archived.stat().st_size if archived.is_file() else 0,
            received_at=datetime.fromtimestamp(0, UTC).replace(tzinfo=None),
        )
        if not archived.is_file() or sha256_of(archived) != sha256:
            item.problems.append(
                _file_problem(
                    "archive_intact",
                    f"{relative} was approved for {period} with sha256 {sha256[:12]}…, but the "
                    "archived copy is missing or altered",
                    sha256,
                )
            )
        else:
            _classify(item, programme, period, name=Path(relative).name)
        files.append(item)
    return files


def _scan_inbox(
    programme: Programme, programme_dir: Path, archive_dir: Path, period: str
) -> list[InboxFile]:
    folder = programme_dir / "inbox" / period
    if not folder.is_dir():
        return []
    period_root = folder.resolve()
    files: list[InboxFile] = []
    # scandir: the folder listing already says which entries are folders and links
    with os.scandir(folder) as listing:
        entries = sorted(listing, key=lambda entry: entry.name)
    for entry in entries:
        if entry.name.startswith((".", "~$")) or entry.is_dir():
            continue
        path = Path(entry.path)
        relative = f"inbox/{period}/{entry.name}"
        if entry.is_symlink() and not path.resolve().is_relative_to(period_root):
            # never read or archive what a link outside its period folder points at
            link = str(path.readlink())
            files.append(
                InboxFile(
                    path=path,
                    relative_path=relative,
                    sha256=hashlib.sha256(link.encode()).hexdigest(),
                    archive_path="",
                    size_bytes=0,
                    received_at=datetime.fromtimestamp(path.lstat().st_mtime, UTC).replace(tzinfo=None),
                    problems=[
                        _file_problem(
                            "symlink_outside_inbox",
                            f"{relative} is a link to {link}, outside inbox/{period}/: not read",
                            link,
                        )
                    ],
                )
            )
            continue
        stat = entry.stat()
        sha256, archived, content = _hash_and_archive(path, stat.st_size, archive_dir)
        item = InboxFile(
            path=path,
            relative_path=relative,
            sha256=sha256,
            archive_path=archived,
            size_bytes=stat.st_size,
            received_at=datetime.fromtimestamp(stat.st_mtime, UTC).replace(tzinfo=None),
            content=content,
        )
        _classify(item, programme, period, name=entry.name)
        files.append(item)
    return files


def _classify(item: InboxFile, programme: Programme, period: str, name: str | None = None) -> None:
    named = parse_file_name(name or item.path.name)
    if isinstance(named, Problem):
        item.problems.append(named)
        return
    item.kind, item.partner = named
    if item.kind != "ledger" and not programme.is_partner(item.partner):
        item.problems.append(
            _file_problem(
                "unknown_partner",
                f"{item.relative_path}: '{item.partner}' is not a partner of programme "
                f"{programme.programme.id} (known: {', '.join(programme.partner_ids)})",
                item.partner,
            )
        )
    if Quarter.parse(period) < Quarter.parse(programme.programme.first_period):
        item.problems.append(
            _file_problem(
                "period_in_programme",
                f"{item.relative_path}: period {period} is before the programme's first period "
                f"{programme.programme.first_period}",
                period,
            )
        )


def _reject_duplicate_submissions(files: list[InboxFile]) -> None:
    claims: dict[tuple[str, str | None], list[InboxFile]] = defaultdict(list)
    for item in files:
        if item.kind and not item.problems and not item.held_back:
            claims[(item.kind, item.partner)].append(item)
    for (kind, partner), items in claims.items():
        if len(items) > 1:
            names = ", ".join(i.path.name for i in items)
            for item in items:
                item.problems.append(
                    _file_problem(
                        "one_file_per_kind",
                        f"{len(items)} {kind} files for {partner or 'the ledger'} in one period "
                        f"({names}): remove all but one",
                        item.path.name,
                    )
                )


def validate_batches(
    files: list[InboxFile],
    batches: dict[str, KindBatch],
    programme: Programme,
    outcomes: dict[str, SuiteOutcome] | None = None,
) -> tuple[pl.DataFrame, list[dict]]:
    """Run each kind's suite once over its batch; every problem (file, parse, suite) as rejections.

    `outcomes`: the suites' outcomes when they ran in the suite process, or None: they run here.
    Also marks each batch's rejected rows, which are left out when written.
    """
    problem_rows = [_problem_row(item, problem) for item in files for problem in item.problems]
    problem_rows += [
        _problem_row(item, problem)
        for batch in batches.values()
        for item in batch.items
        for problem in item.parsed.problems
    ]
    validation: list[dict] = []
    for kind, batch in batches.items():
        if batch.rows.is_empty():
            continue
        outcome = outcomes[kind] if outcomes is not None else run_suite(kind, batch.rows, programme)
        validation.extend(_validation_by_period(kind, outcome.results, batch.rows))
        failing = [batch_index for batch_index, _ in outcome.problems]
        file_of_row = dict(
            batch.rows.filter(pl.col("batch_index").is_in(failing))
            .select("batch_index", "file_key")
            .iter_rows()
        )
        for batch_index, problem in outcome.problems:
            problem_rows.append(_problem_row(batch.items[file_of_row[batch_index]], problem))
    rejections = _rejections_frame(problem_rows)
    bad_rows = rejections.filter(pl.col("row_number").is_not_null()).select(
        "sha256", "path", pl.col("row_number").cast(pl.Int64)
    )
    for batch in batches.values():
        # the rows themselves are left whole: copying a million rows to drop two costs memory,
        # so the rejected ones are left out while they are written (write_periods)
        batch.rejected = (
            bad_rows.join(batch.files, on=["sha256", "path"]).select("file_key", "row_number").unique()
        )
    return rejections, validation


def _validation_by_period(kind: str, results: list[dict], rows: pl.DataFrame) -> list[dict]:
    """Each expectation's outcome per period that has rows of `kind`, from its failing rows."""
    periods = sorted(rows.get_column("period").unique().to_list())
    failing = sorted({index for result in results for index in result["failing"]})
    period_of = dict(
        rows.filter(pl.col("batch_index").is_in(failing)).select("batch_index", "period").iter_rows()
    )
    found = []
    for period in periods:
        for result in results:
            unexpected = sum(1 for index in result["failing"] if period_of[index] == period)
            found.append(
                {
                    "period": period,
                    "kind": kind,
                    "expectation": result["expectation"],
                    "column": result["column"],
                    "success": unexpected == 0,
                    "unexpected_count": unexpected,
                }
            )
    return found


def _has_file_problem(item: InboxFile) -> bool:
    return item.parsed is not None and any(p.row_number is None for p in item.parsed.problems)


def _problem_row(item: InboxFile, problem: Problem) -> dict:
    return {
        "sha256": item.sha256,
        "path": item.relative_path,
        "partner": item.partner,
        "period": item.period,
        "kind": item.kind,
        "row_number": problem.row_number,
        "column": problem.column,
        "source_column": problem.source_column,
        "value": None if problem.value is None else str(problem.value),
        "rule": problem.rule,
        "message": problem.message,
    }


REJECTION_SCHEMA = {
    "sha256": pl.String,
    "path": pl.String,
    "partner": pl.String,
    "period": pl.String,
    "kind": pl.String,
    "row_number": pl.Int32,
    "column": pl.String,
    "source_column": pl.String,
    "value": pl.String,
    "rule": pl.String,
    "message": pl.String,
}


def _rejections_frame(rows: list[dict]) -> pl.DataFrame:
    frame = pl.DataFrame(rows, schema=REJECTION_SCHEMA)
    # a cell the reader could not parse is also null for the suite: report it once, first reason
    return frame.unique(
        subset=["sha256", "path", "row_number", "column"], keep="first", maintain_order=True
    ).sort(["path", "row_number", "column"], nulls_last=False)


def write_periods(
    con: duckdb.DuckDBPyConnection,
    periods: list[str],
    files: list[InboxFile],
    accepted: dict[str, KindBatch],
    rejections: pl.DataFrame,
    validation: list[dict],
) -> None:
    """Replace the periods' rows and rejections, and update their submission history, atomically."""
    ensure_schema(con)
    submissions = _submissions_frame(files, rejections)
    con.execute("BEGIN TRANSACTION")
    try:
        for kind, table in ROW_TABLES.items():
            con.execute(f"DELETE FROM {table} WHERE list_contains(?, period)", [periods])
            batch = accepted.get(kind)
            if batch is None or batch.rows.is_empty():
                continue
            partner = "" if kind == "ledger" else "f.partner, "
            con.register("incoming_files", batch.files)
            con.register("incoming_rejected", batch.rejected)
            # slices bound the buffers DuckDB takes to convert the frame
            for part in batch.rows.select("file_key", "row_number", *ROW_COLUMNS[kind]).iter_slices(
                INSERT_SLICE_ROWS
            ):
                con.register("incoming_rows", part)
                con.execute(
                    f"INSERT INTO {table} BY NAME SELECT f.sha256, f.path, {partner}f.period, "
                    "r.* EXCLUDE (file_key) FROM incoming_rows AS r "
                    "ANTI JOIN incoming_rejected AS x USING (file_key, row_number) "
                    "JOIN incoming_files AS f USING (file_key)"
                )
                con.unregister("incoming_rows")
            con.unregister("incoming_files")
            con.unregister("incoming_rejected")
        con.execute("DELETE FROM raw.rejections WHERE list_contains(?, period)", [periods])
        if not rejections.is_empty():
            con.register("incoming_rejections", rejections)
            con.execute("INSERT INTO raw.rejections BY NAME SELECT * FROM incoming_rejections")
            con.unregister("incoming_rejections")
        for period in periods:
            _record_submissions(con, period, submissions.filter(pl.col("period") == period))
        con.execute(
            "INSERT INTO raw.periods_to_clean SELECT unnest(?::VARCHAR[]) ON CONFLICT DO NOTHING", [periods]
        )
        con.execute("DELETE FROM raw.validation_results WHERE list_contains(?, period)", [periods])
        if validation:
            con.register("incoming_validation", _validation_frame(validation))
            con.execute(
                "INSERT INTO raw.validation_results BY NAME SELECT * FROM incoming_validation"
            )
            con.unregister("incoming_validation")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def _validation_frame(validation: list[dict]) -> pl.DataFrame:
    # the rows come from _validation_by_period with exactly these columns
    return pl.DataFrame(
        validation,
        schema={
            "period": pl.String,
            "kind": pl.String,
            "expectation": pl.String,
            "column": pl.String,
            "success": pl.Boolean,
            "unexpected_count": pl.Int64,
        },
    )


def _submissions_frame(files: list[InboxFile], rejections: pl.DataFrame) -> pl.DataFrame:
    rejected_rows = (
        rejections.filter(pl.col("row_number").is_not_null())
        .group_by("sha256", "path")
        .agg(pl.col("row_number").n_unique().alias("rejected"))
    )
    rejected = {(r[0], r[1]): r[2] for r in rejected_rows.iter_rows()}
    records = []
    for item in files:
        rows = item.parsed.rows if item.parsed is not None else 0
        whole_file_rejected = bool(item.problems) or _has_file_problem(item)
        bad = rows if whole_file_rejected else rejected.get((item.sha256, item.relative_path), 0)
        records.append(
            {
                "sha256": item.sha256,
                "path": item.relative_path,
                "partner": item.partner,
                "period": item.period,
                "kind": item.kind,
                "archive_path": item.archive_path,
                "size_bytes": item.size_bytes,
                "rows": rows,
                "accepted": rows - bad,
                "rejected": bad,
                "received_at": item.received_at,
                "superseded_by": HELD_BACK if item.held_back else None,
            }
        )
    return pl.DataFrame(
        records,
        schema={
            "sha256": pl.String,
            "path": pl.String,
            "partner": pl.String,
            "period": pl.String,
            "kind": pl.String,
            "archive_path": pl.String,
            "size_bytes": pl.Int64,
            "rows": pl.Int32,
            "accepted": pl.Int32,
            "rejected": pl.Int32,
            "received_at": pl.Datetime("us"),
            "superseded_by": pl.String,
        },
    )


def _record_submissions(
    con: duckdb.DuckDBPyConnection, period: str, submissions: pl.DataFrame
) -> None:
    """Upsert this run's files; earlier files of the same partner, period and kind are superseded.

    A file keeps the received_at of the first run that recorded it. A file that is no longer in the
    inbox (and was not replaced by a file of the same kind) is marked `withdrawn`.
    """
    con.register("seen", submissions)
    con.execute(
        """
        INSERT INTO raw.submissions BY NAME
        SELECT * FROM seen
        ON CONFLICT (sha256, path) DO UPDATE SET
            partner = excluded.partner, kind = excluded.kind, rows = excluded.rows,
            accepted = excluded.accepted, rejected = excluded.rejected,
            archive_path = excluded.archive_path, superseded_by = excluded.superseded_by
        """
    )
    con.execute(
        """
        UPDATE raw.submissions AS old
        SET superseded_by = coalesce(
            (SELECT min(s.sha256) FROM seen AS s
             WHERE s.kind = old.kind AND s.partner IS NOT DISTINCT FROM old.partner
               AND s.kind IS NOT NULL AND s.superseded_by IS NULL),
            ?)
        WHERE old.period = ?
          AND NOT EXISTS (SELECT 1 FROM seen AS s WHERE s.sha256 = old.sha256 AND s.path = old.path)
          AND (old.superseded_by IS NULL OR old.superseded_by = ?)
        """,
        [WITHDRAWN, period, WITHDRAWN],
    )
    con.unregister("seen")


def ingest_period(
    con: duckdb.DuckDBPyConnection,
    programme: Programme,
    programme_dir: Path,
    archive_dir: Path,
    period: str,
    approved: dict[str, str] | None = None,
) -> PeriodIngest:
    """Archive, read, validate and record every file of one period."""
    approvals = {} if approved is None else {period: approved}
    chunks = ingest_periods(con, programme, programme_dir, archive_dir, [period], approvals)
    return next(chunks)[0]


def ingest_periods(
    con: duckdb.DuckDBPyConnection,
    programme: Programme,
    programme_dir: Path,
    archive_dir: Path,
    periods: list[str],
    approvals: dict[str, dict[str, str]],
    suites: SuiteProcess | None = None,
) -> Iterator[list[PeriodIngest]]:
    """Archive, read, validate and record every file of `periods`; the pure core of the asset.

    Consecutive periods are taken together up to CHUNK_BYTES of inbox, each chunk read and
    validated as one batch per kind and committed in one transaction; one list of PeriodIngest
    is yielded per committed chunk. `approvals`: period -> the approved files (path -> sha256).
    `suites`: the process that runs the Great Expectations suites, or None: this one.

    Two cores: while this thread validates and writes a chunk, a worker thread archives the next
    one (hashing and file I/O run outside the GIL) and hands it on. With `suites`' process, every
    other chunk is read there and checked there too; the others are read by the worker and only
    their suites run there (the suites alone keep that process busy ~60 % of the time, reading
    alone the worker nearly all of it). Without the process, the worker reads every chunk and the
    suites run here (GX's seconds of imports first, in the worker, while this thread reads the
    first chunk). Only this thread touches `con`; a chunk is committed in order, and one
    archived ahead but not committed when a run stops has at most left copies in the
    (content-addressed) archive.
    """
    chunks = _chunks(programme_dir, periods)
    if not chunks:
        return

    def collect_and_read(number: int) -> tuple[list[InboxFile], Callable[[], Batches]]:
        """Chunk `number`'s files, and how to get their batches (and outcomes from the process)."""
        files = [
            item
            for period in chunks[number]
            for item in collect_inbox(
                programme, programme_dir, archive_dir, period, approvals.get(period)
            )
        ]
        if suites is None:
            batches = read_batches(files, programme)
            return files, lambda: (batches, None)
        if number % 2 == 1:
            reads = submit_reads(files, programme, suites)
            return files, lambda: receive_reads(files, reads)
        batches = read_batches(files, programme)
        # handed over as soon as read: the process checks it while the chunk before is written
        checks = submit_suites(batches, programme, suites)
        return files, lambda: (batches, receive_suites(checks))

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest-read") as worker:
        try:
            loading = worker.submit(prepare_validation) if suites is None else None
            read = collect_and_read(0)
            if loading is not None:
                loading.result()
            for number, chunk in enumerate(chunks):
                files, receive = read
                read = None  # the batches are let go as soon as they are written
                reading = worker.submit(collect_and_read, number + 1) if number + 1 < len(chunks) else None
                batches, outcomes = receive()
                del receive
                rejections, validation = validate_batches(files, batches, programme, outcomes)
                write_periods(con, chunk, files, batches, rejections, validation)
                del batches, outcomes
                for item in files:
                    # committed: the parsed files are no longer needed, and a run holds every
                    # period's files
                    item.parsed = None
                yield [
                    PeriodIngest(
                        period=period,
                        files=[item for item in files if item.period == period],
                        rejections=rejections.filter(pl.col("period") == period),
                        validation=[v for v in validation if v["period"] == period],
                    )
                    for period in chunk
                ]
                if reading is not None:
                    read = reading.result()
        finally:
            # a stopped run (an error, a closed generator) does not read what it will not write
            worker.shutdown(wait=True, cancel_futures=True)


def _chunks(programme_dir: Path, periods: list[str]) -> list[list[str]]:
    """Consecutive periods up to CHUNK_BYTES of inbox each; the first ones smaller (a sixth of it,
    doubling), so that the worker and the suite process start on the next chunk while the first is
    still being read rather than waiting for a whole one (M: ingestion ~0.45 s shorter)."""
    chunks: list[list[str]] = [[]]
    size = 0
    limit = CHUNK_BYTES // FIRST_CHUNK_SHARE
    for period in periods:
        folder = programme_dir / "inbox" / period
        inbox = _folder_bytes(folder)
        if chunks[-1] and size + inbox > limit:
            chunks.append([])
            size = 0
            limit = min(2 * limit, CHUNK_BYTES)
        chunks[-1].append(period)
        size += inbox
    return [chunk for chunk in chunks if chunk]


def _folder_bytes(folder: Path) -> int:
    if not folder.is_dir():
        return 0
    with os.scandir(folder) as listing:
        return sum(entry.stat().st_size for entry in listing if entry.is_file())


RAW_KEYS = {
    "submissions": dg.AssetKey(["raw", "submissions"]),
    "rejections": dg.AssetKey(["raw", "rejections"]),
    **{kind: dg.AssetKey(["raw", table.split(".")[1]]) for kind, table in ROW_TABLES.items()},
}
SUITE_CHECK_NAMES = {kind: f"{kind}_suite" for kind in KINDS}


RAW_DESCRIPTIONS = {
    "submissions": "One row per file seen in the inbox (sha256 + path), archived by hash; "
    "from inbox/<period>/.",
    "rejections": "One row per problem found in a file or row (file, row, column, value, rule, "
    "message); from the readers and the Great Expectations suites.",
    "vacancies": "One row per accepted vacancy row of a partner file; from "
    "inbox/<period>/vacancies_<partner>.",
    "contributions": "One row per accepted contribution row of a partner file; from "
    "inbox/<period>/contributions_<partner>.",
    "ledger": "One row per accepted joint-pot spending row; from inbox/<period>/ledger.",
}


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            RAW_KEYS[name],
            description=description,
            group_name="ingest",
            kinds={"duckdb", "polars"} if name in ROW_TABLES else {"duckdb"},
        )
        for name, description in RAW_DESCRIPTIONS.items()
    ],
    check_specs=[
        dg.AssetCheckSpec(
            SUITE_CHECK_NAMES[kind],
            asset=RAW_KEYS[kind],
            description=f"Great Expectations suite for {kind}: rows that break it are "
            "quarantined in rejections; the check fails when a row was rejected.",
        )
        for kind in KINDS
    ],
    partitions_def=PERIOD_PARTITIONS,
    backfill_policy=dg.BackfillPolicy.single_run(),
    required_resource_keys={"programme", "output"},
    can_subset=False,
)
def inbox_files(context: dg.AssetExecutionContext):
    """Ingest every period of the run's partition range, one period after another."""
    programme_folder = context.resources.programme
    output = context.resources.output
    programme = programme_folder.load()
    approvals = approved_files(load_decisions(programme_folder.folder))
    results: list[PeriodIngest] = []
    with output.connect() as con:
        periods = list(context.partition_keys)
        chunks = ingest_periods(
            con,
            programme,
            programme_folder.folder,
            output.archive_dir,
            periods,
            approvals,
            suite_process.shared(),
        )
        for chunk in chunks:
            for result in chunk:
                for item in result.files:
                    if item.held_back:
                        context.log.warning(
                            f"{item.relative_path} held back: {result.period} is approved; reopen the "
                            "period to apply it"
                        )
            # one line per committed chunk, not per period: each is an event Dagster stores
            context.log.info(
                "; ".join(
                    f"{result.period}: {len(result.files)} file(s), {result.rejections.height} problem(s)"
                    for result in chunk
                )
            )
            results.extend(chunk)
            crash_point("ingest")
        for kind in ("submissions", "rejections"):
            expose(con, f"raw.{kind}")
        metadata = {
            key: table_metadata(con, "raw." + key.path[-1]) for key in RAW_KEYS.values()
        }
    file_inputs = {
        item.relative_path: item.sha256 for result in results for item in result.files
    }
    for name, key in RAW_KEYS.items():
        extra = input_lineage(file_inputs) if name == "submissions" else {}
        yield dg.MaterializeResult(asset_key=key, metadata={**metadata[key], **extra})
    for kind in KINDS:
        yield _suite_check_result(kind, results)


def input_lineage(file_inputs: dict[str, str]) -> dict[str, dg.MetadataValue]:
    """What raw.submissions was made from, for its materialization: the number of files and one
    sha256 over every (path, sha256), plus the list itself when it is short.

    Dagster records the metadata once per period of the run: a sector's 32,040 hashes written 40
    times took 10 s. The full list is in raw.submissions and the site's manifest.json.
    """
    lines = "".join(f"{path}\t{sha256}\n" for path, sha256 in sorted(file_inputs.items()))
    lineage = {
        "input_files": dg.MetadataValue.int(len(file_inputs)),
        "input_digest": dg.MetadataValue.text(hashlib.sha256(lines.encode()).hexdigest()),
    }
    if len(file_inputs) <= INLINE_INPUTS:
        lineage["input_sha256"] = dg.MetadataValue.json(file_inputs)
    return lineage


def _suite_check_result(kind: str, results: list[PeriodIngest]) -> dg.AssetCheckResult:
    expectations = [v for r in results for v in r.validation if v["kind"] == kind]
    unexpected = sum(int(v.get("unexpected_count") or 0) for v in expectations)
    failing = sorted({f"{v['expectation']}({v.get('column')})" for v in expectations if not v["success"]})
    return dg.AssetCheckResult(
        asset_key=RAW_KEYS[kind],
        check_name=SUITE_CHECK_NAMES[kind],
        passed=not failing,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "periods": dg.MetadataValue.text(", ".join(r.period for r in results)),
            "expectations_evaluated": dg.MetadataValue.int(len(expectations)),
            "unexpected_values": dg.MetadataValue.int(unexpected),
            "failing_expectations": dg.MetadataValue.text(", ".join(failing) or "none"),
        },
    )


ASSETS = [inbox_files]
