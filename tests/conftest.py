"""Fixtures shared by every test layer: small programme folders copied into tmp_path."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def tiny_programme(tmp_path: Path) -> Path:
    """The hand-checked 3-partner, 2-quarter programme of tests/fixtures/tiny, in tmp_path."""
    target = tmp_path / "tiny"
    shutil.copytree(FIXTURES / "tiny", target)
    return target


def materialize_programme(programme_dir: Path, out: Path, periods: list[str]):
    """Every asset and check of drijfjacht, in-process, on an ephemeral instance."""
    import dagster as dg

    from pipelines.automation import register_periods
    from pipelines.catalog import ASSETS, CHECKS
    from pipelines.resources import OutputFolder, ProgrammeFolder

    instance = dg.DagsterInstance.ephemeral()
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
    return dg.materialize(
        [*ASSETS, *CHECKS],
        instance=instance,
        resources={
            "programme": ProgrammeFolder(path=str(programme_dir)),
            "output": OutputFolder(path=str(out)),
        },
        raise_on_error=False,
        run_config={"loggers": {"console": {"config": {"log_level": "ERROR"}}}},
        **selection,
    )


@pytest.fixture
def materialize():
    """The function that runs the whole pipeline in-process: materialize(programme, out, periods)."""
    return materialize_programme
