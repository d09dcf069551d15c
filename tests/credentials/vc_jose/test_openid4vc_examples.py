"""The OpenID4VCI/OpenID4VP 1.0 W3C examples (../shared/vectors/openid4vc-examples).

They are VCDM 1.1 documents (``jwt_vc_json`` with ``vc``/``vp`` claims, and ``ldp_vc``);
their signatures cannot be checked offline (no published keys, elided values), so what is
tested is parsing, the VCDM 1.1 decoding rules and data-model validation of the payloads,
and that our ``vc+jwt`` verifier refuses a ``typ: JWT`` VCDM 1.1 token.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from credentials.jose import JosePolicy, decode_compact
from credentials.vc_jose import (
    credential_from_jwt_claims,
    presentation_from_jwt_claims,
    verify_vc_jwt,
)
from credentials.vcdm import (
    data_model_version,
    issuer_id,
    subject_ids,
    validate_credential,
    validate_presentation,
)
from tests.conftest import SHARED, requires_shared
from tests.credentials.vc_jose.conftest import NOW, Keys

pytestmark = [pytest.mark.shared, requires_shared]

EXAMPLES = (SHARED or Path("/nonexistent")) / "vectors" / "openid4vc-examples"


def _http_body(name: str) -> dict[str, Any]:
    """The JSON body of an HTTP response example; display wrapping allowed in strings."""
    text = (EXAMPLES / name).read_text()
    body = text[text.index("{") :]
    value: dict[str, Any] = json.loads(body, strict=False)
    return value


def _jwt_vc_json_token() -> str:
    text = (EXAMPLES / "openid4vci/credential_response_jwt_vc_json.txt").read_text()
    match = re.search(r'"credential":\s*"([^"]*)"', text)
    assert match is not None
    return re.sub(r"\s+", "", match.group(1))


def test_jwt_vc_json_credential_response() -> None:
    token = _jwt_vc_json_token()
    decoded = decode_compact(token, JosePolicy())
    assert decoded.header["typ"] == "JWT"
    assert decoded.header["alg"] == "ES256"
    claims = decoded.payload_json()
    assert data_model_version(claims["vc"]) == "1.1"
    credential = credential_from_jwt_claims(claims)
    assert validate_credential(credential) == []
    assert issuer_id(credential) == claims["iss"] == "https://credential-issuer.example.com"
    assert credential["issuanceDate"] == "2025-01-01T00:00:00Z"  # from nbf
    assert credential["id"] == claims["jti"]
    assert subject_ids(credential) == [claims["sub"]]


def test_jwt_vc_json_is_not_a_vc_jwt(keys: Keys) -> None:
    result = verify_vc_jwt(_jwt_vc_json_token(), key_resolver=keys.resolver(), now=NOW)
    assert [c.code for c in result.failed] == ["malformed"]
    assert "typ" in result.failed[0].detail


def test_jwt_vc_presentation() -> None:
    claims = json.loads((EXAMPLES / "openid4vp/response/jwt_vc.json").read_text())
    presentation = presentation_from_jwt_claims(claims)
    assert presentation["holder"] == "did:example:ebfeb1f712ebc6f1c276e12ec21"
    assert presentation["id"] == claims["jti"]
    assert validate_presentation(presentation) == []
    assert (claims["nonce"], claims["aud"]) == ("n-0S6_WzA2Mj", "x509_san_dns:client.example.org")


def test_ldp_vc_credential_response() -> None:
    credential = _http_body("openid4vci/credential_response_ldp_vc.txt")["credentials"][0]
    assert validate_credential(credential["credential"]) == []


def test_ldp_vc_presentation() -> None:
    """The example's presentation ``id`` ("ebc6f1c2") is not a URI as VCDM 1.1 §4.2 asks."""
    presentation = json.loads((EXAMPLES / "openid4vp/response/ldp_vc.json").read_text())
    problems = validate_presentation(presentation)
    assert [(p.path, p.code) for p in problems] == [("/id", "url")]
    assert validate_credential(presentation["verifiableCredential"][0]) == []
