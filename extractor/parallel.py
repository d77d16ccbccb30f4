"""Run a function over a stream of tasks in worker processes, yielding results in task order.

Extraction is pure CPU work per page, so ``--jobs N`` spreads it over N processes while the one
writer stores results in the order the pages came in: the database ends up exactly as with one
job. At most ``ahead`` tasks are in flight, so memory stays bounded by the pages in the window.
"""

from __future__ import annotations

import multiprocessing
import signal
import sys
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Callable, Iterable, Iterator, TypeVar

from .errors import WujinError

# Linux forks workers that start at once with the rules loaded; they touch no database handle of
# the parent (workers only extract). Elsewhere fork is unsafe with system libraries: spawn.
START_METHOD = "fork" if sys.platform == "linux" else "spawn"

C = TypeVar("C")
R = TypeVar("R")


def _ignore_interrupts() -> None:
    """Workers leave Ctrl-C to the parent, which stops them and says what was saved."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


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
                               initializer=_ignore_interrupts)
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
