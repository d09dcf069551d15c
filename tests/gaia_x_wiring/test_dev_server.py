"""A dev deployment on plain http verifies its own Gaia-X presentations (x5u over http).

A real server process on ``http://127.0.0.1:<port>`` (its base URL), as a newcomer runs it:
the president of the sandbox SAS logs in through the ProConnect sandbox, downloads the
company's participant presentation from the portal, and a connector posts it to the
verifier API. The verifier fetches the did:web document and the x5u chain from the same
server over http, allowed because ``127.0.0.1`` is in the dev allow-list and the mode is
dev. With ../shared/gaia-x present, the official shapes are configured too.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography import x509
from typer.testing import CliRunner, Result

from attestia.cli import app
from attestia.sandbox.personas import CERTIFICATION_DIRIGEANT_ACR
from tests.conftest import SHARED
from tests.server_process import free_port

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


@dataclass(frozen=True)
class DevServer:
    """The running server: its base URL and the environment it was started with (the CLI
    run against the same data dir and base URL shares its keys and database)."""

    base: str
    env: dict[str, str]


@pytest.fixture(scope="module")
def dev_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevServer]:
    tmp_path = tmp_path_factory.mktemp("gaia-x-dev-server")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    attestia_env = {
        "ATTESTIA_DATA_DIR": str(tmp_path / "var"),
        "ATTESTIA_BASE_URL": base,
        **_shapes_environment(),
    }
    env = {key: value for key, value in os.environ.items() if not key.startswith("ATTESTIA_")}
    env |= attestia_env
    process = subprocess.Popen(
        [sys.executable, "-m", "attestia.cli", "serve", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_ready(process, base)
        yield DevServer(base, attestia_env)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout:
            process.stdout.close()


@pytest.fixture(scope="module")
def server(dev_server: DevServer) -> str:
    return dev_server.base


def _log_in(client: httpx.Client) -> None:
    """Log ``client`` in as the SAS president through the sandbox persona picker, with the
    certification-dirigeant acr: only a confirmed legal representative gets the company's
    Gaia-X participant credential (issue #8)."""
    picker = client.get("/auth/login", params={"next": "/issuer/", "certification": "1"})
    assert picker.status_code == 200, picker.text[:300]
    found = INTERACTION.search(picker.text)
    assert found, picker.text[:300]
    page = client.post(
        "/sandbox/proconnect/api/v2/interaction",
        data={
            "interaction": found.group(1),
            "persona": PERSONA,
            "siret": SIRET,
            "acr": CERTIFICATION_DIRIGEANT_ACR,
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


# The CLI against the same deployment (data dir, base URL): ``attestia gaia-x chain``,
# ``attestia gaia-x participant`` and ``attestia verify`` on what it prints.


def _cli(dev_server: DevServer, monkeypatch: pytest.MonkeyPatch, *args: str) -> Result:
    for name in [n for n in os.environ if n.startswith("ATTESTIA_")]:
        monkeypatch.delenv(name)
    return CliRunner().invoke(app, list(args), env=dev_server.env)


def test_cli_chain_is_the_published_x5u_chain(
    dev_server: DevServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = _cli(dev_server, monkeypatch, "gaia-x", "chain")
    assert result.exit_code == 0, result.output
    published = httpx.get(f"{dev_server.base}/.well-known/x509-chain.pem")
    assert result.stdout == published.text
    leaf = x509.load_pem_x509_certificates(result.stdout.encode())[0]
    assert "not for production" in leaf.subject.rfc4514_string()


@pytest.mark.parametrize(
    ("flavour", "format_name"), [("loire", "gaia-x-loire"), ("tagus", "gaia-x-tagus")]
)
def test_cli_participant_verifies_with_cli_verify(
    dev_server: DevServer,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    flavour: str,
    format_name: str,
) -> None:
    made = _cli(
        dev_server, monkeypatch, "gaia-x", "participant", "--persona", PERSONA, "--flavour", flavour
    )
    assert made.exit_code == 0, made.output
    presentation = made.stdout.strip()
    if flavour == "loire":
        assert presentation.count(".") == 2
    else:
        assert json.loads(presentation)["type"] == "VerifiablePresentation"
    source = tmp_path / "presentation.txt"
    source.write_text(presentation, encoding="utf-8")
    verified = _cli(dev_server, monkeypatch, "verify", str(source), "--no-trust-check")
    report = json.loads(verified.stdout)
    assert verified.exit_code == 0, report["problems"]
    assert report["verified"]
    assert report["format"] == format_name
    assert _check(report, "x5u_chain")["passed"]


def test_cli_verify_refuses_a_tampered_participant_presentation(
    dev_server: DevServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    made = _cli(dev_server, monkeypatch, "gaia-x", "participant", "--persona", PERSONA)
    assert made.exit_code == 0, made.output
    header, payload, signature = made.stdout.strip().split(".")
    source = tmp_path / "forged.jwt"
    source.write_text(f"{header}.{payload}.{signature[:-6]}AAAAAA", encoding="utf-8")
    verified = _cli(dev_server, monkeypatch, "verify", str(source), "--no-trust-check")
    assert verified.exit_code == 1
    report = json.loads(verified.stdout)
    assert not report["verified"]
    assert any(c["code"] == "signature" and not c["passed"] for c in report["checks"])


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        pytest.param(["--persona", "nobody"], 1, "unknown persona", id="unknown-persona"),
        pytest.param(
            ["--persona", PERSONA, "--flavour", "danube"], 2, "loire or tagus", id="bad-flavour"
        ),
        pytest.param(
            ["--persona", "membre-entreprise-cessee"], 1, "organisation_ceased", id="ceased"
        ),
        pytest.param(["--persona", "salarie-sans-mandat"], 1, "no_active_mandate", id="employee"),
    ],
)
def test_cli_participant_refusals(
    dev_server: DevServer,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    code: int,
    message: str,
) -> None:
    result = _cli(dev_server, monkeypatch, "gaia-x", "participant", *args)
    assert result.exit_code == code, result.output
    assert message in result.output


def test_cli_verify_with_trust_on_reports_the_registry_unasked(
    dev_server: DevServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Trust in a Gaia-X presentation is the x5u chain, not the registry: the default CLI
    run (trust on, against the deployment's registry database) verifies and says so."""
    made = _cli(dev_server, monkeypatch, "gaia-x", "participant", "--persona", PERSONA)
    source = tmp_path / "presentation.jwt"
    source.write_text(made.stdout.strip(), encoding="utf-8")
    verified = _cli(dev_server, monkeypatch, "verify", str(source))
    report = json.loads(verified.stdout)
    assert verified.exit_code == 0, report["problems"]
    assert report["trust_checked"] is False
    assert {"x5u_chain", "did_resolution", "terms_and_conditions"} <= {
        c["code"] for c in report["checks"] if c["passed"]
    }
