"""IETF Token Status List (draft-ietf-oauth-status-list-20), JSON/JWT encoding.

- §4.1 Status List: ``bits`` ∈ {1, 2, 4, 8}; index 0 in the least significant bits of byte
  0; the byte array is compressed with DEFLATE in the ZLIB format (RFC 1950), at the highest
  level (RECOMMENDED; level 9 here reproduces the draft's test vectors byte for byte with
  zlib 1.2.x).
- §4.2 ``status_list`` JSON object: ``bits``, ``lst`` (base64url, no padding), optional
  ``aggregation_uri``.
- §5.1 Status List Token in JWT format: header ``typ`` MUST be ``statuslist+jwt``; claims
  ``sub`` (REQUIRED, equal to the Referenced Token's ``status_list.uri``), ``iat``
  (REQUIRED), ``exp`` (RECOMMENDED), ``ttl`` (RECOMMENDED, a positive number of seconds)
  and ``status_list`` (REQUIRED).
- §6.2 Referenced Token ``status.status_list``: ``idx`` "MUST be a non-negative number,
  containing a value of zero or greater"; ``uri`` a URI.
- §7 Status Types: 0x00 VALID, 0x01 INVALID, 0x02 SUSPENDED.
- §8.3 Validation: the list's ``sub`` equals the referenced ``uri``; "If the provided index is
  out of bounds of the Status List, no statement about the status of the Referenced Token can
  be made and the Referenced Token MUST be rejected".
"""

from __future__ import annotations

import enum
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from credentials import multiformats as mf
from credentials.errors import MalformedError, StatusError
from credentials.jose import JosePolicy, KeyResolver, sign_jwt, verify_jwt
from credentials.keys import Signer
from credentials.net.decompress import inflate
from credentials.status_list.bits import MAX_LIST_BYTES, StatusBits, check_width

TYP: Final = "statuslist+jwt"
MEDIA_TYPE: Final = "application/statuslist+jwt"

#: Largest ``lst`` text accepted before decoding (the JOSE policy caps the whole token too).
MAX_LST_CHARS: Final = 4 * 1024 * 1024


class TokenStatus(enum.IntEnum):
    """Status Type values (§7.1); other values are application-specific."""

    VALID = 0x00
    INVALID = 0x01
    SUSPENDED = 0x02


class StatusListMismatchError(StatusError):
    """The Status List Token's ``sub`` (or ``iss``) differs from the Referenced Token's."""

    code = "status_list_mismatch"


def new_status_list(size: int, bits: int = 1) -> StatusBits:
    """An all-VALID list in the IETF bit order."""
    return StatusBits(size, bits, order="lsb")


def encode_status_list(
    statuses: StatusBits, *, aggregation_uri: str | None = None
) -> dict[str, Any]:
    """The §4.2 ``status_list`` object: ``{"bits", "lst"[, "aggregation_uri"]}``."""
    if statuses.order != "lsb":
        raise ValueError("a Token Status List is packed least significant bit first")
    lst = mf.b64url_encode(zlib.compress(statuses.to_bytes(), 9))
    encoded: dict[str, Any] = {"bits": statuses.bits, "lst": lst}
    if aggregation_uri is not None:
        encoded["aggregation_uri"] = aggregation_uri
    return encoded


def decode_status_list(status_list: object, *, max_bytes: int = MAX_LIST_BYTES) -> StatusBits:
    """Decode a §4.2 ``status_list`` object, inflating at most ``max_bytes`` bytes."""
    if not isinstance(status_list, Mapping):
        raise MalformedError("status_list must be a JSON object")
    bits = check_width(status_list.get("bits"))
    lst = status_list.get("lst")
    if not isinstance(lst, str) or not lst:
        raise MalformedError("status_list.lst must be a non-empty base64url string")
    if len(lst) > MAX_LST_CHARS:
        raise MalformedError("status_list.lst is too long")
    aggregation_uri = status_list.get("aggregation_uri")
    if aggregation_uri is not None and not isinstance(aggregation_uri, str):
        raise MalformedError("status_list.aggregation_uri must be a string")
    raw = inflate(mf.b64url_decode(lst), container="zlib", max_output=max_bytes)
    return StatusBits.from_bytes(raw, bits, order="lsb")


@dataclass(frozen=True, slots=True)
class StatusReference:
    """A Referenced Token's ``status.status_list`` (§6.2)."""

    idx: int
    uri: str

    def to_claim(self) -> dict[str, Any]:
        """The ``status`` claim to put in the Referenced Token."""
        return {"status_list": {"idx": self.idx, "uri": self.uri}}


