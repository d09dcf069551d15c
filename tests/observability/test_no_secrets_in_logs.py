"""Logs never contain secrets (issue #9; style guide rule 11).

A complete visit (:mod:`tests.observability.scenario`: ProConnect login through the
sandbox, portal offer, Pre-Authorized Code flow with tx_code and DPoP, SD-JWT VC naming the
persona, OpenID4VP presentation) runs with logging at DEBUG, and then no log line may hold
a token, code, nonce, tx_code, cookie, JWT, SD-JWT disclosure, private key, or the
persona's names. Two variants: every record the app emits in process (caplog on the root
logger, with the deployment's own :func:`~attestia.logging_setup.configure_logging` at
DEBUG), and the standard error of a real ``attestia serve`` process.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from attestia.db import make_engine, make_session_factory
from attestia.logging_setup import configure_logging
from issuer.catalogue import load_catalogue
from issuer.oid4vci.adapters import CatalogueAdapter
from issuer.oid4vci.config import Oid4vciConfig
from issuer.oid4vci.context import IssuedCredential, Oid4vciContext
from issuer.web.oid4vci import context_for
from tests.observability import scenario
from tests.observability.conftest import Deployment
from tests.server_process import free_port

#: Loggers whose records the test captures besides the root's descendants.
SERVER_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")
#: Loggers of the libraries the test itself drives (wallet, holder, HTTP client).
HARNESS_LOGGERS = {"httpx", "httpx2", "httpcore", "sd_jwt", "asyncio"}


def _record_text(record: logging.LogRecord) -> str:
    text = record.getMessage()
    if record.exc_info:
        text += "\n" + logging.Formatter().formatException(record.exc_info)
    if record.stack_info:
        text += "\n" + record.stack_info
    return f"{record.name}: {text}"


def test_in_process_logs_hold_no_secret(
    deployed: Deployment, caplog: pytest.LogCaptureFixture, restore_logging: None
) -> None:
    configure_logging(json_format=False, level="DEBUG")
    logging.getLogger().addHandler(caplog.handler)  # configure_logging replaced the handlers
    caplog.set_level(logging.DEBUG)
    for name in SERVER_LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    harness = threading.get_ident()

    ctx = context_for(deployed.app)
    secrets, result = scenario.run(
        deployed.http,
        deployed.settings.base_url,
        deployed.data_dir,
        code_offer=lambda: scenario.authorization_code_offer(ctx),
    )

    assert result["verified"] is True, [c for c in result["checks"] if not c["passed"]]
    # The app runs in TestClient's event-loop thread and its worker threads. Records of
    # this thread are the harness's own: its HTTP client logging the URLs it requests
    # (codes in query strings) and the OWF sd_jwt library building the presentation.
    records = [r for r in caplog.records if r.thread != harness]
    assert {r.name for r in caplog.records if r.thread == harness} <= HARNESS_LOGGERS
    assert len(records) > 20, "the visit should have logged (access log at least)"
    lines = [_record_text(record) for record in records]
    assert secrets.leaks(lines) == []


class NoMinter:
    """The test process only writes offers into the server's database."""

    def mint(self, *_: Any, **__: Any) -> IssuedCredential:
        raise AssertionError("the server mints, not the test")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path, Path]]:
    """A real ``attestia serve`` at DEBUG, standard error to a file: (URL, data dir, log)."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    data_dir = tmp_path / "var"
    log = tmp_path / "server.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("ATTESTIA_")} | {
        "ATTESTIA_DATA_DIR": str(data_dir),
        "ATTESTIA_BASE_URL": base_url,
        "ATTESTIA_LOG_LEVEL": "DEBUG",
        "ATTESTIA_LOG_FORMAT": "json",
        # did:web resolution compares host:port with the dev hosts served over plain http
        "ATTESTIA_DEV_ALLOWED_HOSTS": f'["127.0.0.1", "127.0.0.1:{port}"]',
    }
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "attestia.cli", "serve", "--port", str(port)],
            cwd=tmp_path,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"the server exited early:\n{log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("the server did not start within 60 s")
            time.sleep(0.2)
        yield base_url, data_dir, log
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.mark.server
def test_server_stderr_holds_no_secret(server: tuple[str, Path, Path]) -> None:
    base_url, data_dir, log = server
    engine = make_engine(f"sqlite:///{data_dir / 'attestia.db'}")
    ctx = Oid4vciContext(
        config=Oid4vciConfig(credential_issuer=base_url),
        sessions=make_session_factory(engine),
        catalogue=CatalogueAdapter(load_catalogue(base_url)),
        minter=NoMinter(),
    )
    try:
        with httpx.Client(timeout=60) as http:
            secrets, result = scenario.run(
                http, base_url, data_dir, code_offer=lambda: scenario.authorization_code_offer(ctx)
            )
    finally:
        engine.dispose()
    assert result["verified"] is True, [c for c in result["checks"] if not c["passed"]]
    time.sleep(0.5)  # let the last access-log lines reach the file
    lines = log.read_text(encoding="utf-8").splitlines()
    assert sum('"logger": "attestia.access"' in line for line in lines) > 10
    assert secrets.leaks(lines) == []


@pytest.mark.parametrize(
    ("line", "found"),
    [
        ("attestia.access: POST /issuer/token 200 3.1ms", False),
        ("token=Zx9-access-token-value", True),
        ("given name ELOISE marie", True),
        ("header eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.sig", True),
        ('jwk {"kty": "EC", "d": "secret"}', True),
        ("-----BEGIN PRIVATE KEY-----", True),
        ("elapsed 4812345ms", False),  # the tx_code inside a longer number
        ("tx_code 812345 refused", True),
    ],
    ids=["access-log", "token", "name-any-case", "jwt", "jwk-d", "pem", "digits-inside", "digits"],
)
def test_the_detector_finds_what_it_looks_for(line: str, found: bool) -> None:
    secrets = scenario.Secrets()
    secrets.add("access token", "Zx9-access-token-value")
    secrets.add("given_name", "Eloise Marie")
    secrets.add("tx_code", "812345")
    assert bool(secrets.leaks([line])) is found
