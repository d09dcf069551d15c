"""CPU accounting over the measured window, from ``/proc`` (Linux; zeros elsewhere).

The throughput of the whole system on a shared machine only means something next to where
the CPU went: the servers, the database, the load generator, and what was left idle.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

_PROC = Path("/proc")


def _ticks_per_second() -> int:
    try:
        return int(os.sysconf("SC_CLK_TCK"))
    except (AttributeError, ValueError, OSError):
        return 100


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of ``pid`` (0 when it is gone or unreadable)."""
    try:
        fields = (_PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _ticks_per_second()


def postgres_pids() -> list[int]:
    """Every process whose command is ``postgres`` (server and backends), when visible."""
    pids = []
    for entry in _PROC.glob("[0-9]*"):
        try:
            if (entry / "comm").read_text().strip() == "postgres":
                pids.append(int(entry.name))
        except OSError:
            continue
    return pids


def machine_times() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine since boot (``/proc/stat``)."""
    try:
        values = [int(v) for v in (_PROC / "stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return 0, 0
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    return sum(values) - idle, sum(values)


@dataclass
class CpuSample:
    """Cumulative counters at one instant."""

    servers: float
    database: float
    busy: int
    total: int


def sample(server_pids: Iterable[int]) -> CpuSample:
    busy, total = machine_times()
    return CpuSample(
        servers=sum(process_cpu_seconds(pid) for pid in server_pids),
        database=sum(process_cpu_seconds(pid) for pid in postgres_pids()),
        busy=busy,
        total=total,
    )


@dataclass
class CpuUse:
    """CPU seconds spent in the window by each part, and the machine's busy share."""

    servers: float = 0.0
    database: float = 0.0
    machine_busy: float = float("nan")

    @classmethod
    def between(cls, start: CpuSample, end: CpuSample) -> CpuUse:
        total = end.total - start.total
        return cls(
            servers=max(0.0, end.servers - start.servers),
            # Backends that ended in the window take their counters with them: a lower bound.
            database=max(0.0, end.database - start.database),
            machine_busy=(end.busy - start.busy) / total if total > 0 else float("nan"),
        )
