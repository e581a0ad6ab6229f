"""The batched SQLite event log stores what Dagster's own SQLite event log stores."""

import os
from pathlib import Path

import dagster as dg
import pytest

from pipelines.cli import DAGSTER_YAML, EVENT_BATCH_SIZE, PLAIN_DAGSTER_YAML, _dagster_home
from pipelines.event_log import BatchedSqliteEventLogStorage

PERIODS = dg.DynamicPartitionsDefinition(name="period")
KEYS = [dg.AssetKey(["raw", "a"]), dg.AssetKey(["raw", "b"])]
QUARTERS = ["2025Q1", "2025Q2", "2025Q3", "2025Q4"]


@dg.multi_asset(
    specs=[dg.AssetSpec(key) for key in KEYS],
    check_specs=[dg.AssetCheckSpec("rows_ok", asset=KEYS[0])],
    partitions_def=PERIODS,
    backfill_policy=dg.BackfillPolicy.single_run(),
    can_subset=False,
)
def raw_tables(context: dg.AssetExecutionContext):
    for key in KEYS:
        yield dg.MaterializeResult(asset_key=key, metadata={"rows": len(context.partition_keys)})
    yield dg.AssetCheckResult(asset_key=KEYS[0], check_name="rows_ok", passed=True)


@dg.asset(deps=KEYS)
def mart() -> None:
    pass


def range_tags(first: str, last: str) -> dict[str, str]:
    return {"dagster/asset_partition_range_start": first, "dagster/asset_partition_range_end": last}


