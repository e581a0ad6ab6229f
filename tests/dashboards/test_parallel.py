"""Pages rendered by worker processes: the same files as rendered in one process, small sites
without a worker, and a worker's failure raised in the caller, never waited for."""

from __future__ import annotations

import filecmp
import operator
import pickle
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from dashboards import pages, workers
from dashboards.pages import render_site


def relative(paths: list[Path], root: Path) -> list[str]:
    return [path.relative_to(root).as_posix() for path in paths]


def test_pages_rendered_by_workers_are_the_same_files(sample_site_data, tmp_path, monkeypatch) -> None:
    data = sample_site_data(partners=6, periods=3, names={"dunea": "<b>Dunea</b> & co"}, sentinel="hhnk")
    # a chunk of about one page, so that every process renders some
    monkeypatch.setattr(pages, "CHUNK_COST", 1)
    alone = render_site(data, tmp_path / "alone", workers=0)
    # this process renders slowly, so that the workers, once started, take their share
    by_workers: list[object] = []
    render, render_jobs = workers.Worker.render, pages._render_jobs

    def slowly(*args: object) -> list[Path]:
        time.sleep(0.1)
        return render_jobs(*args)

    def counted(self: workers.Worker, chunk: object) -> list[Path]:
        by_workers.append(chunk)
        return render(self, chunk)

    monkeypatch.setattr(pages, "_render_jobs", slowly)
    monkeypatch.setattr(workers.Worker, "render", counted)
    shared = render_site(data, tmp_path / "shared", workers=2)
    assert len(by_workers) > 1
    handed_out = render_site(data, tmp_path / "handed-out", workers=1, render_here=False)

    files = relative(alone, tmp_path / "alone")
    assert len(files) == len(set(files)) > 2 * 6 * len(pages.PARTNER_DOWNLOADS)
    for name, written in (("shared", shared), ("handed-out", handed_out)):
        # the same files, in the same order, byte for byte
        assert relative(written, tmp_path / name) == files
        on_disk = [p for p in (tmp_path / name).rglob("*") if p.is_file()]
        assert sorted(relative(on_disk, tmp_path / name)) == sorted(files)
        for file in files:
            assert filecmp.cmp(tmp_path / "alone" / file, tmp_path / name / file, shallow=False), (name, file)
    assert (tmp_path / "handed-out" / "partners" / "hhnk" / "data" / "vacancies.parquet").is_file()


def test_this_thread_helps_once_its_other_work_is_done(sample_site_data, tmp_path, monkeypatch) -> None:
    data = sample_site_data(partners=5, periods=2)
    monkeypatch.setattr(pages, "CHUNK_COST", 1)
    alone = relative(render_site(data, tmp_path / "alone", workers=0), tmp_path / "alone")
    here: list[object] = []
    render_jobs = pages._render_jobs

    def recorded(site: object, chunk: list, *args: object) -> list[Path]:
        here.append(chunk)
        return render_jobs(site, chunk, *args)

    monkeypatch.setattr(pages, "_render_jobs", recorded)
    # never set: the worker renders every page, and this thread does not wait for the event forever
    never = threading.Event()
    written = render_site(data, tmp_path / "never", workers=1, render_here=never)
    assert relative(written, tmp_path / "never") == alone
    assert here == []
    # set at once: this thread renders from the start
    done = threading.Event()
    done.set()
    written = render_site(data, tmp_path / "done", workers=1, render_here=done)
    assert relative(written, tmp_path / "done") == alone
    assert here


def test_a_small_site_starts_no_worker(sample_site_data, tmp_path, monkeypatch) -> None:
    def refuse(*args: object) -> None:
        raise AssertionError("a worker was started for a small site")

    monkeypatch.setattr(workers.Worker, "__init__", refuse)
    data = sample_site_data(partners=pages.PARALLEL_PARTNERS - 1, periods=1, vacancies_per_period=1)
    written = render_site(data, tmp_path, partner_downloads=False, render_here=False)
    partners = [partner["id"] for partner in data.programme["partners"]]
    assert len(partners) == pages.PARALLEL_PARTNERS - 1
    assert all(tmp_path / "partners" / partner / "index.html" in written for partner in partners)


def test_chunks_keep_every_page_once_in_order() -> None:
    jobs = [("period", "2026Q1"), ("period", "2026Q2"), ("index", None), ("funders", None)]
    jobs += [("partner", f"p{n}") for n in range(40)]
    chunks = pages._chunks(jobs)
    assert [job for chunk in chunks for job in chunk] == jobs
    assert len(chunks) > 2
    assert all(sum(pages.JOB_COST[kind] for kind, _ in chunk[:-1]) < pages.CHUNK_COST for chunk in chunks)


def test_a_worker_that_fails_is_reported_with_its_traceback() -> None:
    # the worker's set-up is int("not a number")
    setup = pickle.dumps((int, "not a number"))
    with pytest.raises(workers.WorkerError, match="ValueError: invalid literal for int"):
        workers.render_parallel([["a"], ["b"]], None, lambda: setup, 1)


def test_a_page_that_fails_in_a_worker_stops_the_hand_out() -> None:
    # the worker renders a chunk by calling .bit_length() on it: an int works, a list does not
    setup = pickle.dumps((operator.methodcaller, "bit_length"))
    with pytest.raises(workers.WorkerError, match="AttributeError"):
        workers.render_parallel([[], []], None, lambda: setup, 1)


def test_a_worker_that_dies_is_not_waited_for() -> None:
    # bit_length of 5 is 3, not a list of files: the worker fails outside a chunk and exits
    setup = pickle.dumps((operator.methodcaller, "bit_length"))
    with pytest.raises((workers.WorkerError, EOFError)):
        workers.render_parallel([5, 6, 7], None, lambda: setup, 1)


def test_a_worker_that_hangs_fails_the_pages_instead_of_holding_them(monkeypatch) -> None:
    monkeypatch.setattr(workers, "CHUNK_TIMEOUT", 1)
    monkeypatch.setattr(workers, "STOP_TIMEOUT", 1)
    # the worker's renderer is time.sleep: a chunk of 30 keeps it silent for 30 s (and then it
    # fails, as sleep returns no files: without the timeout this test fails on that message)
    setup = pickle.dumps((operator.itemgetter(0), (time.sleep,)))
    with pytest.raises(workers.WorkerError, match="rendered nothing for 1 s"):
        workers.render_parallel([30], None, lambda: setup, 1)


def test_a_failure_in_this_process_stops_the_workers(sample_site_data, tmp_path, monkeypatch) -> None:
    started: list[workers.Worker] = []
    init = workers.Worker.__init__

    def record(self: workers.Worker) -> None:
        init(self)
        started.append(self)

    def fail(chunk: object) -> list[Path]:
        raise RuntimeError("this page cannot be rendered")

    monkeypatch.setattr(workers.Worker, "__init__", record)
    setup = pickle.dumps((operator.methodcaller, "copy"))
    with pytest.raises(RuntimeError, match="cannot be rendered"):
        workers.render_parallel([[], [], [], []], fail, lambda: setup, 1)
    assert started and all(worker.process.poll() is not None for worker in started)


def test_a_worker_imports_neither_dagster_nor_great_expectations() -> None:
    code = (
        "import sys, pickle; import dashboards.workers, dashboards.pages; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & "
        "{'dagster', 'great_expectations', 'duckdb', 'assets'}))"
    )
    root = Path(workers.__file__).resolve().parents[1]
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
    assert shown.stdout.strip() == "[]"
