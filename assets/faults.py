"""Named crash points, so tests can kill a real run at a chosen stage instead of guessing a time.

Set DRIJFJACHT_CRASH_AT to a point's name and the process kills itself (SIGKILL: no cleanup, no
exception handlers) when it gets there. Unset, a crash point costs one dictionary look-up.
"""

import os
import signal

CRASH_ENV = "DRIJFJACHT_CRASH_AT"
POINTS = ("ingest", "clean", "publish", "swap")


def crash_point(name: str) -> None:
    if os.environ.get(CRASH_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)
