"""W3C Bitstring Status List v1.0 (Recommendation, 15 May 2025).

https://www.w3.org/TR/vc-bitstring-status-list/

- §2.1 ``BitstringStatusListEntry``: ``statusPurpose``; ``statusListIndex`` "MUST be an
  arbitrary size integer greater than or equal to 0, expressed as a string in base 10";
  ``statusListCredential`` (URL); ``statusSize`` ("If present, ... MUST be an integer greater
  than zero"; processed as 1 when absent); ``statusMessage`` ("MUST be present if statusSize
  is greater than 1", an array of ``2^statusSize`` ``{status, message}`` objects).
- §2.2 ``BitstringStatusListCredential``: ``credentialSubject`` of type
  ``BitstringStatusList`` with ``statusPurpose``, ``encodedList`` and optional ``ttl``
  (milliseconds).
- §3.3 Bitstring Generation: "The uncompressed bitstring MUST be at least 16KB in size"; GZIP
  (RFC 1952) then Multibase base64url without padding (prefix ``u``); index 0 is "the
  left-most bit", i.e. the most significant bit of byte 0.
- §3.2 validation: purpose match else ``STATUS_VERIFICATION_ERROR``; "If the length of the
  revocation bitstring divided by statusSize is less than minimumNumberOfEntries, raise a
  STATUS_LIST_LENGTH_ERROR" (131,072 unless an ecosystem sets another bound); an index
  outside the bitstring is a ``RANGE_ERROR``.

This package supports ``statusSize`` 1, 2, 4 and 8 (whole fractions of a byte; §1.3 lets a
conforming processor "choose to only support bitstring entry sizes of 1"). The status
list credential's proof is verified by the caller before :func:`check_entry` sees it.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal, get_args

from credentials import multiformats as mf
from credentials.errors import DataModelError, MalformedError, StatusError
from credentials.net.decompress import inflate
from credentials.status_list.bits import MAX_LIST_BYTES, StatusBits, check_width

VCDM_V2_CONTEXT: Final = "https://www.w3.org/ns/credentials/v2"
ENTRY_TYPE: Final = "BitstringStatusListEntry"
CREDENTIAL_TYPE: Final = "BitstringStatusListCredential"
SUBJECT_TYPE: Final = "BitstringStatusList"

StatusPurpose = Literal["revocation", "suspension", "refresh", "message"]
STATUS_PURPOSES: Final[frozenset[str]] = frozenset(get_args(StatusPurpose))

#: §3.2: the default ``minimumNumberOfEntries`` (16 KB of 1-bit entries).
MIN_ENTRIES: Final = 131_072
MAX_ENCODED_CHARS: Final = 4 * 1024 * 1024
_INDEX_PATTERN: Final = re.compile(r"^(0|[1-9][0-9]{0,17})$")


class StatusListLengthError(StatusError):
    """§3.5 ``STATUS_LIST_LENGTH_ERROR``: the list is too short for herd privacy."""

    code = "status_list_length"


class StatusVerificationError(StatusError):
    """§3.5 ``STATUS_VERIFICATION_ERROR``: the entry does not fit the list it names."""

    code = "status_verification"


@dataclass(frozen=True, slots=True)
class StatusMessage:
    """One ``statusMessage`` element: a status value and its (debugging) message."""

    status: int
    message: str

    def to_json(self) -> dict[str, str]:
        return {"status": f"0x{self.status:x}", "message": self.message}


@dataclass(frozen=True, slots=True)
class BitstringStatus:
    """The §3.2 result: ``status`` value, ``valid`` (status is 0) and the message if any."""

    purpose: str
    status: int
    valid: bool
    message: str | None = None


def new_bitstring(size: int = MIN_ENTRIES, status_size: int = 1) -> StatusBits:
    """An all-zero list in the W3C bit order (at least the 131,072-entry minimum)."""
    if size < MIN_ENTRIES:
        raise ValueError(f"a Bitstring Status List holds at least {MIN_ENTRIES} entries")
    return StatusBits(size, status_size, order="msb")


def encode_list(statuses: StatusBits) -> str:
    """``encodedList``: GZIP, then multibase base64url (``u`` prefix, no padding)."""
    if statuses.order != "msb":
        raise ValueError("a Bitstring Status List is packed most significant bit first")
    if len(statuses.to_bytes()) < 16 * 1024:
        raise ValueError("the uncompressed bitstring MUST be at least 16KB (§3.3)")
    return "u" + mf.b64url_encode(gzip.compress(statuses.to_bytes(), compresslevel=9, mtime=0))


def decode_list(
    encoded_list: object,
    status_size: int = 1,
    *,
    minimum_entries: int = MIN_ENTRIES,
    max_bytes: int = MAX_LIST_BYTES,
) -> StatusBits:
    """Expand ``encodedList`` (§3.4), refusing lists shorter than ``minimum_entries``.

    Decompression stops at ``max_bytes`` of output (a GZIP bomb is refused, not inflated).
    """
    width = check_width(status_size)
    if not isinstance(encoded_list, str) or not encoded_list.startswith("u"):
        raise MalformedError("encodedList must be a multibase base64url string ('u' prefix)")
    if len(encoded_list) > MAX_ENCODED_CHARS:
        raise MalformedError("encodedList is too long")
    compressed = mf.b64url_decode(encoded_list[1:])
    raw = inflate(compressed, container="gzip", max_output=max_bytes)
    entries = len(raw) * 8 // width
    if entries < minimum_entries:
        raise StatusListLengthError(
            f"the list holds {entries} entries, fewer than the minimum {minimum_entries}"
        )
    return StatusBits.from_bytes(raw, width, order="msb")


def build_status_list_credential(
    statuses: StatusBits,
    *,
    credential_id: str,
    issuer: str | Mapping[str, Any],
    purpose: StatusPurpose | Sequence[StatusPurpose],
    valid_from: str | None = None,
    valid_until: str | None = None,
    ttl_ms: int | None = None,
) -> dict[str, Any]:
    """An unsecured §2.2 ``BitstringStatusListCredential`` (VCDM 2.0) to sign and publish."""
    purposes = [purpose] if isinstance(purpose, str) else list(purpose)
    if not purposes or any(p not in STATUS_PURPOSES for p in purposes):
        raise ValueError(f"status purposes are {sorted(STATUS_PURPOSES)}")
    subject: dict[str, Any] = {
        "id": f"{credential_id}#list",
        "type": SUBJECT_TYPE,
        "statusPurpose": purposes[0] if len(purposes) == 1 else purposes,
        "encodedList": encode_list(statuses),
    }
    if ttl_ms is not None:
        if ttl_ms <= 0:
            raise ValueError("ttl must be a positive number of milliseconds")
        subject["ttl"] = ttl_ms
    credential: dict[str, Any] = {
        "@context": [VCDM_V2_CONTEXT],
        "id": credential_id,
        "type": ["VerifiableCredential", CREDENTIAL_TYPE],
        "issuer": issuer if isinstance(issuer, str) else dict(issuer),
    }
    if valid_from is not None:
        credential["validFrom"] = valid_from
    if valid_until is not None:
        credential["validUntil"] = valid_until
    credential["credentialSubject"] = subject
    return credential


def build_status_entry(
    *,
    status_list_credential: str,
    index: int,
    purpose: StatusPurpose,
    status_size: int = 1,
    status_messages: Sequence[StatusMessage] | None = None,
    entry_id: str | None = None,
) -> dict[str, Any]:
    """A §2.1 ``BitstringStatusListEntry`` for a credential's ``credentialStatus``."""
    if purpose not in STATUS_PURPOSES:
        raise ValueError(f"status purposes are {sorted(STATUS_PURPOSES)}")
    width = check_width(status_size)
    if index < 0:
        raise ValueError("statusListIndex must be non-negative")
    entry: dict[str, Any] = {
        "id": entry_id or f"{status_list_credential}#{index}",
        "type": ENTRY_TYPE,
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": status_list_credential,
    }
    if entry["id"] == status_list_credential:
        raise ValueError("the entry id MUST NOT be the URL of the status list")
    if width > 1 or purpose == "message":
        entry["statusSize"] = width
    if status_messages is not None or width > 1 or purpose == "message":
        messages = list(status_messages or ())
        if sorted(m.status for m in messages) != list(range(1 << width)):
            raise ValueError(f"statusMessage needs one entry per value 0..{(1 << width) - 1}")
        entry["statusMessage"] = [m.to_json() for m in messages]
    return entry


