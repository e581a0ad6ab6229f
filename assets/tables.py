"""Warehouse helpers shared by every stage: the schema, and metadata that explains a table."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import dagster as dg
import duckdb

from domain.programme import Programme

SQL = Path(__file__).parent / "sql"


def sql(name: str) -> str:
    """The text of `assets/sql/<name>.sql`."""
    return (SQL / f"{name}.sql").read_text(encoding="utf-8")


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw, clean and marts schemas and the raw tables when missing."""
    con.execute(sql("schema"))


def expose(con: duckdb.DuckDBPyConnection, qualified: str) -> None:
    """Publish `schema.table` under its plain name in `main`, the name the data contract uses."""
    table = qualified.split(".")[-1]
    con.execute(f"CREATE OR REPLACE VIEW main.{table} AS SELECT * FROM {qualified}")


def warnings_count(con: duckdb.DuckDBPyConnection, stage: str) -> dg.MetadataValue:
    """How many marts.warnings rows a stage wrote in this run."""
    count = con.execute("SELECT count(*) FROM marts.warnings WHERE stage = ?", [stage]).fetchall()
    return dg.MetadataValue.int(int(count[0][0]))


def build_mart(
    context: dg.AssetExecutionContext,
    table: str,
    build: Callable[[duckdb.DuckDBPyConnection, Programme], None],
    warnings_stage: str | None = None,
) -> dg.MaterializeResult:
    """The body every mart asset shares: build `marts.<table>` from the programme, expose it under
    its contract name and describe it (with the stage's warning count, where it has warnings)."""
    programme = context.resources.programme.load()
    qualified = f"marts.{table}"
    with context.resources.output.connect() as con:
        build(con, programme)
        expose(con, qualified)
        metadata = table_metadata(con, qualified)
        if warnings_stage is not None:
            metadata["warnings"] = warnings_count(con, warnings_stage)
    return dg.MaterializeResult(metadata=metadata)


def table_metadata(con: duckdb.DuckDBPyConnection, qualified: str, preview_rows: int = 5) -> dict:
    """Row count, column schema and a Markdown preview of a warehouse table."""
    schema, table = qualified.split(".")
    columns = con.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position",
        [schema, table],
    ).fetchall()
    row_count = con.execute(f"SELECT count(*) FROM {qualified}").fetchall()[0][0]
    preview = con.sql(f"SELECT * FROM {qualified} LIMIT {preview_rows}").pl()
    return {
        "dagster/row_count": dg.MetadataValue.int(int(row_count)),
        "dagster/column_schema": dg.TableSchema(
            columns=[dg.TableColumn(name, str(dtype)) for name, dtype in columns]
        ),
        "dagster/table_name": dg.MetadataValue.text(qualified),
        "preview": dg.MetadataValue.md(_markdown(preview)),
    }


def _markdown(frame) -> str:
    if frame.is_empty():
        return "_(no rows)_"
    header = "| " + " | ".join(frame.columns) + " |"
    rule = "|" + "---|" * len(frame.columns)
    body = ["| " + " | ".join("" if v is None else str(v) for v in row) + " |" for row in frame.rows()]
    return "\n".join([header, rule, *body])
