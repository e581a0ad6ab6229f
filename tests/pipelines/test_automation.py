"""The inbox sensor and the period partitions."""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg

from domain.periods import PERIOD_PARTITIONS_NAME
from pipelines.automation import inbox_sensor, register_periods
from pipelines.resources import ProgrammeFolder


def evaluate(instance: dg.DagsterInstance, programme: Path, cursor: str | None):
    context = dg.build_sensor_context(
        instance=instance,
        cursor=cursor,
        resources={"programme": ProgrammeFolder(path=str(programme))},
    )
    return inbox_sensor(context)


def test_sensor_requests_a_run_per_new_or_changed_period(tiny_programme: Path) -> None:
    instance = dg.DagsterInstance.ephemeral()
    first = evaluate(instance, tiny_programme, None)
    assert sorted(r.partition_key for r in first.run_requests) == ["2025Q1", "2025Q2"]
    assert first.dynamic_partitions_requests[0].partition_keys == ["2025Q1", "2025Q2"]

    instance.add_dynamic_partitions(PERIOD_PARTITIONS_NAME, ["2025Q1", "2025Q2"])
    quiet = evaluate(instance, tiny_programme, first.cursor)
    assert quiet.run_requests == []

    changed = tiny_programme / "inbox" / "2025Q2" / "ledger.csv"
    changed.write_text(changed.read_text() + "2025-06-01,Stand op beurs,250,joint_campaign\n")
    os.utime(changed, ns=(1, 1))
    again = evaluate(instance, tiny_programme, quiet.cursor)
    assert [r.partition_key for r in again.run_requests] == ["2025Q2"]
    assert again.dynamic_partitions_requests == []


def test_periods_stay_in_time_order_when_an_earlier_one_arrives_late() -> None:
    instance = dg.DagsterInstance.ephemeral()
    register_periods(instance, ["2025Q2", "2025Q3"])
    register_periods(instance, ["2025Q1", "2025Q4"])
    assert instance.get_dynamic_partitions(PERIOD_PARTITIONS_NAME) == [
        "2025Q1",
        "2025Q2",
        "2025Q3",
        "2025Q4",
    ]
