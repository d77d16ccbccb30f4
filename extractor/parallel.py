"""Run a function over a stream of tasks in worker processes, yielding results in task order.

Extraction is pure CPU work per page, so ``--jobs N`` spreads it over N processes while the one
writer stores results in the order the pages came in: the database ends up exactly as with one
job. At most ``ahead`` tasks are in flight, so memory stays bounded by the pages in the window.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Callable, Iterable, Iterator, TypeVar

from .errors import WujinError

# Linux forks workers that start at once with the rules loaded; they touch no database handle of
# the parent (workers only extract). Elsewhere fork is unsafe with system libraries: spawn.
START_METHOD = "fork" if sys.platform == "linux" else "spawn"
PARENT_CHECK_SECONDS = 0.5

C = TypeVar("C")
R = TypeVar("R")


def _start_worker(parent: int) -> None:
    """Workers leave Ctrl-C to the parent, which stops them and says what was saved, and end
    when the parent is gone (killed, it cannot tell them: they would wait for work forever)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()


def _exit_with(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(1)


def in_order(fn: Callable[..., R], tasks: Iterable[tuple[C, tuple | None]], jobs: int,
             ahead: int | None = None) -> Iterator[tuple[C, R | None]]:
    """For each ``(context, args)`` yield ``(context, fn(*args))``; ``args`` None means no call.

    With ``jobs`` 1 everything runs here, one task at a time. ``context`` never leaves this process.
    """
    if jobs <= 1:
        for context, args in tasks:
            yield context, (fn(*args) if args is not None else None)
        return
    ahead = ahead or 4 * jobs
    pool = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context(START_METHOD),
                               initializer=_start_worker, initargs=(os.getpid(),))
    pending: deque[tuple[C, Future | None]] = deque()
    try:
        for context, args in tasks:
            pending.append((context, pool.submit(fn, *args) if args is not None else None))
            if len(pending) >= ahead:
                yield _result(*pending.popleft())
        while pending:
            yield _result(*pending.popleft())
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _result(context, future: Future | None):
    try:
        return context, (future.result() if future is not None else None)
    except BrokenProcessPool:
        raise WujinError("a worker process died (out of memory?); run again, or with fewer --jobs") from None
