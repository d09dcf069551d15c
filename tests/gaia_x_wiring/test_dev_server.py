"""A dev deployment on plain http verifies its own Gaia-X presentations (x5u over http).

A real server process on ``http://127.0.0.1:<port>`` (its base URL), as a newcomer runs it:
the president of the sandbox SAS logs in through the ProConnect sandbox, downloads the
company's participant presentation from the portal, and a connector posts it to the
verifier API. The verifier fetches the did:web document and the x5u chain from the same
server over http, allowed because ``127.0.0.1`` is in the dev allow-list and the mode is
dev. With ../shared/gaia-x present, the official shapes are configured too.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.attestia.test_server import free_port
from tests.conftest import SHARED

pytestmark = pytest.mark.server

PERSONA = "presidente-sas"
SIRET = "91845372100014"
INTERACTION = re.compile(r'name="interaction" value="([^"]+)"')
VERIFY = "/verifier/presentations/verify"


def _shapes_environment() -> dict[str, str]:
    if SHARED is None or not (SHARED / "gaia-x").is_dir():
        return {}
    folder = SHARED / "gaia-x"
    return {
        "ATTESTIA_GAIA_X_SHAPES": str(folder / "loire" / "gx.shacl.ttl"),
        "ATTESTIA_GAIA_X_ONTOLOGY": str(folder / "loire" / "gx.owl.ttl"),
        "ATTESTIA_GAIA_X_TAGUS_SHAPES": str(folder / "tagus" / "trustframework_context.json"),
        "ATTESTIA_GAIA_X_SUBDIVISION_CODES_FILE": str(
            folder / "tagus" / "iso-3166-2-country-codes.json"
        ),
    }


def _wait_ready(process: subprocess.Popen[bytes], base: str) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read().decode() if process.stdout else ""
            pytest.fail(f"server exited early:\n{output}")
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    pytest.fail("server did not start within 90 s")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp_path = tmp_path_factory.mktemp("gaia-x-dev-server")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {key: value for key, value in os.environ.items() if not key.startswith("ATTESTIA_")}
    env |= {
        "ATTESTIA_DATA_DIR": str(tmp_path / "var"),
        "ATTESTIA_BASE_URL": base,
        **_shapes_environment(),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "attestia.cli", "serve", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_ready(process, base)
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


def _log_in(client: httpx.Client) -> None:
    """Log ``client`` in as the SAS president through the sandbox persona picker."""
    picker = client.get("/auth/login", params={"next": "/issuer/"})
    assert picker.status_code == 200, picker.text[:300]
    found = INTERACTION.search(picker.text)
    assert found, picker.text[:300]
    page = client.post(
        "/sandbox/proconnect/api/v2/interaction",
        data={
            "interaction": found.group(1),
            "persona": PERSONA,
            "siret": SIRET,
            "acr": "eidas1",
            "action": "login",
        },
    )
    assert page.url.path == "/issuer/", (page.status_code, page.text[:300])


def _verify(base: str, presentation: Any) -> dict[str, Any]:
    answer = httpx.post(
        f"{base}{VERIFY}", json={"verifiablePresentation": presentation}, timeout=120
    )
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def _check(body: dict[str, Any], code: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = [c for c in body["checks"] if c["code"] == code]
    assert found, body["checks"]
    return found[0]


def test_did_document_points_x5u_at_the_http_dev_server(server: str) -> None:
    document = httpx.get(f"{server}/.well-known/did.json").json()
    rsa = [m for m in document["verificationMethod"] if m["type"] == "JsonWebKey2020"]
    assert rsa[0]["publicKeyJwk"]["x5u"] == f"{server}/.well-known/x509-chain.pem"


@pytest.mark.parametrize(
    ("path", "flavour"),
    [
        ("/issuer/gaia-x/participant.vp.jwt", "gaia-x-loire"),
        ("/issuer/gaia-x/participant.tagus.json", "gaia-x-tagus"),
    ],
)
def test_portal_presentation_verifies_through_the_connector_api(
    server: str, path: str, flavour: str
) -> None:
    with httpx.Client(base_url=server, follow_redirects=True, timeout=60) as browser:
        _log_in(browser)
        download = browser.get(path)
    assert download.status_code == 200, download.text
    presentation: Any = download.text if path.endswith(".jwt") else download.json()
    body = _verify(server, presentation)
    assert body["verified"], body["problems"]
    assert body["format"] == flavour
    x5u = _check(body, "x5u_chain")
    assert x5u["passed"]
    assert "development chain" in x5u["detail"]
    if SHARED is not None and (SHARED / "gaia-x").is_dir():
        assert "skipped" not in _check(body, "shacl")["detail"]
