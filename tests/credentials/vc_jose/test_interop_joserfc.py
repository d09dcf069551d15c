"""Interop with joserfc, an independent JWS implementation, in both directions."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pytest
from joserfc import jws, jwt
from joserfc.jwk import ECKey, OKPKey

from credentials.jose import DEFAULT_ALGORITHMS, JosePolicy
from credentials.keys import PublicKey, SoftwareSigner, generate_private_key, public_key_from_jwk
from credentials.vc_jose import build_presentation, sign_vc_jwt, sign_vp_jwt, verify_vc_jwt
from credentials.vcdm import parse_data_url
from tests.credentials.vc_jose.conftest import HOLDER, ISSUER, NOW, Keys, make_credential


@pytest.mark.parametrize("key_type", ["P-256", "P-384"])
def test_our_vc_jwt_verifies_with_joserfc(key_type: str) -> None:
    signer = SoftwareSigner(generate_private_key(key_type), f"{ISSUER}#key-1")  # type: ignore[arg-type]
    token = sign_vc_jwt(make_credential(), signer)
    key = ECKey.import_key(signer.public_jwk())
    obj = jws.deserialize_compact(token, key, algorithms=[signer.algorithm])
    assert obj.protected == {
        "alg": signer.algorithm,
        "kid": signer.kid,
        "typ": "vc+jwt",
        "cty": "vc",
    }
    assert json.loads(obj.payload) == make_credential()


def test_our_vp_jwt_and_its_credential_verify_with_joserfc(keys: Keys) -> None:
    vc = sign_vc_jwt(make_credential(), keys.issuer)
    vp = sign_vp_jwt(build_presentation([vc], holder=HOLDER), keys.holder, nonce="n", audience="a")
    holder_key = OKPKey.import_key(keys.holder.public_jwk())
    # joserfc names EdDSA deprecated (RFC 9864) and warns; the signature is what matters here.
    with pytest.warns(UserWarning, match="EdDSA"):
        outer = jws.deserialize_compact(vp, holder_key, algorithms=["EdDSA"])
    claims = json.loads(outer.payload)
    assert (claims["nonce"], claims["aud"]) == ("n", "a")
    media_type, inner = parse_data_url(claims["verifiableCredential"][0]["id"])
    assert media_type == "application/vc+jwt"
    issuer_key = ECKey.import_key(keys.issuer.public_jwk())
    assert json.loads(jws.deserialize_compact(inner, issuer_key, algorithms=["ES256"]).payload)


def _resolver(kid: str, jwk: Mapping[str, Any]) -> Any:
    public = public_key_from_jwk(jwk)

    def resolve(header: Mapping[str, Any]) -> PublicKey:
        assert header["kid"] == kid
        return public

    return resolve


def test_joserfc_vc_jwt_verifies_with_ours() -> None:
    key = ECKey.generate_key("P-256")
    kid = f"{ISSUER}#joserfc"
    header = {"alg": "ES256", "kid": kid, "typ": "vc+jwt", "cty": "vc"}
    token = jwt.encode(header, make_credential(), key)
    result = verify_vc_jwt(token, key_resolver=_resolver(kid, key.as_dict(private=False)), now=NOW)
    assert result.verified, result.to_json()
    assert result.claims == make_credential()


def test_joserfc_ed25519_vc_jwt_verifies_with_ours() -> None:
    """RFC 9864 fully-specified ``Ed25519`` alg: accepted once a policy allows it."""
    key = OKPKey.generate_key("Ed25519")
    kid = f"{ISSUER}#ed"
    header = {"alg": "Ed25519", "kid": kid, "typ": "vc+jwt", "cty": "vc"}
    token = jwt.encode(header, make_credential(), key, algorithms=["Ed25519"])
    resolver = _resolver(kid, key.as_dict(private=False))
    assert not verify_vc_jwt(token, key_resolver=resolver, now=NOW).verified  # not in defaults
    policy = JosePolicy(algorithms=DEFAULT_ALGORITHMS | {"Ed25519"})
    result = verify_vc_jwt(token, key_resolver=resolver, now=NOW, policy=policy)
    assert result.verified, result.to_json()


def test_joserfc_token_with_a_wrong_key_fails() -> None:
    key, other = ECKey.generate_key("P-256"), ECKey.generate_key("P-256")
    kid = f"{ISSUER}#joserfc"
    token = jwt.encode({"alg": "ES256", "kid": kid, "typ": "vc+jwt"}, make_credential(), key)
    result = verify_vc_jwt(
        token, key_resolver=_resolver(kid, other.as_dict(private=False)), now=NOW
    )
    assert [c.code for c in result.failed] == ["signature"]
