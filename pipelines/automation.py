"""Partitions and automation: the period partitions kept in time order, and the inbox sensor."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import dagster as dg

from domain.periods import PERIOD_PARTITIONS_NAME
from pipelines.catalog import ASSETS, CHECKS
from pipelines.resources import OutputFolder, ProgrammeFolder

PROGRAMME_JOB = "programme_job"


def register_periods(instance: dg.DagsterInstance, periods: list[str]) -> None:
    """Add period partitions so that the instance lists them in time order.

    Dynamic partitions keep insertion order and a run over a range follows that order, so an
    earlier period added late would put the range out of order: then the list is re-laid.
    """
    existing = list(instance.get_dynamic_partitions(PERIOD_PARTITIONS_NAME))
    wanted = sorted(set(existing) | set(periods))
    if existing == wanted:
        return
    if existing == wanted[: len(existing)]:
        instance.add_dynamic_partitions(PERIOD_PARTITIONS_NAME, wanted[len(existing) :])
        return
    for period in existing:
        instance.delete_dynamic_partition(PERIOD_PARTITIONS_NAME, period)
    instance.add_dynamic_partitions(PERIOD_PARTITIONS_NAME, wanted)


def materialize_periods(
    instance: dg.DagsterInstance, programme_dir: Path, output: OutputFolder, periods: list[str]
) -> dg.ExecuteInProcessResult:
    """Every asset and check of drijfjacht over `periods` (registered first), in-process; a failed
    step is in the result, not raised. What `drijfjacht run` and the pipeline tests run."""
    register_periods(instance, periods)
    selection = (
        {"partition_key": periods[0]}
        if len(periods) == 1
        else {
            "tags": {
                "dagster/asset_partition_range_start": periods[0],
                "dagster/asset_partition_range_end": periods[-1],
            }
        }
    )
    # every step runs in this process (in-process executor): they share the open warehouse
    with output.kept_open():
        return dg.materialize(
            [*ASSETS, *CHECKS],
            instance=instance,
            resources={"programme": ProgrammeFolder(path=str(programme_dir)), "output": output},
            raise_on_error=False,
            run_config={"loggers": {"console": {"config": {"log_level": "ERROR"}}}},
            **selection,
        )


def inbox_fingerprints(programme: ProgrammeFolder) -> dict[str, str]:
    """Size and modification time of every file under inbox/<period>/, by relative path."""
    prints: dict[str, str] = {}
    for period in programme.period_folders():
        for path in sorted((programme.inbox / period).iterdir()):
            if path.is_file() and not path.name.startswith((".", "~$")):
                stat = path.stat()
                prints[f"{period}/{path.name}"] = f"{stat.st_size}:{stat.st_mtime_ns}"
    return prints


@dg.sensor(
    job_name=PROGRAMME_JOB,
    minimum_interval_seconds=30,
    description="Requests a run for a period when a file in inbox/<period>/ is new or changed.",
    default_status=dg.DefaultSensorStatus.STOPPED,
)
def inbox_sensor(context: dg.SensorEvaluationContext, programme: ProgrammeFolder):
    before = json.loads(context.cursor) if context.cursor else {}
    now = inbox_fingerprints(programme)
    changed = sorted({path.split("/")[0] for path, stamp in now.items() if before.get(path) != stamp})
    removed = sorted({path.split("/")[0] for path in before if path not in now})
    periods = sorted(set(changed) | set(removed))
    known = set(context.instance.get_dynamic_partitions(PERIOD_PARTITIONS_NAME))
    new_periods = [p for p in periods if p not in known]
    return dg.SensorResult(
        run_requests=[
            dg.RunRequest(run_key=f"{period}:{_digest(now, period)}", partition_key=period)
            for period in periods
        ],
        dynamic_partitions_requests=[
            dg.AddDynamicPartitionsRequest(PERIOD_PARTITIONS_NAME, new_periods)
        ]
        if new_periods
        else [],
        cursor=json.dumps(now, sort_keys=True),
    )


def _digest(fingerprints: dict[str, str], period: str) -> str:
    """A stable key for the state of one period's files, so a run is requested once per change."""
    own = {path: stamp for path, stamp in fingerprints.items() if path.startswith(f"{period}/")}
    return hashlib.sha256(json.dumps(own, sort_keys=True).encode()).hexdigest()[:16]
