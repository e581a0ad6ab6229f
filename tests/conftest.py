"""Fixtures shared by every test layer: small programme folders copied into tmp_path."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis.configuration import set_hypothesis_home_dir

FIXTURES = Path(__file__).parent / "fixtures"

# Hypothesis caches in .hypothesis/ of the working directory, already while collecting test
# modules: keep it out of the repo (a fixture would come too late).
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "drijfjacht-hypothesis")


@pytest.fixture
def tiny_programme(tmp_path: Path) -> Path:
    """The hand-checked 3-partner, 2-quarter programme of tests/fixtures/tiny, in tmp_path."""
    target = tmp_path / "tiny"
    shutil.copytree(FIXTURES / "tiny", target)
    return target


def materialize_programme(programme_dir: Path, out: Path, periods: list[str]):
    """Every asset and check of drijfjacht, in-process, on an ephemeral instance."""
    import dagster as dg

    from pipelines.automation import materialize_periods
    from pipelines.resources import OutputFolder

    return materialize_periods(
        dg.DagsterInstance.ephemeral(), programme_dir, OutputFolder(path=str(out)), periods
    )


@pytest.fixture
def materialize():
    """The function that runs the whole pipeline in-process: materialize(programme, out, periods)."""
    return materialize_programme
