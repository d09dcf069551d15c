"""Field rules for registry entries: DID, SIREN, country, thumbprints, credential types."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Final, Literal, TypeAlias, cast, get_args

from trust_registry.errors import InvalidEntryError
from trust_registry.timestamps import utc

TypeKind: TypeAlias = Literal["vct", "vc_type", "gaiax_type"]
EntityStatus: TypeAlias = Literal["active", "suspended", "cancelled"]

#: W3C DID Core §3.1 syntax (method name, method-specific id), without path/query/fragment.
_DID: Final = re.compile(r"did:[a-z0-9]+:(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2}|:)*[A-Za-z0-9._%-]")
_COUNTRY: Final = re.compile(r"[A-Z]{2}")
_HEX_SHA256: Final = re.compile(r"[0-9a-f]{64}")
_B64URL_SHA256: Final = re.compile(r"[A-Za-z0-9_-]{43}")
#: La Poste's SIREN, the documented exception to the Luhn rule.
_LA_POSTE: Final = "356000000"
MAX_TEXT: Final = 512


def check_did(did: str) -> str:
    if not isinstance(did, str) or len(did) > MAX_TEXT or not _DID.fullmatch(did):
        raise InvalidEntryError(f"not a DID: {str(did)[:80]!r}")
    return did


def _luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def check_siren(siren: str | None) -> str | None:
    """A SIREN is 9 digits passing the Luhn check (INSEE), La Poste excepted."""
    if siren is None:
        return None
    if not isinstance(siren, str) or not re.fullmatch(r"[0-9]{9}", siren):
        raise InvalidEntryError("a SIREN is 9 digits")
    if siren != _LA_POSTE and not _luhn_ok(siren):
        raise InvalidEntryError("SIREN fails its check digit")
    return siren


def check_country(country: str) -> str:
    """ISO 3166-1 alpha-2, upper case."""
    if not isinstance(country, str) or not _COUNTRY.fullmatch(country):
        raise InvalidEntryError("country must be an ISO 3166-1 alpha-2 code")
    return country


def check_text(value: str, field: str, *, required: bool = True) -> str:
    if not isinstance(value, str) or len(value) > MAX_TEXT or (required and not value.strip()):
        raise InvalidEntryError(f"{field} must be a non-empty string of at most {MAX_TEXT}")
    return value.strip()


def check_x509_thumbprints(values: Iterable[str]) -> list[str]:
    """SHA-256 certificate thumbprints as hex; colons and case are normalised away."""
    out: list[str] = []
    for value in values:
        normal = str(value).replace(":", "").lower()
        if not _HEX_SHA256.fullmatch(normal):
            raise InvalidEntryError("an X.509 thumbprint is a SHA-256 digest in hex")
        if normal not in out:
            out.append(normal)
    return out


def check_jwk_thumbprints(values: Iterable[str]) -> list[str]:
    """RFC 7638 SHA-256 JWK thumbprints, base64url without padding."""
    out: list[str] = []
    for value in values:
        if not isinstance(value, str) or not _B64URL_SHA256.fullmatch(value):
            raise InvalidEntryError("a JWK thumbprint is a base64url SHA-256 digest")
        if value not in out:
            out.append(value)
    return out


def check_kind(kind: str) -> TypeKind:
    if kind not in get_args(TypeKind):
        raise InvalidEntryError(f"credential type kind must be one of {get_args(TypeKind)}")
    return cast(TypeKind, kind)


def check_status(status: str) -> EntityStatus:
    if status not in get_args(EntityStatus):
        raise InvalidEntryError(f"status must be one of {get_args(EntityStatus)}")
    return cast(EntityStatus, status)


def check_window(valid_from: datetime, valid_until: datetime | None) -> None:
    if valid_until is not None and utc(valid_until) <= utc(valid_from):
        raise InvalidEntryError("valid_until must be after valid_from")
