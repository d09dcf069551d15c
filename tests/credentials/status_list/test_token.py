"""Status List Token (JWT) and Referenced Token checks, draft-ietf-oauth-status-list-20."""

from __future__ import annotations

import json
import zlib
from collections.abc import Mapping
from typing import Any

import pytest

from credentials import multiformats as mf
from credentials.errors import (
    CredentialError,
    ExpiredError,
    MalformedError,
    SignatureError,
)
from credentials.jose import sign_jwt
from credentials.keys import PublicKey, SoftwareSigner, generate_private_key
from credentials.net.decompress import DecompressionLimitError
from credentials.status_list.bits import StatusRangeError
from credentials.status_list.token import (
    TYP,
    StatusListMismatchError,
    StatusReference,
    TokenStatus,
    check_status,
    decode_status_list,
    new_status_list,
    parse_status_reference,
    sign_status_list_token,
    verify_status_list_token,
)

URI = "https://issuer.example/statuslists/1"
NOW = 1_700_000_000


@pytest.fixture(scope="module")
def signer() -> SoftwareSigner:
    return SoftwareSigner(generate_private_key("P-256"), kid="did:web:issuer.example#k1")


def _resolver(signer: SoftwareSigner) -> Any:
    def resolve(header: Mapping[str, Any]) -> PublicKey:
        assert header["kid"] == signer.kid
        return signer.public_key()

    return resolve


def _list() -> Any:
    statuses = new_status_list(1024, 2)
    statuses.set(3, TokenStatus.INVALID)
    statuses.set(7, TokenStatus.SUSPENDED)
    return statuses


def test_round_trip_and_status_values(signer: SoftwareSigner) -> None:
    token = sign_status_list_token(
        _list(), signer, uri=URI, iat=NOW, exp=NOW + 3600, ttl=300, iss="https://issuer.example"
    )
    header = json.loads(mf.b64url_decode(token.split(".")[0]))
    assert header["typ"] == TYP
    assert header["kid"] == signer.kid
    verified = verify_status_list_token(token, key_resolver=_resolver(signer), now=NOW + 10)
    assert verified.sub == URI
    assert verified.ttl == 300
    assert verified.statuses.bits == 2
    iss = "https://issuer.example"
    assert check_status(verified, StatusReference(3, URI), referenced_iss=iss) == 1
    assert check_status(verified, StatusReference(7, URI), referenced_iss=iss) == 2
    assert check_status(verified, StatusReference(8, URI), referenced_iss=iss) == 0


def test_wrong_typ_is_refused(signer: SoftwareSigner) -> None:
    claims = {"sub": URI, "iat": NOW, "status_list": {"bits": 1, "lst": "eNrbuRgAAhcBXQ"}}
    token = sign_jwt({"typ": "JWT", "kid": signer.kid}, claims, signer)
    with pytest.raises(MalformedError, match="typ"):
        verify_status_list_token(token, key_resolver=_resolver(signer), now=NOW)


def test_sub_must_equal_the_referenced_uri(signer: SoftwareSigner) -> None:
    token = sign_status_list_token(_list(), signer, uri=URI, iat=NOW)
    verified = verify_status_list_token(token, key_resolver=_resolver(signer), now=NOW)
    with pytest.raises(StatusListMismatchError):
        check_status(verified, StatusReference(3, URI + "/other"))


def test_iss_must_match_when_the_list_has_one(signer: SoftwareSigner) -> None:
    token = sign_status_list_token(_list(), signer, uri=URI, iat=NOW, iss="https://a.example")
    verified = verify_status_list_token(token, key_resolver=_resolver(signer), now=NOW)
    with pytest.raises(StatusListMismatchError):
        check_status(verified, StatusReference(3, URI), referenced_iss="https://b.example")


def test_index_out_of_range_is_refused(signer: SoftwareSigner) -> None:
    token = sign_status_list_token(_list(), signer, uri=URI, iat=NOW)
    verified = verify_status_list_token(token, key_resolver=_resolver(signer), now=NOW)
    with pytest.raises(StatusRangeError):
        check_status(verified, StatusReference(1024, URI))