def _parse_messages(entry: Mapping[str, Any], width: int) -> dict[int, str] | None:
    raw = entry.get("statusMessage")
    if raw is None:
        if width > 1 or entry.get("statusPurpose") == "message":
            raise DataModelError("statusMessage MUST be present when statusSize > 1")
        return None
    if not isinstance(raw, list) or len(raw) != 1 << width:
        raise DataModelError(f"statusMessage MUST be an array of {1 << width} elements")
    messages: dict[int, str] = {}
    for item in raw:
        if not isinstance(item, Mapping):
            raise DataModelError("each statusMessage element must be an object")
        status, message = item.get("status"), item.get("message")
        if not isinstance(status, str) or not re.fullmatch(r"0x[0-9a-fA-F]{1,2}", status):
            raise DataModelError("statusMessage status must be a hexadecimal string")
        if not isinstance(message, str):
            raise DataModelError("statusMessage message must be a string")
        messages[int(status, 16)] = message
    if set(messages) != set(range(1 << width)):
        raise DataModelError("statusMessage must give each possible status value once")
    return messages


def _types(value: object) -> list[Any]:
    return value if isinstance(value, list) else [value]


def check_entry(
    status_list_credential: Mapping[str, Any],
    entry: Mapping[str, Any],
    *,
    minimum_entries: int = MIN_ENTRIES,
    max_bytes: int = MAX_LIST_BYTES,
    decode: Callable[[object, int], StatusBits] | None = None,
) -> BitstringStatus:
    """Run §3.2 on a ``credentialStatus`` entry against its (verified) list credential.

    ``decode(encodedList, statusSize)`` expands the list; a caller that checks many
    entries against one list passes a decoder that keeps the result (by default each call
    runs :func:`decode_list` with ``minimum_entries`` and ``max_bytes``).
    """
    if not isinstance(entry, Mapping) or not isinstance(status_list_credential, Mapping):
        raise MalformedError("entry and status list credential must be JSON objects")
    if entry.get("type") != ENTRY_TYPE:
        raise DataModelError(f"credentialStatus type must be {ENTRY_TYPE}")
    purpose = entry.get("statusPurpose")
    if not isinstance(purpose, str):
        raise DataModelError("statusPurpose MUST be a string")
    index_text = entry.get("statusListIndex")
    if not isinstance(index_text, str) or not _INDEX_PATTERN.match(index_text):
        raise DataModelError("statusListIndex MUST be a base-10 integer string")
    url = entry.get("statusListCredential")
    if not isinstance(url, str) or not url:
        raise DataModelError("statusListCredential MUST be a URL")
    size = entry.get("statusSize", 1)
    if isinstance(size, bool) or not isinstance(size, int) or size <= 0:
        raise DataModelError("statusSize MUST be an integer greater than zero")
    width = check_width(size)
    messages = _parse_messages(entry, width)

    if CREDENTIAL_TYPE not in _types(status_list_credential.get("type")):
        raise StatusVerificationError(f"the status list credential is not a {CREDENTIAL_TYPE}")
    list_id = status_list_credential.get("id")
    if list_id is not None and list_id != url:
        raise StatusVerificationError("the status list credential's id is not the entry's URL")
    subject = status_list_credential.get("credentialSubject")
    if not isinstance(subject, Mapping) or subject.get("type") != SUBJECT_TYPE:
        raise StatusVerificationError(f"credentialSubject must be a {SUBJECT_TYPE}")
    if purpose not in _types(subject.get("statusPurpose")):
        raise StatusVerificationError(f"the list does not serve the {purpose!r} purpose")

    if decode is not None:
        statuses = decode(subject.get("encodedList"), width)
    else:
        statuses = decode_list(
            subject.get("encodedList"),
            width,
            minimum_entries=minimum_entries,
            max_bytes=max_bytes,
        )
    status = statuses.get(int(index_text))
    message = messages.get(status) if messages is not None else None
    return BitstringStatus(purpose=purpose, status=status, valid=status == 0, message=message)
