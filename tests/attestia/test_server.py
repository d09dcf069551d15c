"""The service started as a real process answers over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.server_process import attestia_server

pytestmark = pytest.mark.server


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    with attestia_server(tmp_path, set_base_url=False) as running:
        yield running.base


def test_real_server_answers(server: str) -> None:
    assert httpx.get(f"{server}/healthz").json() == {"status": "ok"}
    assert httpx.get(f"{server}/readyz").json()["database"] == "ok"
    document = httpx.get(f"{server}/.well-known/did.json").json()
    assert document["id"] == "did:web:127.0.0.1%3A8000"
    assert len(document["verificationMethod"]) >= 5
    home = httpx.get(f"{server}/")
    assert home.status_code == 200
    assert "Attestia" in home.text
