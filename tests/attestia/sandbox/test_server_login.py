"""A login against a real server process: browser → sandbox → callback, over sockets."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.server_process import attestia_server

pytestmark = pytest.mark.server


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    with attestia_server(tmp_path) as running:
        yield running.base


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
