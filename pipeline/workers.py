"""The build's context, and one pool of worker processes per build sharing the work with the build's process.

Every job is a plain function of two arguments, ``func(context, job)``. The ``Context`` holds what every
stage reads (the package, its typed table, the plain rows made from it) and what the running stage hands its
jobs (``stage``: the story, the chart manifest, ...); it is made once per process, and whatever a stage's
jobs derive from it once per process (a language's chart recipes, the pages' templates) is kept on it by
``Context.once``. Nothing else is shared: a job reads its context and its arguments, never module state.

Workbooks, chart specifications and chart drawings are made one at a time by single-threaded libraries
(XlsxWriter, Altair, vl-convert), so a second core only helps through a second process. Starting a worker
costs about a second and a half (Python, pandas, Altair, vl-convert), so the build starts the pool early
(``start``), while it validates and writes the downloads, and every stage then shares it: the build's own
process takes jobs from the end of the list while the workers take them from the front, until they meet.
Workers are spawned, not forked: vl-convert's engine does not survive a fork. Only the build makes a pool;
``Workers(context, parallel=False)`` (what every stage uses when it is given no workers) runs each job in
this process, so any stage can be called from a script or a test without a ``__main__`` guard.
"""

from __future__ import annotations

import importlib
import multiprocessing
import multiprocessing.connection
import os
import pickle
import threading
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    import pandas as pd

    from .package import DataPackage

PARALLEL_FROM = 40
T = TypeVar("T")


@dataclass
class Context:
    """What a job may read: the package and its typed table, the plain rows, and the running stage's inputs."""

    pkg: DataPackage
    table: pd.DataFrame
    stage: Any = None  # what the running stage gives its jobs (``Workers.map(..., stage=...)``)
    _stage_token: str = field(default="", repr=False)
    _made: dict[tuple, Any] = field(default_factory=dict, repr=False)

    @cached_property
    def rows(self) -> pd.DataFrame:
        """The table as plain Python values (``indicators.plain_values``), for story, embeds and pages.

        Made here rather than sent: converting takes a tenth of a second, pickling it to each worker most of a
        second of the build's own process.
        """
        from .indicators import plain_values

        return plain_values(self.table)

    def once(self, make: Callable[..., T], *args: Any) -> T:
        """``make(self, *args)``, made once per process while one stage runs (its jobs share it)."""
        key = (make, args)
        if key not in self._made:
            self._made[key] = make(self, *args)
        return self._made[key]

    def enter(self, token: str, stage: Any) -> None:
        """Begin the stage ``token``: what the previous stage's jobs made is dropped."""
        if token != self._stage_token:
            self.stage, self._stage_token = stage, token
            self._made.clear()

    def __getstate__(self) -> dict[str, Any]:
        return {"pkg": self.pkg, "table": self.table}  # to a worker: what it cannot make itself

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(**state)


# In a worker process: the context it was started with, the only thing a worker keeps between jobs.
_WORKER_CONTEXT: Context | None = None


def _start(context: Context | None) -> None:
    global _WORKER_CONTEXT
    _WORKER_CONTEXT = context
    parent = multiprocessing.parent_process()
    if parent is not None:  # in a worker: end with the build, however it ends (even killed outright)
        threading.Thread(target=_exit_with, args=(parent.sentinel,), daemon=True).start()


def _exit_with(sentinel: int) -> None:
    """Wait until the build's process is gone, then end this worker at once: a worker left behind would
    hold memory and files for nobody."""
    multiprocessing.connection.wait([sentinel])
    os._exit(1)


def _run_here(context: Context, func: Callable[[Context, Any], Any], chunk: list[Any]) -> list[Any]:
    return [func(context, job) for job in chunk]


def _run_in_worker(func: Callable[[Context, Any], Any], token: str, stage: bytes | None,
                   chunk: list[Any]) -> list[Any]:
    context = _WORKER_CONTEXT
    if token != context._stage_token:  # the stage's inputs are unpickled once per worker, not per chunk
        context.enter(token, pickle.loads(stage) if stage is not None else None)
    return _run_here(context, func, chunk)


def _ready(modules: tuple[str, ...]) -> None:
    """Submitted once per worker so that it starts, and imports what its jobs need, before they come."""
    for module in modules:
        importlib.import_module(module)


class Workers:
    """``map`` runs jobs in order, on every core when it pays; ``close`` stops the pool."""

    def __init__(self, context: Context, parallel: bool = True):
        """``parallel`` False: every job runs in this process (for work too small to pay for a worker, and
        for stages called outside a build)."""
        self.context = context
        self.cores = (os.cpu_count() or 1) if parallel else 1
        self._pool: ProcessPoolExecutor | None = None

    @classmethod
    def of(cls, context: Context, workers: Workers | None) -> Workers:
        """The build's ``workers`` for this context; without them, this process alone (never a pool)."""
        if workers is None:
            return cls(context, parallel=False)
        if workers.context is not context:
            raise ValueError("these workers were made for another build's context")
        return workers

    def start(self, *modules: str) -> None:
        """Start the workers (one per core but this process's) in the background, if there is a core for
        them, and have them import ``modules`` meanwhile."""
        if self._pool is None and self.cores > 1:
            self._pool = ProcessPoolExecutor(self.cores - 1, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=_start, initargs=(self.context,))
            for _ in range(self.cores - 1):
                self._pool.submit(_ready, modules)

    def map(self, func: Callable[[Context, Any], T], jobs: Iterable[Any], stage: Any = None,
            chunksize: int | None = None) -> list[T]:
        """``[func(context, job) for job in jobs]``, shared between this process and the workers.

        ``stage``: what this stage's jobs read as ``context.stage`` (sent to each worker once).
        ``chunksize``: jobs handed over at a time (by default an eighth of each core's share); 1 suits jobs
        of very different sizes, listed largest first.
        """
        jobs, token = list(jobs), uuid.uuid4().hex
        self.context.enter(token, stage)
        if self._pool is None and (self.cores < 2 or len(jobs) < PARALLEL_FROM):
            return _run_here(self.context, func, jobs)
        self.start()
        blob = pickle.dumps(stage, protocol=pickle.HIGHEST_PROTOCOL) if stage is not None else None
        size = chunksize or max(1, len(jobs) // (self.cores * 8))
        chunks = [jobs[i:i + size] for i in range(0, len(jobs), size)]
        futures: list[Future] = [self._pool.submit(_run_in_worker, func, token, blob, chunk) for chunk in chunks]
        results: list[list[Any] | None] = [None] * len(chunks)
        for i in reversed(range(len(chunks))):
            if not futures[i].cancel():  # a worker has it already: everything before it is theirs
                break
            results[i] = _run_here(self.context, func, chunks[i])
        return [r for i, chunk in enumerate(results) for r in (chunk if chunk is not None else futures[i].result())]

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
