"""W3C Bitstring Status List v1.0: encoding, documents and the §3.2 validate algorithm."""

from __future__ import annotations

import gzip
from typing import Any

import pytest

from credentials import multiformats as mf
from credentials.errors import DataModelError, MalformedError
from credentials.net.decompress import DecompressionLimitError
from credentials.status_list.bits import StatusRangeError
from credentials.status_list.bitstring import (
    MIN_ENTRIES,
    StatusListLengthError,
    StatusMessage,
    StatusVerificationError,
    build_status_entry,
    build_status_list_credential,
    check_entry,
    decode_list,
    encode_list,
    new_bitstring,
)

LIST_URL = "https://issuer.example/status/3"


def _credential(
    purpose: Any = "revocation", status_size: int = 1, revoked: int = 94567
) -> dict[str, Any]:
    statuses = new_bitstring(MIN_ENTRIES, status_size)
    statuses.set(revoked, (1 << status_size) - 1)
    return build_status_list_credential(
        statuses,
        credential_id=LIST_URL,
        issuer="did:web:issuer.example",
        purpose=purpose,
        valid_from="2025-01-01T00:00:00Z",
        ttl_ms=300_000,
    )


def test_credential_shape() -> None:
    credential = _credential()
    assert credential["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert credential["@context"] == ["https://www.w3.org/ns/credentials/v2"]
    subject = credential["credentialSubject"]
    assert subject["type"] == "BitstringStatusList"
    assert subject["statusPurpose"] == "revocation"
    assert subject["ttl"] == 300_000
    assert subject["encodedList"].startswith("u")
    raw = gzip.decompress(mf.b64url_decode(subject["encodedList"][1:]))
    assert len(raw) == 16 * 1024
    assert raw[94567 // 8] == 0x80 >> (94567 % 8)


def test_entry_shape() -> None:
    entry = build_status_entry(status_list_credential=LIST_URL, index=94567, purpose="revocation")
    assert entry == {
        "id": f"{LIST_URL}#94567",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "94567",
        "statusListCredential": LIST_URL,
    }


@pytest.mark.parametrize("purpose", ["revocation", "suspension"])
def test_check_entry_set_and_unset(purpose: str) -> None:
    credential = _credential(purpose)
    revoked = build_status_entry(status_list_credential=LIST_URL, index=94567, purpose=purpose)  # type: ignore[arg-type]
    fine = build_status_entry(status_list_credential=LIST_URL, index=94566, purpose=purpose)  # type: ignore[arg-type]
    assert check_entry(credential, revoked).valid is False
    result = check_entry(credential, fine)
    assert result.valid is True
    assert result.status == 0
    assert result.purpose == purpose


def test_message_purpose_with_status_messages() -> None:
    messages = [
        StatusMessage(0, "pending"),
        StatusMessage(1, "accepted"),
        StatusMessage(2, "rejected"),
        StatusMessage(3, "undefined"),
    ]
    credential = _credential("message", status_size=2, revoked=10)
    entry = build_status_entry(
        status_list_credential=LIST_URL,
        index=10,
        purpose="message",
        status_size=2,
        status_messages=messages,
    )
    assert entry["statusSize"] == 2
    assert entry["statusMessage"][3] == {
        "status": "0x3",
        "message": "undefined",
    }
    result = check_entry(credential, entry, minimum_entries=MIN_ENTRIES)
    assert result.status == 3
    assert result.message == "undefined"
    assert not result.valid


def test_multi_purpose_list() -> None:
    credential = _credential(["revocation", "suspension"])
    entry = build_status_entry(status_list_credential=LIST_URL, index=94567, purpose="suspension")
    assert check_entry(credential, entry).valid is False


def test_purpose_mismatch_is_status_verification_error() -> None:
    entry = build_status_entry(status_list_credential=LIST_URL, index=1, purpose="suspension")
    with pytest.raises(StatusVerificationError):
        check_entry(_credential("revocation"), entry)


def test_list_credential_for_another_url_is_refused() -> None:
    entry = build_status_entry(status_list_credential=LIST_URL + "x", index=1, purpose="revocation")
    with pytest.raises(StatusVerificationError):
        check_entry(_credential(), entry)


def test_not_a_status_list_credential() -> None:
    credential = _credential()
    credential["type"] = ["VerifiableCredential"]
    entry = build_status_entry(status_list_credential=LIST_URL, index=1, purpose="revocation")
    with pytest.raises(StatusVerificationError):
        check_entry(credential, entry)


def test_index_out_of_range_is_range_error() -> None:
    entry = build_status_entry(
        status_list_credential=LIST_URL, index=MIN_ENTRIES, purpose="revocation"
    )
    with pytest.raises(StatusRangeError):
        check_entry(_credential(), entry)


def test_short_bitstring_is_status_list_length_error() -> None:
    short = "u" + mf.b64url_encode(gzip.compress(bytes(16 * 1024 - 1)))
    with pytest.raises(StatusListLengthError):
        decode_list(short)
    # statusSize 2 halves the entries: 16 KB is then too short (entries = bits / statusSize).
    exact = "u" + mf.b64url_encode(gzip.compress(bytes(16 * 1024)))
    assert len(decode_list(exact)) == MIN_ENTRIES
    with pytest.raises(StatusListLengthError):
        decode_list(exact, 2)


def test_encoding_refuses_short_lists() -> None:
    with pytest.raises(ValueError):
        new_bitstring(MIN_ENTRIES - 8)


def test_zip_bomb_is_refused() -> None:
    bomb = "u" + mf.b64url_encode(gzip.compress(bytes(64 * 1024 * 1024), compresslevel=9))
    with pytest.raises(DecompressionLimitError):
        decode_list(bomb, max_bytes=1024 * 1024)


@pytest.mark.parametrize(
    "encoded", [None, 42, "", "zabc", "u!!!", "u" + mf.b64url_encode(b"not gzip")]
)
def test_malformed_encoded_list(encoded: object) -> None:
    with pytest.raises(MalformedError):
        decode_list(encoded)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("type", "StatusList2021Entry"),
        ("statusPurpose", 7),
        ("statusListIndex", 94567),
        ("statusListIndex", "-1"),
        ("statusListIndex", "0x10"),
        ("statusListIndex", " 1"),
        ("statusListCredential", None),
        ("statusSize", 0),
        ("statusSize", "1"),
    ],
)
def test_entry_data_model_musts(field: str, value: object) -> None:
    entry: dict[str, Any] = build_status_entry(
        status_list_credential=LIST_URL, index=1, purpose="revocation"
    )
    entry[field] = value
    with pytest.raises((DataModelError, MalformedError)):
        check_entry(_credential(), entry)


