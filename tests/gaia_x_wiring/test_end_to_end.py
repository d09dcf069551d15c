"""Issue through the product (portal downloads), verify through the connector API."""

from __future__ import annotations

from typing import Any

import pytest
from cryptography import x509

from tests.conftest import SHARED
from tests.gaia_x_wiring.conftest import SIRET, Deployment

VERIFY = "/verifier/presentations/verify"
SHAPES_NOTE = "../shared/gaia-x is absent: the shacl check is skipped (development)"


def _codes(body: dict[str, Any], *, passed: bool) -> set[str]:
    return {c["code"] for c in body["checks"] if c["passed"] is passed}


def test_did_document_publishes_x5u_on_the_active_rsa_key(deployment: Deployment) -> None:
    document = deployment.client.get("/.well-known/did.json").json()
    rsa = [m for m in document["verificationMethod"] if m["type"] == "JsonWebKey2020"]
    assert len(rsa) == 1
    jwk = rsa[0]["publicKeyJwk"]
    assert jwk["x5u"] == "https://testserver/.well-known/x509-chain.pem"
    pem = deployment.client.get("/.well-known/x509-chain.pem")
    assert pem.status_code == 200
    assert pem.headers["content-type"].startswith("application/x-pem-file")
    leaf = x509.load_pem_x509_certificates(pem.content)[0]
    assert "not for production" in leaf.subject.rfc4514_string()


def test_loire_download_verifies_through_the_connector_api(deployment: Deployment) -> None:
    browser = deployment.logged_in()
    download = browser.client.get("/issuer/gaia-x/participant.vp.jwt")
    assert download.status_code == 200, download.text
    assert download.headers["content-type"].startswith("application/vp+jwt")
    answer = deployment.client.post(VERIFY, json={"verifiablePresentation": download.text})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["verified"], body["problems"]
    assert body["format"] == "gaia-x-loire"
    assert {"signature", "x5u_chain", "terms_and_conditions", "registration_join"} <= _codes(
        body, passed=True
    )


def test_tagus_download_verifies_through_the_connector_api(deployment: Deployment) -> None:
    browser = deployment.logged_in()
    download = browser.client.get("/issuer/gaia-x/participant.tagus.json")
    assert download.status_code == 200, download.text
    answer = deployment.client.post(VERIFY, json={"verifiablePresentation": download.json()})
    body = answer.json()
    assert body["verified"], body["problems"]
    assert body["format"] == "gaia-x-tagus"
    assert "subdivision_code" in _codes(body, passed=True)


@pytest.mark.skipif(SHARED is None, reason=SHAPES_NOTE)
def test_shacl_ran_against_the_official_shapes(deployment: Deployment) -> None:
    browser = deployment.logged_in()
    token = browser.client.get("/issuer/gaia-x/participant.vp.jwt").text
    body = deployment.client.post(VERIFY, json={"verifiablePresentation": token}).json()
    details = [c["detail"] for c in body["checks"] if c["code"] == "shacl"]
    assert details
    assert all("skipped" not in d for d in details), details


def test_tampered_loire_presentation_fails(deployment: Deployment) -> None:
    browser = deployment.logged_in()
    token = browser.client.get("/issuer/gaia-x/participant.vp.jwt").text
    header, payload, signature = token.split(".")
    forged = f"{header}.{payload}.{signature[:-6]}AAAAAA"
    body = deployment.client.post(VERIFY, json={"verifiablePresentation": forged}).json()
    assert not body["verified"]
    assert "signature" in _codes(body, passed=False)


def test_download_requires_login(deployment: Deployment) -> None:
    deployment.client.cookies.clear()
    answer = deployment.client.get("/issuer/gaia-x/participant.tagus.json")
    assert answer.status_code == 401
    assert answer.json()["error"] == "login_required"


@pytest.mark.parametrize(
    ("persona", "siret", "reason"),
    [
        pytest.param("salarie-sans-mandat", "91845372100022", "no_active_mandate", id="employee"),
        pytest.param("homonyme-dirigeant", SIRET, "mandate_unconfirmed", id="namesake"),
    ],
)
@pytest.mark.parametrize(
    "path", ["/issuer/gaia-x/participant.vp.jwt", "/issuer/gaia-x/participant.tagus.json"]
)
def test_download_refused_to_a_member_who_is_not_a_confirmed_representative(
    deployment: Deployment, persona: str, siret: str, reason: str, path: str
) -> None:
    """Issue #8: a member of an eligible company who is not its confirmed legal
    representative gets no participant presentation, and the page says why."""
    browser = deployment.browser()
    page = browser.login(persona, siret)
    assert 'class="kind refused" id="kind-gaia_x_participant"' in page
    assert "gaia-x-panel" not in page
    answer = browser.client.get(path)
    assert answer.status_code == 403, answer.text[:300]
    assert answer.json()["error"] == "not_eligible"
    assert reason in answer.text
