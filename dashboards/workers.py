"""Rendering pages in more than one process: one core renders ~80 pages a second, a sector's site
has hundreds.

A worker is a fresh interpreter (`python -m dashboards.workers`), never a fork: the publishing
process holds DuckDB's and Polars' thread pools, and a fork taken while other threads hold locks
can deadlock. Nor is it a `multiprocessing` spawn, which imports the parent's `__main__` (Dagster,
Great Expectations) in every child. The worker imports only `dashboards` and what it needs; the
site's data goes over once, pickled (Polars frames travel as Arrow IPC); then the parent hands out
chunks of pages, one at a time, to whichever process is free, its own thread included, and the
worker answers each with the files it wrote. A page is a function of the data alone, so which
process renders it changes no byte.

The protocol on the worker's stdin and stdout: messages of an 8-byte little-endian length and a
pickle. In: the payload, then one chunk per message, then None. Out: ("ok", [paths]) per chunk, or
("error", traceback) and the worker exits.
"""

from __future__ import annotations

import os
import pickle
import select
import struct
import subprocess
import sys
import threading
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any, TypeVar

Job = TypeVar("Job")
PACKAGE_ROOT = Path(__file__).resolve().parents[1]
LENGTH = struct.Struct("<Q")
# a worker's own Polars needs no thread pool beside the processes already sharing the cores
WORKER_ENV = {"POLARS_MAX_THREADS": "1"}
STOP_TIMEOUT = 10
# a chunk is a few pages, well under a minute even for a sector's regisseur pages on a busy
# machine: a worker silent this long has hung, and the run fails instead of waiting for ever
CHUNK_TIMEOUT = 600
# how often a thread waiting to help looks whether the workers have finished without it
WAIT_STEP = 0.05


def send(stream: IO[bytes], message: object) -> None:
    body = message if isinstance(message, bytes) else pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(LENGTH.pack(len(body)))
    stream.write(body)
    stream.flush()


def receive(stream: IO[bytes], timeout: float | None = None) -> Any:
    """The next message; with `timeout`, TimeoutError if none starts within that many seconds."""
    if timeout is not None and not select.select([stream], [], [], timeout)[0]:
        raise TimeoutError(f"no message within {timeout:g} s")
    header = stream.read(LENGTH.size)
    if len(header) < LENGTH.size:
        raise EOFError("the page worker closed its pipe")
    (size,) = LENGTH.unpack(header)
    body = stream.read(size)
    if len(body) < size:
        raise EOFError("the page worker closed its pipe mid-message")
    return pickle.loads(body)  # noqa: S301 - our own process, on our own pipe


class WorkerError(RuntimeError):
    """A page worker failed; the message holds its traceback."""


class Worker:
    """One worker process, started at once; `render` blocks until it has done one chunk (a worker
    silent for CHUNK_TIMEOUT seconds is taken as hung: WorkerError)."""

    def __init__(self) -> None:
        env = os.environ | WORKER_ENV
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(PACKAGE_ROOT), env.get("PYTHONPATH")) if p)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "dashboards.workers"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
        )

    def start(self, payload: bytes) -> None:
        send(self.process.stdin, payload)

    def render(self, chunk: object) -> list[Path]:
        send(self.process.stdin, chunk)
        try:
            status, result = receive(self.process.stdout, CHUNK_TIMEOUT)
        except TimeoutError:
            raise WorkerError(
                f"a page worker rendered nothing for {CHUNK_TIMEOUT:g} s: it is stopped"
            ) from None
        if status != "ok":
            raise WorkerError(f"a page worker failed:\n{result}")
        return [Path(path) for path in result]

    def stop(self) -> None:
        """Tell the worker to finish and wait for it; kill it if it does not."""
        try:
            send(self.process.stdin, None)
            self.process.stdin.close()
            self.process.wait(timeout=STOP_TIMEOUT)
        except (OSError, ValueError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()
        finally:
            if self.process.stdout:
                self.process.stdout.close()


def render_parallel(
    chunks: Sequence[Job],
    render_here: Callable[[Job], list[Path]] | None,
    payload: Callable[[], bytes],
    workers: int,
    here_from: threading.Event | None = None,
) -> list[list[Path]]:
    """Each chunk rendered once, by `workers` worker processes and, unless `render_here` is None,
    by this thread too; the files written, per chunk, in the chunks' order.

    `payload()` gives what each worker gets first: a pickled (setup, argument), where `setup` is a
    module-level function that the worker calls with `argument` and that returns the function it
    then renders each chunk with. It is called once, by the first worker to start. With
    `here_from`, this thread takes chunks only once that event is set (its process has other work
    until then). A failure anywhere stops the hand-out (the chunks being rendered are finished) and
    is raised here, once every worker has stopped."""
    results: list[list[Path] | None] = [None] * len(chunks)
    lock = threading.Lock()
    position = 0
    failures: list[BaseException] = []
    # the pickled payload, kept until every worker has it (a sector's data pickles to ~100s of MB)
    pickled: list[bytes] = []
    waiting = workers

    def take() -> int | None:
        nonlocal position
        with lock:
            if failures or position >= len(chunks):
                return None
            position += 1
            return position - 1

    def shared_payload() -> bytes:
        with lock:
            if not pickled:
                pickled.append(payload())
            return pickled[0]

    def delivered() -> None:
        nonlocal waiting
        with lock:
            waiting -= 1
            if waiting == 0:
                pickled.clear()

    def feed() -> None:
        worker = None
        try:
            worker = Worker()
            try:
                worker.start(shared_payload())
            finally:
                delivered()
            while (index := take()) is not None:
                results[index] = worker.render(chunks[index])
        except BaseException as error:  # noqa: BLE001 - handed to the caller's thread below
            with lock:
                failures.append(error)
        finally:
            if worker is not None:
                worker.stop()

    threads = [threading.Thread(target=feed, name=f"page-worker-{n}", daemon=True) for n in range(workers)]
    for thread in threads:
        thread.start()
    try:
        if render_here is not None:
            while here_from is not None and not here_from.wait(WAIT_STEP):
                if not any(thread.is_alive() for thread in threads):
                    break
            while (index := take()) is not None:
                results[index] = render_here(chunks[index])
    except BaseException as error:
        with lock:
            failures.append(error)
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    missing = [index for index, result in enumerate(results) if result is None]
    if missing:
        raise WorkerError(f"{len(missing)} chunks of pages were not rendered")
    return [result for result in results if result is not None]


def main() -> int:
    """The worker: the payload, then chunks until None."""
    # pickles go out on a copy of stdout; anything printed goes to stderr instead
    channel = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    source = sys.stdin.buffer
    try:
        setup, argument = receive(source)
        render = setup(argument)
    except EOFError:
        # the parent is gone: nobody to tell
        return 1
    except BaseException:  # noqa: BLE001 - reported to the parent
        send(channel, ("error", traceback.format_exc()))
        return 1
    while True:
        try:
            chunk = receive(source)
        except EOFError:
            return 1
        if chunk is None:
            return 0
        try:
            written = render(chunk)
        except BaseException:  # noqa: BLE001 - reported to the parent
            send(channel, ("error", traceback.format_exc()))
            return 1
        send(channel, ("ok", [str(path) for path in written]))


if __name__ == "__main__":
    sys.exit(main())
