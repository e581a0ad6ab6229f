"""Publishing: the static site, every table as CSV and Parquet, and manifest.json.

The new site is written beside the old one and swapped in only when complete, so a failed run
never leaves a half-written site.

Memory and time grow with partners and periods, not with vacancies: the pages get from the
warehouse only the rows they show (a partner's open vacancies and the latest period's hires, and
hires counted per channel); DuckDB sorts each published table once and streams it to Parquet
(`COPY ... ORDER BY`, spilling to disk when it must); the CSV is streamed from that file; and each
partner's downloads are cut from it as it is read back, one batch at a time.
"""


import ctypes
import io
import json
import os
import re
import shutil
import subprocess
import threading
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import dagster as dg
import duckdb
import numpy as np
import polars as pl

from assets.faults import crash_point
from assets.tables import expose
from dashboards.pages import (
    PARTNER_DOWNLOADS,
    SiteData,
    formula_safe,
    partner_restatements,
    render_site,
    write_download,
)
from domain.approvals import APPROVALS_FILE
from domain.audit import check_hashes, sha256_of, sha256_of_each
from domain.programme import Programme, programme_sha256

REPO_ROOT = Path(__file__).resolve().parents[1]
METHODOLOGY = REPO_ROOT / "docs" / "methodology.md"

# table name on the site -> warehouse table, and the columns that order its rows
PUBLISHED_TABLES: dict[str, tuple[str, list[str]]] = {
    "submissions": ("raw.submissions", ["period", "path", "received_at", "sha256"]),
    "rejections": ("main.rejections", ["period", "path", "row_number", "column", "rule"]),
    "vacancies": ("clean.vacancies", ["partner", "vacancy_id"]),
    "partner_period": ("marts.partner_period", ["partner", "period"]),
    "programme_period": ("marts.programme_period", ["period"]),
    "target_progress": ("marts.target_progress", ["scope", "indicator", "period"]),
    "cordon": ("marts.cordon", ["partner", "period", "commitment"]),
    "cordon_integrity": ("marts.cordon_integrity", ["scope", "period"]),
    "fair_share": ("marts.fair_share", ["as_of_period", "partner"]),
    "joint_pot": ("marts.joint_pot", ["period"]),
    "warnings": ("marts.warnings", ["scope", "period", "figure", "rule"]),
    "validation_results": ("raw.validation_results", ["period", "kind", "expectation", "column"]),
    "period_status": ("clean.period_status", ["period"]),
    "decisions": ("clean.decisions", ["seq"]),
    "restatements": ("marts.restatements", ["version", "period", "partner", "figure"]),
}
# the key of each published table; None: every column (rows are compared whole)
TABLE_KEYS: dict[str, list[str] | None] = {
    "submissions": ["sha256", "path"],
    "rejections": ["sha256", "path", "row_number", "column", "rule"],
    "vacancies": ["partner", "vacancy_id"],
    "partner_period": ["partner", "period"],
    "programme_period": ["period"],
    "target_progress": ["scope", "indicator", "period"],
    "cordon": ["partner", "period", "commitment"],
    "cordon_integrity": ["scope", "period"],
    "fair_share": ["partner", "as_of_period"],
    "joint_pot": ["period"],
    "warnings": None,
    "validation_results": None,
    "period_status": ["period"],
    "decisions": ["seq"],
    "restatements": ["version", "period", "partner", "figure"],
}
VERSIONED_PACKAGES = ("dagster", "duckdb", "polars", "great-expectations", "plotly", "drijfjacht")
# what a partner's page shows of its vacancies (clean.vacancies also has sha256, path, row_number)
PAGE_VACANCY_COLUMNS = (
    "partner, vacancy_id, period, role, channel, field, opened_on, filled_on, days_to_fill, cost, "
    "hours, status"
)
# rows per batch when a published Parquet file is read back, for its CSV and the partners' downloads
BATCH_ROWS = 65_536
# partners' download files written at once, and waiting to be: a small file costs ~1 ms (Polars'
# work per file and the kernel's), mostly outside the GIL; the queue bounds the rows held in memory
DOWNLOAD_THREADS = 2
DOWNLOAD_QUEUE = 8
# the published tables whose size grows with the vacancies, not the partners and periods
LARGE_TABLES = ("vacancies",)
# the partners' downloads cut from the published tables; their restatements come from the pages'
# data, where another partner's files are masked
CUT_DOWNLOADS = tuple(table for table in PARTNER_DOWNLOADS if table != "restatements")
# a column added while a batch is split by partner, to find each row's CSV line
ROW_NUMBER = "__drijfjacht_row"
# what DuckDB may use while publishing (it spills to disk beyond it) when the vacancies are more
# than SORT_IN_MEMORY_ROWS; see publish_site
PUBLISH_MEMORY_LIMIT = "640MB"
# up to this many vacancies DuckDB sorts them within the warehouse's own memory limit: 2 million
# took ~1.5 GB, and sorting them in pieces spilled to disk under PUBLISH_MEMORY_LIMIT took twice
# the time; a larger table spills under either limit, so it gets the smaller one
SORT_IN_MEMORY_ROWS = 3_000_000
MEMORY_UNITS = {"bytes": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12}
MEMORY_UNITS |= {"KiB": 2**10, "MiB": 2**20, "GiB": 2**30, "TiB": 2**40}


