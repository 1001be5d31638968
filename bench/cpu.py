"""CPU accounting for the benchmarks: whose CPU a load level used, and a fixed CPU
share for the simulated candidates, so a capacity figure counts the server's CPU only.

- `tree_cpu_seconds(pid)`: user + system seconds of a process, all its threads, its
  reaped children and its live descendants (Linux /proc).
- `machine_busy_seconds()`: every core's non-idle seconds (/proc/stat), to see load
  from outside the benchmark.
- `CpuShare`: a cgroup with a CFS quota (v2 `cpu.max`, or v1 `cpu.cfs_quota_us`)
  that caps the processes put in it at a number of cores; needs root.
- `LoopLag`: how late an event loop runs a periodic timer (is the candidates'
  process itself the bottleneck?).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
CGROUP_ROOT = Path("/sys/fs/cgroup")


def process_cpu_seconds(pid: int) -> float:
    """utime + stime (every thread) + cutime + cstime (children it waited for), or 0 if gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    fields = stat[stat.rindex(")") + 2 :].split()  # the name in parentheses may hold spaces
    return sum(int(f) for f in fields[11:15]) / CLOCK_TICKS  # fields 14-17 of proc(5)


def descendants(pid: int) -> list[int]:
    """Live descendants of `pid` (children, grandchildren, ...)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, ValueError, IndexError):
            stat = (entry / "stat").read_text()
            ppid = int(stat[stat.rindex(")") + 2 :].split()[1])
            parents.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        children = parents.get(todo.pop(), [])
        found += children
        todo += children
    return found


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds of `pid` and every live descendant."""
    return sum(process_cpu_seconds(p) for p in [pid, *descendants(pid)])


def machine_busy_seconds() -> float:
    """Non-idle CPU seconds of the whole machine since boot, summed over cores."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return (sum(values[:8]) - idle) / CLOCK_TICKS  # guest time is already inside user


def server_pid(cmdline_part: str = "api.cli") -> int:
    """The pid of the server this process started (bench.common.server_process)."""
    for pid in descendants(os.getpid()):
        with contextlib.suppress(OSError):
            if cmdline_part in Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " "):
                return pid
    raise RuntimeError(f"no child process running {cmdline_part}")


@dataclass
class CpuShare:
    """At most `cores` cores for the processes added, through a cgroup's CFS quota.

    Use as a context manager; `how` says what was done (or why nothing could be),
    `throttled_s()` how long the quota held the group back. Without a writable cgroup
    hierarchy with the cpu controller, `active` is False and nothing is capped."""

    cores: float
    name: str = field(default_factory=lambda: f"intervox-bench-{os.getpid()}")
    period_us: int = 100_000
    path: Path | None = None
    how: str = ""

    @property
    def active(self) -> bool:
        return self.path is not None

    def __enter__(self) -> CpuShare:
        if self.cores <= 0:
            self.how = "no cap asked: measured and subtracted only"
            return self
        quota = int(self.cores * self.period_us)
        v2_cpu = CGROUP_ROOT / "cgroup.subtree_control"
        try:
            if v2_cpu.exists() and "cpu" in v2_cpu.read_text().split():
                path = CGROUP_ROOT / self.name
                path.mkdir(exist_ok=True)
                (path / "cpu.max").write_text(f"{quota} {self.period_us}")
                self.how = f"cgroup v2 {path}/cpu.max = {quota} {self.period_us}"
            elif (CGROUP_ROOT / "cpu" / "cpu.cfs_quota_us").exists():
                path = CGROUP_ROOT / "cpu" / self.name
                path.mkdir(exist_ok=True)
                (path / "cpu.cfs_period_us").write_text(str(self.period_us))
                (path / "cpu.cfs_quota_us").write_text(str(quota))
                self.how = f"cgroup v1 {path}/cpu.cfs_quota_us = {quota} per {self.period_us} us"
            else:
                self.how = "no cgroup with the cpu controller: measured and subtracted only"
                return self
        except OSError as error:
            self.how = f"cannot make a cgroup ({error}): measured and subtracted only"
            return self
        self.path = path
        return self

    def add(self, pid: int) -> None:
        if self.path is not None:
            (self.path / "cgroup.procs").write_text(str(pid))

    def throttled_s(self) -> float | None:
        """Seconds the quota stopped the group's processes from running, so far."""
        if self.path is None:
            return None
        stats = dict(line.split() for line in (self.path / "cpu.stat").read_text().splitlines())
        if "throttled_usec" in stats:  # v2
            return int(stats["throttled_usec"]) / 1e6
        return int(stats.get("throttled_time", 0)) / 1e9  # v1, nanoseconds

    def __exit__(self, *exc: object) -> None:
        if self.path is None:
            return
        parent = self.path.parent / "cgroup.procs"
        for pid in (self.path / "cgroup.procs").read_text().split():  # leftovers go back
            with contextlib.suppress(OSError):
                parent.write_text(pid)
        with contextlib.suppress(OSError):
            self.path.rmdir()
        self.path = None


class LoopLag:
    """Runs a timer every `period_s` on the running loop and records how late it fires."""

    def __init__(self, period_s: float = 0.02) -> None:
        self.period_s = period_s
        self.lags_ms: list[float] = []
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        due = time.monotonic() + self.period_s
        while True:
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            now = time.monotonic()
            self.lags_ms.append((now - due) * 1000)
            due = max(due + self.period_s, now)  # after a stall, measure from now on

    def stop(self) -> dict[str, float | None]:
        if self._task is not None:
            self._task.cancel()
        lags = sorted(self.lags_ms)
        if not lags:
            return {"max_ms": None, "p99_ms": None}
        return {"max_ms": round(lags[-1], 1), "p99_ms": round(lags[int(0.99 * (len(lags) - 1))], 1)}