def test_status_size_above_one_needs_status_message() -> None:
    entry = build_status_entry(status_list_credential=LIST_URL, index=1, purpose="revocation")
    entry["statusSize"] = 2
    with pytest.raises(DataModelError, match="statusMessage"):
        check_entry(_credential(status_size=2), entry)
    entry["statusMessage"] = [{"status": "0x0", "message": "ok"}, {"status": "0x1", "message": "x"}]
    with pytest.raises(DataModelError, match="4 elements"):
        check_entry(_credential(status_size=2), entry)


def test_builders_refuse_bad_input() -> None:
    with pytest.raises(ValueError):
        build_status_entry(status_list_credential=LIST_URL, index=-1, purpose="revocation")
    with pytest.raises(ValueError):
        build_status_entry(
            status_list_credential=LIST_URL, index=1, purpose="message", status_size=2
        )
    with pytest.raises(ValueError):
        build_status_list_credential(
            new_bitstring(),
            credential_id=LIST_URL,
            issuer="did:x:y",
            purpose="bogus",  # type: ignore[arg-type]
        )


def test_encode_decode_round_trip() -> None:
    statuses = new_bitstring(MIN_ENTRIES * 2, 4)
    statuses.set(7, 9)
    assert decode_list(encode_list(statuses), 4) == statuses
