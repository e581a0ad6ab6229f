"""The output folder's lock: one run at a time writes a folder. No Dagster here, so that the
command line can take the lock (and say at once that the folder is busy) before loading anything."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_FILE = ".run.lock"


class OutputBusy(Exception):
    """Another run holds the output folder."""


@contextmanager
def output_lock(folder: Path) -> Iterator[None]:
    """Hold `folder` for one run; the OS frees it even when the run is killed."""
    folder.mkdir(parents=True, exist_ok=True)
    handle = open(folder / LOCK_FILE, "a+")  # noqa: SIM115 - held for the whole block
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise OutputBusy(
                f"another drijfjacht run ({holder}) is writing to {folder}: "
                "wait for it to finish and run again"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        yield
    finally:
        handle.close()
