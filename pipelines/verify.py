"""`drijfjacht verify`: recompute a programme from its folder and compare, figure by figure and
hash by hash, with a published site."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import polars as pl

from domain.approvals import APPROVALS_FILE
from domain.audit import Finding, check_hashes, compare_tables, read_published_csv, sha256_of
from domain.programme import PROGRAMME_FILE, ProgrammeError, load_programme

# a copy of the inputs has new modification times, and a fresh warehouse has no history: these
# columns and tables are checked by their hashes in the manifest, not recomputed
NOT_RECOMPUTABLE = {"submissions": ["received_at", "superseded_by"]}
HISTORY_TABLES = {"restatements"}


def read_manifest(site: Path) -> tuple[dict | None, list[Finding]]:
    path = site / "manifest.json"
    if not path.is_file():
        return None, [Finding("manifest", str(path), "missing: is this a drijfjacht site?")]
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        return None, [Finding("manifest", str(path), f"does not parse: {error}")]
    if not isinstance(manifest, dict) or not {"programme", "inputs", "outputs"} <= manifest.keys():
        return None, [Finding("manifest", str(path), "lacks programme, inputs or outputs")]
    return manifest, []


def verify_inputs(manifest: dict, programme_dir: Path, archive_dir: Path | None) -> list[Finding]:
    """Current inputs must be in the programme folder as published; every input in the archive."""
    current = {i["path"]: i["sha256"] for i in manifest["inputs"] if not i.get("superseded_by")}
    findings = check_hashes("input", programme_dir, current)
    if archive_dir is not None:
        archived = {
            i["archive_path"]: i["sha256"] for i in manifest["inputs"] if i.get("archive_path")
        }
        findings += check_hashes("archive", archive_dir.parent, archived)
    return findings


def current_rows(name: str, frame: pl.DataFrame) -> pl.DataFrame:
    if name == "submissions":
        frame = frame.filter(pl.col("superseded_by").is_null())
    return frame.drop([c for c in NOT_RECOMPUTABLE.get(name, []) if c in frame.columns])


def verify_figures(site: Path, recomputed_site: Path) -> list[Finding]:
    from assets.publish import TABLE_KEYS

    findings = []
    for name, keys in TABLE_KEYS.items():
        if name in HISTORY_TABLES:
            continue
        published_path = site / "data" / f"{name}.csv"
        if not published_path.is_file():
            findings.append(Finding("figure", f"data/{name}.csv", "missing from the site"))
            continue
        published = current_rows(name, read_published_csv(published_path))
        recomputed = current_rows(name, read_published_csv(recomputed_site / "data" / f"{name}.csv"))
        findings += compare_tables(name, published, recomputed, keys or recomputed.columns)
    return findings


def verify_site(programme_dir: Path, site: Path, quiet: bool = True) -> list[Finding]:
    """Every difference between the site and a fresh run on the programme folder."""
    manifest, findings = read_manifest(site)
    if manifest is None:
        return findings
    try:
        programme = load_programme(programme_dir)
    except ProgrammeError as error:
        return [Finding("programme", str(error.path), "; ".join(error.problems))]
    published_id = manifest["programme"].get("id")
    if published_id != programme.programme.id:
        return [
            Finding("programme", str(site), f"this site is of programme '{published_id}', "
                    f"not of '{programme.programme.id}' in {programme_dir}")
        ]
    yaml_hash = sha256_of(programme_dir / PROGRAMME_FILE)
    if yaml_hash != manifest["programme"].get("programme_yaml_sha256"):
        findings.append(Finding("programme", PROGRAMME_FILE, "differs from the one published"))
    approvals = programme_dir / APPROVALS_FILE
    approvals_hash = sha256_of(approvals) if approvals.is_file() else None
    if approvals_hash != manifest["programme"].get("approvals_yaml_sha256"):
        findings.append(Finding("programme", APPROVALS_FILE, "differs from the one published"))
    archive = site.parent / "archive"
    findings += verify_inputs(manifest, programme_dir, archive if archive.is_dir() else None)
    findings += check_hashes("output", site, manifest["outputs"])
    listed = set(manifest["outputs"]) | {"manifest.json"}
    findings += [
        Finding("output", path, "on the site but not in the manifest")
        for path in sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
        if path not in listed
    ]
    from pipelines.cli import run_programme

    with tempfile.TemporaryDirectory(prefix="drijfjacht-verify-") as work:
        out = Path(work) / "out"
        if archive.is_dir():
            # approved files that were replaced in the inbox since are read from the archive
            shutil.copytree(archive, out / "archive")
        if run_programme(programme_dir, out, quiet=quiet) != 0:
            return [*findings, Finding("programme", str(programme_dir), "the recomputation failed")]
        findings += verify_figures(site, out / "site")
    return findings
