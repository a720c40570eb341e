"""A build's worker processes end with it, however it ends: a killed build leaves no process behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from helpers import ROOT

# Starts the build's workers as the build does, says their process ids, then waits to be killed.
CHILD = """
import os, sys, time
from pipeline.engine import workers
if __name__ == "__main__":
    workers.os.cpu_count = lambda: 3
    pool = workers.Workers(workers.Context())
    pool.start("pipeline.stages.charts")
    executor = pool._pool  # the test needs the workers' ids; the pool does not otherwise tell them
    for _ in range(4):
        executor.submit(os.getpid).result()  # the workers are up and working
    print(" ".join(map(str, sorted(set(executor._processes)))), flush=True)
    time.sleep(600)
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A process that ended but was not yet reaped by its parent is gone for every purpose here.
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        return stat.read().split(") ", 1)[1][0] != "Z"


@pytest.mark.skipif(not hasattr(signal, "SIGKILL") or not os.path.isdir("/proc"), reason="needs SIGKILL and /proc")
def test_killing_the_build_ends_its_workers(tmp_path):
    script = tmp_path / "child.py"
    script.write_text(CHILD, encoding="utf-8")
    child = subprocess.Popen([sys.executable, str(script)], cwd=ROOT, stdout=subprocess.PIPE, text=True,
                             env={**os.environ, "PYTHONPATH": str(ROOT)})
    pids = [int(p) for p in child.stdout.readline().split()]
    assert pids, "the workers took no job"
    assert all(_alive(pid) for pid in pids)
    child.send_signal(signal.SIGKILL)
    child.wait()
    # The workers notice through the operating system's handle on their parent; give them a few seconds.
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in pids if _alive(pid)]
