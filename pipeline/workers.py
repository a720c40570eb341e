"""One pool of worker processes per build, sharing the work with the build's own process.

Workbooks, chart specifications and chart drawings are made one at a time by single-threaded libraries
(XlsxWriter, Altair, vl-convert), so a second core only helps through a second process. Starting a worker
costs about a second and a half (Python, pandas, Altair, vl-convert), so the build starts the pool
early (``start``), while it validates and writes the downloads, and every stage then shares it: the
build's own process takes jobs from the end of the list while the workers take them from the front,
until they meet. Workers are spawned, not forked: vl-convert's engine does not survive a fork. Each
worker receives the package and the tables once, when it starts (``shared``); run in this process, a
job sees the same. A pool nobody started is started by ``map`` only from ``PARALLEL_FROM`` jobs up.
"""

from __future__ import annotations

import importlib
import multiprocessing
import multiprocessing.connection
import os
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

PARALLEL_FROM = 40
_SHARED: dict[str, Any] = {}


def shared() -> dict[str, Any]:
    """What every job may read: the values the pool was made with (``pkg``, ``table``, ``rows``)."""
    return _SHARED


def _start(values: dict[str, Any]) -> None:
    _SHARED.clear()
    _SHARED.update(values)
    parent = multiprocessing.parent_process()
    if parent is not None:  # in a worker: end with the build, however it ends (even killed outright)
        threading.Thread(target=_exit_with, args=(parent.sentinel,), daemon=True).start()


def _exit_with(sentinel: int) -> None:
    """Wait until the build's process is gone, then end this worker at once: a worker left behind would
    hold memory and files for nobody."""
    multiprocessing.connection.wait([sentinel])
    os._exit(1)


def _run(func: Callable[[Any], Any], chunk: list[Any]) -> list[Any]:
    return [func(job) for job in chunk]


def _ready(modules: tuple[str, ...]) -> None:
    """Submitted once per worker so that it starts, and imports what its jobs need, before they come."""
    for module in modules:
        importlib.import_module(module)


class Workers:
    """``map`` runs jobs in order, on every core when it pays; ``close`` stops the pool."""

    def __init__(self, parallel: bool = True, **values: Any):
        """``parallel`` False: every job runs in this process (for work too small to pay for a worker)."""
        self.values = values
        self.cores = (os.cpu_count() or 1) if parallel else 1
        self._pool: ProcessPoolExecutor | None = None

    def start(self, *modules: str) -> None:
        """Start the workers (one per core but this process's) in the background, if there is a core for
        them, and have them import ``modules`` meanwhile."""
        if self._pool is None and self.cores > 1:
            self._pool = ProcessPoolExecutor(self.cores - 1, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=_start, initargs=(self.values,))
            for _ in range(self.cores - 1):
                self._pool.submit(_ready, modules)

    def map(self, func: Callable[[Any], Any], jobs: Iterable[Any], chunksize: int | None = None) -> list[Any]:
        """``[func(job) for job in jobs]``, shared between this process and the workers.

        ``chunksize``: jobs handed over at a time (by default an eighth of each core's share); 1 suits jobs
        of very different sizes, listed largest first.
        """
        jobs = list(jobs)
        if self._pool is None and (self.cores < 2 or len(jobs) < PARALLEL_FROM):
            _start(self.values)
            return _run(func, jobs)
        self.start()
        size = chunksize or max(1, len(jobs) // (self.cores * 8))
        chunks = [jobs[i:i + size] for i in range(0, len(jobs), size)]
        futures: list[Future] = [self._pool.submit(_run, func, chunk) for chunk in chunks]
        _start(self.values)
        results: list[list[Any] | None] = [None] * len(chunks)
        for i in reversed(range(len(chunks))):
            if not futures[i].cancel():  # a worker has it already: everything before it is theirs
                break
            results[i] = _run(func, chunks[i])
        return [r for i, chunk in enumerate(results) for r in (chunk if chunk is not None else futures[i].result())]

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def run_jobs(workers: Workers | None, func: Callable[[Any], Any], jobs: Iterable[Any], chunksize: int | None = None,
             **values: Any) -> list[Any]:
    """``workers.map(func, jobs)`` with the build's workers, or, without them, with a pool of its own made
    with ``values`` (what the jobs read from ``shared``)."""
    if workers is not None:
        return workers.map(func, jobs, chunksize)
    with Workers(**values) as own:
        return own.map(func, jobs, chunksize)
