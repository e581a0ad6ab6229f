"""The benchmark's own parts that decide what it reports: putting an output folder back for the
next incremental run, and which of several runs stands for them."""

from __future__ import annotations

from pathlib import Path

from bench.run_bench import GIB, Measurement, Steps, copy_output, median_run, verdicts


def test_copy_output_links_what_runs_never_change_and_copies_the_rest(tmp_path: Path) -> None:
    out = tmp_path / "out"
    files = {
        "site/index.html": b"page",
        "site/data/vacancies.csv": b"rows",
        "archive/2025Q1/ab12.csv": b"sent",
        "warehouse.duckdb": b"tables",
        ".dagster_home/history/runs.db": b"runs",
    }
    for name, content in files.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(content)

    copy_output(out, tmp_path / "copy")

    for name, content in files.items():
        copied = tmp_path / "copy" / name
        assert copied.read_bytes() == content
        linked = copied.stat().st_ino == (out / name).stat().st_ino
        assert linked == name.startswith(("site/", "archive/")), name
    # a run writes into the warehouse and Dagster's databases in place: the original keeps its own
    (tmp_path / "copy" / "warehouse.duckdb").write_bytes(b"changed")
    assert (out / "warehouse.duckdb").read_bytes() == b"tables"


def run(wall: float) -> tuple[Measurement, Steps]:
    measured = Measurement(["drijfjacht"], wall, wall, 1, 1, 0, 0.0, wall, 0.0)
    return measured, Steps("run", 1.0, 2.0, wall - 3.0, 0.0, wall)


def test_the_median_run_stands_for_the_runs() -> None:
    assert median_run([run(15.2), run(13.1), run(14.0)])[0].wall == 14.0
    assert median_run([run(15.2), run(13.1)])[0].wall == 13.1
    assert median_run([run(16.0)])[0].wall == 16.0


def test_the_verdict_names_every_run_of_the_new_quarter() -> None:
    incremental = {"process": {"wall": 14.0}, "runs": [{"wall": 15.2}, {"wall": 13.1}, {"wall": 14.0}]}
    result = {
        "ratio": 1.7,
        "full": {"process": {"wall": 25.0}},
        "incremental": incremental,
        "agreement": {"differing_rows": 0},
    }
    lines = verdicts({"M": result})
    assert "M incremental quarter 14.0 s (median of 15.2, 13.1, 14.0 s) (target < 15 s): met" in lines
    incremental["process"]["wall"] = 15.2
    assert any(line.endswith("MISSED") and "quarter 15.2 s" in line for line in verdicts({"M": result}))


def test_the_memory_verdict_takes_the_largest_peak_of_every_run() -> None:
    large = {
        "full": {"process": {"peak_rss": 2 * GIB}},
        "incremental": {"peak_rss_of_runs": 5 * GIB},
        "agreement": {"differing_rows": 0},
    }
    assert verdicts({"L": large}) == ["L peak RSS 5.00 GiB (target < 4 GiB): MISSED"]
    large["incremental"]["peak_rss_of_runs"] = 3 * GIB
    assert verdicts({"L": large}) == ["L peak RSS 3.00 GiB (target < 4 GiB): met"]
