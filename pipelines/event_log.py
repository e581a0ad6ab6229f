"""Dagster's SQLite event log, storing a run's partition events a batch at a time.

A run over a sector's 40 quarters materializes each raw table once per quarter: Dagster records
200 planned materializations before the first step and 200 materializations at the end of the
ingestion step. The SQLite event log stores each event in transactions of its own (the run's log,
then the cross-run index with the asset's latest record), each committed to disk, with a new
SQLAlchemy engine per connection: ~7 ms an event, 1.5 s of the ingestion step at M. Dagster hands
the planned events, and each asset's partition materializations, over as one batch when
DAGSTER_EVENT_BATCH_SIZE is set (`handle_new_event`), but the SQLite storage then stores them one
by one. This storage writes such a batch into the index in one transaction (the same calls as
`SqliteEventLogStorage.store_event`, in event order), then the asset checks' own records, then
the batch into the run's log in one insert; and it keeps one engine per database. A batch holding
another kind of event, or events of several runs, is stored one event at a time as before.

If the index's transaction fails, nothing is stored and Dagster stores the batch's events one by
one instead. A failure after it (the checks' records or the run's log, e.g. a full disk) leaves
the index holding the events, and Dagster's second attempt stores them there again: the same kind
of half-stored state as an event whose two writes are split by a failure in Dagster's own storage.

It is configured in the output folder's dagster.yaml (`pipelines.cli.DAGSTER_YAML`), with its
databases where Dagster's default storage keeps them ($DAGSTER_HOME/history/runs), so an output
folder keeps its run history with or without it.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import dagster as dg
from dagster._core.events import ASSET_CHECK_EVENTS, ASSET_EVENTS
from dagster._core.events.log import EventLogEntry
from dagster._core.storage.event_log.sqlite.sqlite_event_log import (
    SQLITE_BUSY_TIMEOUT_SECONDS,
    SqliteEventLogStorage,
)
from dagster._serdes.config_class import ConfigurableClassData
from sqlalchemy import create_engine
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import NullPool


def event_log_dir(home: str) -> str:
    """Where Dagster's default SQLite storage keeps the run logs and their index."""
    return os.path.join(home, "history", "runs")


class BatchedSqliteEventLogStorage(SqliteEventLogStorage):
    """SqliteEventLogStorage that stores a batch of one run's asset events in one transaction per
    database (see the module's docstring)."""

    def __init__(self, home: str, inst_data: ConfigurableClassData | None = None):
        self._engines: dict[str, Engine] = {}
        self._engines_lock = threading.Lock()
        super().__init__(event_log_dir(home), inst_data=inst_data)

    @classmethod
    def config_type(cls) -> dict:
        return {"home": dg.StringSource}

    @classmethod
    def from_config_value(  # type: ignore[override]
        cls, inst_data: ConfigurableClassData | None, config_value: dict[str, Any]
    ) -> BatchedSqliteEventLogStorage:
        return cls(home=config_value["home"], inst_data=inst_data)

    def _engine(self, shard: str) -> Engine:
        """One engine per database, kept (SQLAlchemy caches a statement's compiled form per
        engine); NullPool still opens and closes a connection each time, as the parent does."""
        with self._engines_lock:
            engine = self._engines.get(shard)
            if engine is None:
                engine = create_engine(
                    self.conn_string_for_shard(shard),
                    poolclass=NullPool,
                    connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS},
                )
                self._engines[shard] = engine
            return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        # SqliteEventLogStorage._connect with the kept engine
        with self._db_lock:
            engine = self._engine(shard)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    def store_event_batch(self, events: Sequence[EventLogEntry]) -> None:
        """A batch of one run's asset and asset check events: every event into the index in one
        transaction (with the asset's tags and latest record, as `store_event` does), the checks'
        own records, then every event into the run's log in one insert. Anything else is stored
        one event at a time."""
        runs = {event.run_id for event in events}
        if len(runs) != 1 or not all(_batchable(event) for event in events):
            super().store_event_batch(events)
            return
        # the index first: should its transaction fail, nothing is stored (see the module's
        # docstring); the run's own log is then one plain insert
        with self.index_transaction() as conn:
            event_ids = []
            for event in events:
                event_id = conn.execute(self.prepare_insert_event(event)).inserted_primary_key[0]
                if event_id is None:
                    raise dg.DagsterInvariantViolationError("Cannot store an event without an id.")
                event_ids.append(event_id)
            assets = [
                (event, event_id)
                for event, event_id in zip(events, event_ids, strict=True)
                if event.dagster_event_type in ASSET_EVENTS
            ]
            if assets:
                self._store_asset_event_tags(conn, *map(list, zip(*assets, strict=True)))
            for event, event_id in assets:
                self._store_asset_event(conn, event, event_id)
        # after the index's transaction: these open connections of their own
        for event, event_id in zip(events, event_ids, strict=True):
            if event.dagster_event_type in ASSET_CHECK_EVENTS:
                self.store_asset_check_event(event, event_id)
        with self.run_connection(runs.pop()) as conn:
            conn.execute(self.prepare_insert_event_batch(events))

    def dispose(self) -> None:
        super().dispose()
        with self._engines_lock:
            for engine in self._engines.values():
                engine.dispose()
            self._engines.clear()


def _batchable(event: EventLogEntry) -> bool:
    if not event.is_dagster_event:
        return False
    kind = event.dagster_event_type
    if kind in ASSET_CHECK_EVENTS:
        return True
    return kind in ASSET_EVENTS and event.get_dagster_event().asset_key is not None
