"""did:key (Multikey) and did:jwk resolution."""

from __future__ import annotations

import json

import pytest

from credentials import multiformats as mf
from credentials.did.jwk import did_jwk_from_jwk, jwk_from_did_jwk, resolve_did_jwk
from credentials.did.key import did_key_from_public_key, public_key_from_did_key, resolve_did_key
from credentials.errors import CredentialError, KeyResolutionError, MalformedError
from credentials.keys import KeyType, generate_private_key, public_jwk, public_key_to_multikey

# did:key spec examples (Ed25519 and P-256 Multikey), checked by re-encoding.
SPEC_DID_KEYS = [
    "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
    "did:key:zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169",
]
# did:jwk spec example (P-256).
SPEC_DID_JWK = (
    "did:jwk:eyJjcnYiOiJQLTI1NiIsImt0eSI6IkVDIiwieCI6ImFjYklRaXVNczNpOF91c3pFakoydHBUdFJN"
    "NEVVM3l6OTFQSDZDZEgyVjAiLCJ5IjoiX0tjeUxqOXZXTXB0bm1LdG00NkdxRHo4d2Y3NEk1TEtncmwyR3pI"
    "M25TRSJ9"
)


@pytest.mark.parametrize("did", SPEC_DID_KEYS)
def test_spec_did_keys(did: str) -> None:
    document = resolve_did_key(did)
    multibase = did.removeprefix("did:key:")
    vm_id = f"{did}#{multibase}"
    assert document["id"] == did
    assert document["@context"] == [
        "https://www.w3.org/ns/did/v1",
        "https://w3id.org/security/multikey/v1",
    ]
    assert document["verificationMethod"] == [
        {"id": vm_id, "type": "Multikey", "controller": did, "publicKeyMultibase": multibase}
    ]
    for relationship in (
        "authentication",
        "assertionMethod",
        "capabilityInvocation",
        "capabilityDelegation",
    ):
        assert document[relationship] == [vm_id]
    assert public_key_to_multikey(public_key_from_did_key(did)) == multibase


@pytest.mark.parametrize("key_type", ["Ed25519", "P-256", "P-384"])
def test_did_key_round_trip(key_type: KeyType) -> None:
    key = generate_private_key(key_type).public_key()
    did = did_key_from_public_key(key)
    assert public_jwk(public_key_from_did_key(did)) == public_jwk(key)


def test_unknown_multicodec_is_refused() -> None:
    secp256k1 = mf.multibase_encode(mf.multicodec_wrap(0xE7, b"\x02" + bytes(32)))
    with pytest.raises(KeyResolutionError):
        resolve_did_key(f"did:key:{secp256k1}")


def test_private_key_codec_is_refused() -> None:
    private = mf.multibase_encode(mf.multicodec_wrap(mf.ED25519_PRIV, bytes(32)))
    with pytest.raises(KeyResolutionError):
        resolve_did_key(f"did:key:{private}")


@pytest.mark.parametrize(
    "did",
    [
        "did:key:" + mf.multibase_encode(mf.multicodec_wrap(mf.ED25519_PUB, bytes(31))),
        "did:key:" + mf.multibase_encode(mf.multicodec_wrap(mf.P256_PUB, b"\x04" + bytes(64))),
        "did:key:" + mf.multibase_encode(mf.multicodec_wrap(mf.P256_PUB, b"\x02" + b"\xff" * 32)),
        "did:key:u" + mf.b64url_encode(mf.multicodec_wrap(mf.ED25519_PUB, bytes(32))),
        "did:key:z0OIl",
        "did:key:",
        "did:jwk:abc",
    ],
)
def test_malformed_did_keys(did: str) -> None:
    with pytest.raises(MalformedError):
        resolve_did_key(did)


def test_did_jwk_spec_example() -> None:
    document = resolve_did_jwk(SPEC_DID_JWK)
    vm_id = f"{SPEC_DID_JWK}#0"
    assert document["verificationMethod"][0]["id"] == vm_id
    assert document["verificationMethod"][0]["type"] == "JsonWebKey2020"
    assert document["verificationMethod"][0]["publicKeyJwk"]["crv"] == "P-256"
    for relationship in (
        "assertionMethod",
        "authentication",
        "capabilityInvocation",
        "capabilityDelegation",
        "keyAgreement",
    ):
        assert document[relationship] == [vm_id]


def test_did_jwk_use_sig_has_no_key_agreement() -> None:
    jwk = {**public_jwk(generate_private_key("Ed25519").public_key()), "use": "sig"}
    document = resolve_did_jwk(did_jwk_from_jwk(jwk))
    assert "keyAgreement" not in document
    assert document["assertionMethod"] == [f"{document['id']}#0"]


def test_did_jwk_use_enc_is_key_agreement_only() -> None:
    jwk = {"kty": "OKP", "crv": "X25519", "x": mf.b64url_encode(bytes(32)), "use": "enc"}
    document = resolve_did_jwk(did_jwk_from_jwk(jwk))
    assert document["keyAgreement"] == [f"{document['id']}#0"]
    assert "assertionMethod" not in document


@pytest.mark.parametrize("member", ["d", "p", "k"])
def test_did_jwk_with_a_private_key_is_refused(member: str) -> None:
    jwk = {
        **public_jwk(generate_private_key("P-256").public_key()),
        member: mf.b64url_encode(bytes(32)),
    }
    did = "did:jwk:" + mf.b64url_encode(json.dumps(jwk).encode())
    with pytest.raises(MalformedError, match="private"):
        resolve_did_jwk(did)
    with pytest.raises(MalformedError):
        did_jwk_from_jwk(jwk)


@pytest.mark.parametrize(
    "payload",
    [
        b"not json",
        b"[1,2]",
        b'{"crv":"P-256"}',
        b'{"kty":"EC","crv":"P-256","x":"AA","y":"AA"}',
        b'{"kty":"oct"}',
    ],
)
def test_malformed_did_jwk(payload: bytes) -> None:
    with pytest.raises(CredentialError):
        jwk_from_did_jwk("did:jwk:" + mf.b64url_encode(payload))
