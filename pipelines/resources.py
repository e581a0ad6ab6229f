"""The seams to the outside: the programme folder that is read, the output folder that is written."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from domain.periods import is_quarter
from domain.programme import Programme, load_programme

WAREHOUSE_FILE = "warehouse.duckdb"
# DuckDB takes up to 80 % of the machine by default, and the window functions over a sector's
# vacancy rows use it (9 GiB at 10 million vacancies). With a limit it spills to
# warehouse.duckdb.tmp/ instead; every table is ordered by its key where order matters, so the
# insertion order need not be kept (which is what lets DuckDB stream and spill).
WAREHOUSE_SETTINGS = {"memory_limit": "1500MB", "preserve_insertion_order": False}


class ProgrammeFolder(dg.ConfigurableResource):
    """A programme folder as laid out in the data contract: programme.yaml and inbox/<period>/."""

    path: str

    @property
    def folder(self) -> Path:
        return Path(self.path)

    @property
    def inbox(self) -> Path:
        return self.folder / "inbox"

    def load(self) -> Programme:
        return load_programme(self.folder)

    def period_folders(self) -> list[str]:
        """Inbox sub-folders named like a quarter, in time order."""
        if not self.inbox.is_dir():
            return []
        return sorted(p.name for p in self.inbox.iterdir() if p.is_dir() and is_quarter(p.name))


class OutputFolder(dg.ConfigurableResource):
    """Where a run writes: the DuckDB warehouse, the archive of received files and the site."""

    path: str

    @property
    def folder(self) -> Path:
        return Path(self.path)

    @property
    def warehouse_path(self) -> Path:
        return self.folder / WAREHOUSE_FILE

    @property
    def archive_dir(self) -> Path:
        return self.folder / "archive"

    @property
    def site_dir(self) -> Path:
        return self.folder / "site"

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection to the warehouse file, closed when the block ends."""
        self.folder.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(self.warehouse_path), config=WAREHOUSE_SETTINGS)
        try:
            yield con
        finally:
            con.close()

    @contextmanager
    def kept_open(self) -> Iterator[None]:
        """Hold the warehouse open for the block. DuckDB shares one open database between the
        connections of a process, so each step's `connect` then joins it instead of opening the
        file again (reading its catalogue) and closing it (a checkpoint), and the data a step
        read stays cached for the next: for a run whose steps all run in this process."""
        with self.connect():
            yield
