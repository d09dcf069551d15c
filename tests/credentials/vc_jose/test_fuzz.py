"""Random input into the verifiers: only failed results, never an exception."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from credentials import multiformats as mf
from credentials.jose import sign_compact
from credentials.vc_jose import verify_vc_jwt, verify_vp_jwt
from tests.credentials.vc_jose.conftest import NOW, Keys, make_credential

b64_segment = st.text(
    alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", max_size=60
)
tokens = st.one_of(
    st.text(max_size=200),
    st.builds(lambda a, b, c: f"{a}.{b}.{c}", b64_segment, b64_segment, b64_segment),
    st.builds(
        lambda h, p: f"{mf.b64url_encode(h.encode())}.{mf.b64url_encode(p.encode())}.AAAA",
        st.text(max_size=80),
        st.text(max_size=80),
    ),
    st.none(),
    st.integers(),
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "@context",
                    "type",
                    "issuer",
                    "holder",
                    "credentialSubject",
                    "validFrom",
                    "validUntil",
                    "verifiableCredential",
                    "id",
                    "iss",
                    "exp",
                    "nbf",
                    "iat",
                    "nonce",
                    "aud",
                    "vc",
                ]
            ),
            children,
            max_size=6,
        )
    ),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(tokens)
def test_random_tokens(keys: Keys, token: Any) -> None:
    for verify in (verify_vc_jwt, verify_vp_jwt):
        result = verify(token, key_resolver=keys.resolver(), now=NOW)
        assert not result.verified
        assert result.failed
        json.dumps(result.to_json())


@settings(max_examples=150, deadline=None)
@given(json_values, st.sampled_from(["vc+jwt", "vp+jwt"]))
def test_random_payloads_signed_by_a_known_key(keys: Keys, extra: Any, typ: str) -> None:
    """Correctly signed but arbitrary claims sets go through every later check."""
    signer = keys.issuer if typ == "vc+jwt" else keys.holder
    claims = {**make_credential(), **extra} if isinstance(extra, dict) else {"x": extra}
    if typ == "vp+jwt":
        claims["verifiableCredential"] = extra
    token = sign_compact({"kid": signer.kid, "typ": typ}, claims, signer)
    resolver = keys.resolver()
    for result in (
        verify_vc_jwt(token, key_resolver=resolver, now=NOW),
        verify_vp_jwt(token, key_resolver=resolver, now=NOW, expected_nonce="n"),
    ):
        json.dumps(result.to_json(), default=str)
        assert result.checks


def test_deeply_nested_header_and_payload(keys: Keys) -> None:
    deep = "[" * 5000 + "]" * 5000
    head = mf.b64url_encode(deep.encode())
    body = mf.b64url_encode(json.dumps(make_credential()).encode())
    assert [
        c.code
        for c in verify_vc_jwt(f"{head}.{body}.AA", key_resolver=keys.resolver(), now=NOW).failed
    ] == ["malformed"]
    header = mf.b64url_encode(
        json.dumps({"alg": "ES256", "kid": keys.issuer.kid, "typ": "vc+jwt"}).encode()
    )
    result = verify_vc_jwt(f"{header}.{head}.AA", key_resolver=keys.resolver(), now=NOW)
    assert [c.code for c in result.failed] == ["malformed"]
