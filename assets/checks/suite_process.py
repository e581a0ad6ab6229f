"""Great Expectations in a process of its own, so that a run uses both cores for it.

Importing GX takes ~2 s of a core and its suites about a second per million rows, nearly all of
it holding Python's GIL: in a thread beside the reading they only take turns with it. So
`drijfjacht run` starts one SuiteProcess before it loads Dagster (GX loads on the other core
while Dagster starts), and ingestion hands it work with `run`: each chunk's batches (as Arrow
IPC files) to check, and every other chunk's files to read as well (assets.reading), as the
suites alone leave it idle part of the time. The same functions, in another interpreter.
Without one (the tests, the Dagster UI) everything runs in-process, the same code again.
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
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from assets.checks.validation import prepare_validation

ORPHAN_POLL_SECONDS = 0.5
Result = TypeVar("Result")


class SuiteProcess:
    """One process that has loaded Great Expectations and runs what it is handed (suites, and
    reading files), one at a time, in order."""

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

    def run(self, function: Callable[..., Result], *args: object) -> Future[Result]:
        """`function(*args)` in the process (a module-level function: it goes over by name, its
        arguments and result pickled), after what was handed over before it.

        When the process could not start (e.g. the interpreter's main script cannot be loaded
        again, as with `python -` reading stdin), it runs here instead: the same result, one core."""
        if self._started.exception() is None:
            return self._pool.submit(function, *args)
        done: Future[Result] = Future()
        try:
            done.set_result(function(*args))
        except Exception as error:  # noqa: BLE001 - handed over as the process would
            done.set_exception(error)
        return done

    def scratch_file(self, name: str) -> Path:
        """A path, unused yet, for a file that one process writes and the other reads (a frame as
        Arrow IPC costs a fraction of its pickle); gone when the process is closed."""
        return Path(self._folder.name) / f"{next(self._numbers)}-{name}"

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
