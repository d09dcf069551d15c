"""The x5u chain follows the active RSA key; production refuses a foreign chain; compliance
submission stores and shows the returned credential (respx-mocked service)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
import respx
from cryptography.hazmat.primitives.asymmetric import rsa

from attestia.gaia_x_wiring import GaiaXChains
from attestia.services import build_services
from attestia.settings import load_settings
from credentials.keys import public_key_from_jwk
from issuer.gaia_x import CertificateChainError, generate_dev_chain
from tests.gaia_x_wiring.conftest import BASE_URL, CSRF_PAGE, start

SERVICE = "https://compliance.example/v2"
LABEL_JWT = "eyJhbGciOiJQUzI1NiJ9.eyJ0eXBlIjoiZ3g6TGFiZWxDcmVkZW50aWFsIn0.c2lnbmF0dXJl"


def test_rotation_gives_a_new_dev_chain(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    services = build_services(load_settings(data_dir=tmp_path / "var", base_url=BASE_URL))
    try:
        first = GaiaXChains(services.settings, services.keys).current()
        assert (tmp_path / "var" / "gaia-x-chain.pem").read_text() == first.pem
        services.keys.rotate("issuer", "RSA")
        second = GaiaXChains(services.settings, services.keys).current()
        assert second.pem != first.pem
        new_key = public_key_from_jwk(services.keys.signer("issuer", "RSA").public_jwk())
        assert second.certificates[0].public_key().public_numbers() == new_key.public_numbers()  # type: ignore[union-attr]
    finally:
        services.engine.dispose()


def test_operator_chain_for_another_key_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    from datetime import UTC, datetime

    chain = tmp_path / "operator.pem"
    chain.write_text(generate_dev_chain(other, host="testserver", now=datetime.now(UTC)).pem)
    settings = load_settings(data_dir=tmp_path / "var", base_url=BASE_URL, gaia_x_chain_file=chain)
    services = build_services(settings)
    try:
        with pytest.raises(CertificateChainError):
            GaiaXChains(settings, services.keys).current()
    finally:
        services.engine.dispose()


def test_production_requires_the_chain_file() -> None:
    from attestia.settings import SettingsError

    with pytest.raises(SettingsError, match="GAIA_X_CHAIN_FILE"):
        load_settings(mode="production", base_url="https://attestia.example.fr")


@respx.mock
def test_compliance_submission_is_stored_and_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    route = respx.post(f"{SERVICE}/api/credential-offers/standard-compliance").mock(
        return_value=httpx.Response(201, text=LABEL_JWT)
    )
    respx.route(host="testserver").pass_through()
    for deployment in start(tmp_path, monkeypatch, gaia_x_compliance_url=SERVICE):
        browser = deployment.logged_in()
        assert browser.client.get("/issuer/gaia-x/compliance").status_code == 404
        page = browser.client.get("/issuer/").text
        token = CSRF_PAGE.search(page)
        assert token is not None
        answer = browser.client.post(
            "/issuer/gaia-x/compliance",
            data={"csrf_token": token.group(1)},
            follow_redirects=False,
        )
        assert answer.status_code == 303, answer.text
        assert route.called
        assert route.calls[0].request.headers["content-type"] == "application/vp+jwt"
        shown = browser.client.get("/issuer/gaia-x/compliance").json()
        assert shown["credential"] == LABEL_JWT
        assert shown["flavour"] == "loire"
        forged = browser.client.post("/issuer/gaia-x/compliance", data={"csrf_token": "x"})
        assert forged.status_code == 403
