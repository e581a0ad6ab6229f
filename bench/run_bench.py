"""`make bench`: time drijfjacht at scale against a hand-written DuckDB baseline.

For each scale (S, M by default; L on request) it takes the generated programme from
bench/cache/ (writing it first when missing), copies it (hard links) into a fresh work folder and
measures, each as a subprocess under `/usr/bin/time -v` with the process tree's memory polled from
/proc:

1. the DuckDB baseline (bench/baseline.sql via bench/baseline.py) over the same CSV files;
2. a full `drijfjacht run` from an empty --out, split into ingestion, computation and publishing
   from the Dagster step timings of the run's event log; the baseline's figures must equal
   drijfjacht's marts.partner_period (exactly);
3. the baseline once more, right after the full run: the ratio divides by the mean of the two
   baseline runs that bracket it, as the load of a shared machine changes within minutes;
4. an incremental run after the next quarter's files arrive (`--period <new quarter>`), three
   times from the same state (the output folder is put back between them): one run's time
   varies by a second or more with the machine, and the verdict takes the median.

Before the scales it measures the start-up: import time of what a run imports (`python -X
importtime`), `drijfjacht --help` and a run of the tiny fixture programme.

Results are printed as Markdown and written to bench/cache/results/<time>.json.
Run `python -m bench.run_bench [--scales S,M,L] [--incremental-runs N] [--keep] [--profile]
[--no-startup]`.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from bench.baseline import agreement
from bench.generate import CACHE_DIR, SCALES, BenchProgramme, Scale, cached_programme

REPO = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
DRIJFJACHT = str(Path(sys.executable).with_name("drijfjacht"))
GNU_TIME = "/usr/bin/time"
WORK_DIR = CACHE_DIR / "work"
# Folders to delete once every measurement is done: ext4 allocates inodes slowly for a minute or
# more after tens of thousands of files were deleted (its recently_deleted check), which cost a run
# right after the harness's own clean-up ~5 s at M; no regisseur's run starts like that.
TRASH_DIR = CACHE_DIR / "trash"
EMPTIED = CACHE_DIR / "trash-emptied"  # when the trash was last deleted (its mtime)
# ext4 skips an inode deleted less than 60 s ago, 360 s while its inode-table block is dirty
SETTLE_SECONDS = 360
RESULTS_DIR = CACHE_DIR / "results"
TINY = REPO / "tests" / "fixtures" / "tiny"
PACKAGES = ("dagster", "duckdb", "polars", "pyarrow", "great-expectations", "pandas", "numpy",
            "plotly", "pydantic")
GIB = 1024**3
FIRST_PARTY = ("pipelines", "assets", "dashboards", "domain")

# What the issue asks of the machine this runs on (2 cores).
TARGET_RATIO = 2.0  # M: ingestion + computation within 2x the baseline
TARGET_FULL_SECONDS = 90.0  # M: the whole run, publishing included
TARGET_INCREMENTAL_SECONDS = 15.0  # M: one new quarter, Dagster's start-up included
TARGET_PEAK_BYTES = 4 * GIB  # L
# times the new quarter is run, each from the state the full run left
INCREMENTAL_RUNS = 3


@dataclass
class Measurement:
    """One command: wall time, peak memory, exit code and when it ran (epoch seconds)."""

    command: list[str]
    wall: float
    cpu: float  # user + system seconds of the process tree (GNU time); less hurt by other load
    peak_rss: int  # bytes: the largest single process (GNU time), or the polled tree
    tree_peak_rss: int  # bytes: the most the whole process tree held at once (polled)
    exit_code: int
    started: float
    ended: float
    load_before: float  # 1-minute load average: other work on the machine
    output_tail: str = ""
    rss_samples: list[tuple[float, int]] = field(default_factory=list)  # (epoch s, tree bytes)


@dataclass
class Steps:
    """A Dagster run's step timings, grouped into the stages of the pipeline."""

    run_id: str
    ingestion: float
    computation: float
    publishing: float
    first_step_start: float
    last_step_end: float
    by_step: dict[str, list[float]] = field(default_factory=dict)  # step key: [start, end]

    def peak_by_stage(self, samples: list[tuple[float, int]]) -> dict[str, int]:
        """The most the process tree held while each stage's steps ran (bytes)."""
        peaks = {"ingestion": 0, "computation": 0, "publishing": 0}
        for key, (start, end) in self.by_step.items():
            held = [rss for moment, rss in samples if start <= moment <= end]
            if held:
                peaks[_stage_of(key)] = max(peaks[_stage_of(key)], max(held))
        return peaks


