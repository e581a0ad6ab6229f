"""Suites run in a SuiteProcess give what run_suite gives in this process, also when it cannot start."""

from __future__ import annotations

import gc
import os
from concurrent.futures import Future
from datetime import date
from decimal import Decimal
from importlib import import_module
from pathlib import Path

import polars as pl
import pytest

from assets.checks.suite_process import SuiteProcess, collector_paused
from assets.checks.validation import run_suite
from domain.programme import load_programme
from domain.readers import canonical_schema

TINY = Path(__file__).parents[1] / "fixtures" / "tiny"


def _dirty_vacancies() -> pl.DataFrame:
    rows = [
        (2, "V1", "Hydroloog", date(2026, 7, 2), None, "talent_pool", Decimal("1.00"), Decimal("1.00")),
        (3, "V2", None, date(2026, 4, 1), date(2026, 7, 12), "tiktok", Decimal("-5.00"), Decimal("1.00")),
        (4, "V1", None, None, date(2026, 3, 31), "agency", None, Decimal("1.00")),
    ]
    frame = pl.DataFrame(rows, schema=canonical_schema("vacancies"), orient="row")
    return frame.with_columns(
        pl.int_range(100, 103, dtype=pl.Int64).alias("batch_index"),
        pl.lit(0, pl.Int64).alias("file_key"),
        pl.lit("2026Q2").alias("period"),
    )


@pytest.fixture(scope="module")
def suites():
    process = SuiteProcess()
    yield process
    process.close()


def test_a_suite_run_in_the_process_equals_one_run_here(suites):
    programme = load_programme(TINY)
    frame = _dirty_vacancies()
    here = run_suite("vacancies", frame, programme)
    there = suites.run(run_suite, "vacancies", frame, programme).result(timeout=120)
    assert here.problems and not here.success
    assert there == here


def test_a_process_that_could_not_start_leaves_the_suites_to_this_one(suites, monkeypatch):
    programme = load_programme(TINY)
    failed: Future = Future()
    failed.set_exception(RuntimeError("the main script could not be loaded again"))
    monkeypatch.setattr(suites, "_started", failed)
    frame = _dirty_vacancies()
    here = run_suite("vacancies", frame, programme)
    assert suites.run(run_suite, "vacancies", frame, programme).result() == here
    with pytest.raises(KeyError):
        suites.run(run_suite, "no such kind", frame, programme).result()


def test_the_collector_is_paused_inside_and_running_after_even_when_the_import_fails():
    assert gc.isenabled()
    with pytest.raises(ImportError), collector_paused():
        assert not gc.isenabled()
        import_module("a_package_that_is_not_there")
    assert gc.isenabled()
    assert gc.get_freeze_count() > 0
    gc.unfreeze()


def test_a_closed_process_has_ended_cleanly():
    process = SuiteProcess()
    pid = process._started.result(timeout=120)
    process.close()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
