"""Interop with the OWF reference implementation (PyPI ``sd-jwt`` 0.10.4, ``sd_jwt``).

Both directions: what we issue and present, their verifier accepts (with and without a
KB-JWT); what they issue and present, our verifier accepts.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from credentials.keys import SoftwareSigner, public_key_from_jwk
from credentials.sd_jwt import SD, KeyBindingRequest, create_presentation, issue_sd_jwt
from credentials.sd_jwt.verifier import SdJwtPolicy, check_sd_jwt
from tests.credentials.sd_jwt.conftest import AUD, ISS, NONCE, fixed_key

owf_common = pytest.importorskip("sd_jwt.common")
from jwcrypto.jwk import JWK  # noqa: E402
from sd_jwt.holder import SDJWTHolder  # noqa: E402
from sd_jwt.issuer import SDJWTIssuer  # noqa: E402
from sd_jwt.verifier import SDJWTVerifier  # noqa: E402

SDObj = owf_common.SDObj

CLAIMS: dict[str, Any] = {
    "iss": ISS,
    "given_name": SD("Erika"),
    "family_name": SD("Mustermann"),
    "address": SD({"locality": SD("Köln"), "country": "DE"}),
    "nationalities": [SD("DE"), SD("FR"), "IT"],
}
DISCLOSED = {"given_name": "Erika", "address": {"locality": "Köln", "country": "DE"}}


def _owf_key(signer: SoftwareSigner) -> JWK:
    return JWK.from_json(json.dumps(signer.public_jwk()))


@pytest.fixture(scope="module")
def owf_holder_key() -> JWK:
    return JWK.generate(kty="EC", crv="P-256")


def _owf_verify(presentation: str, issuer: SoftwareSigner, kb: bool) -> dict[str, Any]:
    verifier = SDJWTVerifier(
        presentation,
        lambda iss, header: _owf_key(issuer),
        AUD if kb else None,
        NONCE if kb else None,
    )
    payload: dict[str, Any] = verifier.get_verified_payload()
    return payload


def test_owf_verifies_ours_without_key_binding(issuer_signer) -> None:
    issued = issue_sd_jwt(CLAIMS, issuer_signer, typ="dc+sd-jwt", decoys=2)
    presentation = create_presentation(
        issued.compact, [("given_name",), ("address", "locality"), ("nationalities", 1)]
    )
    payload = _owf_verify(presentation, issuer_signer, kb=False)
    assert payload == {**DISCLOSED, "iss": ISS, "nationalities": ["FR", "IT"]}


def test_owf_verifies_ours_with_key_binding(issuer_signer, holder_signer) -> None:
    claims = {**CLAIMS, "cnf": {"jwk": holder_signer.public_jwk()}}
    issued = issue_sd_jwt(claims, issuer_signer, typ="dc+sd-jwt")
    request = KeyBindingRequest(holder_signer, NONCE, AUD, int(time.time()))
    presentation = create_presentation(
        issued.compact, [("given_name",), ("address", "locality")], key_binding=request
    )
    payload = _owf_verify(presentation, issuer_signer, kb=True)
    assert payload["given_name"] == "Erika"
    assert payload["address"] == DISCLOSED["address"]
    assert payload["cnf"] == {"jwk": holder_signer.public_jwk()}


def test_owf_holder_presents_what_we_issue(issuer_signer, owf_holder_key) -> None:
    holder_jwk = json.loads(owf_holder_key.export_public())
    claims = {**CLAIMS, "cnf": {"jwk": holder_jwk}}
    issued = issue_sd_jwt(claims, issuer_signer, typ="dc+sd-jwt")
    holder = SDJWTHolder(issued.compact)
    holder.create_presentation({"given_name": True}, NONCE, AUD, owf_holder_key)
    result, _ = check_sd_jwt(
        holder.sd_jwt_presentation,
        issuer_key=fixed_key(issuer_signer.public_key()),
        now=time.time(),
        require_key_binding=True,
        expected_nonce=NONCE,
        expected_aud=AUD,
    )
    assert result.verified, result.failed
    assert result.claims["given_name"] == "Erika"
    assert "family_name" not in result.claims


def _owf_issue(holder_jwk: JWK | None) -> tuple[str, JWK]:
    issuer_key = JWK.generate(kty="EC", crv="P-256")
    user_claims = {
        "iss": ISS,
        SDObj("given_name"): "Erika",
        SDObj("address"): {SDObj("locality"): "Köln", "country": "DE"},
        "nationalities": [SDObj("DE"), "IT"],
    }
    issuer = SDJWTIssuer(
        user_claims,
        issuer_key,
        holder_jwk,
        add_decoy_claims=True,
        extra_header_parameters={"typ": "dc+sd-jwt"},
    )
    return issuer.sd_jwt_issuance, issuer_key


@pytest.mark.parametrize("kb", [False, True], ids=["plain", "key-binding"])
def test_we_verify_what_owf_issues_and_presents(owf_holder_key, kb) -> None:
    issuance, issuer_key = _owf_issue(owf_holder_key if kb else None)
    holder = SDJWTHolder(issuance)
    disclose = {"given_name": True, "address": {"locality": True}, "nationalities": [True]}
    if kb:
        holder.create_presentation(disclose, NONCE, AUD, owf_holder_key)
    else:
        holder.create_presentation(disclose)
    issuer_public = public_key_from_jwk(json.loads(issuer_key.export_public()))
    result, verified = check_sd_jwt(
        holder.sd_jwt_presentation,
        issuer_key=fixed_key(issuer_public),
        now=time.time(),
        require_key_binding=kb,
        expected_nonce=NONCE if kb else None,
        expected_aud=AUD if kb else None,
        policy=SdJwtPolicy(typ=("dc+sd-jwt",)),
    )
    assert result.verified, result.failed
    assert result.claims["given_name"] == "Erika"
    assert result.claims["address"] == {"locality": "Köln", "country": "DE"}
    assert result.claims["nationalities"] == ["DE", "IT"]
    assert verified is not None
    assert (verified.kb_claims is not None) is kb


def test_we_present_what_owf_issues(holder_signer) -> None:
    holder_jwk = JWK.from_json(json.dumps(holder_signer.public_jwk()))
    issuance, issuer_key = _owf_issue(holder_jwk)
    request = KeyBindingRequest(holder_signer, NONCE, AUD, int(time.time()))
    presentation = create_presentation(
        issuance, [("address", "locality"), ("nationalities", 0)], key_binding=request
    )
    payload = SDJWTVerifier(
        presentation, lambda iss, header: JWK.from_json(issuer_key.export_public()), AUD, NONCE
    ).get_verified_payload()
    assert payload["address"] == {"locality": "Köln", "country": "DE"}
    assert "given_name" not in payload
