"""Publishing: the static site, every table as CSV and Parquet, and manifest.json.

The new site is written beside the old one and swapped in only when complete, so a failed run
never leaves a half-written site.
"""


import ctypes
import hashlib
import json
import os
import shutil
import subprocess
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl

from assets.faults import crash_point
from assets.tables import expose
from dashboards.pages import SiteData, render_site, safe_csv
from domain.approvals import APPROVALS_FILE
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


def read_table(con: duckdb.DuckDBPyConnection, name: str) -> pl.DataFrame:
    """A published table in its fixed row order (ties broken by every column)."""
    table, order = PUBLISHED_TABLES[name]
    frame = con.sql(f"SELECT * FROM {table}").pl()
    rest = [c for c in frame.columns if c not in order and frame[c].dtype != pl.Object]
    return frame.sort([*order, *rest], nulls_last=True, maintain_order=True)


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


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def site_data(
    con: duckdb.DuckDBPyConnection, programme: Programme, run: dict, methodology_md: str
) -> SiteData:
    tables = {name: read_table(con, name) for name in PUBLISHED_TABLES}
    periods = con.sql("SELECT period FROM clean.periods ORDER BY period").pl()["period"].to_list()
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
        vacancies=tables["vacancies"],
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


def write_tables(con: duckdb.DuckDBPyConnection, data_dir: Path) -> list[Path]:
    """Every published table as CSV (spreadsheet-safe) and Parquet."""
    data_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name in PUBLISHED_TABLES:
        frame = read_table(con, name)
        csv_path, parquet_path = data_dir / f"{name}.csv", data_dir / f"{name}.parquet"
        safe_csv(frame, csv_path)
        frame.write_parquet(parquet_path, statistics=False)
        written += [csv_path, parquet_path]
    return written


def build_manifest(
    con: duckdb.DuckDBPyConnection,
    programme: Programme,
    programme_dir: Path,
    site_dir: Path,
    run: dict,
) -> dict:
    inputs = con.sql(
        "SELECT path, sha256, archive_path, partner, period, kind, rows, accepted, rejected, "
        "superseded_by "
        "FROM raw.submissions ORDER BY period, path, received_at, sha256"
    ).pl()
    outputs = {
        path.relative_to(site_dir).as_posix(): sha256_file(path)
        for path in sorted(site_dir.rglob("*"))
        if path.is_file() and path.name != "manifest.json"
    }
    return {
        "programme": {
            "id": programme.programme.id,
            "name": programme.programme.name,
            "programme_yaml_sha256": programme_sha256(programme_dir),
            "approvals_yaml_sha256": sha256_file(approvals)
            if (approvals := programme_dir / APPROVALS_FILE).is_file()
            else None,
        },
        "run_id": run["run_id"],
        "generated_at": run["generated_at"],
        "code_version": run["code_version"],
        "versions": {package: _version(package) for package in VERSIONED_PACKAGES},
        "inputs": inputs.to_dicts(),
        "outputs": outputs,
    }


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
    """Render the pages, write the tables and the manifest, then swap the new site in."""
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
        render_site(site_data(con, programme, run, methodology_md), staging)
        write_tables(con, staging / "data")
        crash_point("publish")
        manifest = build_manifest(con, programme, programme_dir, staging, run)
        (staging / "manifest.json").write_text(
            json.dumps(manifest, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8"
        )
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
    wrong = [
        path
        for path, digest in manifest["outputs"].items()
        if not (site_dir / path).is_file() or sha256_file(site_dir / path) != digest
    ]
    return dg.AssetCheckResult(
        passed=not wrong,
        metadata={"files": len(manifest["outputs"]), "mismatches": ", ".join(wrong) or "none"},
    )


ASSETS = [site]
CHECKS = [manifest_matches_site]
