"""One pool of worker processes per build, started when a stage first has enough work for it.

Workbooks, chart specifications and chart drawings are made one at a time by single-threaded libraries
(openpyxl, Altair, vl-convert), so a second core only helps through a second process. Starting a worker
costs about a second (Python, pandas, Altair, vl-convert), so a stage uses the pool only from
``PARALLEL_FROM`` jobs up, and the stages share one pool instead of starting their own. Workers are
spawned, not forked: vl-convert's engine does not survive a fork. Each worker receives the package and
the indicator table once, when it starts (``shared``); run in this process, a job sees the same.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

PARALLEL_FROM = 40
_SHARED: dict[str, Any] = {}


def shared() -> dict[str, Any]:
    """What every job may read: ``pkg`` and ``table`` of the build (empty when none were given)."""
    return _SHARED


def _start(values: dict[str, Any]) -> None:
    _SHARED.clear()
    _SHARED.update(values)


class Workers:
    """``map`` runs jobs in order, on every core when there are enough of them; ``close`` stops the pool."""

    def __init__(self, **values: Any):
        self.values = values
        self.cores = os.cpu_count() or 1
        self._pool: ProcessPoolExecutor | None = None

    def map(self, func: Callable[[Any], Any], jobs: Iterable[Any]) -> list[Any]:
        jobs = list(jobs)
        if self.cores < 2 or len(jobs) < PARALLEL_FROM:
            _start(self.values)
            return [func(job) for job in jobs]
        if self._pool is None:
            self._pool = ProcessPoolExecutor(self.cores, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=_start, initargs=(self.values,))
        return list(self._pool.map(func, jobs, chunksize=max(1, len(jobs) // (self.cores * 4))))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
