"""The benchmarks' CPU accounting: /proc counters, the candidates' CPU cap, loop lag."""

import asyncio
import os
import subprocess
import sys
import time

import pytest

from bench.cpu import CpuShare, LoopLag, machine_busy_seconds, process_cpu_seconds, tree_cpu_seconds

BUSY = [sys.executable, "-c", "import time\nend = time.time() + {s}\nwhile time.time() < end: pass"]


def busy_child(seconds: float) -> subprocess.Popen[bytes]:
    return subprocess.Popen([*BUSY[:2], BUSY[2].format(s=seconds)])


def test_own_cpu_seconds_follow_the_work_done():
    before, own_before = process_cpu_seconds(os.getpid()), time.process_time()
    end = time.process_time() + 0.3
    while time.process_time() < end:
        pass
    spent = process_cpu_seconds(os.getpid()) - before
    assert abs(spent - (time.process_time() - own_before)) < 0.05


def test_a_busy_child_counts_in_the_tree_and_on_the_machine():
    tree, machine = tree_cpu_seconds(os.getpid()), machine_busy_seconds()
    child = busy_child(0.8)
    time.sleep(0.5)
    running = process_cpu_seconds(child.pid)
    assert running > 0.05
    assert tree_cpu_seconds(os.getpid()) - tree >= running - 0.02  # a live descendant counts
    child.wait()  # reaped: its seconds move into our cutime, and still count
    assert tree_cpu_seconds(os.getpid()) - tree >= running
    assert machine_busy_seconds() - machine >= running - 0.02


def test_a_vanished_process_has_no_cpu():
    child = busy_child(0)
    child.wait()
    assert process_cpu_seconds(child.pid) == 0.0


def test_loop_lag_sees_a_blocked_loop():
    async def run() -> dict:
        lag = LoopLag(period_s=0.01)
        lag.start()
        await asyncio.sleep(0.05)
        time.sleep(0.15)  # something blocks the loop
        await asyncio.sleep(0.05)
        return lag.stop()

    figures = asyncio.run(run())
    assert figures["max_ms"] is not None and figures["max_ms"] >= 100


def test_no_cap_asked_means_nothing_is_touched():
    with CpuShare(0) as share:
        assert not share.active and share.throttled_s() is None
        share.add(os.getpid())  # a no-op


@pytest.mark.slow
def test_a_capped_child_gets_about_its_share():
    with CpuShare(0.25, name=f"intervox-test-{os.getpid()}") as share:
        if not share.active:
            pytest.skip(share.how)
        child = busy_child(1.2)
        share.add(child.pid)
        time.sleep(1.0)
        used = process_cpu_seconds(child.pid)
        child.wait()
        assert (share.throttled_s() or 0) > 0
        path = share.path
    assert 0.1 < used < 0.4  # 0.25 core over ~1 s, not the ~1 s it would take uncapped
    assert path is not None and not path.exists()  # the cgroup is removed on exit
