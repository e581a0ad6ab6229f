"""Comparing a published site with what the inputs say it should be: the core of `verify`."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import polars as pl

# threads hashing many files: hashlib and file reads let go of the GIL, so a GiB of files hashes
# on both cores of a small machine
HASH_THREADS = 2


@dataclass(frozen=True)
class Finding:
    """One thing that does not match, named so a funder can find it."""

    kind: str  # manifest | programme | input | archive | output | figure
    where: str  # a file path, or table / key / column
    detail: str

    def __str__(self) -> str:
        return f"[{self.kind}] {self.where}: {self.detail}"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def sha256_of_each(paths: Iterable[Path]) -> Iterator[str | None]:
    """The sha256 of each file in order (None where there is no file), hashed by HASH_THREADS
    threads."""
    with ThreadPoolExecutor(max_workers=HASH_THREADS, thread_name_prefix="hash") as pool:
        yield from pool.map(_sha256_if_file, paths)


def _sha256_if_file(path: Path) -> str | None:
    return sha256_of(path) if path.is_file() else None


def check_hashes(kind: str, root: Path, expected: dict[str, str]) -> list[Finding]:
    """Every file of `expected` (relative path -> sha256) exists under root with that hash."""
    findings = []
    listed = sorted(expected.items())
    actuals = sha256_of_each(root / relative for relative, _ in listed)
    for (relative, digest), actual in zip(listed, actuals, strict=True):
        if actual is None:
            findings.append(Finding(kind, relative, "missing"))
        elif actual != digest:
            findings.append(
                Finding(kind, relative, f"sha256 is {actual[:12]}…, the manifest says {digest[:12]}…")
            )
    return findings


def read_published_csv(path: Path) -> pl.DataFrame:
    """A published table exactly as written: every cell as text, so nothing is re-rounded."""
    return pl.read_csv(path, infer_schema=False)


def compare_tables(
    table: str, published: pl.DataFrame, recomputed: pl.DataFrame, keys: list[str]
) -> list[Finding]:
    """Figure by figure: rows missing on either side and every cell that differs, by key."""
    findings = [
        Finding("figure", f"{table}.{column}", "column missing from the site")
        for column in sorted(set(recomputed.columns) - set(published.columns))
    ] + [
        Finding("figure", f"{table}.{column}", "column not produced by the method")
        for column in sorted(set(published.columns) - set(recomputed.columns))
    ]
    if published.select(keys).is_duplicated().any():
        return [*findings, Finding("figure", table, "the published table repeats a key")]
    columns = [c for c in recomputed.columns if c in published.columns and c not in keys]
    joined = published.with_columns(pl.lit(True).alias(PRESENT)).join(
        recomputed.with_columns(pl.lit(True).alias(PRESENT)),
        on=keys,
        how="full",
        suffix=RECOMPUTED,
        nulls_equal=True,
        coalesce=True,
        maintain_order="left_right",
    )
    for row in joined.iter_rows(named=True):
        where = f"{table} [{', '.join(f'{k}={row[k]}' for k in keys)}]"
        if not row[PRESENT]:
            findings.append(Finding("figure", where, "row missing from the site"))
        elif not row[PRESENT + RECOMPUTED]:
            findings.append(Finding("figure", where, "row on the site that the inputs do not give"))
        else:
            findings.extend(
                Finding("figure", f"{where} {column}",
                        f"published {row[column]!r}, recomputed {row[column + RECOMPUTED]!r}")
                for column in columns
                if row[column] != row[column + RECOMPUTED]
            )
    return findings


PRESENT = "__present"
RECOMPUTED = "__recomputed"
