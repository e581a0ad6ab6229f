"""How long publishing takes, and what it costs in memory, on a warehouse a run has built.

Copies the warehouse (publishing must never change the one it was given), opens the copy with the
settings every run uses, and times `assets.publish.publish_site` alone: pages, data/ tables,
partner downloads and manifest. Wall and CPU seconds (this process's threads and the page workers
it started); peak RSS is this process's and, apart, the largest page worker's, from getrusage.
The machine has two cores: CPU seconds above twice the wall time mean none was idle.

    /usr/bin/time -v .venv/bin/python -m bench.bench_publish WAREHOUSE PROGRAMME_DIR WORK_DIR
    .venv/bin/python -m bench.bench_publish WAREHOUSE PROGRAMME_DIR WORK_DIR --profile publish.prof
"""

from __future__ import annotations

import argparse
import cProfile
import os
import resource
import shutil
import time
from pathlib import Path

import duckdb

from assets.publish import publish_site
from domain.programme import load_programme
from pipelines.resources import WAREHOUSE_SETTINGS


def peak_rss_gib(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024**2


def cpu_seconds() -> tuple[float, float]:
    """(this process's CPU seconds, its finished children's)."""
    times = os.times()
    return times.user + times.system, times.children_user + times.children_system


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("warehouse", type=Path, help="a warehouse.duckdb (copied, never written)")
    parser.add_argument("programme", type=Path, help="the programme folder the warehouse was built from")
    parser.add_argument("work", type=Path, help="where the copy and the site go (emptied first)")
    parser.add_argument("--profile", type=Path, help="write cProfile stats of publish_site here")
    args = parser.parse_args()

    if args.work.exists():
        shutil.rmtree(args.work)
    args.work.mkdir(parents=True)
    warehouse = args.work / "warehouse.duckdb"
    shutil.copyfile(args.warehouse, warehouse)
    programme = load_programme(args.programme)
    before = peak_rss_gib()
    con = duckdb.connect(str(warehouse), config=WAREHOUSE_SETTINGS)
    profiler = cProfile.Profile() if args.profile else None
    cpu_before, children_before = cpu_seconds()
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    manifest = publish_site(con, programme, args.programme, args.work / "site", "bench")
    if profiler:
        profiler.disable()
        profiler.dump_stats(args.profile)
    elapsed = time.perf_counter() - started
    cpu_after, children_after = cpu_seconds()
    con.close()
    pages = [p for p in manifest["outputs"] if p.endswith(".html")]
    sizes = sorted(((args.work / "site" / p).stat().st_size, p) for p in pages)
    print(f"publish_site: {elapsed:.1f} s")
    print(
        f"CPU: {cpu_after - cpu_before + children_after - children_before:.1f} s "
        f"(this process {cpu_after - cpu_before:.1f}, page workers {children_after - children_before:.1f})"
    )
    print(
        f"peak RSS: {peak_rss_gib():.2f} GiB (before publishing: {before:.2f} GiB; "
        f"largest page worker: {peak_rss_gib(resource.RUSAGE_CHILDREN):.2f} GiB)"
    )
    print(f"files: {len(manifest['outputs'])}, pages: {len(pages)}, heaviest page: {sizes[-1][1]} "
          f"{sizes[-1][0] / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
