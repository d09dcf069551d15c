"""End to end over HTTP: a test wallet answers OpenID4VP requests (§5.10, §8.2, §8.3)."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from typing import Any

import pytest

from tests.holder.wallet import (
    AuthorizationRequest,
    WalletRefusal,
    sd_jwt_presentation,
    vp_jwt_presentation,
)
from tests.verifier.oid4vp.conftest import (
    VCT,
    Deployment,
    Party,
    issue_identity_sd_jwt,
    issue_identity_vc_jwt,
)

SD_QUERY = {
    "credentials": [
        {
            "id": "identity",
            "format": "dc+sd-jwt",
            "meta": {"vct_values": [VCT]},
            "claims": [
                {"path": ["given_name"]},
                {"path": ["family_name"]},
                {"path": ["address", "locality"], "values": ["Paris"]},
            ],
        }
    ]
}
JWT_QUERY = {
    "credentials": [
        {
            "id": "identity",
            "format": "jwt_vc_json",
            "meta": {"type_values": [["IDCredential"]]},
            "claims": [{"path": ["credentialSubject", "family_name"]}],
        }
    ]
}
DISCLOSE = {"given_name": True, "family_name": True, "address": {"locality": True}}


def start(
    deployment: Deployment, query: dict[str, Any] | None = None, **options: Any
) -> tuple[str, dict[str, Any]]:
    body = dict(options) if "policy" in options else {"dcql_query": query or SD_QUERY, **options}
    response = deployment.client.post("/verifier/transactions", json=body)
    assert response.status_code == 201, response.text
    created = response.json()
    return created["transaction_id"], created


def sd_answer(request: AuthorizationRequest, issuer: Party, holder: Party, **kw: Any) -> str:
    issued = issue_identity_sd_jwt(issuer, holder)
    return sd_jwt_presentation(
        issued,
        kw.get("disclose", DISCLOSE),
        holder_jwk=holder.private_jwk,
        nonce=kw.get("nonce", request.nonce),
        aud=kw.get("aud", request.client_id),
    )


def status(deployment: Deployment, transaction_id: str, **params: str) -> dict[str, Any]:
    response = deployment.client.get(f"/verifier/transactions/{transaction_id}", params=params)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


@pytest.mark.parametrize("mode", ["direct_post", "direct_post.jwt"])
@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize(
    "prefix", ["x509_hash", "x509_san_dns", "decentralized_identifier", "redirect_uri"]
)
def test_sd_jwt_vc_round_trip(
    deploy: Callable[..., Deployment],
    issuer: Party,
    holder: Party,
    prefix: Any,
    method: str,
    mode: str,
) -> None:
    deployment = deploy(prefix)
    transaction_id, created = start(deployment, response_mode=mode, request_uri_method=method)
    assert created["authorization_request_uri"].startswith("openid4vp://?client_id=")
    assert status(deployment, transaction_id)["status"] == "pending"
    request = deployment.wallet.fetch_request(created["authorization_request_uri"])
    assert request.client_id.startswith(prefix + ":")
    assert request.response_mode == mode
    assert status(deployment, transaction_id)["status"] == "fetched"
    presentation = sd_answer(request, issuer, holder)
    answer = deployment.wallet.respond(request, {"identity": [presentation]})
    assert answer.status_code == 200, answer.text
    assert answer.json() == {}
    result = status(deployment, transaction_id)
    assert result["status"] == "completed", result["checks"]
    assert result["verified"] is True
    claims = result["claims"]["identity"][0]
    assert claims["given_name"] == "Marianne"
    assert claims["address"] == {"locality": "Paris"}
    assert "siren" not in claims


@pytest.mark.parametrize("mode", ["direct_post", "direct_post.jwt"])
def test_vp_jwt_round_trip(
    deploy: Callable[..., Deployment], issuer: Party, holder: Party, mode: str
) -> None:
    deployment = deploy()
    transaction_id, created = start(deployment, JWT_QUERY, response_mode=mode)
    request = deployment.wallet.fetch_request(created["authorization_request_uri"])
    vp = vp_jwt_presentation(
        [issue_identity_vc_jwt(issuer, holder)],
        holder=holder.did,
        signer=holder.signer,
        nonce=request.nonce,
        aud=request.client_id,
        iat=int(time.time()),
    )
    answer = deployment.wallet.respond(request, {"identity": [vp]})
    assert answer.status_code == 200, answer.text
    result = status(deployment, transaction_id)
    assert result["verified"] is True, result["checks"]
    assert result["claims"]["identity"][0]["credentialSubject"]["family_name"] == "Dupont"


def test_request_object_claims(deploy: Callable[..., Deployment]) -> None:
    """§5.1/§5.8/§8.3: the claims a wallet relies on, with an ephemeral encryption key."""
    deployment = deploy()
    _, created = start(deployment, response_mode="direct_post.jwt")
    request = deployment.wallet.fetch_request(created["authorization_request_uri"])
    claims = request.claims
    assert claims["response_type"] == "vp_token"
    assert claims["aud"] == "https://self-issued.me/v2"
    assert claims["iss"] == claims["client_id"] == request.client_id
    assert claims["exp"] > claims["iat"]
    assert claims["dcql_query"] == SD_QUERY
    assert claims["response_uri"].startswith("http://testserver/verifier/response/")
    assert len(claims["nonce"]) >= 32
    assert len(claims["state"]) >= 32
    metadata = claims["client_metadata"]
    assert "dc+sd-jwt" in metadata["vp_formats_supported"]
    (key,) = metadata["jwks"]["keys"]
    assert key["alg"] == "ECDH-ES"
    assert key["crv"] == "P-256"
    assert "d" not in key
    assert metadata["encrypted_response_enc_values_supported"] == ["A128GCM", "A256GCM"]
    assert request.header["x5c"]


def test_each_transaction_has_its_own_encryption_key(deploy: Callable[..., Deployment]) -> None:
    deployment = deploy()
    keys = []
    for _ in range(2):
        _, created = start(deployment, response_mode="direct_post.jwt")
        request = deployment.wallet.fetch_request(created["authorization_request_uri"])
        keys.append(request.claims["client_metadata"]["jwks"]["keys"][0]["x"])
    assert keys[0] != keys[1]


def test_a256gcm_response(deploy: Callable[..., Deployment], issuer: Party, holder: Party) -> None:
    deployment = deploy()
    transaction_id, created = start(deployment, response_mode="direct_post.jwt")
    request = deployment.wallet.fetch_request(created["authorization_request_uri"])
    answer = deployment.wallet.respond(
        request, {"identity": [sd_answer(request, issuer, holder)]}, enc="A256GCM"
    )
    assert answer.status_code == 200
    assert status(deployment, transaction_id)["verified"] is True


def test_same_device_redirect_and_response_code(
    deploy: Callable[..., Deployment], issuer: Party, holder: Party
) -> None:
    """§8.2: a fresh random value in the redirect; the result only with it."""
    deployment = deploy()
    transaction_id, created = start(deployment, same_device_redirect="https://rp.example/done")
    request = deployment.wallet.fetch_request(created["authorization_request_uri"])
    answer = deployment.wallet.respond(request, {"identity": [sd_answer(request, issuer, holder)]})
    redirect = answer.json()["redirect_uri"]
    assert redirect.startswith("https://rp.example/done#response_code=")
    code = redirect.split("=", 1)[1]
    refused = deployment.client.get(f"/verifier/transactions/{transaction_id}")
    assert refused.status_code == 403
    wrong = deployment.client.get(
        f"/verifier/transactions/{transaction_id}", params={"response_code": "x" + code}
    )
    assert wrong.status_code == 403
    assert status(deployment, transaction_id, response_code=code)["verified"] is True


def test_wallet_metadata_and_wallet_nonce(deploy: Callable[..., Deployment]) -> None:
    deployment = deploy()
    _, created = start(deployment, request_uri_method="post")
    request = deployment.wallet.fetch_request(
        created["authorization_request_uri"],
        wallet_metadata={"vp_formats_supported": {"dc+sd-jwt": {}}},
    )
    assert request.claims["wallet_nonce"]


def test_wallet_metadata_without_a_requested_format(deploy: Callable[..., Deployment]) -> None:
    deployment = deploy()
    _, created = start(deployment)
    request_uri = created["request_uri"]
    response = deployment.client.post(
        request_uri,
        data={"wallet_metadata": json.dumps({"vp_formats_supported": {"mso_mdoc": {}}})},
    )
    assert response.status_code == 400
    assert response.json()["error"] == "vp_formats_not_supported"


def test_wallet_error_response_fails_the_transaction(deploy: Callable[..., Deployment]) -> None:
    deployment = deploy()
    transaction_id, created = start(deployment, response_mode="direct_post")
    request = deployment.wallet.fetch_request(created["authorization_request_uri"])
    answer = deployment.wallet.respond(
        request, extra={"error": "access_denied", "error_description": "user said no"}
    )
    assert answer.status_code == 200
    result = status(deployment, transaction_id)
    assert result["status"] == "failed"
    assert result["wallet_error"] == "access_denied"


def test_policy_transaction(deploy: Callable[..., Deployment]) -> None:
    deployment = deploy()
    _, created = start(deployment, query=None, policy="company-representative")
    request = deployment.wallet.fetch_request(created["authorization_request_uri"])
    ids = [c["id"] for c in request.dcql_query["credentials"]]
    assert "legal_representative_sd_jwt" in ids
    assert request.dcql_query["credential_sets"][0]["required"] is True


def test_qr_codes(deploy: Callable[..., Deployment]) -> None:
    deployment = deploy()
    _, created = start(deployment)
    png = deployment.client.get(created["qr_png_url"])
    assert png.status_code == 200
    assert png.headers["content-type"] == "image/png"
    assert png.content.startswith(b"\x89PNG")
    svg = deployment.client.get(created["qr_svg_url"])
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert b"<svg" in svg.content


def test_wallet_refuses_a_tampered_request_object(deploy: Callable[..., Deployment]) -> None:
    """The test wallet really checks the signature (so the positive tests mean something)."""
    deployment = deploy()
    _, created = start(deployment, request_uri_method="get")
    token = deployment.client.get(created["request_uri"]).text
    head, body, sig = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    claims["response_uri"] = "https://attacker.example/collect"
    forged_body = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    forged = f"{head}.{forged_body}.{sig}"
    client_id = created["authorization_request_uri"].split("client_id=")[1].split("&")[0]
    from urllib.parse import unquote

    with pytest.raises(WalletRefusal):
        deployment.wallet.check_request_object(forged, unquote(client_id))