def read_table(con: duckdb.DuckDBPyConnection, name: str) -> pl.DataFrame:
    """A published table in its fixed row order (ties broken by every column)."""
    table, order = PUBLISHED_TABLES[name]
    frame = con.sql(f"SELECT * FROM {table}").pl()
    rest = [c for c in frame.columns if c not in order and frame[c].dtype != pl.Object]
    return frame.sort([*order, *rest], nulls_last=True, maintain_order=True)


def _bytes(text: str) -> float | None:
    """A DuckDB memory setting ('1.3 GiB', '640MB') in bytes; None if it is not one."""
    match = re.fullmatch(r"\s*([0-9.]+)\s*([A-Za-z]+)\s*", text)
    if not match or match.group(2) not in MEMORY_UNITS:
        return None
    return float(match.group(1)) * MEMORY_UNITS[match.group(2)]


def lower_memory_limit(con: duckdb.DuckDBPyConnection, limit: str) -> None:
    """Set DuckDB's memory_limit to `limit` unless it is already lower."""
    current = con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]
    wanted, now = _bytes(limit), _bytes(str(current))
    if wanted is not None and (now is None or now > wanted):
        con.execute(f"SET memory_limit = '{limit}'")


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def table_query(con: duckdb.DuckDBPyConnection, name: str) -> str:
    """The SELECT that gives a published table in `read_table`'s order (ties broken by every
    column), for DuckDB to sort and stream to a file. Where the order's columns hold the table's
    key there are no ties, and it sorts on those alone (a sort on every column of 2 million
    vacancies took a fifth more)."""
    table, order = PUBLISHED_TABLES[name]
    key = TABLE_KEYS[name]
    if key is not None and set(key) <= set(order):
        ordering = order
    else:
        columns = [row[0] for row in con.execute(f"DESCRIBE {table}").fetchall()]
        ordering = [*order, *(column for column in columns if column not in order)]
    order_by = ", ".join(f"{_quoted(column)} ASC NULLS LAST" for column in ordering)
    return f"SELECT * FROM {table} ORDER BY {order_by}"


