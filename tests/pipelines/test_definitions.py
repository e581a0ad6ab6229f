"""Layer 1: the Definitions load, and every asset explains itself."""

from __future__ import annotations

import dagster as dg

from pipelines import definitions
from pipelines.catalog import ASSETS


def test_definitions_load() -> None:
    dg.Definitions.validate_loadable(definitions.defs)


def test_every_asset_has_group_description_and_kinds() -> None:
    specs = [spec for assets_def in ASSETS for spec in assets_def.specs]
    assert len(specs) >= 15
    for spec in specs:
        assert spec.group_name and spec.group_name != "default", spec.key
        assert spec.description, spec.key
        assert spec.kinds, spec.key


def test_asset_keys_are_schema_and_table() -> None:
    schemas = {spec.key.path[0] for assets_def in ASSETS for spec in assets_def.specs}
    assert {"raw", "clean", "marts"} <= schemas
    assert all(
        len(spec.key.path) == 2 for assets_def in ASSETS for spec in assets_def.specs
    )


def test_job_and_sensor_are_defined() -> None:
    repository = definitions.defs.get_repository_def()
    assert repository.has_job("programme_job")
    assert [s.name for s in repository.sensor_defs] == ["inbox_sensor"]