def run_three_times(home: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[dg.DagsterInstance, list[dict]]:
    """A run over every quarter, one over the last (as `drijfjacht run` and `--period` do), and
    one of the downstream asset; what is stored after each."""
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    instance = dg.DagsterInstance.get()
    instance.add_dynamic_partitions("period", QUARTERS)
    stored = []
    for first, last in ((QUARTERS[0], QUARTERS[-1]), (QUARTERS[-1], QUARTERS[-1])):
        assert dg.materialize([raw_tables], instance=instance, tags=range_tags(first, last)).success
        stored.append(what_is_stored(instance))
    assert dg.materialize([mart, raw_tables], instance=instance, selection=[mart]).success
    stored.append(what_is_stored(instance))
    return instance, stored


def what_is_stored(instance: dg.DagsterInstance) -> dict:
    """What the UI and the asset queries read: each run's events in order, and per asset its
    partitions, materializations and planned ones, and the check's executions."""
    runs = list(reversed(instance.get_runs()))
    run_number = {run.run_id: n for n, run in enumerate(runs)}
    check = dg.AssetCheckKey(KEYS[0], "rows_ok")
    stored: dict = {
        "runs": [
            [
                (entry.dagster_event_type, entry.step_key, entry.dagster_event.partition)
                for entry in instance.all_logs(run.run_id)
                if entry.is_dagster_event
            ]
            for run in runs
        ],
        "check": [
            (record.status, record.run_id == runs[0].run_id)
            for record in instance.event_log_storage.get_asset_check_execution_history(check, limit=10)
        ],
    }
    for key in [*KEYS, dg.AssetKey("mart")]:
        if not instance.get_asset_records([key]):
            continue
        materializations = instance.fetch_materializations(key, limit=100).records
        planned = instance.fetch_planned_materializations(key, limit=100).records
        stored[key.to_user_string()] = {
            "partitions": sorted(instance.get_materialized_partitions(key)),
            "materializations": [(r.partition_key, r.run_id == runs[0].run_id) for r in materializations],
            "planned": len(planned),
            "latest": instance.get_latest_materialization_event(key).dagster_event.partition,
        }
        # the asset's record, which the UI reads for its latest state (storage ids are compared
        # as the run they belong to and their order)
        entry = instance.get_asset_records([key])[0].asset_entry
        ids = {record.storage_id: n for n, record in enumerate(
            instance.fetch_materializations(key, limit=100, ascending=True).records
        )}
        stored[key.to_user_string()]["entry"] = (
            entry.last_materialization.dagster_event.partition,
            ids[entry.last_materialization_storage_id],
            run_number.get(entry.last_run_id),
            run_number.get(entry.last_planned_materialization_run_id),
            entry.last_planned_materialization_storage_id
            == max(r.storage_id for r in instance.fetch_planned_materializations(key, limit=100).records),
        )
    return stored


def test_it_stores_what_dagsters_sqlite_event_log_stores(tmp_path, monkeypatch) -> None:
    plain, batched = tmp_path / "plain", tmp_path / "batched"
    plain.mkdir()
    (plain / "dagster.yaml").write_text(PLAIN_DAGSTER_YAML)
    batched.mkdir()
    (batched / "dagster.yaml").write_text(DAGSTER_YAML)
    monkeypatch.delenv("DAGSTER_EVENT_BATCH_SIZE", raising=False)
    _, expected = run_three_times(plain, monkeypatch)

    batches: list[int] = []
    store = BatchedSqliteEventLogStorage.prepare_insert_event_batch
    monkeypatch.setattr(
        BatchedSqliteEventLogStorage,
        "prepare_insert_event_batch",
        lambda self, events: batches.append(len(events)) or store(self, events),
    )
    monkeypatch.setenv("DAGSTER_EVENT_BATCH_SIZE", EVENT_BATCH_SIZE)
    instance, stored = run_three_times(batched, monkeypatch)
    assert isinstance(instance.event_log_storage, BatchedSqliteEventLogStorage)
    assert stored == expected
    # the first run's 4 quarters: 8 planned materializations with the check's planned evaluation
    # in one batch, then each asset's 4 materializations in one
    assert batches[:3] == [9, 4, 4]
    assert expected[0]["raw/a"]["partitions"] == QUARTERS
    assert len(expected[0]["runs"][0]) > 20


def test_a_batch_that_fails_is_stored_event_by_event(tmp_path, monkeypatch) -> None:
    """Dagster stores a batch one event at a time when storing it fails: nothing is lost, and
    nothing is stored twice, as the failed batch's transaction stored nothing."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "dagster.yaml").write_text(DAGSTER_YAML)
    store_tags = BatchedSqliteEventLogStorage._store_asset_event_tags

    def fails_for_a_batch(self, conn, events, event_ids):
        if len(events) > 1:
            raise RuntimeError("disk I/O error")
        return store_tags(self, conn, events, event_ids)

    monkeypatch.setattr(BatchedSqliteEventLogStorage, "_store_asset_event_tags", fails_for_a_batch)
    monkeypatch.setenv("DAGSTER_EVENT_BATCH_SIZE", EVENT_BATCH_SIZE)
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    instance = dg.DagsterInstance.get()
    instance.add_dynamic_partitions("period", QUARTERS)
    assert dg.materialize([raw_tables], instance=instance, tags=range_tags(QUARTERS[0], QUARTERS[-1])).success
    run = instance.get_runs(limit=1)[0]
    kinds = [e.dagster_event_type for e in instance.all_logs(run.run_id) if e.is_dagster_event]
    assert kinds.count(dg.DagsterEventType.ASSET_MATERIALIZATION) == 8
    assert kinds.count(dg.DagsterEventType.ASSET_MATERIALIZATION_PLANNED) == 8
    assert len(instance.fetch_materializations(KEYS[1], limit=100).records) == 4
    assert sorted(instance.get_materialized_partitions(KEYS[1])) == QUARTERS


def test_output_folders_get_the_batched_event_log(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("DAGSTER_EVENT_BATCH_SIZE", raising=False)
    fresh = _dagster_home(tmp_path / "fresh")
    assert (fresh / "dagster.yaml").read_text() == DAGSTER_YAML
    # a folder from before keeps its run history; its plain dagster.yaml is replaced
    old = tmp_path / "old" / ".dagster_home"
    old.mkdir(parents=True)
    (old / "dagster.yaml").write_text(PLAIN_DAGSTER_YAML)
    _dagster_home(tmp_path / "old")
    assert (old / "dagster.yaml").read_text() == DAGSTER_YAML
    # one the user wrote is kept
    own = tmp_path / "own" / ".dagster_home"
    own.mkdir(parents=True)
    (own / "dagster.yaml").write_text("telemetry:\n  enabled: true\n")
    _dagster_home(tmp_path / "own")
    assert (own / "dagster.yaml").read_text() == "telemetry:\n  enabled: true\n"
    assert os.environ["DAGSTER_EVENT_BATCH_SIZE"] == EVENT_BATCH_SIZE