def code_version() -> str:
    """The git commit of the code when run from a checkout, else the package version."""
    try:
        commit = subprocess.run(
            ["git", "-C", str(REPO_ROOT), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            timeout=5,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(REPO_ROOT), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
            timeout=5,
        ).stdout.strip()
        return commit + ("-dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return f"drijfjacht {_version('drijfjacht')}"


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "unknown"


def site_data(
    con: duckdb.DuckDBPyConnection, programme: Programme, run: dict, methodology_md: str
) -> SiteData:
    """What the pages show. Every table but the vacancies grows with partners and periods and is
    read whole; of clean.vacancies only the rows a partner's page lists, and the hires counted per
    period, partner and channel for the Sankey."""
    tables = {name: read_table(con, name) for name in PUBLISHED_TABLES if name != "vacancies"}
    periods = con.sql("SELECT period FROM clean.periods ORDER BY period").pl()["period"].to_list()
    vacancies = con.sql(
        f"SELECT {PAGE_VACANCY_COLUMNS} FROM clean.vacancies "
        "WHERE status = 'open' OR (status = 'filled' AND period = $latest) "
        "ORDER BY partner, period DESC, vacancy_id",
        params={"latest": periods[-1] if periods else None},
    ).pl()
    hires = con.sql(
        "SELECT period, partner, channel, field, count(*) AS hires FROM clean.vacancies "
        "WHERE status = 'filled' GROUP BY ALL ORDER BY ALL"
    ).pl()
    return SiteData(
        programme={
            "id": programme.programme.id,
            "name": programme.programme.name,
            "currency": programme.programme.currency,
            "language": programme.programme.language,
            "first_period": programme.programme.first_period,
            "partners": [p.model_dump() for p in programme.partners],
            "min_group_size": programme.privacy.min_group_size,
            "fields": {"driving": programme.fields.driving, "hunting": programme.fields.hunting},
            "valuation": programme.valuation.model_dump(),
        },
        periods=periods,
        partner_period=tables["partner_period"],
        programme_period=tables["programme_period"],
        vacancies=vacancies,
        hires_by_channel=hires,
        rejections=tables["rejections"],
        submissions=tables["submissions"],
        target_progress=tables["target_progress"],
        cordon=tables["cordon"],
        cordon_integrity=tables["cordon_integrity"],
        fair_share=tables["fair_share"],
        joint_pot=tables["joint_pot"],
        warnings=tables["warnings"],
        run=run,
        methodology_md=methodology_md,
        validation_results=tables["validation_results"],
        period_status=tables["period_status"],
        decisions=tables["decisions"],
        restatements=tables["restatements"],
    )


def write_tables(con: duckdb.DuckDBPyConnection, data_dir: Path, downloads: "PartnerDownloads") -> list[Path]:
    """Every published table as Parquet and as CSV (spreadsheet-safe), and each partner's own rows
    of the tables in PARTNER_DOWNLOADS cut from them into `downloads` in the same pass.

    DuckDB sorts each table once and streams it to Parquet (spilling to disk beyond its memory
    limit); the CSV is streamed from that file, in its order, with `safe_csv`'s own rules, so it
    is the same, byte for byte, as `safe_csv` would write. Python never holds a whole table.
    DuckDB writes the next tables' Parquet (on a cursor of its own, in a thread) while the CSV of
    the previous one is written; the tables that grow with the vacancies come last, so that their
    sort overlaps the other tables' CSV."""
    data_dir.mkdir(parents=True, exist_ok=True)
    names = sorted(PUBLISHED_TABLES, key=lambda name: name in LARGE_TABLES)
    written = []
    with con.cursor() as cursor:
        copier = ThreadPoolExecutor(max_workers=1, thread_name_prefix="publish-copy")
        try:
            copies = {name: copier.submit(copy_table, cursor, name, data_dir) for name in names}
            for name in names:
                parquet = copies[name].result()
                cutter = downloads.table(name) if name in CUT_DOWNLOADS else None
                written += [safe_csv_from_parquet(parquet, data_dir / f"{name}.csv", cutter), parquet]
        finally:
            # on failure the tables not yet copied are not; the one being copied is waited for,
            # as the cursor must not close under it
            copier.shutdown(wait=True, cancel_futures=True)
    return written


def copy_table(con: duckdb.DuckDBPyConnection, name: str, data_dir: Path) -> Path:
    """data/<name>.parquet: the published table sorted and streamed to Parquet by DuckDB."""
    parquet = data_dir / f"{name}.parquet"
    target = str(parquet).replace("'", "''")
    query = table_query(con, name)
    con.execute(f"COPY ({query}) TO '{target}' (FORMAT parquet, COMPRESSION zstd)").fetchall()
    return parquet


def safe_csv_from_parquet(parquet: Path, path: Path, cutter: "_TableCutter | None" = None) -> Path:
    """The CSV `safe_csv` would write of a Parquet file's rows, in their order, written a batch at a
    time (the same bytes: a CSV row depends on its own cells only). Polars' streaming `sink_csv`
    held ~1 GiB for 10 million vacancies; this holds a batch and the few that Polars reads ahead
    (~0.3 GiB for 2 million vacancies; pyarrow's reader held one, but took 4x the CPU). Each
    batch, with its CSV lines, goes on to `cutter`, which cuts the partners' downloads from them."""
    source = pl.scan_parquet(parquet)
    empty = source.clear().collect()
    header = csv_bytes(formula_safe(empty), header=True)
    if cutter is not None:
        cutter.start(empty, header)
    with path.open("wb") as out:
        out.write(header)
        for frame in source.collect_batches(chunk_size=BATCH_ROWS):
            body = csv_bytes(formula_safe(frame))
            out.write(body)
            if cutter is not None:
                cutter.add(frame, body)
    if cutter is not None:
        cutter.finish()
    return path


def csv_bytes(frame: pl.DataFrame, header: bool = False) -> memoryview:
    """`frame` as Polars writes it to a CSV file (already made formula-safe by the caller); a view
    of the buffer, so that neither it nor the partners' lines cut from it are copied."""
    buffer = io.BytesIO()
    frame.write_csv(buffer, include_header=header)
    return buffer.getbuffer()


def _line_bounds(body: memoryview, rows: int) -> tuple[np.ndarray, np.ndarray] | None:
    """Where each of `rows` CSV rows in `body` starts and ends (the offset just past its newline);
    None when a cell holds a newline itself, so that lines are not rows."""
    ends = np.flatnonzero(np.frombuffer(body, dtype=np.uint8) == ord("\n")) + 1
    if len(ends) != rows:
        return None
    return np.concatenate(([0], ends[:-1])), ends


def _lines(body: memoryview, bounds: tuple[np.ndarray, np.ndarray], rows: np.ndarray) -> list[memoryview]:
    """The CSV lines of the rows numbered `rows` (ascending): one view per run of adjacent rows."""
    starts, ends = bounds
    if rows[-1] - rows[0] + 1 == len(rows):
        return [body[starts[rows[0]] : ends[rows[-1]]]]
    runs = np.split(rows, np.flatnonzero(np.diff(rows) != 1) + 1)
    return [body[starts[run[0]] : ends[run[-1]]] for run in runs]


class PartnerDownloads:
    """Each partner's own rows of each table in PARTNER_DOWNLOADS, as
    partners/<id>/data/<table>.csv|.parquet, the same bytes `write_download` writes.

    The published tables' CSV lines are cut into the partners' CSV files (a CSV row depends on its
    own cells only), so only each partner's Parquet file is written by Polars; a partner without
    rows gets the table's empty files, written once. The files are written by a few threads (a
    small Parquet file costs ~1 ms of Polars' work, mostly outside the GIL); a bounded queue limits
    the rows held in memory."""

    def __init__(self, partners: list[str], site_dir: Path, pool: ThreadPoolExecutor):
        self.partners = partners
        self.site_dir = site_dir
        self.pool = pool
        self.queue: deque[Future[list[Path]]] = deque()
        self.written: list[Path] = []
        for partner in partners:
            self.folder(partner).mkdir(parents=True, exist_ok=True)

    def folder(self, partner: str) -> Path:
        return self.site_dir / "partners" / partner / "data"

    def submit(self, job: Callable[..., list[Path]], *args: object) -> None:
        self.queue.append(self.pool.submit(job, *args))
        while len(self.queue) > DOWNLOAD_QUEUE:
            self.written.extend(self.queue.popleft().result())

    def finish(self) -> list[Path]:
        while self.queue:
            self.written.extend(self.queue.popleft().result())
        return self.written

    def table(self, table: str) -> "_TableCutter":
        return _TableCutter(self, table, grouped=PUBLISHED_TABLES[table][1][0] == "partner")

    def frames(self, table: str, frame: pl.DataFrame) -> None:
        """One table's downloads from a whole frame (the restatements, masked per partner)."""
        missing = set(self.partners)
        for partner, rows in _by_partner(frame):
            if partner in missing:
                missing.discard(partner)
                self.submit(write_download, rows, self.folder(partner), table)
        self.empty(table, frame.clear(), sorted(missing))

    def empty(self, table: str, empty: pl.DataFrame, partners: list[str]) -> None:
        if not partners:
            return
        csv = csv_bytes(formula_safe(empty), header=True)
        parquet = io.BytesIO()
        empty.write_parquet(parquet, statistics=False)
        # a few hundred bytes a file: written here, a thread's hand-over would cost more
        for partner in partners:
            self.written += _write_files(self.folder(partner), table, [csv], parquet.getvalue(), None)


class _TableCutter:
    """One table's downloads, from the published table's batches in file order. Where the table is
    ordered by partner first, a partner's files are written as soon as its rows end, so memory
    holds one partner's rows, not the table."""

    def __init__(self, downloads: PartnerDownloads, table: str, grouped: bool):
        self.downloads = downloads
        self.table = table
        self.grouped = grouped
        self.missing = set(downloads.partners)
        self.pending: dict[str, tuple[list[memoryview], list[pl.DataFrame]]] = {}
        self.empty = pl.DataFrame()
        self.header = memoryview(b"")

    def start(self, empty: pl.DataFrame, header: memoryview) -> None:
        """The table's columns (no rows) and its CSV header line, before the first batch."""
        self.empty, self.header = empty, header

    def add(self, frame: pl.DataFrame, body: memoryview) -> None:
        """One batch of the table and its CSV lines (no header)."""
        if "partner" not in frame.columns or frame.height == 0:
            return
        bounds = _line_bounds(body, frame.height)
        for partner, rows in _by_partner(frame.with_row_index(ROW_NUMBER)):
            # in place: `drop` would run a (lazy) query per partner
            numbers = rows.drop_in_place(ROW_NUMBER).to_numpy()
            # a cell holding a newline: the partner's lines are written by Polars after all
            lines = _lines(body, bounds, numbers) if bounds is not None else [csv_bytes(formula_safe(rows))]
            if self.grouped and self.pending and partner not in self.pending:
                self._flush()
            texts, frames = self.pending.setdefault(partner, ([], []))
            texts.extend(lines)
            frames.append(rows)

    def finish(self) -> None:
        """Write what is pending, and the empty files of the partners without rows."""
        self._flush()
        self.downloads.empty(self.table, self.empty, sorted(self.missing))

    def _flush(self) -> None:
        for partner, (texts, frames) in self.pending.items():
            if partner in self.missing:
                self.missing.discard(partner)
                rows = pl.concat(frames) if len(frames) > 1 else frames[0]
                folder = self.downloads.folder(partner)
                self.downloads.submit(_write_files, folder, self.table, [self.header, *texts], None, rows)
        self.pending = {}


def _write_files(
    folder: Path,
    table: str,
    csv: list[bytes | memoryview],
    parquet: bytes | None,
    rows: pl.DataFrame | None,
) -> list[Path]:
    """A partner's `<table>.csv` (from its pieces) and `<table>.parquet`: the Parquet file from its
    bytes, or written by Polars from `rows` as `write_download` writes it."""
    csv_path, parquet_path = folder / f"{table}.csv", folder / f"{table}.parquet"
    with csv_path.open("wb") as out:
        out.writelines(csv)
    if parquet is not None:
        parquet_path.write_bytes(parquet)
    elif rows is not None:
        rows.write_parquet(parquet_path, statistics=False)
    return [csv_path, parquet_path]


def write_data(
    con: duckdb.DuckDBPyConnection, data: SiteData, partners: list[str], site_dir: Path
) -> list[Path]:
    """data/<table>.csv|.parquet, and each partner's downloads cut from them as they are written
    (the restatements from `data`, with other partners' files masked as on the pages)."""
    with ThreadPoolExecutor(max_workers=DOWNLOAD_THREADS) as pool:
        downloads = PartnerDownloads(partners, site_dir, pool)
        written = write_tables(con, site_dir / "data", downloads)
        downloads.frames("restatements", partner_restatements(data))
        return written + downloads.finish()


def _by_partner(frame: pl.DataFrame) -> Iterator[tuple[str, pl.DataFrame]]:
    if "partner" not in frame.columns or frame.height == 0:
        return
    for (partner,), rows in frame.partition_by("partner", as_dict=True, maintain_order=True).items():
        if partner is not None:
            yield partner, rows


# what manifest.json lists of each input file (raw.submissions' columns), one line per file
MANIFEST_INPUT_COLUMNS = (
    "path", "sha256", "archive_path", "partner", "period", "kind", "rows", "accepted", "rejected",
    "superseded_by",
)


def build_manifest(
    programme: Programme,
    programme_dir: Path,
    site_dir: Path,
    run: dict,
    submissions: pl.DataFrame,
) -> dict:
    """What manifest.json holds. `submissions` is raw.submissions in its published order (period,
    path, received_at, sha256: `read_table`), as the pages got it; "inputs" is a frame of its
    MANIFEST_INPUT_COLUMNS, which `manifest_text` writes one line per file."""
    files = [path for path in sorted(site_dir.rglob("*")) if path.is_file() and path.name != "manifest.json"]
    outputs = {
        path.relative_to(site_dir).as_posix(): digest
        for path, digest in zip(files, sha256_of_each(files), strict=True)
    }
    return {
        "programme": {
            "id": programme.programme.id,
            "name": programme.programme.name,
            "programme_yaml_sha256": programme_sha256(programme_dir),
            "approvals_yaml_sha256": sha256_of(approvals)
            if (approvals := programme_dir / APPROVALS_FILE).is_file()
            else None,
        },
        "run_id": run["run_id"],
        "generated_at": run["generated_at"],
        "code_version": run["code_version"],
        "versions": {package: _version(package) for package in VERSIONED_PACKAGES},
        "inputs": submissions.select(sorted(MANIFEST_INPUT_COLUMNS)),
        "outputs": outputs,
    }


def manifest_text(manifest: dict) -> str:
    """manifest.json: its keys sorted and indented, with one line per input file and per output
    file, so that two runs' manifests can be compared line by line. The inputs' lines are written
    by Polars (a sector's 32,000 files: json.dumps with an indent took 0.25 s, in Python)."""

    def text(value: object, depth: int) -> str:
        if isinstance(value, pl.DataFrame):
            return _json_block("[", value.write_ndjson().splitlines(), "]", depth)
        if isinstance(value, dict) and depth < 2:
            entries = [f"{json.dumps(key)}: {text(value[key], depth + 1)}" for key in sorted(value)]
            return _json_block("{", entries, "}", depth)
        return json.dumps(value, sort_keys=True, default=str)

    return text(manifest, 0) + "\n"


def _json_block(opening: str, lines: list[str], closing: str, depth: int) -> str:
    if not lines:
        return opening + closing
    indent = "\n" + "  " * (depth + 1)
    return opening + indent + ("," + indent).join(lines) + "\n" + "  " * depth + closing


def _exchange(a: Path, b: Path) -> bool:
    """Swap two directories in one atomic step (Linux renameat2 RENAME_EXCHANGE); False if unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    done = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return done == 0


def swap_in(staging: Path, site_dir: Path) -> None:
    """Put the complete new site in place of the old one.

    Where the OS can exchange two directories atomically, a reader always sees either the old or
    the new site. Elsewhere the old site is renamed to site.previous first, and a run killed
    between the two renames is repaired by `restore_interrupted_swap` on the next run.
    """
    if site_dir.exists() and _exchange(staging, site_dir):
        crash_point("swap")
        shutil.rmtree(staging)
        return
    previous = site_dir.with_name(site_dir.name + ".previous")
    if previous.exists():
        shutil.rmtree(previous)
    if site_dir.exists():
        site_dir.rename(previous)
    crash_point("swap")
    staging.rename(site_dir)
    if previous.exists():
        shutil.rmtree(previous)


def restore_interrupted_swap(site_dir: Path) -> None:
    """Repair what a killed run left: put site.previous back, remove half-written staging sites."""
    previous = site_dir.with_name(site_dir.name + ".previous")
    if previous.exists() and not site_dir.exists():
        previous.rename(site_dir)
    for staging in site_dir.parent.glob(f".{site_dir.name}-*"):
        shutil.rmtree(staging, ignore_errors=True)


def publish_site(
    con: duckdb.DuckDBPyConnection,
    programme: Programme,
    programme_dir: Path,
    site_dir: Path,
    run_id: str,
    methodology_md: str | None = None,
) -> dict:
    """Render the pages, write the tables and the manifest, then swap the new site in.

    The tables and the partners' downloads are written in a thread of their own while the pages
    are rendered: by a worker process from `render_site`'s PARALLEL_PARTNERS partners on (pages
    are pure Python, and rendering them in this process would hold the GIL that the writing thread
    needs between its DuckDB and Polars calls), joined by this thread once the tables are written;
    below that, here. For its sorts DuckDB gets at most PUBLISH_MEMORY_LIMIT from here on when
    the vacancies are too many to sort in memory anyway (SORT_IN_MEMORY_ROWS), as the pages'
    tables share the process's memory meanwhile (the limit of `con`'s database is lowered, never
    raised, and stays so: publishing is the last thing a run does with it)."""
    restore_interrupted_swap(site_dir)
    run = {
        "run_id": run_id,
        "code_version": code_version(),
        "generated_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
    }
    if methodology_md is None:
        methodology_md = METHODOLOGY.read_text(encoding="utf-8") if METHODOLOGY.exists() else ""
    staging = site_dir.with_name(f".{site_dir.name}-{run_id}")
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    try:
        vacancies = con.execute("SELECT count(*) FROM clean.vacancies").fetchall()[0][0]
        if vacancies > SORT_IN_MEMORY_ROWS:
            lower_memory_limit(con, PUBLISH_MEMORY_LIMIT)
        data = site_data(con, programme, run, methodology_md)
        partners = [partner.id for partner in programme.partners]
        # the pool is left (so the thread has finished) before the cursor closes
        with con.cursor() as cursor, ThreadPoolExecutor(max_workers=1) as background:
            tables = background.submit(write_data, cursor, data, partners, staging)
            # this thread renders pages too (beside any worker) once the tables are written
            written = threading.Event()
            tables.add_done_callback(lambda _: written.set())
            render_site(data, staging, partner_downloads=False, render_here=written)
            tables.result()
        crash_point("publish")
        manifest = build_manifest(programme, programme_dir, staging, run, data.submissions)
        (staging / "manifest.json").write_text(manifest_text(manifest), encoding="utf-8")
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    swap_in(staging, site_dir)
    return manifest


MARTS = [
    "partner_period",
    "programme_period",
    "target_progress",
    "cordon",
    "cordon_integrity",
    "fair_share",
    "joint_pot",
    "warnings",
]


@dg.asset(
    key=["site", "site"],
    deps=[dg.AssetKey(["marts", name]) for name in MARTS]
    + [
        dg.AssetKey(["clean", "vacancies"]),
        dg.AssetKey(["clean", "period_status"]),
        dg.AssetKey(["raw", "rejections"]),
        dg.AssetKey(["marts", "restatements"]),
    ],
    group_name="publish",
    kinds={"html", "plotly"},
    required_resource_keys={"programme", "output"},
    description="The published site: one file tree with the regisseur, partner and funder pages, "
    "every table as CSV and Parquet, and manifest.json; from the marts and clean tables.",
)
def site(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    programme_folder = context.resources.programme
    output = context.resources.output
    programme = programme_folder.load()
    with output.connect() as con:
        for name in MARTS:
            expose(con, f"marts.{name}")
        manifest = publish_site(
            con, programme, programme_folder.folder, output.site_dir, context.run_id
        )
    pages = sorted(p for p in manifest["outputs"] if p.endswith(".html"))
    return dg.MaterializeResult(
        metadata={
            "index": dg.MetadataValue.path(str(output.site_dir / "index.html")),
            "pages": dg.MetadataValue.int(len(pages)),
            "files": dg.MetadataValue.int(len(manifest["outputs"]) + 1),
            "input_files": dg.MetadataValue.int(len(manifest["inputs"])),
            "code_version": dg.MetadataValue.text(manifest["code_version"]),
        }
    )


@dg.asset_check(
    asset=site,
    description="Every file listed in manifest.json exists and has the hash the manifest says.",
    required_resource_keys={"output"},
)
def manifest_matches_site(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
    site_dir = context.resources.output.site_dir
    manifest = json.loads((site_dir / "manifest.json").read_text(encoding="utf-8"))
    wrong = [finding.where for finding in check_hashes("output", site_dir, manifest["outputs"])]
    return dg.AssetCheckResult(
        passed=not wrong,
        metadata={"files": len(manifest["outputs"]), "mismatches": ", ".join(wrong) or "none"},
    )


ASSETS = [site]
CHECKS = [manifest_matches_site]
