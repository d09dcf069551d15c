"""Server control: ``attestia serve`` processes sharing a database, and throwaway databases."""

from __future__ import annotations

import base64
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def peak_rss(pid: int) -> int:
    """``VmHWM`` (peak resident set, KiB) of ``pid``, 0 if unreadable."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        return 0
    return 0


class Cluster:
    """``attestia serve`` processes sharing a database, a master key, a data dir, a base URL.

    Server 0's URL is the public base URL (it serves the status lists and DID document the
    verifier fetches); :meth:`kill` therefore targets another server when there is one.
    """

    def __init__(self, database_url: str, servers: int, workdir: Path) -> None:
        self.database_url = database_url
        self.workdir = workdir
        self.ports = [free_port() for _ in range(servers)]
        self.urls = [f"http://127.0.0.1:{p}" for p in self.ports]
        self.base_url = self.urls[0]
        self.data_dir = workdir / "var"
        master = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("ATTESTIA_")} | {
            "ATTESTIA_DATABASE_URL": database_url,
            "ATTESTIA_DATA_DIR": str(self.data_dir),
            "ATTESTIA_BASE_URL": self.base_url,
            "ATTESTIA_MASTER_KEY": master,
            "ATTESTIA_LOG_LEVEL": "WARNING",
            # The simulated wallets stand for many wallets but share one loopback address:
            # the per-address Token Endpoint budget would measure the limiter, not the system.
            "ATTESTIA_OID4VCI_TOKEN_RATE_PER_SECOND": "0",
            # did:web over plain http in dev: the resolver matches host:port, the fetcher host.
            "ATTESTIA_DEV_ALLOWED_HOSTS": json.dumps(
                ["127.0.0.1", "localhost", *(f"127.0.0.1:{p}" for p in self.ports)]
            ),
        }
        self.processes: list[subprocess.Popen[bytes] | None] = [None] * servers
        self.alive = [False] * servers
        self.peak_rss_kib: list[int] = [0] * servers
        self.restarts = 0
        self._live = list(self.urls)

    def _spawn(self, index: int) -> subprocess.Popen[bytes]:
        log = (self.workdir / f"server-{index}.log").open("ab")
        try:
            return subprocess.Popen(
                [sys.executable, "-m", "attestia.cli", "serve", "--port", str(self.ports[index])],
                cwd=REPO,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        finally:
            log.close()

    def _set_alive(self, index: int, up: bool) -> None:
        self.alive[index] = up
        self._live = [url for url, on in zip(self.urls, self.alive, strict=True) if on]

    def start(self, index: int, timeout: float = 90.0) -> None:
        process = self._spawn(index)
        self.processes[index] = process
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                log = (self.workdir / f"server-{index}.log").read_text(errors="replace")
                raise RuntimeError(f"server {index} exited early:\n{log[-3000:]}")
            try:
                if httpx.get(f"{self.urls[index]}/readyz", timeout=2).status_code == 200:
                    self._set_alive(index, True)
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"server {index} not ready within {timeout:.0f} s")

    def start_all(self) -> None:
        for index in range(len(self.ports)):  # one after the other: the first creates keys
            self.start(index)

    def pids(self) -> list[int]:
        """The live server processes' ids."""
        return [p.pid for p in self.processes if p is not None and p.poll() is None]

    def sample_rss(self) -> None:
        for index, process in enumerate(self.processes):
            if process is not None and process.poll() is None:
                self.peak_rss_kib[index] = max(self.peak_rss_kib[index], peak_rss(process.pid))

    def kill(self, index: int) -> None:
        """SIGKILL: no shutdown hook, no flush, no rollback from the process itself."""
        process = self.processes[index]
        assert process is not None
        self.sample_rss()
        self._set_alive(index, False)
        os.kill(process.pid, signal.SIGKILL)
        process.wait()

    def restart(self, index: int) -> None:
        self.start(index)
        self.restarts += 1

    def stop(self) -> None:
        self.sample_rss()
        for process in self.processes:
            if process is not None and process.poll() is None:
                process.terminate()
        for process in self.processes:
            if process is None:
                continue
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def live_urls(self) -> list[str]:
        """The servers up now (all of them while none is known up, e.g. before the start)."""
        return self._live or self.urls


def temporary_postgres_database(admin_url: str) -> tuple[str, Callable[[], None]]:
    """Create an empty database next to ``admin_url``; returns (url, drop callback)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"attestia_load_{secrets.token_hex(6)}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(admin_url).set(database=name).render_as_string(hide_password=False), drop
