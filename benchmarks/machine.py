"""The machine a benchmark ran on: CPU model, cores, memory, Python, OS, databases."""

from __future__ import annotations

import os
import platform
import sqlite3
import sys
from pathlib import Path


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return 0.0


def _postgres_version(url: str | None) -> str:
    if not url:
        return "not measured"
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return str(connection.execute(text("SHOW server_version")).scalar())
    except Exception as exc:  # noqa: BLE001 - a description, not a check
        return f"unavailable ({type(exc).__name__})"
    finally:
        engine.dispose()


def describe(postgres_url: str | None = None) -> dict[str, str]:
    """Name → value, in display order."""
    cores = os.cpu_count() or 0
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cores
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    return {
        "CPU": _cpu_model(),
        "cores (logical, usable)": f"{cores}, {usable}",
        "memory": f"{_memory_gib():.1f} GiB",
        "OS": f"{platform.system()} {platform.release()} ({platform.machine()})",
        "Python": sys.version.split()[0] + f" ({platform.python_implementation()})",
        "SQLite": sqlite3.sqlite_version,
        "PostgreSQL": _postgres_version(postgres_url),
        "load average at start (1/5/15 min)": " / ".join(f"{v:.2f}" for v in load),
    }
