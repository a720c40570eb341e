"""One pool of worker processes per build, sharing the work with the build's own process, and the context
every job reads.

Every job is a plain function of two arguments, ``func(context, job)``. The ``Context`` is what every stage
reads (the build's tables: ``model.tables.Tables``) and what the running stage hands its jobs (``shared``:
the story, the pages' views, ...); it is made once per process, and whatever a stage's jobs derive from it
once per process (a language's chart recipes, the pages' templates) is kept on it by ``Context.once``. Nothing
else is shared: a job reads its context and its arguments, never module state.

Workbooks, chart specifications and chart drawings are made one at a time by single-threaded libraries
(XlsxWriter, vl-convert), so a second core only helps through a second process. Starting a worker
costs about a second and a half (Python, pandas, vl-convert), so the build starts the pool early
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
import tempfile
import threading
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any, TypeVar

PARALLEL_FROM = 40  # fewer jobs than this: starting a worker costs more than it saves
CHUNKS_PER_CORE = 64
T = TypeVar("T")


class Context:
    """What a job may read: what the build made for every stage (a subclass's fields, sent to each worker
    once) and the running stage's ``shared`` inputs (sent once per stage)."""

    def __init__(self) -> None:
        self._shared: Any = None
        self._stage_token = ""
        self._made: dict[tuple, Any] = {}

    def shared(self, kind: type[T]) -> T:
        """What the running stage gave its jobs (``Workers.map(..., shared=...)``), checked to be a ``kind``."""
        if not isinstance(self._shared, kind):
            raise TypeError(f"this stage's jobs were given {type(self._shared).__name__}, not {kind.__name__}")
        return self._shared

    def once(self, make: Callable[..., T], *args: Any) -> T:
        """``make(self, *args)``, made once per process while one stage runs (its jobs share it)."""
        key = (make, args)
        if key not in self._made:
            self._made[key] = make(self, *args)
        return self._made[key]

    def enter(self, token: str, shared: Any) -> None:
        """Begin the stage ``token``: what the previous stage's jobs made is dropped."""
        if token != self._stage_token:
            self._shared, self._stage_token = shared, token
            self._made.clear()

    def __getstate__(self) -> dict[str, Any]:
        """To a worker: a subclass's own fields (what a worker cannot make itself), never a stage's."""
        return {key: value for key, value in self.__dict__.items() if not key.startswith("_")}

    def __setstate__(self, state: dict[str, Any]) -> None:
        Context.__init__(self)
        self.__dict__.update(state)


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


def _run_in_worker(func: Callable[[Context, Any], Any], token: str, inputs: str | None,
                   chunk: list[Any]) -> list[Any]:
    context = _WORKER_CONTEXT
    if token != context._stage_token:  # the stage's inputs are read once per worker, not per chunk
        context.enter(token, pickle.loads(Path(inputs).read_bytes()) if inputs is not None else None)
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

    def map(self, func: Callable[[Context, Any], T], jobs: Iterable[Any], shared: Any = None,
            chunksize: int | None = None) -> list[T]:
        """``[func(context, job) for job in jobs]``, shared between this process and the workers (``each``)."""
        jobs = list(jobs)
        results: list[Any] = [None] * len(jobs)
        self.each(func, jobs, results.__setitem__, shared, chunksize)
        return results

    def each(self, func: Callable[[Context, Any], T], jobs: Iterable[Any], take: Callable[[int, T], None],
             shared: Any = None, chunksize: int | None = None) -> None:
        """``take(i, func(context, job))`` for the i-th job, in this process, as soon as that job's share is
        done (in no particular order): a stage can write each result and let it go, rather than hold them all.

        ``shared``: what this stage's jobs read as ``context.shared(kind)`` (written to a file once, which each
        worker reads once). ``chunksize``: jobs handed over at a time; by default a sixty-fourth of each core's share,
        so that when this process, working from the end, meets the workers, what is left for it to wait for
        (a worker's chunk in hand and the one queued for it) is small. 1 suits jobs of very different sizes,
        listed largest first.
        """
        jobs, token = list(jobs), uuid.uuid4().hex
        self.context.enter(token, shared)
        if self._pool is None and (self.cores < 2 or len(jobs) < PARALLEL_FROM):
            for i, job in enumerate(jobs):
                take(i, func(self.context, job))
            return
        self.start()
        size = chunksize or max(1, -(-len(jobs) // (self.cores * CHUNKS_PER_CORE)))
        starts = range(0, len(jobs), size)

        def hand(start: int, results: list[Any]) -> None:
            for offset, result in enumerate(results):
                take(start + offset, result)

        # ignore_cleanup_errors: after a failed job a worker may still be reading the file (Windows keeps it)
        with tempfile.TemporaryDirectory(prefix="monitor-stage-", ignore_cleanup_errors=True) as folder:
            inputs = None
            if shared is not None:
                inputs = os.path.join(folder, "shared.pickle")
                Path(inputs).write_bytes(pickle.dumps(shared, protocol=pickle.HIGHEST_PROTOCOL))
            pending = {start: self._pool.submit(_run_in_worker, func, token, inputs, jobs[start:start + size])
                       for start in starts}
            try:
                for start in reversed(starts):
                    if start not in pending or not pending[start].cancel():
                        break  # a worker has it (or has done it): everything before it is theirs
                    del pending[start]
                    hand(start, _run_here(self.context, func, jobs[start:start + size]))
                    for finished in [s for s, future in pending.items() if future.done()]:
                        hand(finished, pending.pop(finished).result())
                by_future = {future: start for start, future in pending.items()}
                for future in as_completed(by_future):
                    hand(by_future[future], future.result())  # raises what the job raised
            finally:
                for future in pending.values():
                    future.cancel()  # after a failure: nobody waits for the rest

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def helper(*modules: str) -> ProcessPoolExecutor | None:
    """One spawned process that imports ``modules`` while the build validates, so that a small package's work
    of one stage can run beside the next (on one core: none). It ends with the build, however it ends."""
    if (os.cpu_count() or 1) < 2:
        return None
    pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"), initializer=_start,
                               initargs=(None,))
    pool.submit(_ready, modules)
    return pool
