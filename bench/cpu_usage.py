"""CPU accounting from Linux /proc, to say where the cores went during a load test.

On a 2-core machine the browsers that simulate users compete with the server
they load, and other people's jobs compete with both; a throughput figure
means little without saying who had the CPU.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, user + system CPU seconds) of a live process, None when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK


def tree_seconds(root: int, exclude: frozenset[int] = frozenset()) -> float:
    """CPU seconds used so far by ``root`` and its live descendants, skipping the subtrees in ``exclude``.

    Processes that already exited are not counted, so short-lived helpers are missed (an undercount).
    """
    stats = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _stat(int(entry.name))) is not None:
            stats[int(entry.name)] = stat
    children: dict[int, list[int]] = {}
    for pid, (parent, _) in stats.items():
        children.setdefault(parent, []).append(pid)
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        if pid in exclude or pid not in stats:
            continue
        total += stats[pid][1]
        todo += children.get(pid, [])
    return total


def machine_jiffies() -> tuple[int, int]:
    """(busy, total) CPU time of the whole machine, all cores, in clock ticks since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)


@dataclass(frozen=True)
class CpuSnapshot:
    server: float
    clients: float
    busy: int
    total: int

    @classmethod
    def take(cls, server_pid: int) -> CpuSnapshot:
        """The server's CPU seconds, this process and its other descendants' (browser, driver), the machine's."""
        busy, total = machine_jiffies()
        clients = tree_seconds(os.getpid(), exclude=frozenset({server_pid}))
        return cls(tree_seconds(server_pid), clients, busy, total)


@dataclass(frozen=True)
class CpuUse:
    """Average cores used over an interval: by the server, by the simulated users, by the whole machine."""

    server_cores: float
    client_cores: float
    machine_cores: float
    server_seconds: float

    @classmethod
    def between(cls, start: CpuSnapshot, end: CpuSnapshot, seconds: float) -> CpuUse:
        cores = os.cpu_count() or 1
        busy = (end.busy - start.busy) / max(end.total - start.total, 1) * cores
        server = end.server - start.server
        return cls(server / seconds, (end.clients - start.clients) / seconds, busy, server)