def parse_status_reference(claims: Mapping[str, Any]) -> StatusReference:
    """Read ``status.status_list.{idx, uri}`` from a Referenced Token's claims."""
    status = claims.get("status")
    if not isinstance(status, Mapping):
        raise MalformedError("the status claim must be a JSON object")
    reference = status.get("status_list")
    if not isinstance(reference, Mapping):
        raise MalformedError("status.status_list must be a JSON object")
    idx = reference.get("idx")
    uri = reference.get("uri")
    if isinstance(idx, bool) or not isinstance(idx, int) or idx < 0:
        raise MalformedError("status.status_list.idx must be a non-negative integer")
    if not isinstance(uri, str) or not uri:
        raise MalformedError("status.status_list.uri must be a non-empty string")
    return StatusReference(idx=idx, uri=uri)


@dataclass(frozen=True, slots=True)
class StatusListToken:
    """A verified Status List Token: its claims and the decoded list."""

    sub: str
    iat: int | float
    exp: int | float | None
    ttl: int | float | None
    iss: str | None
    statuses: StatusBits
    aggregation_uri: str | None
    claims: dict[str, Any]


def sign_status_list_token(
    statuses: StatusBits,
    signer: Signer,
    *,
    uri: str,
    iat: int,
    exp: int | None = None,
    ttl: int | None = None,
    iss: str | None = None,
    aggregation_uri: str | None = None,
    header: Mapping[str, Any] | None = None,
) -> str:
    """Sign a §5.1 Status List Token for the list published at ``uri`` (its ``sub``)."""
    if ttl is not None and ttl <= 0:
        raise ValueError("ttl must be positive")
    claims: dict[str, Any] = {"sub": uri, "iat": iat}
    if iss is not None:
        claims["iss"] = iss
    if exp is not None:
        claims["exp"] = exp
    if ttl is not None:
        claims["ttl"] = ttl
    claims["status_list"] = encode_status_list(statuses, aggregation_uri=aggregation_uri)
    protected = {"typ": TYP, "kid": signer.kid, **(header or {})}
    return sign_jwt(protected, claims, signer)


def verify_status_list_token(
    token: str,
    *,
    key_resolver: KeyResolver,
    now: float,
    policy: JosePolicy | None = None,
    leeway: float = 60,
    max_bytes: int = MAX_LIST_BYTES,
) -> StatusListToken:
    """Verify signature, ``typ``, time claims and shape; decode the list (bounded)."""
    _, claims = verify_jwt(
        token,
        policy=policy or JosePolicy(),
        typ=[TYP],
        key_resolver=key_resolver,
        now=now,
        leeway=leeway,
        require=("sub", "iat", "status_list"),
    )
    sub = claims["sub"]
    if not isinstance(sub, str) or not sub:
        raise MalformedError("sub must be the Status List's URI")
    ttl = claims.get("ttl")
    if ttl is not None and (isinstance(ttl, bool) or not isinstance(ttl, int | float) or ttl <= 0):
        raise MalformedError("ttl must be a positive number")
    iss = claims.get("iss")
    if iss is not None and not isinstance(iss, str):
        raise MalformedError("iss must be a string")
    statuses = decode_status_list(claims["status_list"], max_bytes=max_bytes)
    return StatusListToken(
        sub=sub,
        iat=claims["iat"],
        exp=claims.get("exp"),
        ttl=ttl,
        iss=iss,
        statuses=statuses,
        aggregation_uri=claims["status_list"].get("aggregation_uri"),
        claims=claims,
    )


def check_status(
    status_list: StatusListToken,
    reference: StatusReference,
    *,
    referenced_iss: str | None = None,
) -> int:
    """The status value of ``reference`` in a verified list (§8.3).

    ``sub`` must equal the reference's ``uri`` (simple string comparison); when the list
    carries ``iss``, the Referenced Token's ``iss`` must be present and equal (§6.2). An
    out-of-range index raises :class:`~credentials.status_list.bits.StatusRangeError`.
    """
    if status_list.sub != reference.uri:
        raise StatusListMismatchError(
            f"status list sub {status_list.sub!r} is not the referenced uri {reference.uri!r}"
        )
    if status_list.iss is not None and referenced_iss != status_list.iss:
        raise StatusListMismatchError("the Referenced Token's iss differs from the list's iss")
    return status_list.statuses.get(reference.idx)
