"""The test suite's wall clock, shared with the helper processes the tests start.

`tests/conftest.py` freezes the wall clock at FIXED_NOW (ticking) for every test with
time-machine. A helper process that writes to a ledger the test then reads (the crash
seller, the PostgreSQL terminal workers) must see the same clock, so the fixture puts the
offset from the real clock in `POS_TEST_CLOCK_OFFSET` and `follow()` applies it in the child.
The application itself has no such switch: only test code reads this variable.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone

ENV = "POS_TEST_CLOCK_OFFSET"


def real_now() -> datetime:
    """The machine's clock (or libfaketime's), beneath any time-machine travel."""
    import time
    import time_machine

    hatch = time_machine.escape_hatch
    now = hatch.time.time() if hatch.is_travelling() else time.time()
    return datetime.fromtimestamp(now, timezone.utc)


def offset_to(moment: datetime) -> str:
    """The value of ENV that makes a child's clock read `moment` now."""
    return repr((moment - real_now()).total_seconds())


def follow() -> None:
    """In a helper process: tick from the parent test's wall clock, if it set one."""
    sleep_that_works()
    offset = os.environ.get(ENV)
    if not offset:
        return
    import time_machine

    time_machine.travel(real_now() + timedelta(seconds=float(offset)), tick=True).start()


def sleep_that_works() -> None:
    """Where the machine refuses time.sleep, a timed wait in its place, for this process.

    Under libfaketime with FAKETIME_DONT_FAKE_MONOTONIC=1, Python's time.sleep (an absolute
    deadline on the monotonic clock) fails with EINVAL, and with it the standard library's own
    waits built on it: subprocess.run(..., timeout=...) among them, which every test that runs
    `pos` as a process uses. A relative timed wait (threading.Event().wait) still works there.
    On any other machine time.sleep works and nothing is replaced.
    """
    import threading
    import time

    try:
        time.sleep(0.001)
    except OSError:
        def sleep(seconds: float) -> None:
            if seconds < 0:
                raise ValueError("sleep length must be non-negative")
            threading.Event().wait(seconds)

        time.sleep = sleep
