"""Start ``attestia serve`` as a real process for tests that need one, and stop it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

START_TIMEOUT_SECONDS = 60


@dataclass(frozen=True, slots=True)
class RunningServer:
    base: str
    data_dir: Path
    log: Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def clean_environment(**extra: str) -> dict[str, str]:
    """This process's environment without any ``ATTESTIA_`` setting, plus ``extra``."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("ATTESTIA_")}
    return env | extra


@contextmanager
def attestia_server(
    tmp_path: Path, *, set_base_url: bool = True, env: Mapping[str, str] | None = None
) -> Iterator[RunningServer]:
    """A dev server on a free loopback port with its data in ``tmp_path/var``.

    Its output goes to a file (a pipe nobody reads would block a chatty server) and is
    shown when it exits early. ``set_base_url=False`` keeps the default public URL.
    """
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    data_dir = tmp_path / "var"
    settings = {"ATTESTIA_DATA_DIR": str(data_dir)}
    if set_base_url:
        settings["ATTESTIA_BASE_URL"] = base
    log_path = tmp_path / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "attestia.cli", "serve", "--port", str(port)],
            cwd=tmp_path,
            env=clean_environment(**settings, **(env or {})),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_until_healthy(process, base, log_path)
            yield RunningServer(base=base, data_dir=data_dir, log=log_path)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until_healthy(process: subprocess.Popen[bytes], base: str, log_path: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"server exited early:\n{log_path.read_text(errors='replace')}")
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    pytest.fail(f"server did not start within {START_TIMEOUT_SECONDS} s")
