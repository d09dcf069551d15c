"""A login against a real server process: browser → sandbox → callback, over sockets."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.attestia.test_server import free_port

pytestmark = pytest.mark.server


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {key: value for key, value in os.environ.items() if not key.startswith("ATTESTIA_")} | {
        "ATTESTIA_DATA_DIR": str(tmp_path / "var"),
        "ATTESTIA_BASE_URL": base,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "attestia.cli", "serve", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                output = process.stdout.read().decode() if process.stdout else ""
                pytest.fail(f"server exited early:\n{output}")
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            pytest.fail("server did not start within 60 s")
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout:
            process.stdout.close()


def test_login_and_logout_against_real_server(server: str) -> None:
    with httpx.Client(base_url=server, follow_redirects=True, timeout=10) as client:
        picker = client.get("/auth/login", params={"next": "/auth/me", "certification": "1"})
        assert picker.status_code == 200
        assert picker.url.path == "/sandbox/proconnect/api/v2/authorize"
        interaction = picker.text.split('name="interaction" value="', 1)[1].split('"', 1)[0]
        me = client.post(
            "/sandbox/proconnect/api/v2/interaction",
            data={
                "interaction": interaction,
                "persona": "entrepreneur-individuel",
                "siret": "84293751800012",
                "acr": "https://proconnect.gouv.fr/assurance/certification-dirigeant",
            },
        )
        assert me.url.path == "/auth/me"
        identity = me.json()["identity"]
        assert identity["siret"] == "84293751800012"
        assert identity["roles"] == ["dirigeant"]
        assert identity["acr"].endswith("certification-dirigeant")
        page = client.get("/auth/logout")
        token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        done = client.post("/auth/logout", data={"csrf_token": token})
        assert done.url.path == "/auth/logged-out"
        assert client.get("/auth/me").status_code == 401
