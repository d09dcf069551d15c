"""Credential Issuer metadata (§12.2), signed metadata (§12.2.3), AS metadata (RFC 8414)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from credentials.jose import JosePolicy, verify_jwt
from issuer.oid4vci.config import CREDENTIAL_ISSUER_WELL_KNOWN, well_known_url
from issuer.oid4vci.metadata import prefers_signed
from tests.conftest import requires_shared
from tests.issuer.oid4vci.conftest import BASE_URL, Issuer
from tests.wallet.offer import OfferError, check_offer


def test_issuer_metadata(issuer: Issuer) -> None:
    body = issuer.client.get("/.well-known/openid-credential-issuer").json()
    assert body["credential_issuer"] == BASE_URL
    for name in ("credential", "nonce", "deferred_credential", "notification"):
        assert body[f"{name}_endpoint"] == f"{BASE_URL}/issuer/{name}"
    assert body["batch_credential_issuance"]["batch_size"] >= 2
    assert {d["locale"] for d in body["display"]} == {"fr", "en"}
    catalogue = issuer.app.state.issuer.catalogue
    assert body["credential_configurations_supported"] == (
        catalogue.credential_configurations_supported()
    )


def test_signed_metadata_on_accept(issuer: Issuer) -> None:
    response = issuer.client.get(
        "/.well-known/openid-credential-issuer", headers={"Accept": "application/jwt"}
    )
    assert response.headers["content-type"].startswith("application/jwt")
    keys = issuer.keys()
    header, claims = verify_jwt(
        response.text,
        policy=JosePolicy(),
        typ=["openidvci-issuer-metadata+jwt"],
        key_resolver=lambda h: keys.key(h["kid"]),
        now=claims_now(),
        require=("iat", "sub"),
    )
    assert claims["sub"] == BASE_URL
    assert claims["credential_endpoint"] == f"{BASE_URL}/issuer/credential"
    assert header["alg"] == "ES256"


def claims_now() -> float:
    import time

    return time.time()


@pytest.mark.parametrize(
    ("accept", "signed"),
    [
        (None, False),
        ("*/*", False),
        ("application/json", False),
        ("application/jwt", True),
        ("application/json;q=0.5, application/jwt", True),
        ("application/jwt;q=0.2, application/json", False),
        ("application/jwt;q=0", False),
    ],
)
def test_accept_negotiation(accept: str | None, signed: bool) -> None:
    assert prefers_signed(accept) is signed


def test_authorization_server_metadata(issuer: Issuer) -> None:
    body = issuer.client.get("/.well-known/oauth-authorization-server").json()
    assert body["issuer"] == BASE_URL
    assert body["token_endpoint"] == f"{BASE_URL}/issuer/token"
    assert body["authorization_endpoint"] == f"{BASE_URL}/issuer/authorize"
    assert body["pushed_authorization_request_endpoint"] == f"{BASE_URL}/issuer/par"
    assert body["code_challenge_methods_supported"] == ["S256"]
    assert body["pre-authorized_grant_anonymous_access_supported"] is True
    assert "urn:ietf:params:oauth:grant-type:pre-authorized_code" in body["grant_types_supported"]
    assert body["authorization_details_types_supported"] == ["openid_credential"]
    assert "ES256" in body["dpop_signing_alg_values_supported"]


@pytest.mark.parametrize(
    ("identifier", "expected"),
    [
        (
            "https://issuer.example.com",
            "https://issuer.example.com/.well-known/openid-credential-issuer",
        ),
        (
            "https://issuer.example.com/tenant",
            "https://issuer.example.com/.well-known/openid-credential-issuer/tenant",
        ),
    ],
)
def test_well_known_insertion(identifier: str, expected: str) -> None:
    """§12.2.2's two examples."""
    assert well_known_url(identifier, CREDENTIAL_ISSUER_WELL_KNOWN) == expected


OFFER_EXAMPLES = [
    "credential_offer_by_reference.json",
    "credential_offer_multiple_credentials.json",
    "credential_offer_pre-authz_code.json",
]


@requires_shared
@pytest.mark.shared
@pytest.mark.parametrize("name", OFFER_EXAMPLES)
def test_wallet_reads_spec_offer_examples(shared: Path, name: str) -> None:
    """The wallet accepts the offers of the specification's examples folder."""
    offer = json.loads((shared / "vectors/openid4vc-examples/openid4vci" / name).read_text())
    check_offer(offer)


def test_wallet_refuses_offer_without_configurations() -> None:
    with pytest.raises(OfferError):
        check_offer({"credential_issuer": BASE_URL, "credential_configuration_ids": []})
