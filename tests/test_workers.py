"""The build's pool of workers: jobs shared between this process and a worker, results in order."""

from __future__ import annotations

import multiprocessing
import os

import pytest

from pipeline import workers
from pipeline.workers import Workers


def _where(job: int) -> tuple[int, int, str]:
    if job < 0:
        raise ValueError(f"bad job {job}")
    return job, os.getpid(), workers.shared().get("name", "")


def _meet(job: int) -> tuple[int, int, str]:
    """A job that, run by the test's own process, waits until a worker has started one: so both take some
    whichever is faster, without a clock deciding. (The timeout only keeps a broken pool from hanging.)"""
    values = workers.shared()
    if os.getpid() == values["main"]:
        assert values["worker_started"].wait(timeout=120), "no worker took a job"
    else:
        values["worker_started"].set()
    return _where(job)


@pytest.fixture
def two_cores(monkeypatch):
    monkeypatch.setattr(workers.os, "cpu_count", lambda: 2)


def test_jobs_are_shared_with_a_worker_and_come_back_in_order(two_cores):
    with multiprocessing.get_context("spawn").Manager() as manager, \
            Workers(name="values", main=os.getpid(), worker_started=manager.Event()) as pool:
        pool.start()
        results = pool.map(_meet, range(400))
    assert [job for job, _, _ in results] == list(range(400))
    pids = {pid for _, pid, _ in results}
    assert os.getpid() in pids and len(pids) == 2  # this process and one worker both did some
    assert {name for _, _, name in results} == {"values"}  # each saw the values the pool was made with


@pytest.mark.parametrize("jobs", [[-1, *range(100)], [*range(100), -1]], ids=["in a worker", "in this process"])
def test_a_failing_job_fails_the_map(two_cores, jobs):
    with Workers() as pool, pytest.raises(ValueError, match="bad job -1"):
        pool.map(_where, jobs)


def test_few_jobs_or_one_core_need_no_pool(monkeypatch, two_cores):
    pool = Workers()
    assert [pid for _, pid, _ in pool.map(_where, range(workers.PARALLEL_FROM - 1))] == \
        [os.getpid()] * (workers.PARALLEL_FROM - 1)
    monkeypatch.setattr(workers.os, "cpu_count", lambda: 1)
    one = Workers()
    one.start()
    assert {pid for _, pid, _ in one.map(_where, range(100))} == {os.getpid()}
    assert pool._pool is None and one._pool is None
