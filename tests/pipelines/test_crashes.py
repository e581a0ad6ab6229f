"""A run killed at any stage loses nothing and publishes nothing half-made; runs do not collide."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assets.faults import CRASH_ENV
from domain.audit import sha256_of
from pipelines.output_lock import output_lock

DRIJFJACHT = str(Path(sys.executable).with_name("drijfjacht"))
# submissions.received_at is the time a file was first seen: it differs between two fresh outputs
COMPARED_TABLES = [
    "vacancies", "rejections", "partner_period", "programme_period", "target_progress",
    "cordon", "cordon_integrity", "fair_share", "joint_pot", "warnings", "validation_results",
]


def run(programme: Path, out: Path, crash_at: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != CRASH_ENV}
    if crash_at:
        env[CRASH_ENV] = crash_at
    return subprocess.run(
        [DRIJFJACHT, "run", str(programme), "--out", str(out)],
        capture_output=True, text=True, env=env, timeout=300,
    )


def add_a_hire(programme: Path) -> None:
    gamma = programme / "inbox" / "2025Q1" / "vacancies_gamma.csv"
    gamma.write_text(gamma.read_text() + "G3,Ecologist,2025-01-02,2025-02-15,talent_pool,900,3\n")


def published(out: Path) -> dict[str, bytes]:
    return {name: (out / "site" / "data" / f"{name}.csv").read_bytes() for name in COMPARED_TABLES}


def site_matches_its_manifest(site: Path) -> bool:
    manifest = json.loads((site / "manifest.json").read_text())
    files = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    return files - {"manifest.json"} == set(manifest["outputs"]) and all(
        sha256_of(site / path) == digest for path, digest in manifest["outputs"].items()
    )


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory) -> dict[str, bytes]:
    """What a run without crashes publishes for the tiny programme plus one added hire."""
    folder = tmp_path_factory.mktemp("reference")
    programme = folder / "tiny"
    shutil.copytree(Path(__file__).parents[1] / "fixtures" / "tiny", programme)
    add_a_hire(programme)
    assert run(programme, folder / "out").returncode == 0
    return published(folder / "out")


@pytest.mark.slow
@pytest.mark.parametrize("stage", ["ingest", "clean", "publish", "swap"])
def test_killed_run_keeps_last_good_site_and_next_run_completes(
    stage: str, tiny_programme: Path, tmp_path: Path, uninterrupted: dict[str, bytes]
) -> None:
    out = tmp_path / "out"
    assert run(tiny_programme, out).returncode == 0
    before = published(out)
    manifest_before = (out / "site" / "manifest.json").read_bytes()

    add_a_hire(tiny_programme)
    killed = run(tiny_programme, out, crash_at=stage)
    assert killed.returncode == -9, killed.stderr

    assert (out / "site" / "index.html").is_file()
    assert site_matches_its_manifest(out / "site")
    if stage == "swap":
        # killed after the atomic exchange: the complete new site is already in place
        assert published(out) == uninterrupted
    else:
        assert published(out) == before
        assert (out / "site" / "manifest.json").read_bytes() == manifest_before

    again = run(tiny_programme, out)
    assert again.returncode == 0, again.stderr
    assert published(out) == uninterrupted
    assert not list(out.glob(".site-*")) and not (out / "site.previous").exists()


def test_second_run_on_a_busy_output_stops_with_a_clear_message(
    tiny_programme: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    with output_lock(out):
        result = run(tiny_programme, out)
    assert result.returncode == 2
    assert "another drijfjacht run" in result.stderr
    assert not (out / "warehouse.duckdb").exists()


@pytest.mark.slow
def test_two_runs_at_once_neither_corrupts(tiny_programme: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    command = [DRIJFJACHT, "run", str(tiny_programme), "--out", str(out)]
    first = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    second = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    outcomes = [(p.communicate(timeout=300)[1], p.returncode) for p in (first, second)]
    outcomes = [(code, stderr) for stderr, code in outcomes]
    assert 0 in [code for code, _ in outcomes], outcomes
    for code, stderr in outcomes:
        assert code == 0 or (code == 2 and "another drijfjacht run" in stderr), stderr
    assert run(tiny_programme, out).returncode == 0
    assert (out / "site" / "index.html").is_file()


def test_unwritable_output_is_a_clear_error(tiny_programme: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = run(tiny_programme, blocker / "out")
    assert result.returncode == 2
    assert f"cannot write to {blocker / 'out'}" in result.stderr.replace("\n", "")


@pytest.fixture
def small_disk(tmp_path: Path):
    """A 40 MB tmpfs: room for one run of the tiny programme, then filled up by the test."""
    mount_point = tmp_path / "small-disk"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=40M", "tmpfs", str(mount_point)], capture_output=True
    )
    if mounted.returncode != 0:
        message = f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    yield mount_point
    subprocess.run(["umount", "-l", str(mount_point)], check=False)


@pytest.mark.slow
def test_full_disk_is_a_clear_error_and_the_previous_site_stays(
    tiny_programme: Path, small_disk: Path
) -> None:
    out = small_disk / "out"
    assert run(tiny_programme, out).returncode == 0
    before = published(out)
    free = shutil.disk_usage(small_disk).free
    (small_disk / "filler").write_bytes(b"\0" * (free - 200_000))

    add_a_hire(tiny_programme)
    result = run(tiny_programme, out)
    assert result.returncode == 1
    message = " ".join(result.stderr.split())
    assert "the disk may be full" in message
    assert f"The previous site in {out / 'site'} is untouched" in message
    assert "Traceback" not in result.stderr
    assert published(out) == before and site_matches_its_manifest(out / "site")

    (small_disk / "filler").unlink()
    assert run(tiny_programme, out).returncode == 0
    assert published(out) != before