def measure(command: list[str], env: dict[str, str] | None = None, cwd: Path = REPO) -> Measurement:
    """Run `command` to its end under GNU time (when installed), polling /proc for the tree's RSS."""
    use_time = Path(GNU_TIME).is_file()
    report = WORK_DIR / f".time-{os.getpid()}-{time.monotonic_ns()}"
    full = [GNU_TIME, "-v", "-o", str(report), *command] if use_time else command
    # the previous command's written files reach the disk first: otherwise the kernel writes a full
    # run's ~1.5 GB back while the next command runs, and that is what gets measured
    os.sync()
    load = os.getloadavg()[0]
    started = time.time()
    began = time.perf_counter()
    process = subprocess.Popen(full, env=env, cwd=cwd, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    peak = {"tree": 0}
    samples: list[tuple[float, int]] = []
    done = threading.Event()

    def poll() -> None:
        while not done.is_set():
            held = _tree_rss(process.pid)
            peak["tree"] = max(peak["tree"], held)
            samples.append((time.time(), held))
            done.wait(0.1)

    watcher = threading.Thread(target=poll, daemon=True)
    watcher.start()
    output, _ = process.communicate()
    wall = time.perf_counter() - began
    done.set()
    watcher.join()
    largest, cpu = peak["tree"], 0.0
    if use_time and report.is_file():
        text = report.read_text(encoding="utf-8", errors="replace")
        report.unlink()
        found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
        if found:
            largest = int(found.group(1)) * 1024
        cpu = sum(float(v) for v in re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)", text))
    return Measurement(
        command=command, wall=round(wall, 2), cpu=round(cpu, 2), peak_rss=largest, tree_peak_rss=peak["tree"],
        exit_code=process.returncode, started=started, ended=time.time(), load_before=load,
        output_tail="\n".join(output.strip().splitlines()[-6:]), rss_samples=samples,
    )


def _tree_rss(root: int) -> int:
    """Resident bytes of `root` and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        # the command name may hold spaces and parentheses: fields follow the last ')'
        parent = int(stat[stat.rindex(b")") + 2 :].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    total, todo, page = 0, [root], os.sysconf("SC_PAGE_SIZE")
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, []))
        try:
            with open(f"/proc/{pid}/statm", "rb") as handle:
                total += int(handle.read().split()[1]) * page
        except OSError:
            continue
    return total


def dagster_steps(out: Path) -> Steps:
    """The latest run's step timings in `out`'s Dagster home (read in a subprocess)."""
    result = subprocess.run(
        [PYTHON, "-m", "bench.run_bench", "--steps-of", str(out)],
        cwd=REPO, capture_output=True, text=True, check=True,
    )
    return Steps(**json.loads(result.stdout))


def _print_steps(out: Path) -> None:
    os.environ["DAGSTER_HOME"] = str(out.resolve() / ".dagster_home")
    import dagster as dg

    with dg.DagsterInstance.get() as instance:
        run = instance.get_runs(limit=1)[0]
        spans: dict[str, list[float]] = {}
        for entry in instance.all_logs(run.run_id):
            event = entry.dagster_event
            if event is None or entry.step_key is None:
                continue
            if event.event_type_value == "STEP_START":
                spans[entry.step_key] = [entry.timestamp, entry.timestamp]
            elif event.event_type_value in ("STEP_SUCCESS", "STEP_FAILURE"):
                spans[entry.step_key][1] = entry.timestamp
    stage = {"ingestion": 0.0, "computation": 0.0, "publishing": 0.0}
    for key, (start, end) in spans.items():
        stage[_stage_of(key)] += end - start
    print(json.dumps({
        "run_id": run.run_id,
        **{name: round(value, 2) for name, value in stage.items()},
        "first_step_start": min(start for start, _ in spans.values()),
        "last_step_end": max(end for _, end in spans.values()),
        "by_step": spans,
    }))


def _stage_of(step_key: str) -> str:
    if step_key == "inbox_files":
        return "ingestion"
    if step_key.startswith("site"):
        return "publishing"
    return "computation"


# --- the parts of a benchmark -----------------------------------------------------------------


def _discard(folder: Path) -> None:
    """Move `folder` out of the way now; empty_trash() deletes it after the measurements."""
    if folder.exists():
        TRASH_DIR.mkdir(parents=True, exist_ok=True)
        folder.rename(TRASH_DIR / f"{folder.name}-{time.time_ns()}")


def empty_trash() -> None:
    if TRASH_DIR.exists():
        shutil.rmtree(TRASH_DIR, ignore_errors=True)
        EMPTIED.touch()


def settle() -> None:
    """Wait until the last benchmark's clean-up is SETTLE_SECONDS old: a run right after it measures
    the file system's slow inode allocation (section 6 of docs/performance.md), not drijfjacht."""
    if not EMPTIED.exists():
        return
    wait = SETTLE_SECONDS - (time.time() - EMPTIED.stat().st_mtime)
    if wait > 0:
        print(f"waiting {wait:.0f} s: the last benchmark deleted its work folders "
              f"{SETTLE_SECONDS - wait:.0f} s ago", flush=True)
        time.sleep(wait)


def _link_tree(source: Path, target: Path) -> None:
    """Copy a folder as hard links: instant, and the cached programme stays untouched."""
    shutil.copytree(source, target, copy_function=os.link, dirs_exist_ok=True)


def copy_output(source: Path, target: Path) -> None:
    """An output folder as it is, for a run to start from again: the site and the archive as hard
    links (a run never changes their files in place: it writes a new site and swaps it in, and
    adds archived files), everything else (the warehouse, Dagster's databases) copied."""

    def copy(file: str, to: str) -> None:
        if Path(file).relative_to(source).parts[0] in ("site", "archive"):
            os.link(file, to)
        else:
            shutil.copy2(file, to)

    shutil.copytree(source, target, copy_function=copy, symlinks=True)


def _run_env(out: Path) -> dict[str, str]:
    return {**os.environ, "DAGSTER_HOME": str(out.resolve() / ".dagster_home"),
            "PYTHONUNBUFFERED": "1", "COLUMNS": "120"}


def _checked(measurement: Measurement, what: str) -> Measurement:
    if measurement.exit_code != 0:
        raise RuntimeError(f"{what} failed (exit {measurement.exit_code}):\n{measurement.output_tail}")
    return measurement


def _complain(measurement: Measurement, what: str) -> None:
    # a failed run still has step timings worth keeping: say so loudly and go on
    if measurement.exit_code != 0:
        print(f"!! {what} exited with {measurement.exit_code}:\n{measurement.output_tail}", flush=True)


def bench_scale(
    scale: Scale, keep: bool = False, profile: bool = False, incremental_runs: int = INCREMENTAL_RUNS
) -> dict:
    """Baseline, full run and incremental runs of one scale; the numbers as a dict."""
    began = time.perf_counter()
    bench: BenchProgramme = cached_programme(scale)
    prepared = round(time.perf_counter() - began, 1)
    print(f"\n## {scale.name}: {bench.partners} partners x {bench.quarters} quarters, "
          f"{bench.vacancies:,} vacancies in {bench.vacancy_rows:,} rows, {bench.files:,} files "
          f"({bench.bytes / 1e6:,.0f} MB); programme ready in {prepared} s "
          f"(written in {bench.seconds} s)", flush=True)
    work = WORK_DIR / scale.name
    _discard(work)
    programme, out = work / "programme", work / "out"
    programme.mkdir(parents=True)
    for name in ("programme.yaml", "bench.json"):
        os.link(bench.folder / name, programme / name)
    _link_tree(bench.folder / "inbox", programme / "inbox")

    baseline_json, baseline_db = work / "baseline.json", work / "baseline.duckdb"

    def run_baseline() -> tuple[Measurement, dict]:
        measured = _checked(measure([PYTHON, "-m", "bench.baseline", str(programme), "--database",
                                     str(baseline_db), "--json", str(baseline_json)]), "the baseline")
        result = json.loads(baseline_json.read_text(encoding="utf-8"))
        print(f"baseline.sql {result['seconds']} s (process {measured.wall} s, "
              f"{measured.peak_rss / GIB:.2f} GiB, load {measured.load_before:.1f})", flush=True)
        return measured, result

    baseline, sql = run_baseline()

    command = [DRIJFJACHT, "run", str(programme), "--out", str(out)]
    if profile:
        command = [PYTHON, "-m", "cProfile", "-o", str(work / "full.prof"), "-m", "pipelines.cli",
                   *command[1:]]
    full = measure(command, _run_env(out))
    _complain(full, "the full run")
    full_steps = dagster_steps(out)
    # the baseline again right after: on a shared machine the load changes within minutes, and
    # the ratio uses the mean of the two runs that bracket the full run
    baseline_after, sql_after = run_baseline()
    agree = agreement(out / "warehouse.duckdb", baseline_db)
    print(f"full run {full.wall} s: ingestion {full_steps.ingestion} s, computation "
          f"{full_steps.computation} s, publishing {full_steps.publishing} s, "
          f"{full.peak_rss / GIB:.2f} GiB; baseline agrees: {agree}", flush=True)

    new = bench.new_periods[0]
    _link_tree(bench.incoming(new), programme / "inbox" / new)
    before_new = work / "out-before-new-quarter"
    if incremental_runs > 1:
        copy_output(out, before_new)
    incrementals: list[tuple[Measurement, Steps]] = []
    for attempt in range(incremental_runs):
        if attempt:
            _discard(out)
            copy_output(before_new, out)
        measured = measure([DRIJFJACHT, "run", str(programme), "--out", str(out), "--period", new],
                           _run_env(out))
        _complain(measured, "the incremental run")
        steps = dagster_steps(out)
        incrementals.append((measured, steps))
        print(f"incremental run ({new}) {measured.wall} s: ingestion {steps.ingestion} s, "
              f"computation {steps.computation} s, publishing {steps.publishing} s, "
              f"{measured.peak_rss / GIB:.2f} GiB", flush=True)
    # the run of median time stands for them all; the others' times are kept beside it
    incremental, incremental_steps = median_run(incrementals)
    if profile:
        _print_profile(work / "full.prof")
    if not keep:
        _discard(work)
    work_done = round((sql["seconds"] + sql_after["seconds"]) / 2, 3)
    return {
        "scale": asdict(scale),
        "programme": {k: v for k, v in asdict(bench).items() if k not in ("folder", "styles")},
        "baseline": {"sql_seconds": work_done, "runs_sql_seconds": [sql["seconds"], sql_after["seconds"]],
                     "setup_seconds": sql["setup_seconds"], "process": _process(baseline),
                     "process_after": _process(baseline_after)},
        "full": _run_record(full, full_steps),
        "incremental": {
            "period": new,
            **_run_record(incremental, incremental_steps),
            "runs": [_run_summary(measured, steps) for measured, steps in incrementals],
            "peak_rss_of_runs": max(measured.peak_rss for measured, _ in incrementals),
        },
        "agreement": agree,
        "ratio": round((full_steps.ingestion + full_steps.computation) / work_done, 2)
        if work_done else None,
        "profiled": profile,
    }


def median_run(runs: list[tuple[Measurement, Steps]]) -> tuple[Measurement, Steps]:
    """The run whose wall time is the median (of an even number, the faster of the middle two)."""
    ordered = sorted(runs, key=lambda run: run[0].wall)
    return ordered[(len(ordered) - 1) // 2]


def _run_summary(measurement: Measurement, steps: Steps) -> dict:
    return {"wall": measurement.wall, "ingestion": steps.ingestion, "computation": steps.computation,
            "publishing": steps.publishing, "peak_rss": measurement.peak_rss}


def _process(measurement: Measurement) -> dict:
    """The measurement without its samples, plus the tree's memory about once a second (MiB)."""
    record = asdict(measurement)
    samples = record.pop("rss_samples")
    timeline, last = [], 0.0
    for moment, held in samples:
        if moment - last >= 1.0:
            timeline.append((round(moment - measurement.started, 1), held // 2**20))
            last = moment
    record["rss_timeline_mib"] = timeline
    return record


def _run_record(measurement: Measurement, steps: Steps) -> dict:
    stage_peaks = steps.peak_by_stage(measurement.rss_samples)
    return {
        "process": _process(measurement),
        "steps": asdict(steps),
        "step_seconds": {key: round(end - start, 2) for key, (start, end) in steps.by_step.items()},
        "peak_by_stage": stage_peaks,
        "outside_steps": round(measurement.wall - (steps.last_step_end - steps.first_step_start), 2),
        # start-up (imports, Dagster instance and run) and the closing report
        "before_steps": round(steps.first_step_start - measurement.started, 2),
        "after_steps": round(measurement.ended - steps.last_step_end, 2),
    }


def _print_profile(path: Path, lines: int = 30) -> None:
    import pstats

    print(f"\ncProfile of the full run ({path}), by cumulative time:")
    pstats.Stats(str(path)).sort_stats("cumulative").print_stats(lines)


def startup() -> dict:
    """Import time of a run's modules, `drijfjacht --help`, and runs of the tiny fixture."""
    work = WORK_DIR / "tiny"
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(TINY, work / "programme")
    out = work / "out"
    # what a whole run imports, the lazy imports (Great Expectations, Plotly) included
    imports = subprocess.run(
        [PYTHON, "-X", "importtime", "-m", "pipelines.cli", "run", str(work / "programme"),
         "--out", str(work / "importtime")],
        cwd=REPO, capture_output=True, text=True, env=_run_env(work / "importtime"),
    ).stderr
    shutil.rmtree(work / "importtime", ignore_errors=True)
    # a package's own line carries the cumulative time of everything it imported first
    packages: dict[str, int] = {}
    total = 0
    for line in imports.splitlines():
        found = re.match(r"import time:\s+\d+ \|\s+(\d+) \| ( *)(\S+)$", line)
        if not found:
            continue
        name, spent = found.group(3), int(found.group(1))
        if not found.group(2):
            total += spent
        if "." not in name or (name.count(".") == 1 and name.split(".")[0] in FIRST_PARTY):
            packages[name] = max(packages.get(name, 0), spent)
    top = dict(sorted(packages.items(), key=lambda kv: -kv[1])[:12])
    helps = [measure([DRIJFJACHT, "--help"]).wall for _ in range(3)]
    bare = [measure([PYTHON, "-c", "import pipelines.catalog"]).wall for _ in range(3)]
    tiny, outside = [], []
    for _ in range(2):
        shutil.rmtree(out, ignore_errors=True)
        run = measure([DRIJFJACHT, "run", str(work / "programme"), "--out", str(out)], _run_env(out))
        steps = dagster_steps(out)
        tiny.append(run.wall)
        outside.append((round(steps.first_step_start - run.started, 2),
                        round(run.ended - steps.last_step_end, 2)))
    shutil.rmtree(work, ignore_errors=True)
    result = {
        "import_seconds_by_package": {k: round(v / 1e6, 2) for k, v in top.items()},
        "import_seconds_total": round(total / 1e6, 2),
        "import_pipelines_catalog_wall": round(statistics.median(bare), 2),
        "help_wall": round(statistics.median(helps), 2),
        "tiny_run_walls": tiny,
        "tiny_run_before_and_after_steps": outside,
        "tiny_run_steps": {key: round(end - start, 2) for key, (start, end) in steps.by_step.items()},
        "load_average": os.getloadavg()[0],
    }
    print("\n## Start-up\n" + json.dumps(result, indent=1), flush=True)
    return result


def machine() -> dict:
    memory = next(line for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
    model = next((line.split(":", 1)[1].strip() for line in
                  Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
                 platform.processor())
    versions = {}
    for package in PACKAGES:
        try:
            versions[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            versions[package] = None
    return {
        "nproc": os.cpu_count(),
        "cpu": model,
        "memory_gib": round(int(memory.split()[1]) / 1024**2, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": versions,
        "gnu_time": Path(GNU_TIME).is_file(),
    }


def verdicts(results: dict[str, dict]) -> list[str]:
    lines = []
    m = results.get("M")
    if m:
        ratio = m["ratio"]
        lines.append(f"M ingestion + computation = {ratio}x the baseline (target <= {TARGET_RATIO}): "
                     f"{'met' if ratio is not None and ratio <= TARGET_RATIO else 'MISSED'}")
        wall = m["full"]["process"]["wall"]
        lines.append(f"M full run {wall} s (target < {TARGET_FULL_SECONDS:.0f} s): "
                     f"{'met' if wall < TARGET_FULL_SECONDS else 'MISSED'}")
        wall = m["incremental"]["process"]["wall"]
        walls = [run["wall"] for run in m["incremental"]["runs"]]
        of = f" (median of {', '.join(map(str, walls))} s)" if len(walls) > 1 else ""
        lines.append(f"M incremental quarter {wall} s{of} (target < {TARGET_INCREMENTAL_SECONDS:.0f} s): "
                     f"{'met' if wall < TARGET_INCREMENTAL_SECONDS else 'MISSED'}")
    big = results.get("L")
    if big:
        peak = max(big["full"]["process"]["peak_rss"], big["incremental"]["peak_rss_of_runs"])
        lines.append(f"L peak RSS {peak / GIB:.2f} GiB (target < 4 GiB): "
                     f"{'met' if peak < TARGET_PEAK_BYTES else 'MISSED'}")
    for name, result in results.items():
        if result["agreement"]["differing_rows"]:
            lines.append(f"{name}: the baseline's figures DIFFER from drijfjacht's: {result['agreement']}")
    return lines


def table(results: dict[str, dict]) -> str:
    head = ("| scale | rows | baseline SQL s | full s (CPU s) | ingest s | compute s | publish s | "
            "ratio | peak GiB | incr. s (median) | incr. peak GiB |")
    lines = [head, "|" + "---|" * 11]
    for name, r in results.items():
        full, steps = r["full"]["process"], r["full"]["steps"]
        incremental = r["incremental"]["process"]
        lines.append(
            f"| {name} | {r['programme']['vacancy_rows']:,} | {r['baseline']['sql_seconds']} | "
            f"{full['wall']} ({full['cpu']}) | {steps['ingestion']} | {steps['computation']} | "
            f"{steps['publishing']} | {r['ratio']} | {full['peak_rss'] / GIB:.2f} | "
            f"{incremental['wall']} | {r['incremental']['peak_rss_of_runs'] / GIB:.2f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run_bench", description=__doc__.split("\n")[0])
    parser.add_argument("--scales", default="S,M", help="comma-separated: S, M, L (default S,M)")
    parser.add_argument("--incremental-runs", type=int, default=INCREMENTAL_RUNS,
                        help=f"times the new quarter is run, each from the same state; the median "
                             f"counts (default {INCREMENTAL_RUNS})")
    parser.add_argument("--keep", action="store_true", help="keep bench/cache/work/<scale>/")
    parser.add_argument("--profile", action="store_true",
                        help="run the full run under cProfile and print the top functions")
    parser.add_argument("--no-startup", action="store_true", help="skip the start-up measurements")
    parser.add_argument("--steps-of", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.steps_of:
        _print_steps(args.steps_of)
        return 0
    names = [n.strip().upper() for n in re.split(r"[,\s]+", args.scales) if n.strip()]
    unknown = [n for n in names if n not in SCALES]
    if unknown:
        parser.error(f"unknown scale(s) {', '.join(unknown)}: choose from S, M, L")
    if not Path(GNU_TIME).is_file():
        print(f"{GNU_TIME} is missing (apt-get install -y time): peak memory comes from polling "
              "/proc only", file=sys.stderr)
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    info = machine()
    print("# drijfjacht benchmark\n" + json.dumps(info, indent=1), flush=True)
    report: dict = {"machine": info, "started": datetime.now().isoformat(timespec="seconds")}
    if not args.no_startup:
        report["startup"] = startup()
    results = {}
    settle()
    for name in names:
        results[name] = bench_scale(SCALES[name], keep=args.keep, profile=args.profile,
                                    incremental_runs=max(1, args.incremental_runs))
    report["scales"] = results
    report["verdicts"] = verdicts(results)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{datetime.now():%Y%m%d-%H%M%S}-{'-'.join(names)}.json"
    path.write_text(json.dumps(report, indent=1), encoding="utf-8")
    print("\n" + table(results) + "\n\n" + "\n".join(report["verdicts"]) + f"\n\nWritten to {path}")
    empty_trash()
    return 0


if __name__ == "__main__":
    sys.exit(main())
