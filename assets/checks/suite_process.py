"""Great Expectations in a process of its own, so that a run uses both cores for it.

Importing GX takes ~2.5 s of a core and its suites about a second per million rows, nearly all of
it holding Python's GIL: in a thread beside the reading they only take turns with it. So
`drijfjacht run` starts one SuiteProcess before it loads Dagster (GX loads on the other core
while Dagster starts), and ingestion hands it each kind's batch as an Arrow IPC file and gets
the SuiteOutcome back: the same `run_suite`, in another interpreter. Without one (the tests,
the Dagster UI) the suites run in-process, the same code again.
"""

from __future__ import annotations

import atexit
import gc
import itertools
import multiprocessing
import os
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import polars as pl

from assets.checks.validation import SuiteOutcome, prepare_validation, run_suite, suite_input
from domain.programme import Programme

ORPHAN_POLL_SECONDS = 0.5


class SuiteProcess:
    """One process that has loaded Great Expectations and runs suites, one at a time, in order."""

    def __init__(self) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="drijfjacht-suites-")
        # spawn, not fork: the parent may already run DuckDB's and Polars' threads
        self._pool = ProcessPoolExecutor(
            max_workers=1,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start,
            initargs=(os.getpid(),),
        )
        # the pool starts its process on the first task: start it now; done once GX is loaded
        self._started = self._pool.submit(os.getpid)
        self._numbers = itertools.count()

    def submit(self, kind: str, frame: pl.DataFrame, programme: Programme) -> Future[SuiteOutcome]:
        """Run the suite of `kind` over `frame` (as run_suite takes it) in the process.

        When the process could not start (e.g. the interpreter's main script cannot be loaded
        again, as with `python -` reading stdin), the suite runs here instead: the same result,
        one core."""
        if self._started.exception() is not None:
            done: Future[SuiteOutcome] = Future()
            done.set_result(run_suite(kind, frame, programme))
            return done
        path = Path(self._folder.name) / f"{next(self._numbers)}-{kind}.arrow"
        suite_input(kind, frame).write_ipc(path)
        return self._pool.submit(_run_suite_from_file, kind, str(path), programme)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._folder.cleanup()


def _start(parent: int) -> None:
    """In the new process: end with the run, however the run ends; then load GX."""
    # a run killed outright (SIGKILL, power) never shuts the pool down: without this the process
    # would wait for work forever, holding the run's output pipes open
    threading.Thread(target=_exit_when_orphaned, args=(parent,), daemon=True).start()
    with collector_paused():
        prepare_validation()
    # Once the pool shuts it down, the process has sent every outcome back and has finished
    # multiprocessing's own exit work: it leaves then, rather than unloading GX and pandas module
    # by module (~0.6 s that the run waits for). Registered last, so it runs first at exit.
    atexit.register(os._exit, 0)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while large packages import, then their objects
    frozen out of later collections. Imports make objects, not garbage, yet a collection runs
    every few hundred of them and walks everything made so far: ~20 % of GX's import time
    (1.9 -> 1.5 s) and of Dagster's. Frozen, the packages' objects are not walked again by
    the collections the run itself causes."""
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


def _exit_when_orphaned(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(ORPHAN_POLL_SECONDS)
    os._exit(0)


def _run_suite_from_file(kind: str, path: str, programme: Programme) -> SuiteOutcome:
    frame = pl.read_ipc(path)
    Path(path).unlink()
    return run_suite(kind, frame, programme)


_shared: SuiteProcess | None = None


def start_shared() -> None:
    """Start the process this interpreter's ingestion will use (see shared())."""
    global _shared
    if _shared is None:
        _shared = SuiteProcess()


def shared() -> SuiteProcess | None:
    """The process start_shared() started, or None: run the suites in-process."""
    return _shared


def stop_shared() -> None:
    global _shared
    if _shared is not None:
        _shared.close()
        _shared = None
