"""The build's pool of workers: jobs shared between this process and a worker, results in order, each job
reading only its context and its own arguments."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys

import pytest
from helpers import FIXTURE, ROOT

from pipeline.engine import workers
from pipeline.engine.workers import Context, Workers


def _where(context: Context, job: int) -> tuple[int, int, object]:
    if job < 0:
        raise ValueError(f"bad job {job}")
    return job, os.getpid(), context.shared(dict)["name"] if context._shared is not None else None


def _meet(context: Context, job: int) -> tuple[int, int, object]:
    """A job that, run by the test's own process, waits until a worker has started one: so both take some
    whichever is faster, without a clock deciding. (The timeout only keeps a broken pool from hanging.)"""
    stage = context.shared(dict)
    if os.getpid() == stage["main"]:
        assert stage["worker_started"].wait(timeout=120), "no worker took a job"
    else:
        stage["worker_started"].set()
    return _where(context, job)


def _made_once(context: Context) -> tuple[int, object]:
    return os.getpid(), context.shared(dict)["name"]


def _once(context: Context, job: int) -> tuple[int, int, object]:
    return job, *context.once(_made_once)


@pytest.fixture
def two_cores(monkeypatch):
    monkeypatch.setattr(workers.os, "cpu_count", lambda: 2)


def test_jobs_are_shared_with_a_worker_and_come_back_in_order(two_cores):
    with multiprocessing.get_context("spawn").Manager() as manager, Workers(Context()) as pool:
        pool.start()
        stage = {"name": "values", "main": os.getpid(), "worker_started": manager.Event()}
        results = pool.map(_meet, range(400), shared=stage)
    assert [job for job, _, _ in results] == list(range(400))
    pids = {pid for _, pid, _ in results}
    assert os.getpid() in pids and len(pids) == 2  # this process and one worker both did some
    assert {name for _, _, name in results} == {"values"}  # each saw the stage's values


def test_each_hands_every_result_once_as_it_comes(two_cores):
    """``each`` gives each job's result to this process once, under the job's own index, whoever ran it."""
    taken: list[tuple[int, tuple]] = []
    with multiprocessing.get_context("spawn").Manager() as manager, Workers(Context()) as pool:
        pool.start()
        stage = {"name": "each", "main": os.getpid(), "worker_started": manager.Event()}
        pool.each(_meet, range(300), lambda i, result: taken.append((i, result)), shared=stage)
    assert sorted(i for i, _ in taken) == list(range(300))  # every index exactly once
    assert all(result[0] == i and result[2] == "each" for i, result in taken)
    assert len({pid for _, (_, pid, _) in taken}) == 2


def test_a_stage_sees_its_own_inputs_and_what_it_made_once_per_process(two_cores):
    """What one stage's jobs made from the context is not what the next stage's jobs see."""
    with Workers(Context()) as pool:
        first = pool.map(_once, range(200), shared={"name": "first"})
        second = pool.map(_once, range(200), shared={"name": "second"})
        plain = pool.map(_where, range(200))
    assert {name for _, _, name in first} == {"first"} and {name for _, _, name in second} == {"second"}
    assert {name for _, _, name in plain} == {None}
    assert [job for job, _, _ in second] == list(range(200))


@pytest.mark.parametrize("jobs", [[-1, *range(100)], [*range(100), -1]], ids=["in a worker", "in this process"])
def test_a_failing_job_fails_the_map(two_cores, jobs):
    with Workers(Context()) as pool, pytest.raises(ValueError, match="bad job -1"):
        pool.map(_where, jobs)


def test_few_jobs_or_one_core_or_no_workers_need_no_pool(monkeypatch, two_cores):
    pool = Workers(Context())
    assert [pid for _, pid, _ in pool.map(_where, range(workers.PARALLEL_FROM - 1))] == \
        [os.getpid()] * (workers.PARALLEL_FROM - 1)
    alone = Workers.of(Context(), None)
    assert {pid for _, pid, _ in alone.map(_where, range(200))} == {os.getpid()}
    monkeypatch.setattr(workers.os, "cpu_count", lambda: 1)
    one = Workers(Context())
    one.start()
    assert {pid for _, pid, _ in one.map(_where, range(100))} == {os.getpid()}
    assert pool._pool is None and one._pool is None and alone._pool is None


def test_workers_serve_only_the_context_they_were_made_with():
    pool = Workers(Context(), parallel=False)
    assert Workers.of(pool.context, pool) is pool
    with pytest.raises(ValueError, match="another build"):
        Workers.of(Context(), pool)


# A script with no ``if __name__ == "__main__"`` guard: a stage that started a pool of its own would make
# each spawned worker run this script again, and crash.
SCRIPT = """
from pathlib import Path
from pipeline.stages import charts, story
from pipeline.engine.memo import Memo
from pipeline.model.package import load
from pipeline.model.tables import Tables
import pipeline.engine.workers as workers
workers.os.cpu_count = lambda: 4
workers.PARALLEL_FROM = 1
context = Tables.of(load(Path({package!r})))
print(len(charts.specs(context, Memo(None))), len(story.run(context, Path({out!r}))["nl"]))
"""


def test_any_stage_runs_from_a_plain_script(tmp_path):
    script = tmp_path / "script.py"
    script.write_text(SCRIPT.format(package=str(FIXTURE), out=str(tmp_path / "out")), encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    specs, findings = map(int, done.stdout.split())
    assert specs > 20 and findings > 20