@pytest.mark.parametrize("missing", ["sub", "iat", "status_list"])
def test_required_claims(signer: SoftwareSigner, missing: str) -> None:
    claims: dict[str, Any] = {
        "sub": URI,
        "iat": NOW,
        "status_list": {"bits": 1, "lst": "eNrbuRgAAhcBXQ"},
    }
    del claims[missing]
    token = sign_jwt({"typ": TYP, "kid": signer.kid}, claims, signer)
    with pytest.raises(MalformedError):
        verify_status_list_token(token, key_resolver=_resolver(signer), now=NOW)


@pytest.mark.parametrize("ttl", [0, -5, "60", True])
def test_ttl_must_be_a_positive_number(signer: SoftwareSigner, ttl: object) -> None:
    claims = {
        "sub": URI,
        "iat": NOW,
        "ttl": ttl,
        "status_list": {"bits": 1, "lst": "eNrbuRgAAhcBXQ"},
    }
    token = sign_jwt({"typ": TYP, "kid": signer.kid}, claims, signer)
    with pytest.raises(MalformedError, match="ttl"):
        verify_status_list_token(token, key_resolver=_resolver(signer), now=NOW)


def test_expired_list_is_refused(signer: SoftwareSigner) -> None:
    token = sign_status_list_token(_list(), signer, uri=URI, iat=NOW, exp=NOW + 60)
    with pytest.raises(ExpiredError):
        verify_status_list_token(token, key_resolver=_resolver(signer), now=NOW + 3600)


def test_other_key_is_refused(signer: SoftwareSigner) -> None:
    token = sign_status_list_token(_list(), signer, uri=URI, iat=NOW)
    other = generate_private_key("P-256").public_key()
    with pytest.raises(SignatureError):
        verify_status_list_token(token, key_resolver=lambda _h: other, now=NOW)


def test_draft_example_token_decodes() -> None:
    """The draft's compact example; its ES256 key is not published, so only the payload."""
    payload = {"bits": 1, "lst": "eNrbuRgAAhcBXQ"}
    statuses = decode_status_list(payload)
    assert [statuses.get(i) for i in range(16)] == [1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1]


@pytest.mark.parametrize("bits", [0, 3, 16, "1", True, None])
def test_bits_must_be_1_2_4_or_8(bits: object) -> None:
    with pytest.raises(MalformedError):
        decode_status_list({"bits": bits, "lst": "eNrbuRgAAhcBXQ"})


def test_zip_bomb_is_refused() -> None:
    bomb = mf.b64url_encode(zlib.compress(bytes(64 * 1024 * 1024), 9))
    assert len(bomb) < 100_000
    with pytest.raises(DecompressionLimitError):
        decode_status_list({"bits": 1, "lst": bomb}, max_bytes=1024 * 1024)


def test_truncated_and_trailing_data_are_malformed() -> None:
    good = zlib.compress(b"\x01" * 100)
    for data in (good[:-3], good + b"junk"):
        with pytest.raises(MalformedError):
            decode_status_list({"bits": 1, "lst": mf.b64url_encode(data)})


@pytest.mark.parametrize(
    "status",
    [
        None,
        {},
        {"status_list": {"idx": -1, "uri": URI}},
        {"status_list": {"idx": 1.5, "uri": URI}},
        {"status_list": {"idx": True, "uri": URI}},
        {"status_list": {"idx": 1}},
        {"status_list": {"idx": 1, "uri": 7}},
    ],
)
def test_malformed_references(status: object) -> None:
    with pytest.raises(MalformedError):
        parse_status_reference({"status": status})


def test_reference_round_trip() -> None:
    reference = StatusReference(idx=42, uri=URI)
    assert parse_status_reference({"status": reference.to_claim()}) == reference


def test_errors_are_library_errors() -> None:
    assert issubclass(StatusListMismatchError, CredentialError)
    assert issubclass(StatusRangeError, CredentialError)
